"""/api/v1/ on the platform host: resellers, plans and domains, for platform admins."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from api import problems
from api.platform import DomainViewSet, PlanViewSet, TenantViewSet

router = SimpleRouter()
router.register("tenants", TenantViewSet, basename="tenant")
router.register("plans", PlanViewSet, basename="plan")
router.register("domains", DomainViewSet, basename="domain")

app_name = "platform_api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(urlconf="controlplane.urls_public"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="platform_api:schema"), name="docs"),
    *router.urls,
    re_path(r"^", problems.not_found),
]
