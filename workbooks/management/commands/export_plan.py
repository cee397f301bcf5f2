from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actions.models import Plan
from workbooks import exporter


class Command(BaseCommand):
    help = "Export a plan to the workbook format (.xlsx), JSON or a CSV of its actions, by the file's ending."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="The plan's slug")
        parser.add_argument("--out", required=True)

    def handle(self, *args, **options):
        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            raise CommandError(f"No plan {options['plan']}")
        out = Path(options["out"])
        if out.suffix == ".xlsx":
            out.write_bytes(exporter.export_workbook(plan))
        elif out.suffix == ".json":
            out.write_text(exporter.export_json(plan), encoding="utf-8")
        elif out.suffix == ".csv":
            out.write_text(exporter.export_actions_csv(plan), encoding="utf-8")
        else:
            raise CommandError("The output file must end .xlsx, .json or .csv")
        self.stdout.write(f"Wrote {out}")
