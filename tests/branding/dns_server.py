"""A real DNS server in the test process: UDP on 127.0.0.1, answering from an in-memory zone.

The production resolver (dnspython) talks to it over the network exactly as it talks to
any nameserver, so the tests drive the real look-up code, not a patched one.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


class InMemoryZone:
    """TXT records by name; names listed in ``failing`` answer SERVFAIL, ``silent`` never answer."""

    def __init__(self) -> None:
        self.txt: dict[str, list[str]] = {}
        self.failing: set[str] = set()
        self.silent: set[str] = set()
        self.queries: list[str] = []

    def add_txt(self, name: str, *values: str) -> None:
        self.txt.setdefault(name.rstrip(".").lower(), []).extend(values)

    def answer(self, wire: bytes) -> bytes | None:
        query = dns.message.from_wire(wire)
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        self.queries.append(name)
        if name in self.silent:
            return None
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        if name in self.failing:
            response.set_rcode(dns.rcode.SERVFAIL)
        elif name not in self.txt:
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif question.rdtype == dns.rdatatype.TXT:
            quoted = ['"' + value.replace('"', '\\"') + '"' for value in self.txt[name]]
            response.answer.append(
                dns.rrset.from_text(question.name, 60, dns.rdataclass.IN, dns.rdatatype.TXT, *quoted)
            )
        return response.to_wire()


@contextmanager
def dns_server(zone: InMemoryZone) -> Iterator[str]:
    """Serve ``zone`` until the block ends; yields the "127.0.0.1:port" address to resolve through."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.1)
    stopping = threading.Event()

    def serve() -> None:
        while not stopping.is_set():
            try:
                wire, client = sock.recvfrom(4096)
            except TimeoutError:
                continue
            reply = zone.answer(wire)
            if reply is not None:
                sock.sendto(reply, client)

    thread = threading.Thread(target=serve, name="test-dns", daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stopping.set()
        thread.join(timeout=2)
        sock.close()
