"""URLs on the platform host: the marketing page and sign-up, the platform console (control plane)."""

from django.contrib import admin
from django.urls import include, path

from billing import views as billing_views
from billing.reports.views import platform_overview

admin.site.site_header = "Ticket platform console"
admin.site.site_title = "Platform console"
admin.site.index_title = "Control plane"

urlpatterns = [
    path("admin/platform-report/", admin.site.admin_view(platform_overview), name="platform_report"),
    path("admin/", admin.site.urls),
    path("billing/", include("billing.urls")),
    path("api/v1/", include("api.platform_urls")),
    path("signup/", billing_views.sign_up, name="signup"),
    path("", billing_views.plans_page, name="plans"),
]
