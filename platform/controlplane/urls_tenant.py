"""URLs on a reseller's host: storefront, staff accounts, back office."""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("backoffice/", include("ticketing.backoffice.urls")),
    path("", include("ticketing.orders.urls")),
    path("", include("ticketing.tickets.urls")),
    path("", include("ticketing.catalog.urls")),
]
