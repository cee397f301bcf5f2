"""The sheet of an area's actions costs the same number of queries for 5 actions as for 50: reading it, and saving
it with two rows changed and one added (rows the user did not change are not written)."""

import pytest
from django.test import Client

from actions.models import Action
from planfields.services import own_values_save, plan_field_add
from tests import factories
from tests.actions.sheet_helpers import first_blank_row, loaded_sheet, row_of, sheet_url


def area_with(world, count: int):
    """An area of `count` actions, each with two leads, an accountable officer and a value of the plan's own field."""
    area = factories.make_area(world.plan, ref="7", title="Preparing for adulthood")
    directorate = plan_field_add(
        plan=world.plan, applies_to="action", label="Directorate", kind="short", by=world.manager
    )
    for number in range(1, count + 1):
        action = factories.make_action(area, f"7.{number}", [world.head_of_send, world.dco], order=number)
        action.accountable_officers.set([world.council_colleague])
        own_values_save(
            record=action, texts={directorate.pk: "Education"}, versions={directorate.pk: 0}, by=world.manager
        )
    return area


@pytest.fixture
def manager(world):
    client = Client()
    client.force_login(world.manager)
    return client


@pytest.mark.parametrize("count", [5, 50])
def test_reading_the_sheet(manager, world, count, django_assert_num_queries):
    area = area_with(world, count)
    # 1-2 session and user, 3 roles, 4 the area with its plan, 5 actions, 6 their leads, 7 their accountable
    # officers, 8 the plan's own fields, 9 their values, 10-14 the plan's organisations (partners, leads',
    # accountable officers', the plan's accountable officers', partners on actions), 15 their posts, 16 the plan's
    # areas.
    with django_assert_num_queries(16):
        response = manager.get(sheet_url(area))
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == count + 3


@pytest.mark.parametrize("count", [5, 50])
def test_saving_two_rows_changed_and_one_added(manager, world, count, django_assert_num_queries):
    area = area_with(world, count)
    data = loaded_sheet(manager, area)
    first, second = row_of(data, "7.1"), row_of(data, "7.2")
    data[f"{first}-text"] = "Every young person has a preparing-for-adulthood plan from Year 9"
    data[f"{second}-percent_complete"] = "60"
    new = first_blank_row(data)
    data[f"{new}-ref"] = f"7.{count + 1}"
    data[f"{new}-text"] = "Map the post-16 offer with the colleges"
    data[f"{new}-leads"] = [str(world.head_of_send.pk)]
    # 16 as reading the sheet; the transaction's savepoint and release (2); the other areas' refs (1); for each of
    # the two changed rows its version claim and its own values' versions (4); where each area ends (1); for each
    # changed row 11: its area and ref uniqueness, its constraints (in a savepoint: 3), the update, its history row
    # and the leads' and accountable officers' rows of that history (2 each); for the new row 18: the same, reading
    # and setting its leads (4) and the history row that records them (4). Unchanged rows cost nothing.
    with django_assert_num_queries(55):
        response = manager.post(sheet_url(area), data)
    assert response.status_code == 302
    assert Action.objects.filter(area=area).count() == count + 1
    assert Action.objects.get(area=area, ref="7.2").percent_complete == 60
