"""URLs on a reseller's host: storefront, staff accounts, back office."""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("backoffice/billing/", include("billing.reports.urls")),
    path("backoffice/", include("ticketing.backoffice.urls")),
    path("api/v1/billing/", include("billing.reports.api_urls")),
    path("", include("ticketing.orders.urls")),
    path("", include("ticketing.tickets.urls")),
    path("", include("ticketing.catalog.urls")),
]
