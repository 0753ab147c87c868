"""The web workers' warm-up: one-time set-up done before the fork, connections only after it.

Each case runs in a fresh interpreter, as a gunicorn master would: the Celery app and the
lazy regular expressions are process-wide, and the test process has long since set them up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

BEFORE_FORK = """
import json, os, django
django.setup()
from django.core.validators import EmailValidator
from django.utils.functional import empty
from controlplane.celery import app
def sockets():
    links = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            links.append(os.readlink(f"/proc/self/fd/{fd}"))
        except FileNotFoundError:  # the descriptor listdir itself used
            pass
    return sum(link.startswith("socket:") for link in links)
finalized_before, open_before = app.finalized, sockets()
from controlplane.warmup import warm_up_before_fork
warm_up_before_fork()
print(json.dumps({
    "finalized_before": finalized_before,
    "finalized": app.finalized,
    "regex_compiled": EmailValidator.user_regex._wrapped is not empty,
    "new_sockets": sockets() - open_before,
}))
"""

IN_WORKER = """
import json, django
django.setup()
from controlplane.celery import app
from controlplane.warmup import warm_up_in_worker
warm_up_in_worker()
with app.pool.acquire() as connection:
    print(json.dumps({"connected": connection.connected}))
"""


def run(script: str, **env: str) -> tuple[dict[str, object], str]:
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "controlplane.settings",
        "PYTHONPATH": f"{ROOT / 'platform'}{os.pathsep}{ROOT}",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/unused",  # never connected to
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=environment, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


@pytest.mark.parametrize(
    "broker", ["redis://127.0.0.1:6379/15", ""], ids=["Redis broker", "no broker (eager)"]
)
def test_before_the_fork_celery_and_the_validators_are_set_up_without_opening_a_socket(broker: str) -> None:
    found, _ = run(BEFORE_FORK, CELERY_BROKER_URL=broker)

    assert found == {"finalized_before": False, "finalized": True, "regex_compiled": True, "new_sockets": 0}


def test_a_worker_connects_to_the_broker_as_it_starts() -> None:
    found, _ = run(IN_WORKER, CELERY_BROKER_URL="redis://127.0.0.1:6379/15")

    assert found == {"connected": True}


def test_an_unreachable_broker_is_logged_and_does_not_stop_the_worker() -> None:
    found, errors = run(IN_WORKER, CELERY_BROKER_URL="redis://127.0.0.1:1/0")

    assert found == {"connected": False}
    assert "Could not reach the Celery broker" in errors
