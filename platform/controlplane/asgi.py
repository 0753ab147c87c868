"""ASGI entry point: WebSockets (Channels) under /ws/, and HTTP for the one-process demo.

Django's TenantMainMiddleware does not run for WebSockets, so the WebSocket stack
resolves the tenant from the Host header itself (tenants.channels).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from controlplane.websocket_urls import websocket_urlpatterns  # noqa: E402
from tenants.channels import TenantWebsocketMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(TenantWebsocketMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
