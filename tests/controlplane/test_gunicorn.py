"""The web process as deployed: gunicorn with deploy/gunicorn.conf.py, serving the platform and a shop.

A real master forks real workers, so its hooks run as in production: the warm-up before the
fork and each worker's broker connection (controlplane.warmup). Real commits: the workers
read the test database over their own connections.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.services import reachable

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int, host: str, path: str = "/") -> tuple[int, str]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        client.request("GET", path, headers={"Host": host})
        response = client.getresponse()
        return response.status, response.read().decode()
    finally:
        client.close()


@pytest.mark.usefixtures("django_db_setup", "committed")
def test_gunicorn_with_the_deploy_settings_serves_the_platform_and_a_shop() -> None:
    database = connection.settings_dict
    port = free_port()
    broker = "redis://127.0.0.1:6379/15" if reachable("127.0.0.1", 6379) else ""
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@/{database['NAME']}?host={database['HOST']}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_LOG_LEVEL": "info",
        "CELERY_BROKER_URL": broker,
        "DEBUG": "0",
    }
    if database["PORT"]:
        environment["DATABASE_URL"] = environment["DATABASE_URL"].replace("@/", f"@:{database['PORT']}/")
    command = [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "controlplane.wsgi:application"]
    server = subprocess.Popen(
        [*command, "--pythonpath", "platform,."],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not reachable("127.0.0.1", port):
            assert server.poll() is None, server.communicate()[0]
            assert time.monotonic() < deadline, "gunicorn did not start listening within 60 s"
            time.sleep(0.2)

        platform_status, _ = get(port, "localhost")
        shop_status, shop_page = get(port, "acme.localhost")
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]

    assert platform_status == 200 and shop_status == 200 and "Acme" in shop_page
    assert log.count("Booting worker") >= 2
    assert "Traceback" not in log and "Could not reach the Celery broker" not in log, log
