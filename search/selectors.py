"""Finding actions, KPIs, risks, areas and posts by reference or words (docs/search.md).

PostgreSQL: full-text search (django.contrib.postgres: SearchVector, SearchQuery in websearch form, SearchRank), in
English, so "panels" finds "panel" and any input is a valid query. SQLite (`make demo`): every word must appear
somewhere in the record (icontains). On both, a reference matches exactly or as its start ("1.2" finds 1.2, 1.2a,
1.20). Each kind is one query however many records match: at most RESULTS_PER_KIND are read, plus one to tell
whether there are more.

What a role may not read never appears: every role reads every plan's actions, areas, KPIs and risks
(actions/permissions.py, kpis/permissions.py, risks/permissions.py), but posts' pages are programme managers' only,
so only they find posts; and a draft progress update is never searched (drafts exist only for those who may
submit them, and a search result would reveal one).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial, reduce
from operator import and_, or_
from typing import Any

from django.db import connection
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse

from actions.models import Action, AreaOfWeakness, Officer, Plan, ProgressUpdate
from actions.permissions import can_manage_plans
from actions.selectors import plan_organisation_ids
from kpis.models import Kpi
from risks.models import Risk

RESULTS_PER_KIND = 20
# Longer input is cut, not refused: nobody searches with more, and a 10,000-character query costs nothing then.
MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
FTS_CONFIG = "english"
# "Action 1.2", "Risk R3", "KPI 1.K1": the word before a reference is how people say it, not part of it.
_REF_PREFIX = re.compile(r"^(action|area|risk|kpi|ref|reference)\s+", re.IGNORECASE)


class Kind:
    ACTIONS = "actions"
    KPIS = "kpis"
    RISKS = "risks"
    AREAS = "areas"
    OFFICERS = "officers"


KIND_LABELS = {
    Kind.ACTIONS: "Actions",
    Kind.KPIS: "KPIs",
    Kind.RISKS: "Risks",
    Kind.AREAS: "Areas",
    Kind.OFFICERS: "People and posts",
}


def clean_query(raw: str) -> str:
    """The query as searched: control characters (a NUL would make PostgreSQL refuse the statement) and surplus
    spaces gone, normalised (NFKC, so full-width digits match), cut to MAX_QUERY_LENGTH."""
    text = unicodedata.normalize("NFKC", raw or "")[: MAX_QUERY_LENGTH * 4]
    text = "".join(" " if unicodedata.category(char).startswith("C") else char for char in text)
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    context: str = ""
    text: str = ""


# As the kinds read inside a sentence ("46 results: actions (20+), KPIs (13)"): KPIs stays in capitals.
KIND_WORDS = {kind: "KPIs" if kind == Kind.KPIS else label.lower() for kind, label in KIND_LABELS.items()}


@dataclass
class Group:
    kind: str
    label: str
    hits: list[Hit] = field(default_factory=list)
    more: bool = False

    @property
    def words(self) -> str:
        """The kind as it reads inside a sentence."""
        return KIND_WORDS[self.kind]


@dataclass
class Results:
    query: str
    groups: list[Group]

    @property
    def count(self) -> int:
        return sum(len(group.hits) for group in self.groups)


def kinds_for(user) -> list[str]:
    """The kinds of record this user may find."""
    kinds = [Kind.ACTIONS, Kind.KPIS, Kind.RISKS, Kind.AREAS]
    if can_manage_plans(user):
        kinds.append(Kind.OFFICERS)
    return kinds


def _using_postgres() -> bool:
    return connection.vendor == "postgresql"


def _words_match(fields: list[str], words: list[str]) -> Q:
    """Every word in one of the fields (the SQLite fallback, and PostgreSQL's for short fields)."""
    return reduce(and_, (reduce(or_, (Q(**{f"{name}__icontains": word}) for name in fields)) for word in words))


def _text_match(queryset: QuerySet, fields: list[str], query: str, words: list[str]) -> tuple[QuerySet, Q]:
    """`queryset` annotated (on PostgreSQL) with its full-text rank as `rank`, and the condition for a word
    match."""
    if _using_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*fields, config=FTS_CONFIG)
        search_query = SearchQuery(query, search_type="websearch", config=FTS_CONFIG)
        queryset = queryset.annotate(search=vector, rank=SearchRank(vector, search_query))
        return queryset, Q(search=search_query)
    return queryset.annotate(rank=Value(0.0)), _words_match(fields, words)


def _progress_match(query: str, words: list[str]) -> Exists:
    """Actions with a submitted update whose progress matches (never a draft's)."""
    updates = ProgressUpdate.objects.filter(action=OuterRef("pk"), status=ProgressUpdate.Status.SUBMITTED)
    if _using_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchVector

        updates = updates.annotate(search=SearchVector("progress", "impact", config=FTS_CONFIG)).filter(
            search=SearchQuery(query, search_type="websearch", config=FTS_CONFIG)
        )
    else:
        updates = updates.filter(_words_match(["progress", "impact"], words))
    return Exists(updates)


def _ref_rank(ref: str) -> Case:
    """2 for an exact reference, 1 for one starting with it, else 0: references come before word matches."""
    return Case(
        When(ref__iexact=ref, then=Value(2)),
        When(ref__istartswith=ref, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _ranked(queryset: QuerySet, ref: str, condition: Q, *order: str) -> list:
    matches = queryset.filter(condition | Q(ref__istartswith=ref)) if ref else queryset.filter(condition)
    matches = matches.annotate(ref_rank=_ref_rank(ref) if ref else Value(0, output_field=IntegerField()))
    return list(matches.order_by("-ref_rank", F("rank").desc(nulls_last=True), *order)[: RESULTS_PER_KIND + 1])


def _group(kind: str, rows: list, hit) -> Group:
    hits = [hit(row) for row in rows[:RESULTS_PER_KIND]]
    return Group(kind=kind, label=KIND_LABELS[kind], hits=hits, more=len(rows) > RESULTS_PER_KIND)


def _short(text: str, length: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def search(*, user, query: str, plan: Plan | None = None, kinds: list[str] | None = None) -> Results:
    """What `user` may read that matches `query` (cleaned with clean_query), in `plan` (or every plan), of `kinds`
    (default: every kind the user may find), grouped by kind. One query per kind."""
    query = clean_query(query)
    allowed = kinds_for(user)
    wanted = [kind for kind in (kinds or allowed) if kind in allowed]
    if not query:
        return Results(query="", groups=[])
    words = query.split()[:MAX_WORDS]
    ref = _REF_PREFIX.sub("", query)[:20] if len(words) <= 2 else ""
    groups = []
    for kind in wanted:
        groups.append(_SEARCHES[kind](query=query, words=words, ref=ref, plan=plan))
    return Results(query=query, groups=groups)


def _actions(*, query, words, ref, plan) -> Group:
    actions = Action.objects.select_related("area__plan")
    if plan is not None:
        actions = actions.filter(area__plan=plan)
    actions, text = _text_match(actions, ["ref", "text"], query, words)
    rows = _ranked(actions, ref, text | Q(_progress_match(query, words)), "area__plan__title", "area__order", "order")
    return _group(
        Kind.ACTIONS,
        rows,
        lambda action: Hit(
            kind=Kind.ACTIONS,
            title=f"Action {action.ref}",
            url=action.get_absolute_url(),
            context=f"{action.area.plan.title} ({action.area.plan.local_area}), {action.area.label}",
            text=_short(action.text),
        ),
    )


@dataclass(frozen=True)
class _PlanRecords:
    """A kind of record that belongs to a plan and is found the same way: by its ref and the words of `fields`."""

    kind: str
    model: type
    fields: tuple[str, ...]
    order: str
    title: Callable[[Any], str]
    text: str  # the field shown under the title


def _plan_records(spec: _PlanRecords, *, query, words, ref, plan) -> Group:
    records = spec.model.objects.select_related("plan")
    if plan is not None:
        records = records.filter(plan=plan)
    records, text = _text_match(records, list(spec.fields), query, words)
    rows = _ranked(records, ref, text, "plan__title", spec.order)
    return _group(
        spec.kind,
        rows,
        lambda record: Hit(
            kind=spec.kind,
            title=spec.title(record),
            url=record.get_absolute_url(),
            context=f"{record.plan.title} ({record.plan.local_area})",
            text=_short(getattr(record, spec.text)),
        ),
    )


_KPIS = _PlanRecords(Kind.KPIS, Kpi, ("ref", "measure"), "ref", lambda kpi: f"KPI {kpi.ref}", "measure")
_RISKS = _PlanRecords(
    Kind.RISKS, Risk, ("ref", "risk", "mitigation", "progress"), "ref", lambda risk: f"Risk {risk.ref}", "risk"
)
_AREAS = _PlanRecords(
    Kind.AREAS,
    AreaOfWeakness,
    ("ref", "title", "general_outcomes", "milestone"),
    "order",
    lambda area: area.label,
    "title",
)


def _officers(*, query, words, ref, plan) -> Group:
    """Posts, by title, person or organisation: names are short, so every word is looked for inside them (a
    surname's start finds it) on both databases. In a plan: its organisations' posts (plan_post_choices)."""
    officers = Officer.objects.select_related("organisation")
    if plan is not None:
        officers = officers.filter(organisation_id__in=plan_organisation_ids(plan))
    condition = _words_match(["post_title", "person_name", "organisation__name", "organisation__short_name"], words)
    rows = list(officers.filter(condition).order_by("post_title", "person_name")[: RESULTS_PER_KIND + 1])
    return _group(
        Kind.OFFICERS,
        rows,
        lambda officer: Hit(
            kind=Kind.OFFICERS,
            title=str(officer),
            url=reverse("officer-detail", args=[officer.pk]),
            context=officer.organisation.name,
        ),
    )


_SEARCHES = {
    Kind.ACTIONS: _actions,
    Kind.KPIS: partial(_plan_records, _KPIS),
    Kind.RISKS: partial(_plan_records, _RISKS),
    Kind.AREAS: partial(_plan_records, _AREAS),
    Kind.OFFICERS: _officers,
}
