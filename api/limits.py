"""Rate limits: requests per minute per client address and per key, in the shared cache.

A fixed one-minute window counted atomically in the cache (Redis when REDIS_URL is set, so
every web process counts together, one round trip for all of a request's counts; in-process
otherwise). Over the limit the request gets 429 with Retry-After, the seconds left in the window.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from rest_framework.exceptions import Throttled

from core.cache import incr_counters

WINDOW_SECONDS = 60


def client_address(request: HttpRequest) -> str:
    """The caller's address: behind the TLS proxy, the one it appended to X-Forwarded-For."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def enforce(buckets: Mapping[str, int], *, now: float | None = None) -> None:
    """Count one request in each bucket (name: requests allowed per minute), in one round trip;
    refuse it (429) if any bucket is past its limit in this minute."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    keys = [f"api-rate:{bucket}:{window}" for bucket in buckets]
    counts = incr_counters(caches["default"], keys, WINDOW_SECONDS + 1)
    for count, per_minute in zip(counts, buckets.values(), strict=True):
        if count > per_minute:
            wait = WINDOW_SECONDS - (now % WINDOW_SECONDS)
            raise Throttled(wait=wait, detail=f"Rate limit of {per_minute} requests a minute reached.")
