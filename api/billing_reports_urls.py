"""/api/v1/billing/: billing's report files, served through the API's door (api.v1.reports)."""

from django.urls import path

from api.v1 import reports

app_name = "billing_reports_api"
urlpatterns = [
    path("reports/", reports.BillingReportsApi.as_view(), name="reports"),
    path("reports/<int:report_id>/download/", reports.BillingReportDownloadApi.as_view(), name="download"),
]
