"""The benchmark plan (benchmarks/seed.py) has the shape the benchmarks claim, and its history reads back the way
the dashboard and the termly report read it. A small plan: the shape does not depend on the number of actions."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from actions.as_at import RatingsAsAt, leads_as_at, rows_as_at
from actions.models import Action, AreaOfWeakness, ProgressUpdate
from actions.permissions import Role, user_roles
from benchmarks.seed import BENCH_PASSWORD, seed_bench
from kpis.models import Kpi, Measurement
from reports.content import period_closed_at, report_content
from risks.models import Risk, RiskReview

# One worker builds the module-scoped fixture once (make test runs with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("seed_bench")

ACTIONS = 6


def _plan_rows(bench) -> list:
    actions = Action.objects.filter(area__plan=bench.plan).order_by("ref")
    return list(actions.values_list("ref", "text", "current_rag", "version", "due_date"))


# First in the module: it needs the empty database, before the module's plan below is seeded.
def test_same_seed_same_plan(db):
    # Each seed in a savepoint rolled back, so the second finds the database empty again.
    with transaction.atomic():
        first = _plan_rows(seed_bench(actions=3))
        transaction.set_rollback(True)
    with transaction.atomic():
        again = _plan_rows(seed_bench(actions=3))
        transaction.set_rollback(True)
    assert first == again


@pytest.fixture(scope="module")
def bench(django_db_setup, django_db_blocker):
    """One plan for the module's tests (they only read), rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_bench(actions=ACTIONS)
        transaction.set_rollback(True)


def test_plan_shape(db, bench):
    plan = bench.plan
    assert AreaOfWeakness.objects.filter(plan=plan).count() == 10
    actions = Action.objects.filter(area__plan=plan)
    assert actions.count() == ACTIONS
    assert {a.leads.count() for a in actions} == {3}
    # Three leads from three different organisations.
    assert {a.leads.values("organisation").distinct().count() for a in actions} == {3}
    periods = list(plan.periods.order_by("start"))
    assert len(periods) == 12
    assert [p.status for p in periods] == ["closed"] * 11 + ["open"]
    assert periods[-1].start <= timezone.localdate() <= periods[-1].end
    per_action = ProgressUpdate.objects.filter(action__in=actions, status="submitted").values("action")
    assert {row["n"] for row in per_action.annotate(n=Count("id"))} == {12}


def test_history_rows_exist(db, bench):
    actions = list(Action.objects.filter(area__plan=bench.plan))
    for action in actions:
        # Created, then one row per submitted update (and per revision).
        assert action.history.count() == action.version >= 13
        assert action.history.latest("history_date", "history_id").current_rag == action.current_rag
    update_rows = ProgressUpdate.history.filter(action_id__in=[a.pk for a in actions])
    assert update_rows.filter(history_type="+").count() == ProgressUpdate.objects.filter(action__in=actions).count()
    # The leads are in the history, as the report reads them.
    as_now = rows_as_at(Action, timezone.now(), area__plan_id=bench.plan.pk)
    assert {len(officers) for officers in leads_as_at(as_now).values()} == {3}
    # Ratings as at the report's period are the updates submitted in it.
    period = bench.report_period
    ratings = RatingsAsAt(timezone.now(), list(bench.periods), [a.pk for a in actions])
    for action in actions:
        assert ratings.upto(action.pk, period).rag == ProgressUpdate.objects.get(action=action, period=period).rag
    # Every round opened and closed in the history; the report's round closed before now.
    for p in bench.periods:
        assert list(p.history.order_by("history_date").values_list("status", flat=True))[:2] == ["planned", "open"]
    assert period_closed_at(period) < timezone.now()


def test_kpis_and_risks(db, bench):
    kpis = Kpi.objects.filter(plan=bench.plan)
    assert kpis.count() == 60
    assert {row["n"] for row in Measurement.objects.filter(kpi__in=kpis).values("kpi").annotate(n=Count("id"))} == {24}
    assert Measurement.history.filter(kpi_id__in=kpis.values("pk")).count() == 60 * 24
    assert {k.milestones.count() for k in kpis} == {4}
    # The app's own rules rated the numeric milestones that have values to judge.
    assert kpis.filter(milestones__suggested_rag__in=["green", "amber", "red"]).distinct().count() > 40
    risks = Risk.objects.filter(plan=bench.plan)
    assert risks.count() == 40
    reviews = RiskReview.objects.filter(risk__in=risks)
    assert reviews.count() >= 40 * 11
    # A risk's current position is its latest review's, and its history has a row per review.
    for risk in risks[:5]:
        latest = risk.reviews.order_by("reviewed_on", "id").last()
        assert (risk.current_likelihood, risk.current_impact) == (latest.likelihood, latest.impact)
        assert risk.history.count() == risk.reviews.count() + 1


def test_users_and_report(db, bench):
    assert len(bench.load_usernames) == 50 == len(set(bench.load_usernames))
    roles = {frozenset(user_roles(u)) for u in User.objects.filter(username__in=bench.load_usernames)}
    assert roles == {frozenset({Role.SEND_LEAD}), frozenset({Role.BOARD_MEMBER})}
    assert Action.objects.filter(leads__user=bench.lead).exists()
    assert bench.lead_action.leads.filter(user=bench.lead).exists()
    # Programme managers and comms officers need two-factor in production: no password to sign in with.
    assert not bench.comms.has_usable_password() and not bench.manager.has_usable_password()
    content = report_content(bench.plan, bench.report_period, as_at=period_closed_at(bench.report_period))
    assert content.action_count == ACTIONS
    assert all(line.update is not None for a in content.areas for g in a.groups for line in g.lines)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"])
def test_load_users_sign_in_with_the_production_hasher(db, bench):
    users = User.objects.filter(username__in=bench.load_usernames)
    hashes = set(users.values_list("password", flat=True))
    assert len(hashes) == 1 and hashes.pop().startswith("pbkdf2_sha256$")
    # A million PBKDF2 iterations per check: one user is enough.
    assert users.first().check_password(BENCH_PASSWORD)


def test_refuses_a_database_with_a_plan(db, bench):
    with pytest.raises(ValidationError, match="empty benchmark database"):
        seed_bench(actions=2)
    with pytest.raises(CommandError, match="empty benchmark database"):
        call_command("seed_bench", "--actions", "2")
