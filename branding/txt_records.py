"""Reading DNS TXT records, to check that a reseller controls the hostname it asks for.

The resolver is chosen in settings (CUSTOM_DOMAIN_TXT_RESOLVER), so that tests and
special set-ups can bring their own; the default asks DNS through dnspython, either
the system's resolvers or CUSTOM_DOMAIN_DNS_NAMESERVERS (a resolver that does not
cache negative answers for long makes verification quicker after a record is added).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import dns.exception
import dns.nameserver
import dns.resolver
from django.conf import settings
from django.utils.module_loading import import_string


class TxtLookupError(Exception):
    """DNS could not answer (timeout, server failure): nothing is known, try again later."""


class TxtResolver(Protocol):
    def txt_records(self, name: str) -> list[str]:
        """The TXT strings at ``name``; [] when the name or its TXT records do not exist.

        Raises TxtLookupError when DNS cannot answer.
        """
        ...


class DnsPythonTxtResolver:
    """TXT look-ups through dnspython's stub resolver."""

    def __init__(self, *, nameservers: Sequence[str] | None = None, timeout: float | None = None) -> None:
        nameservers = settings.CUSTOM_DOMAIN_DNS_NAMESERVERS if nameservers is None else nameservers
        self._resolver = dns.resolver.Resolver(configure=not nameservers)
        if nameservers:
            self._resolver.nameservers = [_nameserver(address) for address in nameservers]
        self._resolver.lifetime = settings.CUSTOM_DOMAIN_DNS_TIMEOUT if timeout is None else timeout

    def txt_records(self, name: str) -> list[str]:
        try:
            answer = self._resolver.resolve(name, "TXT", search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []
        except dns.exception.DNSException as error:
            raise TxtLookupError(str(error) or type(error).__name__) from error
        # A TXT record is one or more strings of up to 255 bytes; long values are split.
        return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]


def _nameserver(address: str) -> dns.nameserver.Do53Nameserver:
    """'192.0.2.53' or '127.0.0.1:5353' or '[::1]:5353'."""
    host, separator, port = address.rpartition(":")
    if not separator or (address.count(":") > 1 and not address.startswith("[")):
        return dns.nameserver.Do53Nameserver(address)
    return dns.nameserver.Do53Nameserver(host.strip("[]"), int(port))


def txt_resolver() -> TxtResolver:
    """The resolver settings choose (a class taking no arguments)."""
    resolver_class = import_string(settings.CUSTOM_DOMAIN_TXT_RESOLVER)
    return resolver_class()
