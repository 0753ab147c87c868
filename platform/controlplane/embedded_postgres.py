"""The embedded PostgreSQL server used when no DATABASE_URL is configured.

The server comes from the ``pgserver`` package and keeps its data in a git-ignored
folder. It outlives the Python process that started it (a SIGTERM does not stop it),
so every start finds and reuses a running server, and ``stop()`` ends it explicitly
(``python -m controlplane.embedded_postgres stop``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

DATABASE_NAME = "ticketing"

# platformdirs (used by pgserver) warns when XDG_RUNTIME_DIR is unset, as under CI, and
# falls back to /tmp: fine here.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def _server(data_dir: Path) -> Any:
    import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server is shared by every process of the project
    # (web workers, Celery, tests) and must not stop when the first of them exits.
    return pgserver.get_server(data_dir, cleanup_mode=None)


def database_settings(data_dir: Path) -> dict[str, Any]:
    """Start (or find) the embedded server and return Django DATABASES settings for it."""
    server = _server(data_dir)
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return {
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": str(info.port),
    }


def binary(name: str) -> str:
    """Path of a PostgreSQL client program (pg_dump, psql) matching the embedded server."""
    import pgserver

    return str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)


def stop(data_dir: Path) -> bool:
    """Stop the embedded server if it runs; True when one was stopped."""
    if not (data_dir / "postmaster.pid").exists():
        return False
    user = ["sudo", "-u", "pgserver"] if os.geteuid() == 0 else []
    if user and not _has_sudo():
        # pgserver runs the server as the "pgserver" user when started by root.
        user = ["runuser", "-u", "pgserver", "--"]
    result = subprocess.run(
        [*user, binary("pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0


def _has_sudo() -> bool:
    return subprocess.run(["which", "sudo"], capture_output=True, check=False).returncode == 0


def default_data_dir() -> Path:
    root = Path(__file__).resolve().parents[2]
    return Path(os.environ.get("EMBEDDED_POSTGRES_DIR", root / ".data" / "postgres"))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command == "stop":
        print("stopped" if stop(default_data_dir()) else "not running")
    elif command == "start":
        print(database_settings(default_data_dir()))
    else:
        sys.exit(f"usage: python -m controlplane.embedded_postgres [start|stop], not {command!r}")
