import json
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.security_log import log_event
from workbooks.importer import import_workbook
from workbooks.parsing import ParseError, parse_due
from workbooks.services import log_imported
from workbooks.tracker.bring_in import is_plan_workbook
from workbooks.tracker.columns import period_named_in
from workbooks.tracker.mapping import MappingError, mapping_from_json, mapping_json


class Command(BaseCommand):
    help = (
        "Import a plan: a plan workbook (.xlsx) or an area's own tracker (.xlsx, .xlsm, .csv or a Word .docx), all or "
        "nothing. "
        "With --dry-run, check it and say what would change. A tracker's columns are mapped from their headings "
        "(or as --mapping says); --save-mapping writes that mapping to edit and use with --mapping."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--user", help="Username recorded in history as the importer (default: none).")
        tracker = parser.add_argument_group("an area's own tracker")
        tracker.add_argument("--mapping", help="A mapping file (JSON) saying what each column fills.")
        tracker.add_argument("--save-mapping", help="Write the mapping the tracker would use to this file and stop.")
        tracker.add_argument("--local-area", help="The local area, e.g. Northmoor.")
        tracker.add_argument("--title", help="The plan's title, e.g. Written Statement of Action.")
        tracker.add_argument("--type", help="WSoA, APP, PAP or improvement plan.")
        tracker.add_argument("--start", help="The plan's start date, e.g. 2024-09-01.")
        tracker.add_argument("--slug", help="The plan's slug (default: from the local area, type and start year).")
        tracker.add_argument("--period", help='The round the file\'s undated ratings are for, e.g. "Spring term 2025".')

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"]).first() if options["user"] else None
        if options["user"] and user is None:
            raise CommandError(f"No user {options['user']}")
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"No file {path}")
        if is_plan_workbook(path.read_bytes(), path.name) and not (options["mapping"] or options["save_mapping"]):
            with path.open("rb") as file:
                result = import_workbook(file, by=user, dry_run=options["dry_run"])
        else:
            result = self.tracker(path, options, user)
            if result is None:
                return
        self.report(result, user, options["dry_run"])

    def tracker(self, path: Path, options, user):
        from workbooks.tracker.bring_in import mapping_to_edit, tracker_import, tracker_mapping

        saved = None
        if options["mapping"]:
            try:
                saved = mapping_from_json(json.loads(Path(options["mapping"]).read_text()))
            except (OSError, ValueError, MappingError) as error:
                raise CommandError(f"The mapping {options['mapping']} cannot be used: {error}") from None
        if options["save_mapping"]:
            with path.open("rb") as file:
                tables, mapping, read = tracker_mapping(file, filename=path.name, saved=saved)
            if read.problems:
                self.refuse(read, user)
            mapping = mapping_to_edit(tables, mapping)
            Path(options["save_mapping"]).write_text(json.dumps(mapping_json(mapping), indent=2) + "\n")
            for sheet, proposals in mapping.sheets.items():
                for proposal in proposals:
                    self.stdout.write(f"{sheet}: “{proposal.header}” {proposal.why}")
            for chosen, words in mapping.words.items():
                for word in (word for word, value in words.items() if value is None):
                    self.stdout.write(f"“{word}” ({chosen.label}) is a word we cannot read: give it a value.")
            self.stdout.write(f"Wrote the mapping to {options['save_mapping']}: edit it, then use --mapping.")
            return None
        facts = self.facts(options)
        with path.open("rb") as file:
            result, _ = tracker_import(
                file, filename=path.name, facts=facts, by=user, saved=saved, dry_run=options["dry_run"]
            )
        return result

    def facts(self, options):
        from workbooks.tracker.translate import PlanFacts

        missing = [
            f"--{name}" for name in ("local-area", "title", "type", "start") if not options[name.replace("-", "_")]
        ]
        if missing:
            raise CommandError(f"A tracker does not say what plan it is: give {', '.join(missing)}.")
        start = _day(options["start"])
        if start is None:
            raise CommandError(f"--start “{options['start']}” should be a date like 01/09/2024 or 2024-09-01.")
        period = None
        if options["period"]:
            period = period_named_in(options["period"])
            if period is None:
                raise CommandError(f"--period “{options['period']}” names no month, term or quarter we can read.")
        return PlanFacts(
            local_area=options["local_area"],
            title=options["title"],
            plan_type=options["type"],
            start_date=start,
            slug=options["slug"] or "",
            current_period=period,
        )

    def refuse(self, result, user):
        log_event("import_refused", user_id=user.pk if user else None, stage="command", problems=len(result.problems))
        for problem in result.problems:
            self.stderr.write(str(problem))
        raise CommandError(f"Nothing was imported: {len(result.problems)} problem(s).")

    def report(self, result, user, dry_run: bool):
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
        if not result.ok:
            self.refuse(result, user)
        if result.applied:
            log_imported(result, user_id=user.pk if user else None, stage="command")
        verb = "Would create" if dry_run else "Created"
        if dry_run:  # what confirming would do, field by field, so a manager can check it before importing
            for change in result.changes:
                for line in change.lines():
                    self.stdout.write(line)
        for label, created, changed, unchanged in result.summary:
            self.stdout.write(f"{label}: {created} created, {changed} changed, {unchanged} left as they are")
        self.stdout.write(
            f"{verb} {sum(result.created.values())} and changed {sum(result.changed.values())} records"
            f" of {result.plan.slug}." + (" (dry run: nothing saved)" if dry_run else "")
        )


def _day(text: str) -> date | None:
    """A day as a council officer types it (01/09/2024, 1 September 2024) or as ISO (2024-09-01); None otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        due = parse_due(text)
    except ParseError:
        return None
    return due.date if due.kind == "day" else None
