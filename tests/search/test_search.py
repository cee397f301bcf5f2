"""Find things (issue 19, item 7; docs/search.md): actions by reference (exact or its start) and by words in their
text and submitted progress, KPIs, risks, areas and (for programme managers) posts; filtered by plan and kind;
grouped by kind; drafts and what a role may not read never found; bad input never fails; one query per kind
however many records match. These run on PostgreSQL (full-text search) and on SQLite (the fallback)."""

import pytest
from django.db import connection
from django.urls import reverse

from actions.models import ProgressUpdate
from search.selectors import MAX_QUERY_LENGTH, Kind, clean_query, search
from tests import factories
from tests.conftest import KpiWorld, RiskWorld

pytestmark = pytest.mark.django_db


def found(results, kind):
    return [hit.title for group in results.groups if group.kind == kind for hit in group.hits]


@pytest.fixture
def searchable(world):
    world.alice_action.text = "Run a weekly multi-agency panel for EHC needs assessments"
    world.alice_action.save()
    factories.make_action(world.area, "1.20", [world.dco], text="Train SENCOs in graduated support")
    ProgressUpdate.objects.create(
        action=world.bob_action,
        period=world.period,
        rag="amber",
        progress="Caseworkers recruited; the backlog of annual reviews is falling",
    )
    ProgressUpdate.objects.create(
        action=world.colleague_action,
        period=world.closed_period,
        status=ProgressUpdate.Status.DRAFT,
        progress="Secret draft about the ombudsman complaint",
    )
    world.kpis = KpiWorld(world)
    world.risks = RiskWorld(world)
    return world


def test_an_action_by_its_exact_reference_comes_first_then_those_it_starts(searchable):
    results = search(user=searchable.manager, query="1.2")
    assert found(results, Kind.ACTIONS)[:2] == ["Action 1.2", "Action 1.20"]
    assert found(search(user=searchable.alice, query="Action 1.20"), Kind.ACTIONS)[0] == "Action 1.20"


def test_an_action_by_words_in_its_text(searchable):
    assert found(search(user=searchable.alice, query="panel"), Kind.ACTIONS) == ["Action 1.1"]
    assert found(search(user=searchable.alice, query="EHC panel"), Kind.ACTIONS) == ["Action 1.1"]
    if connection.vendor == "postgresql":  # English stemming: panels finds panel
        assert found(search(user=searchable.alice, query="panels"), Kind.ACTIONS) == ["Action 1.1"]


def test_an_action_by_words_in_its_submitted_progress_but_never_a_drafts(searchable):
    assert found(search(user=searchable.chair, query="backlog"), Kind.ACTIONS) == ["Action 1.2"]
    for user in (searchable.manager, searchable.alice, searchable.chair):
        assert search(user=user, query="ombudsman").count == 0


def test_kpis_risks_and_areas_by_reference_and_words(searchable):
    results = search(user=searchable.member, query="schools")
    assert found(results, Kind.RISKS) == ["Risk R1"]
    assert found(search(user=searchable.member, query="1.K1"), Kind.KPIS) == ["KPI 1.K1"]
    assert found(search(user=searchable.member, query="strategy"), Kind.KPIS) == ["KPI SC1"]
    area = searchable.area
    assert found(search(user=searchable.member, query=area.title.split()[0]), Kind.AREAS) == [area.label]


def test_posts_are_found_by_programme_managers_only(searchable):
    assert found(search(user=searchable.manager, query="Moreno"), Kind.OFFICERS) == ["Head of SEND (Alice Moreno)"]
    for user in (searchable.alice, searchable.chair, searchable.adviser):
        results = search(user=user, query="Moreno")
        assert Kind.OFFICERS not in [group.kind for group in results.groups]
        results = search(user=user, query="Moreno", kinds=[Kind.OFFICERS])
        assert results.count == 0


def test_filters_by_plan_and_kind(searchable):
    other_plan = factories.make_plan("northshire-pap")
    factories.make_action(factories.make_area(other_plan), "1.2", [searchable.dco], text="Northshire panel")
    everywhere = search(user=searchable.manager, query="panel")
    # Both match "panel" once, equally well: their order is not what this test asks.
    assert sorted(found(everywhere, Kind.ACTIONS)) == ["Action 1.1", "Action 1.2"]
    in_plan = search(user=searchable.manager, query="panel", plan=searchable.plan)
    assert found(in_plan, Kind.ACTIONS) == ["Action 1.1"]
    risks_only = search(user=searchable.manager, query="1", kinds=[Kind.RISKS])
    assert [group.kind for group in risks_only.groups] == [Kind.RISKS]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 10_000,
        "'; DROP TABLE actions_action; --",
        "1' OR '1'='1",
        'panel & | ! ( ) : * "unclosed',
        "<script>alert(1)</script>",
        "\x00nul\x00",
        "ＥＨＣ パネル 😀 ñandú",
        "%_%",
        "\\",
        "a" * 19 + " " + "b" * 19,
    ],
)
def test_bad_input_never_fails(client, searchable, query):
    client.force_login(searchable.manager)
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_query_is_cleaned_and_cut():
    assert clean_query("  EHC \t\n panel\x00 ") == "EHC panel"
    assert clean_query("ＥＨＣ") == "EHC"  # full-width letters, as some keyboards type them
    assert len(clean_query("y" * 10_000)) == MAX_QUERY_LENGTH


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "panel", "plan": "not-a-plan"}, "Select a plan from the list."),
        ({"q": "panel", "plan": "99999999999999999999"}, "Select a plan from the list."),
        ({"q": "panel", "kind": "users"}, "Select a kind of thing from the list."),
    ],
)
def test_unknown_filters_are_form_errors(client, searchable, params, message):
    client.force_login(searchable.alice)
    response = client.get(reverse("search"), params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_lead_may_not_filter_to_posts(client, searchable):
    client.force_login(searchable.alice)
    response = client.get(reverse("search"), {"q": "Moreno", "kind": Kind.OFFICERS})
    assert response.status_code == 400
    assert "Head of SEND (Alice Moreno)" not in response.content.decode()


def test_the_page_groups_results_by_kind_with_links(client, searchable):
    client.force_login(searchable.manager)
    html = client.get(reverse("search"), {"q": "1"}).content.decode()
    for heading in ("Actions", "KPIs", "Areas"):
        assert f">{heading}</h2>" in html
    # The count line names each kind as it reads in a sentence, KPIs in capitals.
    assert 'href="#kpis">KPIs (' in html and 'href="#actions">actions (' in html
    assert searchable.alice_action.get_absolute_url() in html
    assert searchable.kpis.timeliness.get_absolute_url() in html
    html = client.get(reverse("search"), {"q": "R1"}).content.decode()
    assert ">Risks</h2>" in html and searchable.risks.schools.get_absolute_url() in html


def test_nothing_found_says_so(client, searchable):
    client.force_login(searchable.alice)
    html = client.get(reverse("search"), {"q": "zebra"}).content.decode()
    assert "Nothing matches “zebra”" in html


def test_the_header_has_the_search_box_for_roles_only(client, world):
    client.force_login(world.alice)
    assert 'role="search"' in client.get(reverse("my-actions")).content.decode()
    client.force_login(world.nobody)
    assert 'role="search"' not in client.get(reverse("account")).content.decode()
    assert client.get(reverse("search"), {"q": "x"}).status_code == 403
