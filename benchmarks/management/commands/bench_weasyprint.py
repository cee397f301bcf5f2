"""WeasyPrint on the termly report, phase by phase (benchmarks/weasyprint_phases.py), on an EMPTY database.

`--dump DIR` also writes each size's PDF documents and PDFs (report-50-final.html, report-50-final.pdf, ...), so the
same content can be rendered again, looked at and compared after a change to the print CSS or templates;
`--profile` writes a cProfile of one final render per size (report-50-final.prof) into DIR for pstats or snakeviz.
"""

import cProfile
import logging
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from actions.models import Plan
from benchmarks.seed import seed_bench
from benchmarks.weasyprint_phases import phases_markdown, report_documents, time_phases
from reports.rendering import pdf_from_document


class Command(BaseCommand):
    help = "Time WeasyPrint's phases on the bench plan's termly report, final and draft, on an EMPTY database."

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, nargs="+", default=[50, 500], help="plan sizes, smallest first")
        parser.add_argument("--runs", type=int, default=2, help="renders of each document (fastest phase kept)")
        parser.add_argument("--dump", metavar="DIR", help="write the HTML documents and the PDFs into DIR")
        parser.add_argument("--profile", action="store_true", help="with --dump: a cProfile of each final render")

    def handle(self, *args, **options):
        if Plan.objects.exists():
            raise CommandError("bench_weasyprint needs an empty database: it seeds plans and flushes between sizes.")
        if options["profile"] and not options["dump"]:
            raise CommandError("--profile writes into the --dump directory: give both.")
        logging.getLogger("weasyprint").setLevel(logging.WARNING)
        out = Path(options["dump"]) if options["dump"] else None
        if out:
            out.mkdir(parents=True, exist_ok=True)
        timings = []
        for i, n in enumerate(sorted(options["actions"])):
            if i:
                call_command("flush", interactive=False, verbosity=0)
            started = time.perf_counter()
            documents = report_documents(seed_bench(actions=n))
            self.stdout.write(f"seeded and assembled {n} actions in {time.perf_counter() - started:.1f} s")
            for draft, document in documents.items():
                name = f"report-{n}-{'draft' if draft else 'final'}"
                timing, pdf = time_phases(document, actions=n, draft=draft, runs=options["runs"])
                timings.append(timing)
                self.stdout.write(f"{name}: {timing.pages} pages in {timing.total_s:.2f} s")
                if out:
                    (out / f"{name}.html").write_text(document)
                    (out / f"{name}.pdf").write_bytes(pdf)
                    if options["profile"] and not draft:
                        profile = cProfile.Profile()
                        profile.runcall(pdf_from_document, document, draft=draft)
                        profile.dump_stats(out / f"{name}.prof")
        self.stdout.write("")
        self.stdout.write(phases_markdown(timings))
