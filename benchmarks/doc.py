"""The benchmark run as Markdown tables, and the part of docs/benchmarks.md between the markers that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.load import LoadResult
from benchmarks.pages import BUILT, FLOOR, PER_REQUEST, SEARCH_RESULTS, PageTiming
from benchmarks.report import ReportTiming

BEGIN = "<!-- bench:begin (written by manage.py bench --write; edit the prose outside these markers) -->"
END = "<!-- bench:end -->"

DASHBOARD_MS = 150
# Issue 16, "Pages near the floor" (docs/decisions/0016-pages-near-the-floor.md), at the largest plan size.
FLOOR_RATIO = 4
SCORECARD_MS = 60
DASHBOARD_FIRST_VIEW_MS = 60
SATURATION_PAGES_S = 100
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
    import_figures: list = field(default_factory=list)  # benchmarks.imports.ImportFigures, --import-actions
    load: LoadResult | None = None
    # The same load test with no think time and fewer people: how many pages the server gives at most.
    saturation: LoadResult | None = None
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
    out += (
        _pages(run)
        + _reports(run)
        + _imports(run)
        + _import_figures(run)
        + _load(run, run.load)
        + _load(run, run.saturation)
    )
    out += _targets(run)
    return "\n".join(out).rstrip() + "\n"


def _pages(run: Run) -> list[str]:
    if not run.pages:
        return []
    sizes = list(run.pages)
    out = [
        "### Pages",
        "",
        "| page | " + " | ".join(f"queries ({n})" for n in sizes) + " | "
        + " | ".join(f"median ms ({n})" for n in sizes) + " | "
        + " | ".join(f"x floor ({n})" for n in sizes) + " | "
        + " | ".join(f"CPU ms ({n})" for n in sizes) + " | queries flat |",
        "|---|" + "---:|" * (4 * len(sizes)) + "---|",
    ]  # fmt: skip
    for i, first in enumerate(run.pages[sizes[0]]):
        row = [run.pages[n][i] for n in sizes]
        flat = len({t.queries for t in row}) == 1
        out.append(
            f"| {first.label} | " + " | ".join(str(t.queries) for t in row) + " | "
            + " | ".join(f"{t.median_ms:.1f}" for t in row) + " | "
            + " | ".join(_ratio(run, n, t) for n, t in zip(sizes, row, strict=True)) + " | "
            + " | ".join(f"{t.cpu_median_ms:.1f}" for t in row)
            + f" | {'yes' if flat else '**NO: differs**'} |"
        )  # fmt: skip
    return out + [""]


def _floor_ms(run: Run, size: int) -> float | None:
    return next((t.median_ms for t in run.pages[size] if t.label == FLOOR), None)


def _ratio(run: Run, size: int, timing: PageTiming) -> str:
    floor = _floor_ms(run, size)
    return f"{timing.median_ms / floor:.1f}" if floor else "–"


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


def _import_figures(run: Run) -> list[str]:
    if not run.import_figures:
        return []
    from benchmarks.imports import markdown as import_markdown

    return import_markdown(run.import_figures)


def _imports(run: Run) -> list[str]:
    if not run.imports:
        return []
    out = ["### Workbook import", "", "| actions | first import (s) | re-import, unchanged (s) |", "|---:|---:|---:|"]
    out += [f"| {n} | {first:.2f} | {again:.2f} |" for n, first, again in run.imports]
    return out + [""]


def _load(run: Run, load: LoadResult | None) -> list[str]:
    if load is None:
        return []
    saturation = load is run.saturation
    aim = ": as many pages as the server gives" if saturation else ""
    pace = "no pause between pages" if not load.think[1] else f"{load.think[0]:g} to {load.think[1]:g} s on each page"
    out = [
        "### Saturation" if saturation else "### Load",
        "",
        f"{load.people} people signed in at once, browsing for {load.seconds} s with {pace} (gunicorn, "
        f"{load.workers} workers, {run.sizes[-1]}-action plan){aim}:",
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
        timings = run.pages[largest]
        floor = _floor_ms(run, largest)
        if floor:
            # As readers get them between changes; the "built in the request" rows of the pages table are the
            # first view after a change of a page nobody has opened since, given for comparison.
            # Forms and search results are built for each request (PER_REQUEST, SEARCH_RESULTS): only their
            # queries are held, flat with the plan's size, in the line below.
            pages = [
                t for t in timings if t.label != FLOOR and not t.label.endswith((BUILT, PER_REQUEST, SEARCH_RESULTS))
            ]
            worst = max(pages, key=lambda t: t.median_ms)
            rows.append(
                (
                    f"Every page's median (forms and search results aside) within {FLOOR_RATIO}x the floor's "
                    f"({floor:.1f} ms) at {largest} actions",
                    f"{worst.median_ms / floor:.1f}x at most ({worst.label})",
                    worst.median_ms <= FLOOR_RATIO * floor,
                )
            )
        for label in ("Scorecard", "Scorecard, first view after a change", f"Scorecard{BUILT}"):
            scorecard = next((t for t in timings if t.label == label), None)
            if scorecard:
                rows.append(
                    (
                        f"{label} median < {SCORECARD_MS} ms at {largest} actions",
                        f"{scorecard.median_ms:.0f} ms",
                        scorecard.median_ms < SCORECARD_MS,
                    )
                )
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
        if afresh:
            rows.append(
                (
                    f"Dashboard, first view after a change, median < {DASHBOARD_FIRST_VIEW_MS} ms at {largest} actions",
                    f"{afresh.median_ms:.0f} ms",
                    afresh.median_ms < DASHBOARD_FIRST_VIEW_MS,
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
    if run.saturation is not None:
        total = run.saturation.total
        errors = total.failures + run.saturation.sign_in.get("refused", 0)
        rows += [
            (
                f"Saturation ({run.saturation.people} people, no think time) >= {SATURATION_PAGES_S} pages/s",
                f"{total.rps:.1f} pages/s",
                total.rps >= SATURATION_PAGES_S,
            ),
            (f"Saturation p95 < {LOAD_P95_MS} ms", f"{total.p95_ms:.0f} ms", total.p95_ms < LOAD_P95_MS),
            ("Saturation errors = 0 (sign-ins included)", str(errors), errors == 0),
        ]
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
