"""Background jobs of the portfolio: they take ids and call services."""

from celery import shared_task

from portfolio.background_exports import background_export_build


@shared_task(acks_late=True)
def build_export(export_id: int) -> str:
    return background_export_build(export_id=export_id).status
