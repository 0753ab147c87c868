"""Back-office URLs for webhook endpoints and their deliveries, included under /backoffice/."""

from django.urls import path

from api.webhooks import backoffice

app_name = "webhooks_backoffice"

urlpatterns = [
    path("webhooks/", backoffice.endpoint_list, name="endpoint_list"),
    path("webhooks/new/", backoffice.endpoint_create, name="endpoint_create"),
    path("webhooks/<int:pk>/", backoffice.endpoint_detail, name="endpoint_detail"),
    path("webhooks/<int:pk>/edit/", backoffice.endpoint_edit, name="endpoint_edit"),
    path("webhooks/<int:pk>/switch/", backoffice.endpoint_switch, name="endpoint_switch"),
    path("webhooks/<int:pk>/test/", backoffice.endpoint_test, name="endpoint_test"),
    path("webhooks/<int:pk>/roll-secret/", backoffice.endpoint_roll_secret, name="endpoint_roll_secret"),
    path("webhooks/<int:pk>/delete/", backoffice.endpoint_delete, name="endpoint_delete"),
    path("webhooks/deliveries/<int:pk>/", backoffice.delivery_detail, name="delivery_detail"),
    path("webhooks/deliveries/<int:pk>/redeliver/", backoffice.delivery_redeliver, name="delivery_redeliver"),
]
