from django.urls import path

from tenants.consumers import TenantPresenceConsumer

websocket_urlpatterns = [
    path("ws/presence/", TenantPresenceConsumer.as_asgi()),
]
