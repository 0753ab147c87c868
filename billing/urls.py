"""Billing URLs on the platform host: processor webhooks."""

from django.urls import path

from billing import views

app_name = "billing"
urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("stripe/connect-webhook/", views.stripe_connect_webhook, name="stripe_connect_webhook"),
]
