"""Where a webhook may be sent: public HTTPS addresses only, checked again at every delivery.

A shop's staff choose the URL, so without a guard the platform would POST wherever they
point it: its own loopback services, the cloud's metadata address (169.254.169.254),
the private network (SSRF). Every address the name resolves to must be globally
routable, and the request then goes to those checked addresses (``Target.addresses``),
so a DNS answer that changes between the check and the connection (rebinding) cannot
slip through. ``WEBHOOK_ALLOW_PRIVATE_TARGETS`` and ``WEBHOOK_ALLOW_HTTP`` lift the rules
for tests and local demos.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from api.webhooks.errors import WebhookError, WebhookErrorCode


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query string
    addresses: tuple[str, ...]  # the checked IP addresses, tried in order


def _refuse(message: str, code: WebhookErrorCode = WebhookErrorCode.TARGET_NOT_ALLOWED) -> WebhookError:
    return WebhookError(code, message, field="url")


def check_url(url: str) -> tuple[str, str, int, str]:
    """The URL's scheme, host, port and path, if its form is acceptable (no look-up)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise _refuse(_("Enter a valid URL."), WebhookErrorCode.INVALID_URL) from None
    allowed = ("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed:
        raise _refuse(_("Webhook URLs must start with https://."), WebhookErrorCode.INVALID_URL)
    if not parts.hostname or parts.username or parts.password or parts.fragment:
        raise _refuse(
            _("Enter a URL with a host name, without a user name, password or #fragment."),
            WebhookErrorCode.INVALID_URL,
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve_target(url: str) -> Target:
    """Check a webhook URL and the addresses its host resolves to; raises WebhookError (field "url")."""
    scheme, host, port, path = check_url(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refuse(_("The host name %(host)s could not be resolved.") % {"host": host}) from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    allowed = settings.WEBHOOK_ALLOW_PRIVATE_TARGETS or all(_is_public(address) for address in addresses)
    if not addresses or not allowed:
        raise _refuse(
            _("Webhooks are only sent to public internet addresses, not to %(host)s.") % {"host": host}
        )
    unique = tuple(dict.fromkeys(str(address) for address in addresses))
    return Target(scheme=scheme, host=host, port=port, path=path, addresses=unique)
