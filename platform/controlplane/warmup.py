"""Work each web worker would otherwise do on its first requests, done once before forking.

Measured with a fresh worker (preloaded app, forked): its first order took 120-130 ms
against 9 ms for the next ones, most of it one-time set-up on first use: Celery finalizing
its app and importing its transport and result backend on the first task queued (about
40 ms), Django compiling the e-mail validator's regular expressions on the first address
checked (about 30 ms), Babel loading CLDR's global data (7 ms). In an on-sale rush every
worker pays that at once while the queue builds up behind it. Done in the master, the
forked workers inherit the result (and the collector's freeze that follows keeps it out
of their collections).

Nothing done before the fork opens a connection: sockets must not be shared across it.
Each worker then opens its broker connection and declares the task queue once it starts
(another 25 ms of the first order otherwise), not when its first buyer is waiting. What
is left of a first order (about 30 ms more than the next) is PostgreSQL planning and
preparing its statements on the worker's new connection.
"""

from __future__ import annotations

import logging

from babel.numbers import get_currency_precision
from django.core.validators import validate_email, validate_ipv46_address

from controlplane.celery import app as celery_app

logger = logging.getLogger(__name__)


def warm_up_before_fork() -> None:
    celery_app.finalize(auto=True)  # binds every task to the app
    _ = celery_app.backend  # resolves and imports the result backend
    connection = celery_app.connection_for_write()  # resolves and imports the broker transport
    _ = connection.transport
    connection.release()  # never connected: nothing to close but the object
    _ = celery_app.amqp.router, celery_app.amqp.queues  # routing tables of the first publish
    validate_email("warm-up@example.com")  # compiles the validator's lazy regular expressions
    validate_ipv46_address("127.0.0.1")
    get_currency_precision("EUR")  # loads CLDR's global data (currency exponents)


def warm_up_in_worker() -> None:
    """Connect to the broker and declare the task queue, as the first task queued would."""
    if celery_app.conf.task_always_eager:
        return  # no broker: tasks run in the process
    try:
        with celery_app.producer_or_acquire() as producer:
            producer.connection.ensure_connection(max_retries=1)
            producer.maybe_declare(celery_app.amqp.queues[celery_app.conf.task_default_queue])
    except Exception:  # the first task queued connects (or fails) as it would have anyway
        logger.warning("Could not reach the Celery broker while starting up.", exc_info=True)
