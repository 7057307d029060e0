"""Delete the files of dry runs that were never confirmed and can no longer be (their token expired)."""

from django.core.management.base import BaseCommand

from imports.staging import staged_files_purge


class Command(BaseCommand):
    help = "Delete staged import files whose confirmation has expired."

    def handle(self, *args, **options):
        purged = staged_files_purge()
        self.stdout.write(f"{purged} staged import file{'s' if purged != 1 else ''} deleted.")
