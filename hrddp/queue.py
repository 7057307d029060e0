"""Enqueueing background work safely."""

import logging
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


def _send(task, args, kwargs):
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:  # noqa: BLE001 - an unreachable broker must not break the request
        # The decision is already committed; the notice is delayed, not lost to
        # the user, who still sees the result in the app.
        logger.exception("Could not enqueue %s; background work is delayed.", task.name)


def enqueue_after_commit(task, *args, **kwargs) -> None:
    """Send a task once the current transaction commits (or at once outside one)."""
    transaction.on_commit(partial(_send, task, args, kwargs))
