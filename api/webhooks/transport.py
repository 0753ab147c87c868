"""One HTTP POST to a checked target, on the address that was checked (no DNS look-up here).

http.client, not a client library with redirects and proxies from the environment: a
webhook is never redirected (a 3xx counts as a failure), never sent through a proxy, and
reads at most a short excerpt of the answer.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from django.conf import settings

from api.webhooks.targets import Target

EXCERPT_BYTES = 1024


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    excerpt: str
    error: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _connect(addresses: tuple[str, ...], port: int, timeout: float | None) -> socket.socket:
    """A socket to the first checked address that answers (IPv6 and IPv4 names have several)."""
    failure: OSError | None = None
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as error:
            failure = error
    raise failure or OSError("no address to connect to")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._addresses = target.addresses

    def connect(self) -> None:
        self.sock = _connect(self._addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        # The system's trust store, or WEBHOOK_TLS_CA_FILE (a private CA; the tests' own).
        context = ssl.create_default_context(cafile=settings.WEBHOOK_TLS_CA_FILE or None)
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._addresses = target.addresses

    def connect(self) -> None:
        sock = _connect(self._addresses, self.port, self.timeout)
        # The certificate is checked against the host name, not the address connected to.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(target: Target, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    started = time.monotonic()
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_BYTES).decode("utf-8", errors="replace")
        status: int | None = response.status
        error = "" if 200 <= response.status < 300 else f"HTTP {response.status}"
    except (OSError, http.client.HTTPException) as failure:
        status, excerpt = None, ""
        error = f"{type(failure).__name__}: {failure}"[:300]
    finally:
        connection.close()
    return Answer(
        status_code=status,
        excerpt=excerpt,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
