from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.security_log import log_event
from workbooks.importer import import_workbook
from workbooks.services import log_imported


class Command(BaseCommand):
    help = "Import a plan workbook (.xlsx): all or nothing. With --dry-run, check it and say what would change."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--user", help="Username recorded in history as the importer (default: none).")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"]).first() if options["user"] else None
        if options["user"] and user is None:
            raise CommandError(f"No user {options['user']}")
        with open(options["file"], "rb") as file:
            result = import_workbook(file, by=user, dry_run=options["dry_run"])
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
        user_id = user.pk if user else None
        if not result.ok:
            log_event("import_refused", user_id=user_id, stage="command", problems=len(result.problems))
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Nothing was imported: {len(result.problems)} problem(s).")
        if result.applied:
            log_imported(result, user_id=user_id, stage="command")
        verb = "Would create" if options["dry_run"] else "Created"
        for label, created, changed, unchanged in result.summary:
            self.stdout.write(f"{label}: {created} created, {changed} changed, {unchanged} left as they are")
        self.stdout.write(
            f"{verb} {sum(result.created.values())} and changed {sum(result.changed.values())} records"
            f" of {result.plan.slug}." + (" (dry run: nothing saved)" if options["dry_run"] else "")
        )
