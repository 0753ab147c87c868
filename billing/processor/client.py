"""The one Stripe client the adapters use, configured from settings.

With STRIPE_SECRET_KEY unset the client talks to the local fake (localstripe on
loopback, STRIPE_API_BASE); tests point STRIPE_API_BASE at localstripe or at a loopback
server that answers with Stripe-shaped JSON. Nothing here patches the SDK.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import stripe
from django.conf import settings

from billing.processor.errors import ProcessorError, ProcessorErrorCode

T = TypeVar("T")


def stripe_client() -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_API_KEY,
        base_addresses={"api": base} if base else None,
        max_network_retries=settings.STRIPE_NETWORK_RETRIES,
    )


@contextmanager
def processor_errors(action: str) -> Iterator[None]:
    """Turn the SDK's errors into a ProcessorError with a stable code and the processor's own code."""
    try:
        yield
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        raise ProcessorError(
            ProcessorErrorCode.UNAVAILABLE,
            f"The payment processor could not be reached to {action}; nothing was changed. Try again later.",
            http_status=503,
            extra={"processor_code": error.code or ""},
        ) from error
    except stripe.StripeError as error:
        status = error.http_status or 502
        if status >= 500:
            raise ProcessorError(
                ProcessorErrorCode.UNAVAILABLE,
                f"The payment processor failed to {action}. Try again later.",
                http_status=503,
                extra={"processor_code": error.code or ""},
            ) from error
        raise ProcessorError(
            ProcessorErrorCode.REFUSED,
            f"The payment processor refused to {action}: {error.user_message or error}",
            http_status=502,
            extra={"processor_code": error.code or ""},
        ) from error


def as_dict(obj: Any) -> dict[str, Any]:
    """A plain dict of an SDK object (or of a dict already)."""
    if isinstance(obj, stripe.StripeObject):
        return obj.to_dict()
    return dict(obj)


def call(action: str, request: Callable[[stripe.StripeClient], T]) -> T:
    with processor_errors(action):
        return request(stripe_client())
