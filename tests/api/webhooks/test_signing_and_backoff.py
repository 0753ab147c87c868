"""The signature a receiver checks with the README's snippet, and the retry schedule."""

from __future__ import annotations

import hashlib
import hmac
import random
import time

import pytest

from api.webhooks.services import retry_delay
from api.webhooks.signing import new_secret, signature


def verify_as_documented(secret: str, body: bytes, header: str, tolerance: int = 300) -> bool:
    """The verification snippet from the README, copied verbatim (it must keep working)."""
    pairs = [part.split("=", 1) for part in header.split(",")]
    timestamp = int(next(value for key, value in pairs if key == "t"))
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, value) for key, value in pairs if key == "v1")


def test_a_signature_verifies_with_the_documented_algorithm() -> None:
    secret, body, now = new_secret(), b'{"id":"evt_1","type":"order.paid"}', int(time.time())
    header = signature(secret=secret, body=body, timestamp=now)
    assert header.startswith(f"t={now},v1=")
    assert verify_as_documented(secret, body, header)


def test_another_secret_a_changed_body_or_an_old_timestamp_do_not_verify() -> None:
    secret, body, now = new_secret(), b'{"amount":1000}', int(time.time())
    header = signature(secret=secret, body=body, timestamp=now)
    assert not verify_as_documented(new_secret(), body, header)
    assert not verify_as_documented(secret, b'{"amount":1}', header)
    stale = signature(secret=secret, body=body, timestamp=now - 3600)
    assert not verify_as_documented(secret, body, stale)


def test_secrets_are_long_random_and_prefixed() -> None:
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50
    assert all(secret.startswith("whsec_") and len(secret) >= 48 for secret in secrets)


def test_retries_double_with_jitter_up_to_the_ceiling(settings) -> None:
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    settings.WEBHOOK_RETRY_MAX_SECONDS = 3600
    rng = random.Random(7)
    for attempt, nominal in [(1, 60), (2, 120), (3, 240), (4, 480), (5, 960), (6, 1920)]:
        delays = [retry_delay(attempt, rng=rng).total_seconds() for _ in range(200)]
        assert all(0.8 * nominal <= delay <= 1.2 * nominal for delay in delays)
        assert len(set(delays)) > 150  # jittered: deliveries that failed together spread out
    for attempt in (7, 12, 40):
        delays = [retry_delay(attempt, rng=rng).total_seconds() for _ in range(50)]
        assert all(0.8 * 3600 <= delay <= 3600 for delay in delays)


@pytest.mark.parametrize("attempts", [0, 1])
def test_the_first_retry_waits_about_the_base_delay(settings, attempts: int) -> None:
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    assert 8 <= retry_delay(attempts).total_seconds() <= 12
