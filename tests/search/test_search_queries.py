"""The search's query count is flat: the same with 5 and with 50 matching actions (one query per kind)."""

import pytest
from django.urls import reverse

from search.selectors import search
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [5, 50])
def test_one_query_per_kind_however_many_actions_match(world, django_assert_num_queries, count):
    for number in range(count):
        factories.make_action(world.area, f"9.{number}", [world.head_of_send], text=f"Panel number {number}")
    user = world.manager
    search(user=user, query="warm the roles cache")
    # One query each for actions (with their area and plan), KPIs, risks, areas and posts.
    with django_assert_num_queries(5):
        results = search(user=user, query="panel")
    assert len(results.groups[0].hits) == min(count, 20)
    assert results.groups[0].more == (count > 20)


@pytest.mark.parametrize("count", [5, 50])
def test_the_search_page_costs_the_same_with_5_or_50_matching_actions(client, world, django_assert_num_queries, count):
    for number in range(count):
        factories.make_action(world.area, f"9.{number}", [world.head_of_send], text=f"Panel number {number}")
    client.force_login(world.alice)
    client.get(reverse("search"))  # the session's first read
    # The session, the user, the user's roles; the plans for the filter; actions, KPIs, risks and areas.
    with django_assert_num_queries(8):
        response = client.get(reverse("search"), {"q": "panel"})
    assert response.content.decode().count('font-weight-bold" href="/actions/') == min(count, 20)
