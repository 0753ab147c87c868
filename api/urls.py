"""/api/v1/ on every reseller's host."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from api import problems
from api.v1.checkins import CheckInViewSet
from api.v1.customers import CustomerViewSet
from api.v1.events import EventViewSet, TicketTypeViewSet
from api.v1.orders import OrderViewSet, TicketViewSet
from api.v1.reports import SalesReportViewSet
from api.v1.webhooks import WebhookDeliveryApi, WebhookEndpointApi

router = SimpleRouter()
router.register("events", EventViewSet, basename="event")
router.register("ticket-types", TicketTypeViewSet, basename="ticket-type")
router.register("orders", OrderViewSet, basename="order")
router.register("tickets", TicketViewSet, basename="ticket")
router.register("checkins", CheckInViewSet, basename="checkin")
router.register("customers", CustomerViewSet, basename="customer")
router.register("reports/sales", SalesReportViewSet, basename="sales-report")
router.register("webhook-endpoints", WebhookEndpointApi, basename="webhook-endpoint")
router.register("webhook-deliveries", WebhookDeliveryApi, basename="webhook-delivery")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(urlconf="controlplane.urls_tenant"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    *router.urls,
    re_path(r"^", problems.not_found),
]
