"""Writes that set up a plan in the app: a new plan (header, RAG key, partners, reporting periods in one go), its
header and RAG key afterwards, its areas with their findings and outcomes, and its reporting periods.

Every write is versioned (optimistic locking, actions/locking.py) and recorded in history as the user's. Rules are
checked here whoever calls (the forms check shapes; these check meaning) and refused with a ValidationError keyed by
form field.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils.text import slugify

from actions.locking import claim_version, save_versioned
from actions.models import (
    AreaKind,
    AreaOfWeakness,
    Finding,
    Officer,
    Organisation,
    Outcome,
    Plan,
    Rag,
    RagDefinition,
    ReportingPeriod,
)
from actions.selectors import plan_organisation_ids
from governance.models import Challenge
from workbooks.parsing import SCHOOL_TERMS

# The BRAG+White key as the Royal Borough of Windsor and Maidenhead words it (fixtures/demo/rbwm.json): the
# standard a new plan starts from, each line editable.
STANDARD_RAG_KEY = [
    (Rag.BLUE, "Blue", "Completed and embedded"),
    (Rag.GREEN, "Green", "On track, no delivery concerns"),
    (Rag.AMBER, "Amber", "On track, minor delivery concerns"),
    (Rag.RED, "Red", "Little progress, major delivery concerns"),
    (Rag.WHITE, "White", "Not started"),
]

# Slugs the URLs use for pages of their own: /plans/new/ is the new plan page, not a plan.
RESERVED_SLUGS = {"new"}
LONGEST_PLAN_YEARS = 10


class Cadence(StrEnum):
    TERMLY = "termly"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"


# The three ways a year splits into quarters, by the months they end in.
QUARTER_ENDS = {
    "3-6-9-12": (3, 6, 9, 12),
    "1-4-7-10": (1, 4, 7, 10),
    "2-5-8-11": (2, 5, 8, 11),
}


@dataclass(frozen=True)
class PeriodSpan:
    """A reporting period to be created: its name as people say it, and its first and last days."""

    name: str
    start: date
    end: date


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _term_containing(day: date) -> PeriodSpan:
    for term, (first, last) in SCHOOL_TERMS.items():
        if first <= day.month <= last:
            return PeriodSpan(
                f"{term.capitalize()} term {day.year}", date(day.year, first, 1), _month_end(day.year, last)
            )
    raise AssertionError("SCHOOL_TERMS covers every month")


def _quarter_containing(day: date, ends: tuple[int, ...]) -> PeriodSpan:
    later = [month for month in sorted(ends) if month >= day.month]
    year, month = (day.year, later[0]) if later else (day.year + 1, min(ends))
    end = _month_end(year, month)
    first_month = month - 2
    start = date(year, first_month, 1) if first_month >= 1 else date(year - 1, first_month + 12, 1)
    return PeriodSpan(f"Quarter ending {end:%B %Y}", start, end)


def _month_containing(day: date) -> PeriodSpan:
    return PeriodSpan(f"{day:%B %Y}", day.replace(day=1), _month_end(day.year, day.month))


def default_periods_until(start: date) -> date:
    """Two years of reporting from the start date: the day before its second anniversary."""
    try:
        return start.replace(year=start.year + 2) - timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 2, day=28)


def cadence_periods(*, cadence: str, start: date, until: date, quarter_ends: tuple[int, ...] = ()) -> list[PeriodSpan]:
    """The reporting periods from `start` to `until`, one per term, quarter or month: each named as people say it
    ("Autumn term 2025", "Quarter ending June 2026", "March 2026"). The first begins on `start` and the last ends
    on `until`, so a plan starting mid-term reports on the rest of that term and none starts before the plan."""
    spans: list[PeriodSpan] = []
    day = start
    while day <= until:
        if cadence == Cadence.TERMLY:
            span = _term_containing(day)
        elif cadence == Cadence.QUARTERLY:
            span = _quarter_containing(day, quarter_ends)
        else:
            span = _month_containing(day)
        spans.append(PeriodSpan(span.name, max(span.start, start), min(span.end, until)))
        day = span.end + timedelta(days=1)
    return spans


def cadence_errors(*, cadence: str, start: date | None, until: date | None, quarter_ends: tuple[int, ...]) -> dict:
    errors: dict[str, str] = {}
    if cadence not in Cadence.__members__.values():
        errors["cadence"] = "Choose how often the plan reports: termly, quarterly or monthly."
    elif cadence == Cadence.QUARTERLY and tuple(quarter_ends) not in QUARTER_ENDS.values():
        errors["quarter_ends"] = "Choose the months the quarters end in."
    if start is not None and until is not None:
        if until <= start:
            errors["periods_until"] = "The last reporting date must be after the plan starts."
        elif until > default_periods_until(start).replace(year=start.year + LONGEST_PLAN_YEARS):
            errors["periods_until"] = (
                f"Reporting periods are made for at most {LONGEST_PLAN_YEARS} years from the start date: "
                "choose an earlier last reporting date."
            )
    return errors


def _refuse(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def plan_slug(local_area: str, title: str) -> str:
    """A web address for a new plan, from its local area and title, not used by any plan yet ("-2", "-3"...)."""
    base = slugify(f"{local_area} {title}")[:70].strip("-") or "plan"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Plan.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def plan_header_errors(
    *,
    plan_type: str,
    local_area: str,
    title: str,
    start_date: date | None,
    inspection_start: date | None,
    inspection_end: date | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if plan_type not in Plan.PlanType.values:
        errors["plan_type"] = "Choose the type of plan."
    if not local_area.strip():
        errors["local_area"] = "Enter the local area, for example Riverside."
    if not title.strip():
        errors["title"] = "Enter the plan's title, as published."
    if start_date is None:
        errors["start_date"] = "Enter the date the plan starts."
    if inspection_start and inspection_end and inspection_end < inspection_start:
        errors["inspection_end"] = "The inspection cannot end before it starts."
    return errors


def _same_plan(*, plan_type: str, local_area: str, title: str, start_date: date | None) -> Plan | None:
    return Plan.objects.filter(
        plan_type=plan_type, local_area__iexact=local_area.strip(), title__iexact=title.strip(), start_date=start_date
    ).first()


def _already_started(plan: Plan) -> ValidationError:
    return ValidationError(
        f"{plan} starting {plan.start_date:%-d %B %Y} has already been started, so it was not added again. "
        "Open it from the plans list, or change the title or start date to start another."
    )


def _partner_errors(new_partners: list[tuple[str, str]]) -> dict[str, str]:
    for name, kind in new_partners:
        if not name.strip():
            return {"new_partners": "Enter the name of each organisation you add, or leave its kind blank."}
        if kind not in Organisation.Kind.values:
            return {"new_partners": f"Choose what kind of organisation {name.strip()} is."}
    return {}


def _partners(partners: list[Organisation], new_partners: list[tuple[str, str]], by) -> list[Organisation]:
    """The chosen organisations and the new ones: a new name that matches an existing organisation (whatever its
    case) is that organisation, not a second one."""
    chosen = {organisation.pk: organisation for organisation in partners}
    for name, kind in new_partners:
        organisation = Organisation.objects.filter(name__iexact=name.strip()).first()
        if organisation is None:
            organisation = Organisation(name=name.strip(), kind=kind)
            save_versioned(organisation, expected_version=1, by=by)
        chosen[organisation.pk] = organisation
    return list(chosen.values())


def rag_key_errors(lines: list[tuple[str, str, str]]) -> dict[str, str]:
    """A key line with a label needs a definition and the other way round; a key needs at least one line."""
    errors: dict[str, str] = {}
    for code, label, definition in lines:
        if bool(label.strip()) != bool(definition.strip()):
            errors[f"{code}_definition" if label.strip() else f"{code}_label"] = (
                f"Give {Rag(code).label.lower()} both its word and what it means, or leave both blank to leave it out."
            )
    if not errors and not any(label.strip() for _, label, _ in lines):
        errors["blue_label"] = "Give the key at least one rating, or choose no public ratings."
    return errors


@transaction.atomic
def plan_start(
    *,
    plan_type: str,
    local_area: str,
    title: str,
    start_date: date | None,
    inspection_start: date | None = None,
    inspection_end: date | None = None,
    inspection_label: str = "",
    report_published: date | None = None,
    published: date | None = None,
    rag_key: list[tuple[str, str, str]] | None = None,
    partners: list[Organisation] = (),
    new_partners: list[tuple[str, str]] = (),
    cadence: str = Cadence.TERMLY,
    periods_until: date | None = None,
    quarter_ends: tuple[int, ...] = (),
    by,
) -> Plan:
    """Start a plan from nothing: its header, RAG key (`rag_key` lines of code, label and definition; None for a
    plan that publishes no ratings), partner organisations (chosen, and new ones by name and kind) and its
    reporting periods at `cadence` from the start date to `periods_until` (default: two years).

    A plan of the same type, local area, title and start date is refused as already started: submitting the form
    twice makes one plan."""
    errors = plan_header_errors(
        plan_type=plan_type,
        local_area=local_area,
        title=title,
        start_date=start_date,
        inspection_start=inspection_start,
        inspection_end=inspection_end,
    )
    if start_date is not None and periods_until is None:
        periods_until = default_periods_until(start_date)
    errors |= cadence_errors(cadence=cadence, start=start_date, until=periods_until, quarter_ends=quarter_ends)
    errors |= _partner_errors(list(new_partners))
    if rag_key is not None:
        errors |= rag_key_errors(rag_key)
    _refuse(errors)
    if existing := _same_plan(plan_type=plan_type, local_area=local_area, title=title, start_date=start_date):
        raise _already_started(existing)
    plan = Plan(
        slug=plan_slug(local_area, title),
        plan_type=plan_type,
        local_area=local_area.strip(),
        title=title.strip(),
        start_date=start_date,
        inspection_start=inspection_start,
        inspection_end=inspection_end,
        inspection_label=inspection_label.strip(),
        report_published=report_published,
        published=published,
        publishes_ratings=rag_key is not None,
    )
    try:
        # Two submissions at once both find no plan yet and make the same slug: the second waits on the unique
        # index, then fails here, and is told the plan has been started.
        with transaction.atomic():
            save_versioned(plan, expected_version=1, by=by)
    except IntegrityError:
        existing = _same_plan(plan_type=plan_type, local_area=local_area, title=title, start_date=start_date)
        if existing is None:
            raise
        raise _already_started(existing) from None
    for code, label, definition in rag_key or []:
        if label.strip():
            line = RagDefinition(plan=plan, code=code, label=label.strip(), definition=definition.strip())
            save_versioned(line, expected_version=1, by=by)
    plan._history_user = by
    plan.partner_organisations.set(_partners(list(partners), list(new_partners), by))
    for span in cadence_periods(cadence=cadence, start=start_date, until=periods_until, quarter_ends=quarter_ends):
        period = ReportingPeriod(plan=plan, name=span.name, start=span.start, end=span.end)
        save_versioned(period, expected_version=1, by=by)
    return plan


@transaction.atomic
def plan_header_change(
    *,
    plan: Plan,
    plan_type: str,
    local_area: str,
    title: str,
    start_date: date | None,
    inspection_start: date | None,
    inspection_end: date | None,
    inspection_label: str,
    report_published: date | None,
    published: date | None,
    partners: list[Organisation],
    by,
    expected_version: int,
) -> Plan:
    """Change the plan's header facts and partner organisations. Its web address stays, so links keep working."""
    _refuse(
        plan_header_errors(
            plan_type=plan_type,
            local_area=local_area,
            title=title,
            start_date=start_date,
            inspection_start=inspection_start,
            inspection_end=inspection_end,
        )
    )
    plan.plan_type, plan.local_area, plan.title, plan.start_date = (
        plan_type,
        local_area.strip(),
        title.strip(),
        start_date,
    )
    plan.inspection_start, plan.inspection_end, plan.inspection_label = (
        inspection_start,
        inspection_end,
        inspection_label.strip(),
    )
    plan.report_published, plan.published = report_published, published
    save_versioned(plan, expected_version=expected_version, by=by)
    if {o.pk for o in partners} != set(plan.partner_organisations.values_list("pk", flat=True)):
        plan._history_user = by
        plan.partner_organisations.set(partners)
    return plan


@transaction.atomic
def rag_key_change(
    *, plan: Plan, publishes_ratings: bool, lines: list[tuple[str, str, str]], by, expected_version: int
) -> Plan:
    """Reword the plan's RAG key, leave ratings out of it (blank lines) or stop publishing ratings.

    The key is locked with the plan: whoever saved the plan or its key since the page was loaded wins, and this
    edit is refused as stale. Ratings already given keep their codes; only the words change."""
    if publishes_ratings:
        _refuse(rag_key_errors(lines))
    plan.publishes_ratings = publishes_ratings
    save_versioned(plan, expected_version=expected_version, by=by)
    existing = {line.code: line for line in plan.rag_key.all()}
    for code, label, definition in lines:
        line = existing.get(code)
        label, definition = label.strip(), definition.strip()
        if line is None and label:
            save_versioned(
                RagDefinition(plan=plan, code=code, label=label, definition=definition), expected_version=1, by=by
            )
        elif line is not None and not label:
            line._history_user = by
            line.delete()
        elif line is not None and (line.label, line.definition) != (label, definition):
            line.label, line.definition = label, definition
            save_versioned(line, expected_version=line.version, by=by)
    return plan


# Areas of weakness


def area_errors(
    *, plan: Plan, ref: str, title: str, kind: str, owners: list[Officer], area: AreaOfWeakness | None = None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    ref = ref.strip()
    if not ref:
        errors["ref"] = "Enter the area's number or reference, for example 1 or 2.1."
    else:
        same = AreaOfWeakness.objects.filter(plan=plan, ref=ref)
        if area is not None:
            same = same.exclude(pk=area.pk)
        if other := same.first():
            errors["ref"] = f"{other.heading} already has the reference {ref}: choose another."
    if not title.strip():
        errors["title"] = "Enter the area's title, as the plan words it."
    if kind not in AreaKind.values:
        errors["kind"] = "Choose what the plan calls this area."
    allowed = plan_organisation_ids(plan)
    if outside := [str(officer) for officer in owners if officer.organisation_id not in allowed]:
        errors["owners"] = (
            f"{', '.join(outside)} {'is' if len(outside) == 1 else 'are'} not in one of the plan's partner "
            "organisations: add the organisation to the plan first."
        )
    return errors


@transaction.atomic
def area_add(
    *,
    plan: Plan,
    ref: str,
    title: str,
    kind: str,
    general_outcomes: str = "",
    milestone: str = "",
    owners: list[Officer] = (),
    by,
) -> AreaOfWeakness:
    """Add an area of weakness (or priority, improvement area, workstream) last in the plan's order."""
    owners = list(owners)
    _refuse(area_errors(plan=plan, ref=ref, title=title, kind=kind, owners=owners))
    last = plan.areas.aggregate(last=Max("order"))["last"]
    area = AreaOfWeakness(
        plan=plan,
        ref=ref.strip(),
        title=title.strip(),
        kind=kind,
        general_outcomes=general_outcomes.strip(),
        milestone=milestone.strip(),
        order=0 if last is None else last + 1,
    )
    save_versioned(area, expected_version=1, by=by)
    area._history_user = by
    area.owners.set(owners)
    return area


@transaction.atomic
def area_change(
    *,
    area: AreaOfWeakness,
    ref: str,
    title: str,
    kind: str,
    general_outcomes: str,
    milestone: str,
    owners: list[Officer],
    by,
    expected_version: int,
) -> AreaOfWeakness:
    owners = list(owners)
    _refuse(area_errors(plan=area.plan, ref=ref, title=title, kind=kind, owners=owners, area=area))
    area.ref, area.title, area.kind = ref.strip(), title.strip(), kind
    area.general_outcomes, area.milestone = general_outcomes.strip(), milestone.strip()
    save_versioned(area, expected_version=expected_version, by=by)
    if {o.pk for o in owners} != set(area.owners.values_list("pk", flat=True)):
        area._history_user = by
        area.owners.set(owners)
    return area


def _move(record: models.Model, siblings: list[models.Model], *, up: bool, by, expected_version: int) -> None:
    """Swap `record` with the sibling before (`up`) or after it; orders rewritten 0, 1, 2... so that rows brought
    in with equal orders still move one place. A stale move is refused, even at either end."""
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == record.pk)
    target = index - 1 if up else index + 1
    if not 0 <= target < len(siblings):
        claim_version(record, expected_version=expected_version)
        return
    siblings.insert(target, siblings.pop(index))
    for position, sibling in enumerate(siblings):
        if sibling.pk == record.pk:
            record.order = position
            save_versioned(record, expected_version=expected_version, by=by)
        elif sibling.order != position:
            sibling.order = position
            save_versioned(sibling, expected_version=sibling.version, by=by)


@transaction.atomic
def area_move(*, area: AreaOfWeakness, up: bool, by, expected_version: int) -> AreaOfWeakness:
    """Move the area one place up or down the plan's order (within its tier, pages show tiers apart)."""
    siblings = list(AreaOfWeakness.objects.filter(plan=area.plan_id).select_for_update().order_by("order", "ref", "pk"))
    _move(area, siblings, up=up, by=by, expected_version=expected_version)
    return area


# Findings and outcomes: an area's quoted inspection findings and its required outcomes, each a reference and a text.


def statement_errors(*, text: str) -> dict[str, str]:
    return {} if text.strip() else {"text": "Enter the text, as the plan words it."}


@transaction.atomic
def statement_add(
    *, area: AreaOfWeakness, model: type[Finding | Outcome], ref: str, text: str, by
) -> Finding | Outcome:
    """Add a finding or an outcome last under the area."""
    _refuse(statement_errors(text=text))
    last = model.objects.filter(area=area).aggregate(last=Max("order"))["last"]
    record = model(area=area, ref=ref.strip(), text=text.strip(), order=0 if last is None else last + 1)
    save_versioned(record, expected_version=1, by=by)
    return record


@transaction.atomic
def statement_change(*, record: Finding | Outcome, ref: str, text: str, by, expected_version: int) -> Finding | Outcome:
    _refuse(statement_errors(text=text))
    record.ref, record.text = ref.strip(), text.strip()
    save_versioned(record, expected_version=expected_version, by=by)
    return record


@transaction.atomic
def statement_remove(*, record: Finding | Outcome, by, expected_version: int) -> None:
    """Remove a finding or an outcome. Actions grouped under a removed outcome stay in the area, ungrouped, and
    outcomes answering a removed finding stay, answering none: each change saved in history as the user's."""
    claim_version(record, expected_version=expected_version)
    dependants = record.actions.all() if isinstance(record, Outcome) else record.outcomes.all()
    link = "outcome" if isinstance(record, Outcome) else "finding"
    for dependant in dependants.select_for_update():
        setattr(dependant, link, None)
        save_versioned(dependant, expected_version=dependant.version, by=by)
    record._history_user = by
    record.delete()


def statement_dependants(record: Finding | Outcome) -> int:
    """How many actions (for an outcome) or outcomes (for a finding) hang on the record."""
    return record.actions.count() if isinstance(record, Outcome) else record.outcomes.count()


# Reporting periods


def period_errors(
    *,
    plan: Plan,
    name: str,
    start: date | None,
    end: date | None,
    update_deadline: date | None,
    period: ReportingPeriod | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    others = ReportingPeriod.objects.filter(plan=plan)
    if period is not None:
        others = others.exclude(pk=period.pk)
    name = name.strip()
    if not name:
        errors["name"] = "Enter the period's name, as people say it, for example Autumn term 2025."
    elif others.filter(name__iexact=name).exists():
        errors["name"] = f"This plan already has a period called {name}: choose another name."
    if start is None:
        errors["start"] = "Enter the date the period starts."
    if end is None:
        errors["end"] = "Enter the date the period ends."
    if start and end:
        if end <= start:
            errors["end"] = "The period must end after it starts."
        elif overlap := others.filter(start__lte=end, end__gte=start).order_by("start").first():
            errors["start"] = (
                f"These dates overlap {overlap.name} ({overlap.start:%-d %B %Y} to {overlap.end:%-d %B %Y}): a plan's "
                "reporting periods cannot overlap. Change the dates, or change that period first."
            )
    if start and update_deadline and update_deadline < start:
        errors["update_deadline"] = "Updates cannot be due before the period starts."
    return errors


@transaction.atomic
def period_add(
    *, plan: Plan, name: str, start: date | None, end: date | None, update_deadline: date | None = None, by
) -> ReportingPeriod:
    """Add a planned reporting period: the programme manager opens its round when it is time."""
    _refuse(period_errors(plan=plan, name=name, start=start, end=end, update_deadline=update_deadline))
    period = ReportingPeriod(plan=plan, name=name.strip(), start=start, end=end, update_deadline=update_deadline)
    save_versioned(period, expected_version=1, by=by)
    return period


@transaction.atomic
def period_change(
    *,
    period: ReportingPeriod,
    name: str,
    start: date | None,
    end: date | None,
    update_deadline: date | None,
    by,
    expected_version: int,
) -> ReportingPeriod:
    _refuse(
        period_errors(plan=period.plan, name=name, start=start, end=end, update_deadline=update_deadline, period=period)
    )
    period.name, period.start, period.end, period.update_deadline = name.strip(), start, end, update_deadline
    save_versioned(period, expected_version=expected_version, by=by)
    return period


def period_remove_refusal(period: ReportingPeriod) -> str:
    """Why the period cannot be removed, or '' if it can: what was recorded for it would lose its term."""
    updates = period.updates.count()
    if updates:
        return (
            f"{period.name} has {updates} progress update{'s' if updates != 1 else ''} (drafts included), which "
            "belong to it, so it cannot be removed. Change its name or dates instead."
        )
    if period.termly_reports.exists():
        return f"{period.name} has a termly report, so it cannot be removed. Change its name or dates instead."
    if period.status == ReportingPeriod.Status.OPEN:
        return f"{period.name} is open for updates: close its round first, then remove it."
    if period.risk_reviews.exists() or _challenged_in(period):
        return f"Challenges or risk reviews were recorded in {period.name}, so it cannot be removed."
    return ""


def _challenged_in(period: ReportingPeriod) -> bool:
    return Challenge.objects.filter(period=period).exists()


@transaction.atomic
def period_remove(*, period: ReportingPeriod, by, expected_version: int) -> None:
    claim_version(period, expected_version=expected_version)
    if refusal := period_remove_refusal(period):
        raise ValidationError(refusal)
    period._history_user = by
    period.delete()
