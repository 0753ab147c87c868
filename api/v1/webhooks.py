"""Webhook endpoints and their deliveries (api.webhooks.api) behind the API's keys, scopes and limits."""

from __future__ import annotations

from api.access import ApiDoor
from api.scopes import Scope
from api.webhooks.api import DeliveryViewSet, WebhookEndpointViewSet

_READ, _WRITE = Scope.WEBHOOKS_READ, Scope.WEBHOOKS_WRITE


class WebhookEndpointApi(ApiDoor, WebhookEndpointViewSet):
    scopes = {
        "list": _READ,
        "retrieve": _READ,
        "deliveries": _READ,
        "create": _WRITE,
        "partial_update": _WRITE,
        "destroy": _WRITE,
        "roll_secret": _WRITE,
        "test": _WRITE,
    }


class WebhookDeliveryApi(ApiDoor, DeliveryViewSet):
    scopes = {"list": _READ, "retrieve": _READ, "redeliver": _WRITE}
