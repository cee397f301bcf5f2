"""The benchmark run as Markdown tables, and the part of docs/benchmarks.md between the markers that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.load import LoadResult
from benchmarks.pages import PageTiming
from benchmarks.report import ReportTiming

BEGIN = "<!-- bench:begin (written by manage.py bench --write; edit the prose outside these markers) -->"
END = "<!-- bench:end -->"

DASHBOARD_MS = 150
REPORT_RATIO = 1.15
LOAD_P95_MS = 500


@dataclass
class Run:
    machine: str
    sizes: list[int]
    seeded_s: dict[int, float] = field(default_factory=dict)
    pages: dict[int, list[PageTiming]] = field(default_factory=dict)
    reports: list[ReportTiming] = field(default_factory=list)
    imports: list[tuple[int, float, float]] = field(default_factory=list)
    load: LoadResult | None = None
    load_before: str = ""
    load_after: str = ""


def _met(ok: bool) -> str:
    return "met" if ok else "**NOT met**"


def markdown(run: Run) -> str:
    out = [f"Run: {run.machine}", ""]
    if run.load_before:
        out += [f"Load average (1, 5, 15 min) before the run: {run.load_before}; after: {run.load_after}.", ""]
    if run.seeded_s:
        seeded = ", ".join(f"{n} actions in {s:.1f} s" for n, s in run.seeded_s.items())
        out += [f"Seeding the bench plan (`seed_bench`): {seeded}.", ""]
    out += _pages(run) + _reports(run) + _imports(run) + _load(run) + _targets(run)
    return "\n".join(out).rstrip() + "\n"


def _pages(run: Run) -> list[str]:
    if not run.pages:
        return []
    sizes = list(run.pages)
    out = [
        "### Pages",
        "",
        "| page | " + " | ".join(f"queries ({n})" for n in sizes) + " | "
        + " | ".join(f"median ms ({n})" for n in sizes) + " | queries flat |",
        "|---|" + "---:|" * (2 * len(sizes)) + "---|",
    ]  # fmt: skip
    for i, first in enumerate(run.pages[sizes[0]]):
        row = [run.pages[n][i] for n in sizes]
        flat = len({t.queries for t in row}) == 1
        out.append(
            f"| {first.label} | " + " | ".join(str(t.queries) for t in row) + " | "
            + " | ".join(f"{t.median_ms:.0f}" for t in row) + f" | {'yes' if flat else '**NO: differs**'} |"
        )  # fmt: skip
    return out + [""]


def _reports(run: Run) -> list[str]:
    if not run.reports:
        return []
    out = [
        "### Termly report",
        "",
        "| actions | assemble (s) | web page (s) | PDF document HTML (s) | WeasyPrint alone (s) | publish, total (s) "
        "| total / WeasyPrint | PDF pages | WeasyPrint pages/s | PDF size (KB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in run.reports:
        out.append(
            f"| {r.actions} | {r.assemble_s:.2f} | {r.html_page_s:.2f} | {r.pdf_document_s:.2f} | {r.weasyprint_s:.2f} "
            f"| {r.total_s:.2f} | {r.ratio:.3f} | {r.pages} | {r.pages_per_s:.1f} | {r.pdf_kb} |"
        )
    return out + [""]


def _imports(run: Run) -> list[str]:
    if not run.imports:
        return []
    out = ["### Workbook import", "", "| actions | first import (s) | re-import, unchanged (s) |", "|---:|---:|---:|"]
    out += [f"| {n} | {first:.2f} | {again:.2f} |" for n, first, again in run.imports]
    return out + [""]


def _load(run: Run) -> list[str]:
    load = run.load
    if load is None:
        return []
    out = [
        "### Load",
        "",
        f"{load.people} people signed in at once, browsing for {load.seconds} s with {load.think[0]:g} to "
        f"{load.think[1]:g} s on each page (gunicorn, {load.workers} workers, {run.sizes[-1]}-action plan):",
        "",
        "| requests | count | requests/s | p50 (ms) | p95 (ms) | max (ms) | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for page in [load.total, *load.pages]:
        name = "all browsing" if page is load.total else page.name
        out.append(
            f"| {name} | {page.requests} | {page.rps:.1f} | {page.median_ms:.0f} | {page.p95_ms:.0f} "
            f"| {page.max_ms:.0f} | {page.failures} |"
        )
    sign_in = load.sign_in.get("sign in", {})
    if load.server_ms:
        out += [
            "",
            f"The server's own time for those requests (gunicorn's access log): {load.server_ms[0]:.0f} ms median, "
            f"{load.server_ms[1]:.0f} ms p95; the difference from the figures above is time spent waiting for a free "
            "worker (and on loopback).",
        ]
    out += [
        "",
        f"Sign-in, before the window (not in the figures above): {load.sign_in.get('attempts', 0)} people signed "
        f"in over {load.sign_in.get('ramp_s', 0)} s (spawned {load.spawn_rate:g} a second); the POST took "
        f"{sign_in.get('median_ms', 0):.0f} ms median, {sign_in.get('p95_ms', 0):.0f} ms p95, "
        f"{sign_in.get('max_ms', 0):.0f} ms max; {load.sign_in.get('refused', 0)} refused.",
        "",
    ]
    return out


def targets(run: Run) -> list[tuple[str, str, bool]]:
    """(target, figure, met) for every target the run measured."""
    rows = []
    if run.pages:
        largest = run.sizes[-1] if run.sizes[-1] in run.pages else max(run.pages)
        dashboard = next(t for t in run.pages[largest] if t.label == "Dashboard")
        afresh = next((t for t in run.pages[largest] if t.label.startswith("Dashboard, first view")), None)
        rows.append(
            (
                f"Dashboard median < {DASHBOARD_MS} ms at {largest} actions",
                f"{dashboard.median_ms:.0f} ms"
                + (f" (first view after a change: {afresh.median_ms:.0f} ms)" if afresh else ""),
                dashboard.median_ms < DASHBOARD_MS,
            )
        )
        if len(run.pages) > 1:
            labels = [t.label for t in next(iter(run.pages.values()))]
            counts = [{timings[i].queries for timings in run.pages.values()} for i in range(len(labels))]
            differ = [label for label, seen in zip(labels, counts, strict=True) if len(seen) > 1]
            rows.append(
                (
                    "Queries equal at " + " and ".join(str(n) for n in run.pages) + " actions",
                    "differ: " + ", ".join(differ) if differ else f"equal on all {len(labels)} pages",
                    not differ,
                )
            )
    for report in run.reports:
        rows.append(
            (
                f"Report total / WeasyPrint alone <= {REPORT_RATIO} ({report.actions} actions)",
                f"{report.ratio:.3f}",
                report.ratio <= REPORT_RATIO,
            )
        )
    if run.load is not None:
        total = run.load.total
        rows.append((f"Load p95 < {LOAD_P95_MS} ms", f"{total.p95_ms:.0f} ms", total.p95_ms < LOAD_P95_MS))
        errors = total.failures + run.load.sign_in.get("refused", 0)
        rows.append(("Load errors = 0 (sign-ins included)", str(errors), errors == 0))
    return rows


def _targets(run: Run) -> list[str]:
    rows = targets(run)
    if not rows:
        return []
    out = ["### Targets", "", "| target | measured | |", "|---|---:|---|"]
    out += [f"| {target} | {figure} | {_met(ok)} |" for target, figure, ok in rows]
    return out + [""]


def write_into(path: Path, text: str) -> None:
    """Replace what is between the markers in `path` with `text`; the rest of the file stays as written."""
    document = path.read_text()
    if BEGIN not in document or END not in document:
        raise ValueError(f"{path} has no benchmark markers ({BEGIN} ... {END})")
    head, rest = document.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{text}{END}{tail}")
