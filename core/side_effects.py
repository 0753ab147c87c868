"""Work that must leave the request only once the transaction has committed.

E-mails, PDFs, webhooks, live events and task enqueues go through here, so a
rolled-back change never leaks a side effect.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial, update_wrapper
from typing import Any

from django.db import connection, transaction


def _bound(function: Callable[..., Any], args: Any, kwargs: Any) -> Callable[[], Any]:
    # Django names a failing robust callback by its __qualname__ in the log, which a bare
    # partial lacks: without it the failure would raise AttributeError instead of being logged.
    return update_wrapper(partial(function, *args, **kwargs), function)


def after_commit(function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
    """Run ``function(*args, **kwargs)`` once the current transaction commits."""
    transaction.on_commit(_bound(function, args, kwargs), robust=True)


def enqueue_after_commit(task: Any, /, *args: Any, **kwargs: Any) -> None:
    """Queue a Celery task once the current transaction commits."""
    transaction.on_commit(_bound(task.delay, args, kwargs), robust=True)


# (task name, schema) -> when this process last queued it (time.monotonic()).
_last_queued: dict[tuple[str, str], float] = {}


def enqueue_relay_after_commit(task: Any, /, *, window: float) -> None:
    """Queue a relay task once the current transaction commits, at most once per ``window`` per process.

    For tasks that handle whatever is due when they run, like sending the confirmations of
    every order placed so far: one task per ``window`` seconds (and schema) then does the
    work of one task per commit, which costs the web process far more CPU than the commit.
    Each is queued with a countdown of ``window``, so it runs after every commit whose
    enqueue it stood in for (those followed it by less than ``window``). Nothing is lost if
    a process dies between a commit and this: a periodic sweep must run the task too.
    """
    transaction.on_commit(_bound(_queue_relay, (task, window), {}), robust=True)


def _queue_relay(task: Any, window: float) -> None:
    if task.app.conf.task_always_eager:  # no broker (demo, tests): it runs here, now
        task.delay()
        return
    key = (task.name, getattr(connection, "schema_name", ""))
    now = time.monotonic()
    if now - _last_queued.get(key, float("-inf")) < window:
        return  # the relay queued less than a window ago has not started yet: it will see this
    task.apply_async(countdown=window)
    _last_queued[key] = now  # only once queued: a failure to queue is retried by the next commit
