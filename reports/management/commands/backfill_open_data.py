"""Give reports published before open data existed their CSV and JSON (docs/open-data.md), where it is safe:

    python manage.py backfill_open_data [--dry-run]

Each such report's content is read again as at its figures' moment and rendered; only where that page is the
stored published page, byte for byte, are its figures stored as its open data (reports.services
.published_data_backfill). One line per report; a report whose page cannot be rebuilt exactly is left without open
data and named, so nothing is published that the page did not say.
"""

from django.core.management.base import BaseCommand

from reports.models import TermlyReport
from reports.services import published_data_backfill

SAID = {
    "already": "has its open data",
    "stored": "open data stored",
    "differs": "left without open data: its page cannot be rebuilt exactly as published",
}


class Command(BaseCommand):
    help = "Store open data for reports published before it existed, where their page can be rebuilt exactly."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="say what would be stored, store nothing")

    def handle(self, *args, dry_run=False, **options):
        reports = (
            TermlyReport.objects.filter(status=TermlyReport.Status.PUBLISHED, published_file__isnull=False)
            .select_related("plan", "period")
            .order_by("plan__slug", "period__start", "number")
        )
        counts = {"already": 0, "stored": 0, "differs": 0}
        for report in reports:
            outcome = published_data_backfill(report, dry_run=dry_run)
            counts[outcome] += 1
            said = "would be stored" if dry_run and outcome == "stored" else SAID[outcome]
            self.stdout.write(f"{report.plan.slug}  {report.period.name}  version {report.number}: {said}")
        self.stdout.write(
            f"{counts['stored']} {'to store' if dry_run else 'stored'}, {counts['already']} already had it, "
            f"{counts['differs']} left without."
        )
