import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hrddp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def install_schedules(sender, **kwargs):
    # Every periodic job is declared in config.schedules; beat's database
    # scheduler copies them into its tables at start.
    from config.schedules import BEAT_SCHEDULE

    sender.conf.beat_schedule = BEAT_SCHEDULE
