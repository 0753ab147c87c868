"""The reseller's plan page in its back office (tenant host, under /backoffice/billing/)."""

from django.urls import path

from billing import backoffice

app_name = "billing_backoffice"
urlpatterns = [
    path("plan/", backoffice.plan_page, name="plan"),
    path("plan/change/", backoffice.change_plan, name="change_plan"),
]
