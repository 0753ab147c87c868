"""Payout pages in the reseller's back office (tenant host, under /backoffice/billing/)."""

from django.urls import path

from billing.payouts import views

app_name = "payouts"
urlpatterns = [
    path("payouts/", views.payouts_page, name="page"),
    path("payouts/connect/", views.connect_account, name="connect"),
    path("payouts/onboarding/return/", views.onboarding_return, name="onboarding_return"),
    path("payouts/onboarding/refresh/", views.onboarding_refresh, name="onboarding_refresh"),
    path("payouts/schedule/", views.set_schedule, name="schedule"),
    path("payouts/<int:payout_id>/statement/", views.prepare_statement, name="prepare_statement"),
    path("payouts/statements/<int:report_id>/", views.download_statement, name="download_statement"),
]
