"""Who reads the API: a token reads as its user; revoked, unknown or missing tokens, and browser sessions, get 401;
an account with no role 403; bad filters 400; unknown records 404; drafts are never served; every call logged."""

import logging

import pytest
from django.test import Client
from django.utils import timezone

from actions.services import progress_update_save_draft, progress_update_submit
from api.services import api_token_create, api_token_revoke
from tests import factories
from tests.api.conftest import ApiClient, token_for

TABLES = [
    "plans",
    "periods",
    "areas",
    "actions",
    "action-ratings",
    "progress-updates",
    "kpis",
    "milestones",
    "measurements",
    "risks",
    "risk-reviews",
]
READERS = ["alice", "bob", "manager", "chair", "member", "comms", "pcf", "adviser"]


def rate(world, action, rag, by, **extra):
    action.refresh_from_db()
    return progress_update_submit(
        action=action,
        period=world.period,
        rag=rag,
        progress="Progress made",
        impact="Families wait less",
        recovery_note="Back on track by June" if rag == "red" else "",
        by=by,
        expected_version=action.version,
        **extra,
    )


@pytest.mark.parametrize("role", READERS)
def test_every_reading_role_reads_every_table_with_its_token(world, role, api_as):
    api = api_as(world.user(role))
    for table in TABLES:
        response = api.get(f"/api/v1/{table}/")
        assert response.status_code == 200, (table, response.content)
        assert response["Content-Type"] == "application/json; charset=utf-8"
    actions = api.get("/api/v1/actions/").json()
    assert {row["ref"] for row in actions["results"]} == {"1.1", "1.2", "1.3", "1.4"}


def test_a_leads_token_reads_what_the_lead_reads_and_no_draft(world, api_as):
    """Every role reads every action (docs/permissions.md), so alice's token lists bob's actions too; a draft,
    even her own, is nobody's update: the API never serves one."""
    rate(world, world.bob_action, "amber", world.bob)
    world.alice_action.refresh_from_db()
    progress_update_save_draft(
        action=world.alice_action,
        period=world.period,
        rag="red",
        progress="Half written",
        by=world.alice,
        expected_version=world.alice_action.version,
    )
    api = api_as(world.alice)
    updates = api.get("/api/v1/progress-updates/").json()["results"]
    assert [(u["action_id"], u["rag"]) for u in updates] == [(world.bob_action.pk, "amber")]
    actions = {row["ref"]: row for row in api.get("/api/v1/actions/").json()["results"]}
    assert actions["1.1"]["current_rag"] == ""
    assert actions["1.2"]["current_rag"] == "amber"
    assert actions["1.1"]["leads"] == "Head of SEND (Alice Moreno)"
    ratings = api.get("/api/v1/action-ratings/", period=world.period.pk).json()["results"]
    assert {r["action_id"]: r["rag"] for r in ratings}[world.alice_action.pk] == ""


def test_another_plans_records_are_not_in_a_plans_table(world, api_as):
    other = factories.make_plan("northshire-pap")
    other_area = factories.make_area(other, ref="1", title="Northshire's area")
    factories.make_action(other_area, "N1", [world.dco])
    api = api_as(world.adviser)
    ours = api.get("/api/v1/actions/", plan=world.plan.pk).json()
    assert {row["plan_id"] for row in ours["results"]} == {world.plan.pk}
    assert ours["count"] == 4
    theirs = api.get("/api/v1/areas/", plan=other.pk).json()["results"]
    assert [row["title"] for row in theirs] == ["Northshire's area"]
    # A period names its plan: another plan's period with this plan is a bad request, not a mix of the two.
    response = api.get("/api/v1/actions/", plan=world.plan.pk, period=other.periods.first().pk)
    assert response.status_code == 400


def test_an_account_whose_role_was_taken_away_reads_nothing(world, api_as):
    """A token cannot be made for an account with no role; one whose role goes later reads nothing from then."""
    api = api_as(world.adviser)
    world.adviser.groups.clear()
    response = api.get("/api/v1/actions/")
    assert response.status_code == 403
    assert "no role" in response.json()["detail"]


@pytest.mark.parametrize("token", [None, "", "sp_not-a-real-token", "Basic abc", "x" * 5000])
def test_missing_or_unknown_tokens_are_401(world, token):
    response = ApiClient(token).get("/api/v1/actions/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "token" in response.json()["detail"]


def test_a_revoked_token_or_deactivated_user_is_401(world):
    record, secret = api_token_create(user=world.adviser, name="Power BI", by=world.manager)
    api = ApiClient(secret)
    assert api.get("/api/v1/plans/").status_code == 200
    record.refresh_from_db()
    assert record.last_used_at is not None
    api_token_revoke(token=record, by=world.manager)
    assert api.get("/api/v1/plans/").status_code == 401
    other = ApiClient(token_for(world.chair))
    world.chair.is_active = False
    world.chair.save()
    assert other.get("/api/v1/plans/").status_code == 401


def test_a_browser_session_does_not_authenticate_the_api(world):
    client = Client()
    client.force_login(world.manager)
    response = client.get("/api/v1/actions/")
    assert response.status_code == 401
    # Nor does it open the site's pages to a token.
    assert Client().get("/plans/", headers={"Authorization": f"Bearer {token_for(world.manager)}"}).status_code == 302


def test_writes_are_not_allowed(world):
    response = Client().post("/api/v1/actions/", {}, headers={"Authorization": f"Bearer {token_for(world.manager)}"})
    assert response.status_code == 405


@pytest.mark.parametrize(
    "params",
    [
        {"plan": "abc"},
        {"plan": "0"},
        {"plan": "-3"},
        {"plan": str(10**30)},
        {"period": "1.5"},
        {"limit": "0"},
        {"limit": "100000"},
        {"offset": "-1"},
        {"as_at": "yesterday"},
        {"as_at": "2018-02-30"},
        {"as_at": "2018-05-01T25:00"},
        {"as_at": "9999-12-31"},
        {"as_at": "<script>"},
        {"as_at": "0001-01-01T00:00:00+14:00"},
        {"as_at": "2018-05-01T09:00:00+99:00"},
    ],
)
def test_bad_filter_values_are_400_never_500(world, api_as, params):
    response = api_as(world.adviser).get("/api/v1/actions/", **params)
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


def test_unknown_plan_or_period_or_table_is_404(world, api_as):
    api = api_as(world.adviser)
    for path in ["/api/v1/", "/api/v1/nope/", "/api/v1/actions/1/"]:
        response = api.get(path)
        assert response.status_code == 404
        assert "/api/v1/actions/" in response.json()["detail"]
    assert api.get("/api/v1/actions/", plan=987654).status_code == 404
    assert api.get("/api/v1/progress-updates/", period=987654).status_code == 404


def test_pages_link_to_the_next(world, api_as):
    api = api_as(world.adviser)
    first = api.get("/api/v1/actions/", limit=3, plan=world.plan.pk).json()
    assert first["count"] == 4
    assert [row["ref"] for row in first["results"]] == ["1.1", "1.2", "1.3"]
    assert first["previous"] is None
    assert "offset=3" in first["next"] and f"plan={world.plan.pk}" in first["next"]
    second = api.client.get(first["next"], headers=api.headers).json()
    assert [row["ref"] for row in second["results"]] == ["1.4"]
    assert second["next"] is None
    assert "offset=0" in second["previous"]


def test_every_call_is_logged_with_the_token_and_rows(world, caplog):
    token = token_for(world.adviser, name="Board pack")
    with caplog.at_level(logging.INFO, logger="sendplan.api"):
        ApiClient(token).get("/api/v1/actions/")
        ApiClient("sp_wrong").get("/api/v1/actions/")
    calls = [r for r in caplog.records if r.name == "sendplan.api"]
    assert [(r.token, r.user_id, r.status, r.rows, r.path) for r in calls] == [
        ("Board pack", world.adviser.pk, 200, 4, "/api/v1/actions/"),
        ("-", None, 401, 0, "/api/v1/actions/"),
    ]
    assert timezone.now()
