"""Enqueueing background work safely."""

import logging
import time
from functools import partial

from django.db import transaction
from kombu.exceptions import KombuError

# What an unreachable or failing broker raises when publishing.
BROKER_ERRORS = (KombuError, ConnectionError, OSError, TimeoutError)

logger = logging.getLogger(__name__)

# When this process last failed to reach the broker (0: never). Pages say that
# background work is delayed until a publish succeeds again (or for a while);
# what is due is kept in the database (reminders not yet delivered,
# notifications not yet e-mailed) and the outbox sweep sends it once the
# broker is back (hrddp.tasks.deliver_outbox, every minute).
_last_failure = 0.0
DELAY_NOTICE_SECONDS = 600
# After a failure, don't try again for a while: each try could cost a request
# up to a second of connection timeout.
RETRY_AFTER_SECONDS = 30


def background_delayed() -> bool:
    return time.monotonic() - _last_failure < DELAY_NOTICE_SECONDS if _last_failure else False


def _send(task, args, kwargs):
    global _last_failure
    if _last_failure and time.monotonic() - _last_failure < RETRY_AFTER_SECONDS:
        logger.warning("Broker recently unreachable; %s left to the outbox sweep.", task.name)
        return
    try:
        task.apply_async(args=args, kwargs=kwargs)
        _last_failure = 0.0  # the broker is back: the pages stop saying it is not
    except BROKER_ERRORS:
        # The decision is committed; an unreachable broker must not break the request.
        _last_failure = time.monotonic()
        logger.exception("Could not enqueue %s; background work is delayed (the outbox sweep does it later).", task.name)
    except Exception:
        if task.app.conf.task_always_eager:
            raise  # a task run in place (tests) failed: that is a bug to see, not an outage
        logger.exception("Could not enqueue %s.", task.name)


def enqueue_after_commit(task, *args, **kwargs) -> None:
    """Send a task once the current transaction commits (or at once outside one)."""
    transaction.on_commit(partial(_send, task, args, kwargs))
