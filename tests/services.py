"""Reachability of this machine's real servers, for the tests of the real-broker paths."""

from __future__ import annotations

import socket

import pytest


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


requires_redis = pytest.mark.skipif(
    not reachable("127.0.0.1", 6379), reason="no Redis server answers on 127.0.0.1:6379"
)
requires_rabbitmq = pytest.mark.skipif(
    not reachable("127.0.0.1", 5672), reason="no RabbitMQ server answers on 127.0.0.1:5672"
)
