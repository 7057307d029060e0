"""Every periodic job of the app, in one place."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # The safety net of notifications and reminders: whatever the tasks sent after commit did not
    # deliver (the broker was down, a worker died) goes out within a minute of the queue's return.
    # A run not started within the minute is dropped (the next one does the same work), so runs
    # do not pile up while no worker takes them; `expire_seconds` is how beat's database
    # scheduler (settings.CELERY_BEAT_SCHEDULER) takes a task's expiry.
    "deliver-outbox": {
        "task": "hrddp.tasks.deliver_outbox",
        "schedule": crontab(minute="*"),
        "options": {"expire_seconds": 55},
    },
    "daily-reminders": {
        "task": "monitoring.tasks.daily_reminders",
        "schedule": crontab(hour=5, minute=0),
    },
    # The first day of each quarter, for the quarter that just ended.
    "quarterly-reports": {
        "task": "monitoring.tasks.quarterly_reports",
        "schedule": crontab(hour=6, minute=0, day_of_month=1, month_of_year="1,4,7,10"),
    },
    "purge-staged-imports": {
        "task": "imports.tasks.purge_staged_imports",
        "schedule": crontab(hour=2, minute=30),
    },
    "clear-expired-sessions": {
        "task": "hrddp.tasks.clear_expired_sessions",
        "schedule": crontab(hour=2, minute=15),
    },
}
