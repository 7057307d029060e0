"""Every periodic job of the app, in one place."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "hrddp.tasks.clear_expired_sessions",
        "schedule": crontab(hour=2, minute=15),
    },
}
