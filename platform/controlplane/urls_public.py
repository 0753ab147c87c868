"""URLs on the platform host: the platform console (control plane)."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Ticket platform console"
admin.site.site_title = "Platform console"
admin.site.index_title = "Control plane"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("billing/", include("billing.urls")),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
