from django.core.management.base import BaseCommand

from workbooks.services import STAGED_UPLOAD_LIFETIME, uploads_purge_stale


class Command(BaseCommand):
    help = (
        f"Remove staged workbook uploads older than {STAGED_UPLOAD_LIFETIME.days} day (previews nobody confirmed). "
        "Each new upload does this too; run it daily so none stays when nobody uploads."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Removed {uploads_purge_stale()} staged upload(s).")
