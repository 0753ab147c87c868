"""Idempotency-Key on POSTs that move money or inventory: the first answer is replayed.

The same key with the same request returns the first answer (status and body, with
``Idempotent-Replayed: true``); with another request it is a 409; while the first is
still running, a second one is a 409 too and runs nothing. Keys are per API key (or per
signed-in member) and last 24 hours.

The answer is kept after the view returns, in a statement of its own, unless the view
keeps it itself inside the transaction that does the work (``keep_answer_within``): then
the work and its answer commit together, and the request waits for one commit, not two.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.db import transaction
from rest_framework.request import Request
from rest_framework.response import Response

from api.problems import PROBLEM_CONTENT_TYPE
from api.selectors import KeyGrant
from api.services import claim_idempotency_key, complete_idempotency_key

HEADER = "Idempotency-Key"


def owner_of(request: Request) -> str:
    if isinstance(request.auth, KeyGrant):
        return f"key:{request.auth.key_id}"
    return f"user:{request.user.pk}"


def request_hash(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


Handler = Callable[..., Response]


@dataclass
class _Running:
    """The claimed record of the request being answered, and whether its answer is kept yet."""

    record_id: int
    kept: bool = False

    def mark_kept(self) -> None:
        self.kept = True


def keep_answer_within(request: Request, *, status: int, body: object) -> None:
    """Keep the answer to an idempotent request in the caller's transaction (no-op without a key).

    For a view whose work is one transaction: called inside it, the answer commits (or rolls
    back) with the work, so a replay can never miss work that was done, and the decorator
    keeps nothing more once the transaction commits.
    """
    running: _Running | None = getattr(request, "_idempotency", None)
    if running is None:
        return
    complete_idempotency_key(record_id=running.record_id, status=status, body=body)
    transaction.on_commit(running.mark_kept)


def idempotent(handler: Handler) -> Handler:
    """Wrap a view method so an Idempotency-Key header makes it safe to retry."""

    @wraps(handler)
    def guarded(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        claim = claim_idempotency_key(owner=owner_of(request), key=key, request_hash=request_hash(request))
        if claim.replay is not None:
            replay = claim.replay
            assert replay.response_status is not None
            return Response(
                replay.response_body,
                status=replay.response_status,
                headers={"Idempotent-Replayed": "true"},
                content_type=PROBLEM_CONTENT_TYPE if replay.response_status >= 400 else None,
            )
        assert claim.record_id is not None
        running = request._idempotency = _Running(record_id=claim.record_id)
        try:
            response = handler(view, request, *args, **kwargs)
        except Exception as error:  # the answer to an error is kept too (a 4xx replays as such)
            if running.kept:  # the work committed with its answer: that answer stands
                raise
            try:
                response = view.handle_exception(error)
            except Exception:
                complete_idempotency_key(record_id=claim.record_id, status=500, body=None)
                raise
        if not running.kept:
            complete_idempotency_key(
                record_id=claim.record_id, status=response.status_code, body=response.data
            )
        return response

    return guarded
