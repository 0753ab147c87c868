"""Work that must leave the request only once the transaction has committed.

E-mails, PDFs, webhooks, live events and task enqueues go through here, so a
rolled-back change never leaks a side effect.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, update_wrapper
from typing import Any

from django.db import transaction


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
