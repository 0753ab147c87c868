"""URLs on a reseller's host: storefront, staff accounts, back office."""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("backoffice/billing/", include("billing.reports.urls")),
    path("backoffice/billing/", include("billing.payouts.urls")),
    path("backoffice/billing/", include("billing.backoffice_urls")),
    path("backoffice/", include("branding.backoffice_urls")),
    path("backoffice/", include("ticketing.backoffice.urls")),
    path("backoffice/", include("api.webhooks.backoffice_urls")),
    path("api/v1/billing/", include("api.billing_reports_urls")),
    path("api/v1/", include("api.urls")),
    path("backoffice/api-keys/", include("api.backoffice_urls")),
    path("backoffice/scan/", include("ticketing.checkin.urls")),
    path("", include("ticketing.invoices.urls")),
    path("", include("ticketing.taxes.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # the language switcher posts to i18n/setlang/
    path("", include("branding.urls")),
    path("", include("ticketing.payments.urls")),
    path("", include("ticketing.orders.urls")),
    path("", include("ticketing.tickets.urls")),
    path("", include("ticketing.catalog.urls")),
]
