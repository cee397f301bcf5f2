"""A plan's own fields: defined per plan for its areas or actions, values held exactly, edited with optimistic
locking, their changes in history and read as they stood."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actions.locking import StaleEditError
from actions.selectors import action_history
from planfields.models import PlanField, PlanFieldValue
from planfields.selectors import own_fields_as_at, record_values
from planfields.services import (
    own_values_save,
    plan_field_add,
    plan_field_change,
    plan_field_move,
    plan_field_remove,
)

CRITERIA = "• Every EHC plan reviewed within 12 months\n• Families tell us they were heard"


def add(world, label, applies_to="action", kind="short", public=False):
    return plan_field_add(
        plan=world.plan, applies_to=applies_to, label=label, kind=kind, public=public, by=world.manager
    )


def save(world, record, texts, versions=None, by=None):
    versions = versions or {v.field.pk: v.version for v in record_values(record)}
    return own_values_save(record=record, texts=texts, versions=versions, by=by or world.manager)


def test_fields_are_ordered_per_plan_and_kind(world):
    directorate = add(world, "Directorate")
    section = add(world, "Section")
    criteria = add(world, "Success criteria", applies_to="area", kind="long")
    assert (directorate.order, section.order, criteria.order) == (0, 1, 0)
    plan_field_move(field=section, up=True, by=world.manager, expected_version=section.version)
    labels = [v.label for v in record_values(world.alice_action)]
    assert labels == ["Section", "Directorate"]
    assert [v.label for v in record_values(world.area)] == ["Success criteria"]


def test_a_label_names_one_field_of_areas_or_actions(world):
    add(world, "Directorate")
    with pytest.raises(ValidationError) as refused:
        add(world, "directorate")
    assert "already has a field called directorate" in refused.value.message_dict["label"][0]
    add(world, "Directorate", applies_to="area")  # the areas' own is another field
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanField.objects.create(plan=world.plan, applies_to="action", label="Directorate", kind="short")


def test_values_are_held_exactly_and_long_text_keeps_its_lines(world, client):
    criteria = add(world, "Success criteria", applies_to="area", kind="long")
    save(world, world.area, {criteria.pk: CRITERIA})
    assert PlanFieldValue.objects.get(field=criteria, area=world.area).text == CRITERIA
    client.force_login(world.chair)
    page = client.get(world.area.get_absolute_url()).content.decode()
    assert "Success criteria" in page and "Every EHC plan reviewed within 12 months\n• Families" in page
    assert "app-own-fields" in page


def test_a_short_field_holds_one_line(world):
    directorate = add(world, "Directorate")
    with pytest.raises(ValidationError) as refused:
        save(world, world.alice_action, {directorate.pk: "Children's Services\nEducation"})
    assert "keep it to one line" in refused.value.message_dict[f"field_{directorate.pk}"][0]
    assert not PlanFieldValue.objects.exists()


def test_a_stale_value_is_refused_naming_who_changed_it(world):
    directorate = add(world, "Directorate")
    save(world, world.alice_action, {directorate.pk: "Children's Services"}, by=world.alice)
    loaded = record_values(world.alice_action)[0]
    save(world, world.alice_action, {directorate.pk: "Education"}, by=world.manager)
    with pytest.raises(StaleEditError) as refused:
        own_values_save(
            record=world.alice_action,
            texts={directorate.pk: "Health"},
            versions={directorate.pk: loaded.version},
            by=world.alice,
        )
    change = refused.value.changes[-1]
    assert (change.field, change.old, change.new) == ("Directorate", "Children's Services", "Education")
    assert change.who and refused.value.message.startswith(f"{change.who} changed Directorate at")
    assert PlanFieldValue.objects.get().text == "Education"


def test_a_value_added_by_someone_else_meanwhile_is_stale_too(world):
    directorate = add(world, "Directorate")
    save(world, world.alice_action, {directorate.pk: "Education"}, by=world.manager)
    with pytest.raises(StaleEditError):
        own_values_save(record=world.alice_action, texts={directorate.pk: "Health"}, versions={}, by=world.alice)


def test_changes_are_in_the_action_history_and_read_as_at(world):
    directorate = add(world, "Directorate")
    save(world, world.alice_action, {directorate.pk: "Children's Services"})
    before = timezone.now()
    save(world, world.alice_action, {directorate.pk: "Education"})
    changes = [c for c in action_history(world.alice_action) if c.object_label == "Own field"]
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("Directorate", "Children's Services", "Education"),
        ("Directorate", "(new)", "Children's Services"),
    ]
    then = own_fields_as_at(world.plan.pk, before, public_only=False)
    assert [v.text for v in then.for_action(world.alice_action.pk)] == ["Children's Services"]
    now = own_fields_as_at(world.plan.pk, timezone.now(), public_only=False)
    assert [v.text for v in now.for_action(world.alice_action.pk)] == ["Education"]


def test_as_at_public_only_leaves_out_what_was_not_public_then(world):
    section = add(world, "Section", public=False)
    save(world, world.alice_action, {section.pk: "SEND Services"})
    before = timezone.now()
    plan_field_change(
        field=section, label="Section", kind="short", help_text="", public=True, by=world.manager, expected_version=1
    )
    assert own_fields_as_at(world.plan.pk, before, public_only=True).for_action(world.alice_action.pk) == []
    public_now = own_fields_as_at(world.plan.pk, timezone.now(), public_only=True)
    assert [v.text for v in public_now.for_action(world.alice_action.pk)] == ["SEND Services"]


def test_removing_a_field_removes_its_values_into_history(world):
    directorate = add(world, "Directorate")
    save(world, world.alice_action, {directorate.pk: "Education"})
    save(world, world.bob_action, {directorate.pk: "Health"})
    assert plan_field_remove(field=directorate, by=world.manager, expected_version=directorate.version) == 2
    assert not PlanFieldValue.objects.exists()
    removed = PlanFieldValue.history.filter(history_type="-")
    assert removed.count() == 2 and {r.history_user for r in removed} == {world.manager}


def test_a_stale_removal_is_refused(world):
    directorate = add(world, "Directorate")
    plan_field_change(
        field=PlanField.objects.get(),
        label="Directorate (lead)",
        kind="short",
        help_text="",
        public=False,
        by=world.manager,
        expected_version=1,
    )
    with pytest.raises(StaleEditError):
        plan_field_remove(field=directorate, by=world.manager, expected_version=1)
    assert PlanField.objects.exists()


def test_long_to_short_is_refused_while_values_run_to_several_lines(world):
    criteria = add(world, "Success criteria", kind="long")
    save(world, world.alice_action, {criteria.pk: CRITERIA})
    with pytest.raises(ValidationError) as refused:
        plan_field_change(
            field=criteria,
            label="Success criteria",
            kind="short",
            help_text="",
            public=False,
            by=world.manager,
            expected_version=criteria.version,
        )
    assert "1 value of this field run to more than one line" in refused.value.message_dict["kind"][0]


def test_emptying_a_value_removes_it(world):
    directorate = add(world, "Directorate")
    save(world, world.alice_action, {directorate.pk: "Education"})
    assert save(world, world.alice_action, {directorate.pk: "  "}) == 1
    assert not PlanFieldValue.objects.exists()
