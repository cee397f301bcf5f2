"""Roll forward: a new plan from an old one, carrying chosen areas and open actions, each linked to its original."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.locking import StaleEditError
from actions.models import Action, Finding, Outcome, Plan
from actions.services import plan_roll_forward
from tests import factories


@pytest.fixture
def source(world):
    """The world's plan, filled in: summary, advisers, officers, a finding and outcome, a second area, and actions
    in every state (1.1 has partners, an outcome, a revised due date and a rating)."""
    plan = world.plan
    plan.summary = "Our plan after the 2025 inspection."
    plan.advisers = "DfE: Sam Adviser"
    plan.save()
    plan.accountable_officers.set([world.head_of_send, world.dco])
    world.area.general_outcomes = "Plans on time"
    world.area.milestone = "90% within 20 weeks"
    world.area.save()
    world.area.owners.set([world.head_of_send])
    finding = Finding.objects.create(area=world.area, ref="2.1", text="Plans are late.", order=1)
    outcome = Outcome.objects.create(area=world.area, finding=finding, ref="a", text="Plans on time", order=1)
    world.alice_action.accountable_officers.set([world.dco, world.head_of_send])  # jointly accountable
    Action.objects.filter(pk=world.alice_action.pk).update(
        outcome=outcome,
        due_date=date(2026, 3, 31),
        # After the new plan's start (1 Sep 2026), so 1.1 is carried with its dates as they are
        # (tests/actions/test_roll_forward_due_dates.py has the actions already due).
        revised_due_date=date(2026, 12, 31),
        revised_due_reason="Recruitment",
        coproduction_level="coproduced",
        coproduction_evidence="Designed with the forum",
        current_rag="amber",
        order=3,
    )
    world.alice_action.refresh_from_db()
    world.alice_action.partners.set([world.icb])
    world.completed = factories.make_action(
        world.area, "1.5", [world.head_of_send], status="completed", completed_on=date(2025, 12, 1)
    )
    world.withdrawn = factories.make_action(world.area, "1.6", [world.dco], status="withdrawn")
    world.area2 = factories.make_area(plan, "2", "Joint commissioning")
    world.other_action = factories.make_action(world.area2, "2.1", [world.dco])
    return plan


def roll(world, **overrides):
    arguments = {
        "source": world.plan,
        "slug": "riverside-app",
        "title": "Accelerated Progress Plan",
        "plan_type": Plan.PlanType.APP,
        "start_date": date(2026, 9, 1),
        "areas": [world.area],
        "actions": [world.alice_action, world.shared_action],
        "by": world.manager,
    }
    return plan_roll_forward(**{**arguments, **overrides})


def test_the_new_plan_follows_the_old_with_its_key_and_officers_but_no_periods(world, source):
    plan = roll(world, inspection_label="May 2026")
    assert (plan.predecessor, plan.local_area, plan.plan_type, plan.start_date) == (
        source,
        "Riverside",
        "app",
        date(2026, 9, 1),
    )
    assert (plan.summary, plan.advisers, plan.inspection_label) == (source.summary, source.advisers, "May 2026")
    assert set(plan.accountable_officers.all()) == {world.head_of_send, world.dco}
    assert [(d.code, d.label, d.definition) for d in plan.rag_key.all()] == [
        (d.code, d.label, d.definition) for d in source.rag_key.all()
    ]
    assert plan.periods.count() == 0
    # Created, then its accountable officers set (their history is kept too): both by the programme manager.
    assert {record.history_user for record in plan.history.all()} == {world.manager}


def test_chosen_areas_are_copied_with_findings_outcomes_and_owners(world, source):
    plan = roll(world)
    area = plan.areas.get()
    assert (area.ref, area.title, area.general_outcomes, area.milestone, area.order) == (
        "1",
        "Timeliness of EHC plans",
        "Plans on time",
        "90% within 20 weeks",
        1,
    )
    assert list(area.owners.all()) == [world.head_of_send]
    finding = area.findings.get()
    outcome = area.outcomes.get()
    assert (finding.ref, finding.text, outcome.ref, outcome.text) == ("2.1", "Plans are late.", "a", "Plans on time")
    assert outcome.finding == finding
    assert area.history.get().history_user == world.manager


def test_chosen_actions_are_copied_unrated_and_linked_to_their_originals(world, source):
    plan = roll(world)
    copies = {a.ref: a for a in Action.objects.filter(area__plan=plan)}
    assert set(copies) == {"1.1", "1.3"}
    copy, original = copies["1.1"], world.alice_action
    fields = [
        "text",
        "due_date",
        "due_label",
        "revised_due_date",
        "revised_due_reason",
        "coproduction_level",
        "coproduction_evidence",
        "order",
    ]
    assert [getattr(copy, f) for f in fields] == [getattr(original, f) for f in fields]
    assert (
        set(copy.accountable_officers.all())
        == set(original.accountable_officers.all())
        == {world.dco, world.head_of_send}
    )
    assert copy.outcome == plan.areas.get().outcomes.get()
    assert (copy.carried_from, copy.current_rag, copy.status, copy.version) == (original, "", "open", 1)
    assert list(copy.leads.all()) == [world.head_of_send]
    assert list(copy.partners.all()) == [world.icb]
    assert set(copies["1.3"].leads.all()) == {world.head_of_send, world.dco}
    assert list(original.carried_to.all()) == [copy]
    assert copy.history.get().history_user == world.manager


def test_the_originals_are_marked_carried_forward_in_their_history(world, source):
    roll(world)
    original = Action.objects.get(pk=world.alice_action.pk)
    assert (original.status, original.version, original.current_rag) == ("carried_forward", 2, "amber")
    latest = original.history.first()
    assert (latest.status, latest.history_user) == ("carried_forward", world.manager)
    # Actions not chosen stay open in the old plan.
    assert Action.objects.get(pk=world.bob_action.pk).status == "open"


@pytest.mark.parametrize("action", ["completed", "withdrawn"])
def test_only_open_actions_can_be_carried(world, source, action):
    closed = getattr(world, action)
    with pytest.raises(ValidationError) as raised:
        roll(world, actions=[world.alice_action, closed])
    assert raised.value.message_dict == {
        "actions": [f"Only open actions can be carried forward; not open: {closed.ref}."]
    }
    assert Plan.objects.count() == 1
    assert Action.objects.get(pk=world.alice_action.pk).status == "open"


def test_actions_must_be_in_a_chosen_area(world, source):
    with pytest.raises(ValidationError) as raised:
        roll(world, actions=[world.alice_action, world.other_action])
    assert raised.value.message_dict == {"actions": ["Choose the area of action 2.1 too, or untick it."]}
    third_area = factories.make_area(world.plan, "3", "Preparing for adulthood")
    third = factories.make_action(third_area, "3.1", [world.dco])
    with pytest.raises(ValidationError) as raised:
        roll(world, actions=[world.other_action, third, world.completed])
    assert raised.value.message_dict == {
        "actions": [
            "Only open actions can be carried forward; not open: 1.5. "
            "Choose the areas of actions 2.1, 3.1 too, or untick them."
        ]
    }
    assert Plan.objects.count() == 1


def test_the_new_plan_needs_a_new_slug_a_start_date_and_an_area(world, source):
    with pytest.raises(ValidationError) as raised:
        roll(world, slug=source.slug, start_date=None, areas=[], actions=[], title="")
    assert raised.value.message_dict == {
        "slug": ["A plan with the web address “riverside-wsoa” already exists. Choose another."],
        "start_date": ["Enter the date the new plan starts."],
        "areas": ["Choose at least one area of weakness to carry into the new plan."],
        "title": ["This field cannot be blank."],
    }
    assert Plan.objects.count() == 1


def test_an_action_changed_meanwhile_refuses_the_whole_roll_forward(world, source):
    Action.objects.filter(pk=world.shared_action.pk).update(version=2)
    with pytest.raises(StaleEditError):
        roll(world)
    assert Plan.objects.count() == 1
    assert Action.objects.get(pk=world.alice_action.pk).status == "open"


# The page.

FORM = {
    "plan_type": "app",
    "title": "Accelerated Progress Plan",
    "slug": "riverside-app",
    "start_date_0": "1",
    "start_date_1": "9",
    "start_date_2": "2026",
}


def url(world):
    return reverse("plan-roll-forward", args=[world.plan.slug])


def test_the_form_offers_areas_and_their_open_actions(client, world, source):
    client.force_login(world.manager)
    response = client.get(url(world))
    assert response.status_code == 200
    form = response.context["form"]
    assert [f.label for f in form.action_fields] == ["Open actions in area 1", "Open actions in area 2"]
    offered = [value for f in form.action_fields for value, _ in f.field.choices]
    assert world.other_action.pk in offered and world.alice_action.pk in offered
    assert world.completed.pk not in offered and world.withdrawn.pk not in offered
    content = response.content.decode()
    assert "2. Joint commissioning" in content
    assert f'name="actions_{world.area.pk}" type="checkbox" value="{world.alice_action.pk}"' in content


def test_a_programme_manager_rolls_a_plan_forward(client, world, source):
    client.force_login(world.manager)
    data = {**FORM, "areas": [world.area.pk], f"actions_{world.area.pk}": [world.alice_action.pk]}
    response = client.post(url(world), data, follow=True)
    plan = Plan.objects.get(slug="riverside-app")
    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    assert (
        "Accelerated Progress Plan started from Written Statement of Action: 1 area and 1 action carried forward."
        in response.content.decode()
    )
    copy = Action.objects.get(area__plan=plan)
    assert copy.carried_from == world.alice_action
    assert Action.objects.get(pk=world.alice_action.pk).history.first().history_user == world.manager


def test_the_form_shows_each_error_beside_its_field_and_keeps_the_input(client, world, source):
    client.force_login(world.manager)
    data = {
        **FORM,
        "slug": world.plan.slug,
        "start_date_1": "",
        "areas": [world.area.pk],
        f"actions_{world.area2.pk}": [world.other_action.pk],
    }
    response = client.post(url(world), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {
        "slug": ["A plan with the web address “riverside-wsoa” already exists. Choose another."],
        "start_date": ["Start date must include a month"],
        f"actions_{world.area2.pk}": ["Choose the area of action 2.1 too, or untick it."],
    }
    content = response.content.decode()
    assert content.count('class="govuk-error-message"') == 3
    assert f'href="#id_actions_{world.area2.pk}_0"' in content  # the summary links to the first checkbox
    assert 'value="Accelerated Progress Plan"' in content
    assert f'value="{world.area.pk}" checked' in content
    assert f'value="{world.other_action.pk}" checked' in content
    assert 'name="start_date_2" type="text" inputmode="numeric" value="2026"' in content
    assert response.context["form"]["plan_type"].value() == "app"
    assert Plan.objects.count() == 1


def test_only_programme_managers_are_offered_or_allowed_the_roll_forward(client, world, source):
    client.force_login(world.chair)
    assert "Roll forward into a new plan" not in client.get(world.plan.get_absolute_url()).content.decode()
    refused = client.get(url(world))
    assert refused.status_code == 403
    assert "Only the programme manager can start a new plan." in refused.content.decode()
    client.force_login(world.manager)
    assert "Roll forward into a new plan" in client.get(world.plan.get_absolute_url()).content.decode()


def test_the_action_pages_link_both_ways(client, world, source):
    plan = roll(world)
    copy = Action.objects.get(area__plan=plan, ref="1.1")
    client.force_login(world.chair)
    content = client.get(copy.get_absolute_url()).content.decode()
    assert "Carried from</dt>" in content
    assert f'href="{world.alice_action.get_absolute_url()}">Action 1.1 of Written Statement of Action</a>' in content
    content = client.get(world.alice_action.get_absolute_url()).content.decode()
    assert "Carried forward to</dt>" in content
    assert f'href="{copy.get_absolute_url()}">Action 1.1 of Accelerated Progress Plan</a>' in content
    assert "Carried forward to a new plan" in content  # the status
