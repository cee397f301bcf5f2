"""?as_at= reads the data as it stood: a rating changed after a moment reads as it was at that moment."""

from datetime import timedelta

from django.utils import timezone

from kpis.services import measurement_record
from tests.api.test_api_access import rate


def test_a_rating_changed_after_a_moment_reads_as_it_was(world, api_as):
    rate(world, world.alice_action, "amber", world.alice, percent_complete=40)
    moment = timezone.now()
    rate(world, world.alice_action, "green", world.alice, percent_complete=70)
    api = api_as(world.chair)

    def action_then(as_at=None):
        params = {"plan": world.plan.pk, "period": world.period.pk}
        if as_at:
            params["as_at"] = as_at
        body = api.get("/api/v1/actions/", **params).json()
        return next(row for row in body["results"] if row["id"] == world.alice_action.pk)

    now = action_then()
    assert (now["current_rag"], now["period_rag"], now["percent_complete"]) == ("green", "green", 70)
    then = action_then(moment.isoformat())
    assert (then["current_rag"], then["period_rag"], then["percent_complete"]) == ("amber", "amber", 40)
    update = api.get("/api/v1/progress-updates/", as_at=moment.isoformat()).json()["results"]
    assert [u["rag"] for u in update] == ["amber"]
    rating = api.get("/api/v1/action-ratings/", as_at=moment.isoformat(), period=world.period.pk).json()
    assert {r["action_id"]: r["rag"] for r in rating["results"]}[world.alice_action.pk] == "amber"
    # Before anything was recorded, nothing: the action did not exist yet.
    before = api.get("/api/v1/actions/", as_at=(world.plan.start_date - timedelta(days=3650)).isoformat()).json()
    assert before["count"] == 0


def test_a_date_reads_as_at_the_end_of_that_day(world, api_as):
    rate(world, world.alice_action, "red", world.alice)
    body = api_as(world.adviser).get("/api/v1/actions/", as_at=timezone.localdate().isoformat()).json()
    assert {row["ref"]: row["current_rag"] for row in body["results"]}["1.1"] == "red"


def test_a_restated_kpi_value_reads_as_it_was(world, kpi_world, api_as):
    from datetime import date
    from decimal import Decimal

    measurement_record(kpi=kpi_world.timeliness, period_date=date(2025, 11, 30), value=Decimal("41"), by=world.alice)
    moment = timezone.now()
    measurement_record(kpi=kpi_world.timeliness, period_date=date(2025, 11, 30), value=Decimal("44"), by=world.alice)
    api = api_as(world.adviser)
    now = api.get("/api/v1/measurements/").json()["results"]
    assert sorted((m["value"], m["is_current"]) for m in now) == [(41.0, False), (44.0, True)]
    then = api.get("/api/v1/measurements/", as_at=moment.isoformat()).json()["results"]
    assert [(m["value"], m["is_current"]) for m in then] == [(41.0, True)]
