"""Background jobs of the imports: they call services."""

from celery import shared_task

from imports.staging import staged_files_purge


@shared_task
def purge_staged_imports() -> int:
    # Dry runs nobody confirmed leave their file behind; its token has expired, so nothing can use it.
    return staged_files_purge()
