from django.urls import path

from billing.reports import views

app_name = "billing_reports"
urlpatterns = [
    path("reports/", views.reports_page, name="list"),
    path("reports/<int:report_id>/download/", views.download, name="download"),
]
