"""Back-office URLs for branding and custom domains, included under /backoffice/."""

from django.urls import path

from branding import backoffice

app_name = "branding_backoffice"

urlpatterns = [
    path("branding/", backoffice.branding_page, name="branding"),
    path("branding/preview/", backoffice.preview, name="preview"),
    path("branding/legal/", backoffice.legal_pages_page, name="legal_pages"),
    path("branding/translations/", backoffice.translations_index, name="translations"),
    path(
        "branding/translations/events/<int:event_id>/<slug:language>/",
        backoffice.translate_event,
        name="translate_event",
    ),
    path("domains/", backoffice.domains_page, name="domains"),
    path("domains/<int:request_id>/verify/", backoffice.verify_domain, name="verify_domain"),
    path("domains/<int:request_id>/remove/", backoffice.remove_domain, name="remove_domain"),
    path("domains/main/", backoffice.make_main_domain, name="make_main_domain"),
]
