from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from governance.reminders import reminders_send


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ArgumentTypeError(f"give the date as YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = (
        "Email each officer a digest of what is waiting on them, and area owners the actions still without an "
        "update once a round's deadline has passed. At most one of each per officer per day: safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say who would get what; send and log nothing.")
        parser.add_argument("--date", type=_day, help="Act as if today were this day (YYYY-MM-DD).")

    def handle(self, *args, dry_run: bool, date: date | None, **options):
        run = reminders_send(today=date, dry_run=dry_run, echo=self.stdout.write)
        self.stdout.write(run.summary)
        if run.failed:
            raise CommandError(f"{run.failed} email(s) could not be sent; run the command again to retry them.")
