"""Billing endpoints on the platform host: the processor's webhooks (platform and Connect)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.processor.errors import ProcessorError
from billing.processor.webhooks import verified_event
from billing.webhooks import handle_event


def _receive(request: HttpRequest, secret: str) -> JsonResponse:
    try:
        event = verified_event(
            payload=request.body, signature=request.headers.get("Stripe-Signature", ""), secret=secret
        )
    except ProcessorError as error:
        return JsonResponse(
            error.as_problem(), status=error.http_status, content_type="application/problem+json"
        )
    return JsonResponse({"received": event["id"], "outcome": handle_event(event=event)})


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Events of the platform's own account: subscriptions and invoices (dunning)."""
    return _receive(request, settings.STRIPE_WEBHOOK_SECRET)


@csrf_exempt
@require_POST
def stripe_connect_webhook(request: HttpRequest) -> JsonResponse:
    """Events of resellers' connected accounts: account updates and payouts."""
    return _receive(request, settings.STRIPE_CONNECT_WEBHOOK_SECRET)
