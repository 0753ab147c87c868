"""Settings read from the environment, checked in a fresh interpreter (settings load once per process)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def settings_under(env: dict[str, str], *names: str) -> dict[str, object]:
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "controlplane.settings",
        "PYTHONPATH": f"{ROOT / 'platform'}{os.pathsep}{ROOT}",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/unused",  # read, never connected to
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=environment, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


FILE_BASED = "django.core.mail.backends.filebased.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"


def test_the_file_based_mail_backend_gets_its_folder_from_the_environment(tmp_path: Path) -> None:
    environment = {"EMAIL_BACKEND": FILE_BASED, "EMAIL_FILE_PATH": str(tmp_path)}

    found = settings_under(environment, "EMAIL_BACKEND", "EMAIL_FILE_PATH")

    assert found == {"EMAIL_BACKEND": FILE_BASED, "EMAIL_FILE_PATH": str(tmp_path)}


def test_without_a_mail_host_or_backend_mail_goes_to_the_console() -> None:
    found = settings_under({}, "EMAIL_BACKEND", "EMAIL_FILE_PATH")

    assert found == {"EMAIL_BACKEND": CONSOLE, "EMAIL_FILE_PATH": None}


def test_database_urls_name_a_tcp_server_or_a_unix_socket() -> None:
    from controlplane.settings import database_from_url

    assert database_from_url("postgres://shop:s%40cret@db.internal:6432/tickets") == {
        "NAME": "tickets", "USER": "shop", "PASSWORD": "s@cret", "HOST": "db.internal", "PORT": "6432",
    }  # fmt: skip
    assert database_from_url("postgresql://shop@/tickets?host=/run/postgresql") == {
        "NAME": "tickets", "USER": "shop", "PASSWORD": "", "HOST": "/run/postgresql", "PORT": "",
    }  # fmt: skip
