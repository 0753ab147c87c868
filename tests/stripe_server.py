"""Stripe stand-ins on loopback for the test suite: localstripe, and a Stripe-shaped stub.

- ``localstripe_url`` (session): a localstripe server on 127.0.0.1, started from Python
  (controlplane.local_stripe) with its state in this run's temporary folder. ``localstripe``
  points the settings (STRIPE_API_BASE) at it for one test.
- ``stripe_stub``: for what localstripe does not serve (Connect, Prices, trials, proration,
  modern events), a loopback HTTP server answering with Stripe-shaped JSON that each test
  registers, written from Stripe's API reference. It records every request (form params
  decoded to nested dicts, headers such as Stripe-Account and Idempotency-Key) and replays
  the first answer for a repeated Idempotency-Key, as Stripe does. The real stripe SDK talks
  to it over HTTP; nothing patches the SDK.

Registered for the whole suite in tests/conftest.py (``pytest_plugins``).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit
from urllib.request import Request, urlopen

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from controlplane.local_stripe import start_server


@pytest.fixture(autouse=True)
def _no_stripe_unless_asked(settings: SettingsWrapper) -> None:
    """No test reaches a Stripe by accident (nor the demo's localstripe): the discard port refuses."""
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    settings.STRIPE_NETWORK_RETRIES = 0


@pytest.fixture(scope="session")
def localstripe_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A localstripe server for this test run only (loopback, private state folder)."""
    server = start_server(data_dir=Path(tmp_path_factory.mktemp("localstripe")))
    try:
        yield server.url
    finally:
        server.stop()


def send_localstripe_webhooks(*, localstripe_url: str, to: str, secret: str, name: str = "") -> None:
    """Have localstripe sign and deliver its events to ``to`` (its own /_config API, not the SDK's)."""
    form = urlencode({"url": to, "secret": secret}).encode()
    request = Request(  # noqa: S310 - a loopback http:// URL we started
        f"{localstripe_url}/_config/webhooks/{name or f'hook-{time.monotonic_ns()}'}",
        data=form,
        headers={"Authorization": "Bearer sk_test_localstripe"},
    )
    with urlopen(request, timeout=5):  # noqa: S310
        pass


@pytest.fixture
def localstripe(localstripe_url: str, settings: SettingsWrapper) -> str:
    """The Stripe adapters talk to localstripe in this test."""
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_API_KEY = "sk_test_localstripe"
    settings.STRIPE_NETWORK_RETRIES = 0
    return localstripe_url


def form_to_nested(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (``a[b][0][c]=v``) back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node: Any = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if isinstance(node, list):
                position = int(part)
                while len(node) <= position:
                    node.append({})
                if last:
                    node[position] = value
                else:
                    if not isinstance(node[position], (dict, list)) or node[position] == {}:
                        node[position] = [] if parts[index + 1].isdigit() else {}
                    node = node[position]
            elif last:
                node[part] = value
            else:
                if part not in node:
                    node[part] = [] if parts[index + 1].isdigit() else {}
                node = node[part]
    return root


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, Any]
    params: dict[str, Any]
    headers: dict[str, str]

    @property
    def stripe_account(self) -> str | None:
        return self.headers.get("stripe-account")

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")


Responder = Callable[[RecordedRequest], tuple[int, dict[str, Any]]]


@dataclass
class StripeStub:
    """Answers registered routes with Stripe-shaped JSON; anything else gets Stripe's 404 error body."""

    url: str = ""
    routes: list[tuple[str, re.Pattern[str], Responder]] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    replays: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on(self, method: str, path: str, responder: Responder | dict[str, Any], status: int = 200) -> None:
        """Answer ``method path`` (a regex, anchored) with a function of the request, or a fixed body."""
        answer: Responder = responder if callable(responder) else (lambda _request: (status, responder))
        self.routes.insert(0, (method.upper(), re.compile(f"^{path}$"), answer))

    def calls(self, method: str, path: str) -> list[RecordedRequest]:
        pattern = re.compile(f"^{path}$")
        return [r for r in self.requests if r.method == method.upper() and pattern.match(r.path)]

    def answer(self, request: RecordedRequest) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests.append(request)
            key = request.idempotency_key
            if key and key in self.replays:
                return self.replays[key]
        for method, pattern, responder in self.routes:
            if method == request.method and pattern.match(request.path):
                status, body = responder(request)
                if key and request.method == "POST":
                    with self.lock:
                        self.replays.setdefault(key, (status, body))
                return status, body
        return 404, {
            "error": {
                "type": "invalid_request_error",
                "message": f"Unrecognized request URL ({request.method}: {request.path}).",
            }
        }


def stripe_error(
    *, status: int, type: str, code: str, message: str, **more: Any
) -> tuple[int, dict[str, Any]]:
    """An error body as Stripe's API reference shows it."""
    return status, {"error": {"type": type, "code": code, "message": message, **more}}


def _handler_for(stub: StripeStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            request = RecordedRequest(
                method=self.command,
                path=parts.path,
                query=form_to_nested(parse_qsl(parts.query, keep_blank_values=True)),
                params=form_to_nested(parse_qsl(body, keep_blank_values=True)),
                headers={name.lower(): value for name, value in self.headers.items()},
            )
            status, payload = stub.answer(request)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_stub{len(stub.requests)}")
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def stripe_stub(settings: SettingsWrapper) -> Iterator[StripeStub]:
    """A Stripe-shaped HTTP server on loopback; the adapters talk to it in this test."""
    stub = StripeStub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(stub))
    server.daemon_threads = True
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="stripe-stub", daemon=True)
    thread.start()
    settings.STRIPE_API_BASE = stub.url
    settings.STRIPE_API_KEY = "sk_test_stub"
    settings.STRIPE_NETWORK_RETRIES = 0
    settings.STRIPE_PLATFORM_ACCOUNT_ID = "acct_1PlatformTickets"
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
