"""The risk register: scoring and bands, validation backed by the database, reviews, movement from history."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from risks import selectors
from risks.forms import RiskForm
from risks.models import Risk, RiskBands
from risks.services import bands_for, risk_review_record, risk_save


def review(risk_world, likelihood, impact, note="Reviewed", on=None):
    risk = risk_world.schools
    risk.refresh_from_db()
    return risk_review_record(
        risk=risk,
        reviewed_on=on or timezone.localdate(),
        likelihood=likelihood,
        impact=impact,
        note=note,
        by=risk_world.world.alice,
        expected_version=risk.version,
    )


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (1, "low"),
        (4, "low"),
        (5, "medium"),
        (9, "medium"),
        (10, "high"),
        (15, "high"),
        (16, "very_high"),
        (25, "very_high"),
    ],
)
def test_default_bands(world, score, band):
    assert bands_for(world.plan).band(score) == band


def test_bands_are_configurable_per_plan(risk_world):
    RiskBands.objects.create(plan=risk_world.world.plan, low_max=6, medium_max=11, high_max=19)
    plan = type(risk_world.world.plan).objects.get(pk=risk_world.world.plan.pk)
    assert [bands_for(plan).band(s) for s in (6, 7, 12, 20)] == ["low", "medium", "high", "very_high"]


def test_a_band_only_risk_shows_its_severity(risk_world):
    assert risk_world.parents.current_score is None
    assert risk_world.parents.band(bands_for(risk_world.world.plan)) == "high"


def test_a_review_moves_the_current_position_and_the_next_review_date(risk_world):
    on = timezone.localdate() - timedelta(days=2)
    review(risk_world, 3, 3, on=on)
    risk = Risk.objects.get(pk=risk_world.schools.pk)
    assert (risk.current_score, risk.next_review) == (9, on + timedelta(days=30))
    assert risk.band(bands_for(risk.plan)) == "medium"
    assert risk.history.latest().history_user == risk_world.world.alice


def test_a_review_needs_scores_in_range_and_a_note(risk_world):
    risk = risk_world.schools
    with pytest.raises(ValidationError) as raised:
        risk_review_record(
            risk=risk,
            reviewed_on=date(2026, 1, 5),
            likelihood=6,
            impact=None,
            note=" ",
            by=risk_world.world.alice,
            expected_version=risk.version,
        )
    assert set(raised.value.message_dict) == {"likelihood", "impact", "note"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"current_likelihood": "7"}, "current_likelihood", "Current likelihood is scored from 1 to 5."),
        ({"owner": ""}, "owner", "Choose the officer who owns this risk."),
        ({"status": "closed", "closed_reason": ""}, None, "Say why the risk is closed."),
        ({"current_likelihood": "3", "current_impact": ""}, None, "Give both likelihood and impact, or neither."),
    ],
)
def test_the_risk_form_explains_each_problem_and_keeps_the_input(risk_world, changes, field, message):
    risk = risk_world.schools
    data = {
        "ref": "R1",
        "area": risk.area_id,
        "risk": "Changed wording that must survive",
        "owner": risk.owner_id,
        "severity": "",
        "inherent_likelihood": "4",
        "inherent_impact": "4",
        "current_likelihood": "4",
        "current_impact": "3",
        "target_likelihood": "2",
        "target_impact": "3",
        "mitigation": "",
        "progress": "",
        "actions": [],
        "review_every_days": "30",
        "status": "open",
        "closed_reason": "",
        "version": risk.version,
        **changes,
    }
    form = RiskForm(data, instance=risk, plan=risk.plan)
    assert not form.is_valid()
    errors = form.errors.get(field or "__all__", [])
    assert message in errors, form.errors
    assert form["risk"].value() == "Changed wording that must survive"


def test_the_database_refuses_an_impossible_score_and_a_silent_closure(risk_world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.filter(pk=risk_world.schools.pk).update(current_likelihood=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.filter(pk=risk_world.schools.pk).update(status="closed", closed_reason="")


def test_movement_since_the_previous_period_comes_from_history(risk_world):
    review(risk_world, 5, 4)  # 12 at the end of Autumn 2025 -> 20 now
    register = selectors.register(risk_world.world.plan)
    row = next(r for r in register.rows if r.risk.ref == "R1")
    assert (register.since.name, row.previous_score, row.risk.current_score, row.direction) == (
        "Autumn 2025",
        12,
        20,
        "up",
    )
    assert row.band == "very_high"
    heat = selectors.heat_map(risk_world.world.plan)
    assert [r.risk.ref for r in heat.moved] == ["R1"]
    assert [r.risk.ref for r in heat.unscored] == ["R2"]
    cell = next(c for row in heat.grid for c in row if (c.likelihood, c.impact) == (5, 4))
    assert [r.ref for r in cell.risks] == ["R1"]


def test_register_filters_and_sorts(risk_world):
    plan = risk_world.world.plan
    # R1 scores 12 (High); R2 is banded High by the plan without a score, so it sorts after scored risks.
    assert [r.risk.ref for r in selectors.register(plan, band="high").rows] == ["R1", "R2"]
    assert [r.risk.ref for r in selectors.register(plan, owner=risk_world.world.dco).rows] == ["R2"]
    assert [r.risk.ref for r in selectors.register(plan, sort="ref").rows] == ["R1", "R2"]


def test_overdue_reviews_are_flagged_and_asked_for_on_my_actions(risk_world, client):
    review(risk_world, 4, 3, on=timezone.localdate() - timedelta(days=31))
    risk = Risk.objects.get(pk=risk_world.schools.pk)
    assert risk.review_overdue
    assert [r.risk.ref for r in selectors.register(risk.plan, overdue=True).rows] == ["R1"]
    client.force_login(risk_world.world.alice)
    assert "Risk reviews overdue" in client.get(reverse("my-actions")).content.decode()
    review(risk_world, 4, 3)
    assert "Risk reviews overdue" not in client.get(reverse("my-actions")).content.decode()


def test_actions_from_another_plan_cannot_be_linked(risk_world):
    from tests import factories

    other_plan = factories.make_plan("other-plan")
    other = factories.make_action(factories.make_area(other_plan), "9.9", [risk_world.world.dco])
    risk = risk_world.schools
    with pytest.raises(ValidationError) as raised:
        risk_save(risk=risk, actions=[other], by=risk_world.world.manager, expected_version=risk.version)
    assert "belong to another plan" in raised.value.message_dict["actions"][0]


def test_a_stale_review_that_changes_no_score_still_names_who_reviewed_first(risk_world):
    """Two reviews with the same scores on the same day change no tracked field of the risk: the second reviewer is
    still told who saved first, not just "someone"."""
    from actions.locking import StaleEditError

    on = timezone.localdate()
    review(risk_world, 3, 3, on=on)
    risk = Risk.objects.get(pk=risk_world.schools.pk)
    loaded_version = risk.version
    review(risk_world, 3, 3, on=on, note="Reviewed again: no change")
    stale = Risk.objects.get(pk=risk.pk)
    with pytest.raises(StaleEditError) as raised:
        risk_review_record(
            risk=stale,
            reviewed_on=on,
            likelihood=3,
            impact=3,
            note="Same scores, reviewed from a page loaded before the first review",
            by=risk_world.world.manager,
            expected_version=loaded_version,
        )
    assert raised.value.changes == []
    assert raised.value.message.startswith(f"{risk_world.world.alice.officer} saved this record at ")
