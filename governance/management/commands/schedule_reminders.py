from django.core.management.base import BaseCommand
from django.utils import timezone

from governance.schedule import reminders_schedule


class Command(BaseCommand):
    help = (
        "Queue the next daily reminder run (at SENDPLAN_REMINDERS_AT) if it is not queued yet; today's at once if "
        "its time has passed without one. Safe to run any number of times: `make serve` and `make demo` run it."
    )

    def handle(self, *args, **options):
        run = reminders_schedule()
        if run is None:
            self.stdout.write("Automatic reminders are off (SENDPLAN_REMINDERS_AT=off); run send_reminders yourself.")
            return
        when = timezone.localtime(run.run_after).strftime("%d %b %Y %H:%M")
        self.stdout.write(f"Reminders for {run.day:%d %b %Y}: {run.get_status_display().lower()} (from {when}).")
