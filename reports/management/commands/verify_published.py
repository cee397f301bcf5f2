"""Check every published report's stored PDF against the SHA-256 recorded when it was published, e.g. after
restoring a backup (docs/deployment.md):

    DATABASE_URL=postgresql://.../sendplan_restored python manage.py verify_published

One line per published report: plan, term, version, the SHA-256 of the stored bytes, OK or MISMATCH. The exit status
is 1 when any report's bytes are missing or differ, so a restore drill or a monitoring job can act on it.
"""

import hashlib

from django.core.management.base import BaseCommand, CommandError

from reports.models import PublishedFile, TermlyReport


class Command(BaseCommand):
    help = "Recompute the SHA-256 of every published report's PDF and compare it with the one recorded at publication."

    def handle(self, *args, **options):
        reports = (
            TermlyReport.objects.filter(status=TermlyReport.Status.PUBLISHED)
            .select_related("plan", "period")
            .order_by("plan__slug", "period__start", "number")
        )
        checked = failed = 0
        for report in reports:
            # One file at a time: a plan's PDFs together can be large.
            stored = PublishedFile.objects.filter(report=report).values_list("pdf", "sha256").first()
            if stored is None:
                digest, problem = "-" * 64, "no stored PDF"
            else:
                pdf = bytes(stored[0])
                digest, problem = hashlib.sha256(pdf).hexdigest(), ""
                if digest != report.pdf_sha256:
                    problem = f"recorded {report.pdf_sha256 or '(none)'}"
                elif stored[1] != digest:
                    problem = f"the file's own record says {stored[1]}"
                elif report.pdf_size != len(pdf):
                    problem = f"{len(pdf)} bytes, recorded {report.pdf_size}"
            checked += 1
            failed += bool(problem)
            verdict = f"MISMATCH ({problem})" if problem else "OK"
            self.stdout.write(f"{report.plan.slug}  {report.period.name}  version {report.number}  {digest}  {verdict}")
        if failed:
            raise CommandError(f"{failed} of {checked} published reports do not match the SHA-256 recorded for them.")
        self.stdout.write(f"{checked} published report{'' if checked == 1 else 's'} checked: all match.")
