from django.urls import path

from billing.reports import api

app_name = "billing_reports_api"
urlpatterns = [
    path("reports/", api.ReportsApi.as_view(), name="reports"),
    path("reports/<int:report_id>/download/", api.ReportDownloadApi.as_view(), name="download"),
]
