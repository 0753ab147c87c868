"""Provider webhooks on the platform host (controlplane.urls_public)."""

from django.urls import path

from ticketing.payments import views

app_name = "payment_webhooks"

urlpatterns = [
    path("stripe/", views.stripe_webhook, name="stripe"),
]
