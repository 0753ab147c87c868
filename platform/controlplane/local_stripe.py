"""A localstripe server (a fake of Stripe's API) on the loopback interface, for tests and the demo.

The stock ``localstripe`` command binds every interface and keeps its state in a fixed
file under /tmp, so two runs on one machine share (and clobber) each other's customers.
Here the server binds 127.0.0.1 only, on a port of our choosing (0: any free one), and
keeps its state in a folder of our choosing.

    python -m controlplane.local_stripe serve --port 8420 --data-dir .data/localstripe
    python -m controlplane.local_stripe start --port 8420 --data-dir .data/localstripe   # detached
    python -m controlplane.local_stripe stop --data-dir .data/localstripe

In tests, ``start_server(data_dir=...)`` runs it as a child process that ends with its
parent (tests/stripe_server.py wraps it as the ``localstripe_url`` fixture).
"""

from __future__ import annotations

import argparse
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STATE_FILE = "localstripe.pickle"
PID_FILE = "localstripe.pid"
READY_PREFIX = "localstripe listening on "


def _keep_state_in(data_dir: Path) -> None:
    """Point localstripe's store at ``data_dir`` instead of /tmp/localstripe.pickle."""
    from localstripe import resources

    state = data_dir / STATE_FILE

    def dump_to_disk(store: Any) -> None:
        temporary = state.with_suffix(".tmp")
        with temporary.open("wb") as file:
            pickle.dump(dict(store), file, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(state)

    def try_load_from_disk(store: Any) -> None:
        if state.exists():
            with state.open("rb") as file:
                saved = pickle.load(file)  # noqa: S301 - our own file, written by this process
            store.clear()
            dict.update(store, saved)

    resources.Store.dump_to_disk = dump_to_disk
    resources.Store.try_load_from_disk = try_load_from_disk


def serve(*, port: int, data_dir: Path, fresh: bool = False, parent_pid: int | None = None) -> None:
    """Run localstripe in this process on 127.0.0.1:port until stopped (prints the URL once ready)."""
    import asyncio

    from aiohttp import web
    from localstripe import server

    data_dir.mkdir(parents=True, exist_ok=True)
    _keep_state_in(data_dir)
    if fresh:
        (data_dir / STATE_FILE).unlink(missing_ok=True)
    server.store.try_load_from_disk()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    # Listen now: connections made once the URL is announced wait in the backlog until
    # aiohttp's site starts accepting, instead of being refused.
    listener.listen(128)
    actual_port = listener.getsockname()[1]

    async def watch_parent(app: web.Application) -> Any:
        # A test run that dies without cleaning up must not leave the server behind.
        async def check() -> None:
            while parent_pid is not None:
                if os.getppid() != parent_pid:
                    os.kill(os.getpid(), signal.SIGTERM)
                    return
                await asyncio.sleep(1)

        task = asyncio.get_running_loop().create_task(check())
        yield
        task.cancel()

    async def announce(app: web.Application) -> None:
        print(f"{READY_PREFIX}http://127.0.0.1:{actual_port}", flush=True)

    if parent_pid is not None and watch_parent not in server.app.cleanup_ctx:
        server.app.cleanup_ctx.append(watch_parent)
    server.app.on_startup.append(announce)
    web.run_app(server.app, sock=listener, print=None, access_log=None)


@dataclass
class LocalStripe:
    url: str
    process: subprocess.Popen[str]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(*, data_dir: Path, port: int = 0, timeout: float = 30.0) -> LocalStripe:
    """Start localstripe as a child process that ends with this one; returns once it answers."""
    command = [
        sys.executable,
        "-m",
        "controlplane.local_stripe",
        "serve",
        f"--port={port}",
        f"--data-dir={data_dir}",
        "--fresh",
        f"--parent-pid={os.getpid()}",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith(READY_PREFIX):
            return LocalStripe(url=line[len(READY_PREFIX) :].strip(), process=process)
        if not line and process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(f"localstripe did not start (exit code {process.poll()})")


def start_detached(*, data_dir: Path, port: int) -> int:
    """Start localstripe in the background for the demo (reusing one that already runs); gives its pid."""
    data_dir.mkdir(parents=True, exist_ok=True)
    pid_file = data_dir / PID_FILE
    if pid_file.exists():
        pid = int(pid_file.read_text())
        try:
            os.kill(pid, 0)
            return pid
        except ProcessLookupError:
            pid_file.unlink()
    log = (data_dir / "localstripe.log").open("a")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "controlplane.local_stripe",
            "serve",
            f"--port={port}",
            f"--data-dir={data_dir}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=Path(__file__).parents[2],
    )
    pid_file.write_text(str(process.pid))
    return process.pid


def send_webhooks(*, port: int, url: str, secret: str, name: str = "platform", timeout: float = 15.0) -> None:
    """Have localstripe sign its events with ``secret`` and post them to ``url`` (waits until it answers)."""
    from urllib.error import URLError
    from urllib.parse import urlencode
    from urllib.request import Request, urlopen

    request = Request(
        f"http://127.0.0.1:{port}/_config/webhooks/{name}",
        data=urlencode({"url": url, "secret": secret}).encode(),
        headers={"Authorization": "Bearer sk_test_localstripe"},
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urlopen(request, timeout=5):  # noqa: S310
                return
        except (URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop_detached(*, data_dir: Path) -> bool:
    pid_file = data_dir / PID_FILE
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text())
    pid_file.unlink()
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m controlplane.local_stripe")
    parser.add_argument("command", choices=["serve", "start", "stop"])
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--data-dir", type=Path, default=Path(".data/localstripe"))
    parser.add_argument("--fresh", action="store_true", help="forget the state of earlier runs")
    parser.add_argument("--parent-pid", type=int, default=None)
    parser.add_argument("--webhook-url", default="", help="start: where localstripe posts its signed events")
    parser.add_argument("--webhook-secret", default="")
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(port=args.port, data_dir=args.data_dir, fresh=args.fresh, parent_pid=args.parent_pid)
    elif args.command == "start":
        pid = start_detached(data_dir=args.data_dir, port=args.port)
        print(f"localstripe on http://127.0.0.1:{args.port} (pid {pid})")
        if args.webhook_url:
            send_webhooks(port=args.port, url=args.webhook_url, secret=args.webhook_secret)
            print(f"localstripe sends its events to {args.webhook_url}")
    else:
        stop_detached(data_dir=args.data_dir)


if __name__ == "__main__":
    main()
