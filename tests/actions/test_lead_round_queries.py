"""Query budgets of the lead's round: the walk and the one-page form cost the same for 5 of the lead's actions as
for 50 (each with an update in the last period, some with drafts), so a query inside a loop would show."""

from datetime import date

import pytest
from django.urls import reverse

from actions.models import Action, ProgressUpdate
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[5, 50], ids=["5 actions", "50 actions"])
def round_world(request, world):
    """Alice leads `n` more actions over two areas, each rated in the closed period; every fifth has a draft now."""
    area2 = factories.make_area(world.plan, "2", "Joint commissioning")
    actions = [
        factories.make_action(
            world.area if i % 2 else area2, f"9.{i}", [world.head_of_send], due_date=date(2026, 1, i % 28 + 1)
        )
        for i in range(request.param)
    ]
    ProgressUpdate.objects.bulk_create(
        [ProgressUpdate(action=a, period=world.closed_period, rag="amber", progress="Autumn work.") for a in actions]
        + [ProgressUpdate(action=a, period=world.period, status="draft", rag="green") for a in actions[::5]]
    )
    world.round_actions = actions
    return world


def rows(actions, **fields):
    data = {}
    for action in actions:
        data |= {
            f"a{action.pk}-version": str(action.version),
            f"a{action.pk}-stage": "",
            f"a{action.pk}-percent_complete": "",
        }
        data |= {f"a{action.pk}-{name}": value for name, value in fields.items()}
    return data


def test_the_walk_page(client, round_world, django_assert_num_queries):
    client.force_login(round_world.alice)
    url = reverse("lead-round", args=[round_world.plan.slug])
    # 1 session, 2 user, 3 her role groups, 4 the plan, 5 its open period, 6 her officer record, 7 the round's
    # actions with their state, 8 their plan's RAG key; for the action shown: 9 its update in the open period,
    # 10 its previous update with who held its author's post then.
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["round"].actions) == len(round_world.round_actions) + 2


def test_the_one_page_form(client, round_world, django_assert_num_queries):
    client.force_login(round_world.alice)
    url = reverse("lead-round-all", args=[round_world.plan.slug])
    # 1 session, 2 user, 3 role groups, 4 the plan, 5 its open period, 6 her officer, 7 the round's actions,
    # 8 their plan's RAG key, 9 their updates in the open period (drafts fill their rows).
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["rows"]) == len(round_world.round_actions) + 2


def test_the_one_page_form_checking_every_row(client, round_world, django_assert_num_queries):
    client.force_login(round_world.alice)
    url = reverse("lead-round-all", args=[round_world.plan.slug])
    actions = Action.objects.filter(leads=round_world.head_of_send)
    data = rows(actions, rag="red", progress="Stalled.")  # no recovery note: every row refused
    # As the page, and 10 the ratings before this period of every row, read at once for the progress rules.
    with django_assert_num_queries(10):
        response = client.post(url, data)
    assert response.status_code == 400
    assert len(response.context["errors"]) == actions.count()
    assert not ProgressUpdate.objects.filter(status="submitted", period=round_world.period).exists()


def test_the_one_page_form_saving_every_row(client, round_world, django_assert_num_queries):
    client.force_login(round_world.alice)
    url = reverse("lead-round-all", args=[round_world.plan.slug])
    actions = Action.objects.filter(leads=round_world.head_of_send)
    data = rows(actions, rag="amber", progress="Moving.")
    # The page's 10 (as checking every row); then the transaction's savepoint, 11 the rows' ratings before this
    # period (the service checks what it is given), 12 the actions' versions, locked, 13 the period's updates,
    # 14-15 the new updates and their history rows, 16-17 the drafts submitted and their history rows, 18-19 the
    # actions and their history rows, 20-21 their leads, read and recorded in that history, 22 their accountable
    # officers (none here, so none recorded), and the release. 10 + 14.
    with django_assert_num_queries(24):
        response = client.post(url, data)
    assert response.status_code == 302
    submitted = ProgressUpdate.objects.filter(status="submitted", period=round_world.period)
    assert submitted.count() == actions.count()
