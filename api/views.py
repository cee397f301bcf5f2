"""The read-only API at /api/v1/ (django-ninja, decision 0029; docs/api.md).

Thin, as every view here: the token names the user, the user's role decides what is read (actions.permissions),
the filters are checked, a selector builds the table, and the page of it goes back with a link to the next. Every
call is logged with the request id, the token and the number of rows. A browser session never authenticates the
API: only a token in the Authorization header does, so no page's cookie can be used to read it from another site,
and nothing here needs CSRF protection.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse, QueryDict
from django.urls import URLPattern, re_path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_safe
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from actions.models import Plan, ReportingPeriod
from actions.permissions import require_reader
from api import schemas, selectors
from api.services import api_token_authenticate
from sendplan.timezones import end_of_day

logger = logging.getLogger("sendplan.api")

# Wide enough for a plan's every rating in one page (500 actions x 8 periods), small enough to answer in seconds.
MAX_LIMIT = 5000
DEFAULT_LIMIT = 500
# Ids are PostgreSQL integers: a larger number is no record's, refused as a bad value rather than sent to the database.
MAX_ID = 2**31 - 1


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: a live token of an active user, or 401."""

    def authenticate(self, request, token):
        found = api_token_authenticate(token)
        request.api_token = found
        return found


class Api(NinjaAPI):
    """Its URLs are included without a namespace (each has a name of its own, as every URL here does), so the
    document's root is found from its own address rather than ninja's namespace."""

    def get_root_path(self, path_params: dict) -> str:
        return reverse("openapi-json").removesuffix("openapi.json")


api = Api(
    title="sendplan read-only API",
    version="1",
    description=(
        "Read-only tables of a local area's SEND improvement plans for Power BI and advisers: plans, reporting "
        "periods, areas, actions and their ratings, progress updates, KPIs with milestones and values, risks "
        "with reviews. Every table is flat, joins by id, pages with limit/offset and a `next` link, and reads "
        "the data as it stood at `as_at` (default: now). Drafts are never served. Authenticate with "
        "`Authorization: Bearer <token>` (docs/api.md)."
    ),
    auth=TokenAuth(),
    docs_url=None,  # Swagger UI loads scripts from a CDN the CSP forbids; the JSON document is what tools read.
)


class Filters(Schema):
    plan: int | None = Field(None, ge=1, le=MAX_ID, description="A plan's id: only its records.")
    period: int | None = Field(
        None, ge=1, le=MAX_ID, description="A reporting period's id: only what belongs to it (see each table)."
    )
    as_at: str | None = Field(
        None,
        description="An ISO 8601 date (read as at the end of that day, local time) or date-time: the data as it "
        "stood then, from the history. Default: now. Not in the future.",
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page.")
    offset: int = Field(0, ge=0, le=10**9, description="Rows to skip.")


def as_at_moment(text: str | None) -> datetime:
    """The moment `text` names (a date: the end of that day; a date-time without a zone: local time), or 400."""
    now = timezone.now()
    if not text:
        return now
    try:
        day = parse_date(text)
        if day is not None:
            if day > timezone.localdate(now):
                raise HttpError(400, "as_at cannot be in the future.")
            return min(end_of_day(day), now)
        moment = parse_datetime(text)
        if moment is None:
            raise HttpError(400, "as_at must be an ISO 8601 date (2018-05-01) or date-time (2018-05-01T09:00:00Z).")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # In UTC now, as the database will take it: a moment near year 1 with a zone east of UTC has no UTC time.
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise HttpError(400, "as_at is not a real date or time.") from None
    if moment > now:
        raise HttpError(400, "as_at cannot be in the future.")
    return moment


def _reading(filters: Filters) -> selectors.Reading:
    """The filters checked against the records: an unknown plan or period is 404; a period of another plan 400."""
    when = as_at_moment(filters.as_at)
    plan_id = filters.plan
    if filters.period:
        period_plan = ReportingPeriod.objects.filter(pk=filters.period).values_list("plan_id", flat=True).first()
        if period_plan is None:
            raise Http404("No such reporting period.")
        if plan_id and plan_id != period_plan:
            raise HttpError(400, "That reporting period is not one of this plan's.")
        plan_id = period_plan
    elif plan_id and not Plan.objects.filter(pk=plan_id).exists():
        raise Http404("No such plan.")
    return selectors.Reading(when=when, plan_id=plan_id, period_id=filters.period)


def _link(request, offset: int) -> str:
    query = QueryDict(request.GET.urlencode(), mutable=True)
    query["offset"] = str(offset)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _page(request, rows_of: Callable[[selectors.Reading], list[dict]], filters: Filters) -> dict:
    require_reader(request.auth.user)  # a token reads as its user: an account with no role reads nothing
    reading = _reading(filters)
    rows = sorted(rows_of(reading), key=_row_key)
    page = rows[filters.offset : filters.offset + filters.limit]
    request.api_rows = len(page)
    after = filters.offset + filters.limit
    return {
        "count": len(rows),
        "next": _link(request, after) if after < len(rows) else None,
        "previous": _link(request, max(filters.offset - filters.limit, 0)) if filters.offset else None,
        "as_at": reading.when,
        "results": page,
    }


def _row_key(row: dict) -> tuple:
    """A stable order for paging: by id, or (for the ratings table) by action then period."""
    return (row["id"],) if "id" in row else (row["action_id"], row["period_id"])


REFUSALS = {400: schemas.Refusal, 401: schemas.Refusal, 403: schemas.Refusal, 404: schemas.Refusal}

# (path and name, selector, row schema, summary, what ?period= does)
TABLES = [
    ("plans", selectors.plan_rows, schemas.PlanRow, "Plans", "no effect beyond its plan"),
    ("periods", selectors.period_rows, schemas.PeriodRow, "Reporting periods", "that period only"),
    ("areas", selectors.area_rows, schemas.AreaRow, "Areas of weakness", "no effect beyond its plan"),
    (
        "actions",
        selectors.action_rows,
        schemas.ActionRow,
        "Actions with their current rating, stage and percentage complete",
        "fills period_rag, each action's rating as at that period",
    ),
    (
        "action-ratings",
        selectors.action_rating_rows,
        schemas.ActionRatingRow,
        "Each action's rating as at each reporting period",
        "that period only",
    ),
    (
        "progress-updates",
        selectors.progress_update_rows,
        schemas.ProgressUpdateRow,
        "Submitted progress updates",
        "that period's updates only",
    ),
    ("kpis", selectors.kpi_rows, schemas.KpiRow, "KPIs", "no effect beyond its plan"),
    ("milestones", selectors.milestone_rows, schemas.MilestoneRow, "KPI milestones", "milestones due within it"),
    (
        "measurements",
        selectors.measurement_rows,
        schemas.MeasurementRow,
        "KPI values (measurements)",
        "values whose date falls within it",
    ),
    ("risks", selectors.risk_rows, schemas.RiskRow, "Risks with their scores and band", "no effect beyond its plan"),
    ("risk-reviews", selectors.risk_review_rows, schemas.RiskReviewRow, "Risk reviews", "reviews recorded for it"),
]


def _table(name: str, rows_of, schema, summary: str, period_effect: str) -> None:
    def table(request, filters: Query[Filters]):
        return _page(request, rows_of, filters)

    api.get(
        f"/{name}/",
        response={200: schemas.Page[schema], **REFUSALS},
        url_name=f"api-{name}",
        summary=summary,
        description=f"Filter with ?plan= and ?period= ({period_effect}); read the past with ?as_at=.",
        operation_id=name.replace("-", "_"),
        tags=["tables"],
    )(table)


for _args in TABLES:
    _table(*_args)


def _refusal(request, status: int, detail) -> object:
    response = api.create_response(request, {"detail": detail}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def bad_filters(request, exc):
    """Filter values that are not numbers, or out of range: 400, naming the parameter (ninja's default is 422)."""
    return _refusal(request, 400, [{"parameter": e["loc"][-1], "message": e["msg"]} for e in exc.errors])


@api.exception_handler(AuthenticationError)
def no_token(request, exc):
    return _refusal(request, 401, "Send a live API token: Authorization: Bearer <token>.")


@api.exception_handler(PermissionDenied)
def refused(request, exc):
    return _refusal(request, 403, str(exc) or "Your account cannot read this.")


@api.exception_handler(Http404)
def missing(request, exc):
    return _refusal(request, 404, str(exc) or "Not found.")


def _logged(view):
    """Logs every call, refused or not: who (user id and token name), the path, the status and the rows sent."""

    @wraps(view)
    def logged(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        token = getattr(request, "api_token", None)
        logger.info(
            "api_call",
            extra={
                "user_id": token.user_id if token else None,
                "token": token.name if token else "-",
                "path": request.path,
                "status": response.status_code,
                "rows": getattr(request, "api_rows", 0),
            },
        )
        return response

    # The token is the API's sign-in: the site's sign-in page and two-factor step are for browsers.
    logged.login_required = False
    return logged


def _url(pattern: URLPattern) -> URLPattern:
    view = pattern.callback
    if pattern.name == "openapi-json":
        view = require_safe(view)  # ninja answers any method there; it is a document to GET
    return URLPattern(pattern.pattern, _logged(view), pattern.default_args, pattern.name)


@require_safe
def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/ (its root included): a JSON 404 naming the tables, not the site's page."""
    tables = ", ".join(f"/api/v1/{name}/" for name, *_ in TABLES)
    return JsonResponse({"detail": f"No such table. The tables are {tables}; see /api/v1/openapi.json."}, status=404)


# Ninja's own root page (a link to the docs, which are off) is left out: the tables and the document are the API.
urlpatterns = [_url(pattern) for pattern in api.urls[0] if pattern.name != "api-root"]
urlpatterns.append(re_path(r"^.*$", _logged(not_found), name="api-not-found"))
