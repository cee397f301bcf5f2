"""The Local Offer's open data, feeds and chair's updates: public (no login), published content only.

Like the report pages beside them (reports.views.public_*), these set no caching headers of their own: a published
report never changes, and a correction is a new report at a new address.
"""

import json
from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from evidence.views import evidence_file_response
from reports import selectors
from reports.open_data import ACTION_COLUMNS, KPI_COLUMNS, action_rows, kpi_rows, to_csv

SCHEMA_FILE = Path(__file__).resolve().parent / "open-data.schema.json"


def _download(body: bytes, content_type: str, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    # file_stem is slugified, so the name needs no quoting beyond the quotes.
    response["Content-Disposition"] = f'{"attachment" if attachment else "inline"}; filename="{filename}"'
    return response


@login_not_required
@require_GET
def public_report_json(request, slug, pk):
    report, data = selectors.get_public_report_data(slug, pk)
    links = {
        "page": request.build_absolute_uri(report.get_public_url()),
        "pdf": request.build_absolute_uri(reverse("public-report-pdf", args=[slug, pk])),
        "actions_csv": request.build_absolute_uri(reverse("public-report-actions-csv", args=[slug, pk])),
        "kpis_csv": request.build_absolute_uri(reverse("public-report-kpis-csv", args=[slug, pk])),
        "schema": request.build_absolute_uri(reverse("public-open-data-schema")),
    }
    files = [
        {**entry, "url": request.build_absolute_uri(reverse("public-evidence", args=[slug, pk, entry["id"]]))}
        for entry in data.get("evidence_files", [])
    ]
    served = {**data, "evidence_files": files, "links": links}
    body = json.dumps(served, ensure_ascii=False, indent=2).encode("utf-8")
    return _download(body, "application/json; charset=utf-8", f"{report.file_stem}.json", attachment=False)


@login_not_required
@require_GET
def public_report_actions_csv(request, slug, pk):
    report, data = selectors.get_public_report_data(slug, pk)
    body = to_csv(action_rows(data), ACTION_COLUMNS)
    return _download(body, "text/csv; charset=utf-8", f"{report.file_stem}-actions.csv", attachment=True)


@login_not_required
@require_GET
def public_report_kpis_csv(request, slug, pk):
    report, data = selectors.get_public_report_data(slug, pk)
    body = to_csv(kpi_rows(data), KPI_COLUMNS)
    return _download(body, "text/csv; charset=utf-8", f"{report.file_stem}-kpis.csv", attachment=True)


@login_not_required
@require_GET
def public_open_data_schema(request):
    return _download(
        SCHEMA_FILE.read_bytes(), "application/schema+json", "sendplan-open-data.schema.json", attachment=False
    )


@login_not_required
@require_GET
def public_evidence(request, slug, pk, file_pk):
    """A publishable evidence file the published report lists, as an attachment (never inline: a browser saves it
    rather than running it), with the content type its checked kind has."""
    return evidence_file_response(selectors.get_public_evidence(slug, pk, file_pk))


@login_not_required
@require_GET
def public_chair_update(request, slug, pk):
    plan = selectors.public_plan_or_404(slug)
    meeting = selectors.get_public_chair_update(plan, pk)
    context = {"plan": plan, "meeting": meeting, "public": True}
    return render(request, "reports/public_chair_update.html", context)
