"""Every periodic job of the app, in one place."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
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
