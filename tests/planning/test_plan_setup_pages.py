"""The set-up pages as a programme manager uses them: what was typed comes back with the error beside it, a stale
edit is refused (409) naming who changed what, and no malformed POST answers 500."""

import pytest

from actions.models import Finding, Plan, ReportingPeriod
from planning.services import period_change, plan_header_change


@pytest.fixture
def manager(client, world):
    client.force_login(world.manager)
    return client


NEW_PLAN = {
    "plan_type": "pap",
    "local_area": "Kestlebury",
    "title": "Priority Action Plan",
    "start_date_0": "1",
    "start_date_1": "9",
    "start_date_2": "2025",
    "ratings": "yes",
    "blue_label": "Blue",
    "blue_definition": "Completed and embedded",
    "partners": [],
    "new_partner_name_1": "Kestlebury Parent Carer Forum",
    "new_partner_kind_1": "pcf",
    "cadence": "quarterly",
    "quarter_ends": "3-6-9-12",
    "periods_until_0": "31",
    "periods_until_1": "3",
    "periods_until_2": "2026",
}


def test_the_new_plan_page_offers_the_standard_key(manager):
    page = manager.get("/plans/new/").content.decode()
    assert 'value="On track, minor delivery concerns"' in page
    assert "Start the plan" in page


def test_a_new_plan_is_started_and_a_second_submission_makes_no_second(manager, world):
    response = manager.post("/plans/new/", NEW_PLAN)
    plan = Plan.objects.get(local_area="Kestlebury")
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.slug}/setup/areas/"
    assert list(plan.periods.values_list("name", flat=True)) == [
        "Quarter ending September 2025",
        "Quarter ending December 2025",
        "Quarter ending March 2026",
    ]
    again = manager.post("/plans/new/", NEW_PLAN)
    assert again.status_code == 400
    assert "has already been started" in again.content.decode()
    assert Plan.objects.filter(local_area="Kestlebury").count() == 1


def test_a_refused_new_plan_shows_what_was_typed(manager):
    data = NEW_PLAN | {"start_date_2": "", "green_label": "Green", "title": "My plan's title"}
    response = manager.post("/plans/new/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Plan starts must include a year" in page
    assert "Give green both its word and what it means" not in page  # shapes first; the rules once the date is real
    assert 'value="My plan&#x27;s title"' in page
    assert 'value="Kestlebury Parent Carer Forum"' in page
    response = manager.post("/plans/new/", NEW_PLAN | {"green_label": "Green"})
    assert response.status_code == 400
    assert "Give green both its word and what it means" in response.content.decode()


MALFORMED = [
    {},
    {"plan_type": "nonsense", "start_date_0": "x", "start_date_1": "99", "start_date_2": "99999999999"},
    NEW_PLAN | {"partners": ["abc", "99999999999999999999999"]},
    NEW_PLAN | {"cadence": "weekly", "quarter_ends": "1-2-3"},
    NEW_PLAN | {"periods_until_2": "9999"},
    NEW_PLAN | {"new_partner_kind_1": "spaceship", "title": "x" * 5000},
]


@pytest.mark.parametrize("data", MALFORMED)
def test_malformed_new_plans_are_refused_never_500(manager, data):
    response = manager.post("/plans/new/", data)
    assert response.status_code == 400
    assert not Plan.objects.filter(local_area="Kestlebury").exists()


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/plans/riverside-wsoa/details/", {"version": "99999999999999999999", "start_date_0": "a"}),
        ("/plans/riverside-wsoa/details/", {"version": "-1", "partners": "x"}),
        ("/plans/riverside-wsoa/rag-key/", {"ratings": "maybe", "version": "x"}),
        ("/plans/riverside-wsoa/rag-key/", {"ratings": "yes", "blue_label": "x" * 500, "version": "1"}),
        ("/plans/riverside-wsoa/setup/areas/add/", {"ref": "", "kind": "other", "owners": ["999999999999999999999"]}),
        ("/plans/riverside-wsoa/periods/add/", {"name": "x", "start_0": "31", "start_1": "2", "start_2": "2026"}),
        ("/plans/riverside-wsoa/periods/add/", {"name": "x" * 500, "end_0": "1", "end_1": "1", "end_2": "-5"}),
    ],
)
def test_malformed_edits_are_refused_never_500(manager, url, data):
    assert manager.post(url, data).status_code == 400


def test_malformed_moves_and_removals_never_500(manager, world):
    finding = Finding.objects.create(area=world.area, text="Plans are late")
    for data in ({}, {"direction": "sideways", "version": "1"}, {"direction": "up", "version": "9" * 30}):
        assert manager.post(f"/areas/{world.area.pk}/setup/move/", data).status_code == 302
    assert manager.post(f"/findings/{finding.pk}/remove/", {"version": "9" * 30}).status_code == 409
    assert manager.post(f"/periods/{world.closed_period.pk}/remove/", {"version": "x"}).status_code in (400, 409)
    assert manager.post("/findings/999999/remove/", {"version": "1"}).status_code == 404
    assert manager.post("/periods/999999999999999999999/edit/", {}).status_code == 404


def test_an_owner_from_another_local_area_is_refused_beside_the_field(manager, world):
    from tests import factories

    stranger = factories.make_officer("Head of SEND", "Zed", factories.make_organisation("Elsewhere Council"))
    data = {"ref": "2", "title": "Joint commissioning", "kind": "weakness", "owners": [str(stranger.pk)]}
    response = manager.post(f"/plans/{world.plan.slug}/setup/areas/add/", data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert 'value="2"' in response.content.decode()


def test_a_stale_plan_edit_is_refused_with_who_changed_what(manager, world):
    plan = world.plan
    form = manager.get(f"/plans/{plan.slug}/details/")
    assert form.status_code == 200
    plan_header_change(
        plan=plan,
        plan_type=plan.plan_type,
        local_area=plan.local_area,
        title="Written Statement of Action, revised",
        start_date=plan.start_date,
        inspection_start=None,
        inspection_end=None,
        inspection_label="",
        report_published=None,
        published=plan.published,
        partners=[],
        by=world.alice,
        expected_version=1,
    )
    data = {
        "plan_type": "wsoa",
        "local_area": "Riverside",
        "title": "My title",
        "start_date_0": "1",
        "start_date_1": "9",
        "start_date_2": "2025",
        "version": "1",
    }
    response = manager.post(f"/plans/{plan.slug}/details/", data)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Head of SEND (Alice Moreno) changed Title" in page
    assert 'value="My title"' in page
    assert Plan.objects.get(pk=plan.pk).title == "Written Statement of Action, revised"
    # Submitting again, having seen their change, saves.
    data["version"] = str(Plan.objects.get(pk=plan.pk).version)
    assert manager.post(f"/plans/{plan.slug}/details/", data).status_code == 302


def test_a_stale_period_edit_is_refused(manager, world):
    period = world.closed_period
    period_change(
        period=period,
        name="Autumn term 2025",
        start=period.start,
        end=period.end,
        update_deadline=None,
        by=world.alice,
        expected_version=period.version,
    )
    data = {
        "name": "Autumn 2025 (mine)",
        "start_0": "1",
        "start_1": "9",
        "start_2": "2025",
        "end_0": "31",
        "end_1": "12",
        "end_2": "2025",
        "version": "1",
    }
    response = manager.post(f"/periods/{period.pk}/edit/", data)
    assert response.status_code == 409
    assert "changed Name" in response.content.decode()
    assert ReportingPeriod.objects.get(pk=period.pk).name == "Autumn term 2025"


def test_an_overlapping_period_names_the_other(manager, world):
    data = {"name": "Summer", "start_0": "1", "start_1": "4", "start_2": "2026", "end_0": "31", "end_1": "8"}
    response = manager.post(f"/plans/{world.plan.slug}/periods/add/", data | {"end_2": "2026"})
    assert response.status_code == 400
    assert "These dates overlap Spring 2026 (1 January 2026 to 30 April 2026)" in response.content.decode()


def test_a_period_with_updates_says_why_it_stays(manager, world):
    from actions.models import ProgressUpdate

    ProgressUpdate.objects.create(
        action=world.alice_action, period=world.closed_period, rag="amber", progress="Panel running"
    )
    page = manager.get(f"/periods/{world.closed_period.pk}/remove/").content.decode()
    assert "has 1 progress update (drafts included)" in page
    assert "Remove the period</button>" not in page
    response = manager.post(f"/periods/{world.closed_period.pk}/remove/", {"version": "1"})
    assert response.status_code == 400
    assert ReportingPeriod.objects.filter(pk=world.closed_period.pk).exists()


def test_managers_see_the_set_up_links_and_others_do_not(client, world):
    client.force_login(world.manager)
    assert "Start a new plan" in client.get("/plans/").content.decode()
    assert "Set up the plan's areas" in client.get(f"/plans/{world.plan.slug}/").content.decode()
    assert "Set up this area" in client.get(f"/areas/{world.area.pk}/").content.decode()
    assert "Add a reporting period" in client.get(f"/plans/{world.plan.slug}/rounds/").content.decode()
    client.force_login(world.alice)
    assert "Start a new plan" not in client.get("/plans/").content.decode()
    assert "Add a reporting period" not in client.get(f"/plans/{world.plan.slug}/rounds/").content.decode()
    assert client.get("/plans/new/").status_code == 403


def test_a_stale_rag_key_is_refused_and_the_typed_words_kept(manager, world):
    from planning.services import STANDARD_RAG_KEY, rag_key_change

    rag_key_change(
        plan=world.plan, publishes_ratings=True, lines=list(STANDARD_RAG_KEY), by=world.alice, expected_version=1
    )
    data = {"ratings": "yes", "version": "1", "green_label": "Green", "green_definition": "My own words"}
    response = manager.post(f"/plans/{world.plan.slug}/rag-key/", data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Head of SEND (Alice Moreno) saved this record" in page
    assert 'value="My own words"' in page
    assert not world.plan.rag_key.filter(definition="My own words").exists()


def test_an_area_is_changed_moved_and_a_stale_change_refused(manager, world):
    from planning.services import area_add

    second = area_add(plan=world.plan, ref="2", title="Joint commissioning", kind="weakness", by=world.manager)
    response = manager.post(f"/areas/{second.pk}/setup/move/", {"direction": "up", "version": str(second.version)})
    assert response.status_code == 302
    assert list(world.plan.areas.order_by("order").values_list("ref", flat=True)) == ["2", "1"]
    data = {
        "ref": "1",
        "title": "Timeliness",
        "kind": "priority",
        "owners": [str(world.head_of_send.pk)],
        "version": "1",
    }
    response = manager.post(f"/areas/{world.area.pk}/setup/details/", data)
    assert response.status_code == 302 and response["Location"] == f"/areas/{world.area.pk}/setup/"
    world.area.refresh_from_db()
    assert (world.area.kind, list(world.area.owners.all())) == ("priority", [world.head_of_send])
    stale = manager.post(f"/areas/{world.area.pk}/setup/details/", data | {"title": "Mine"})
    assert stale.status_code == 409
    assert "changed" in stale.content.decode() and "Mine</textarea>" in stale.content.decode()
    # A move from a page loaded before the change is refused too, and says who moved on.
    moved = manager.post(f"/areas/{world.area.pk}/setup/move/", {"direction": "down", "version": "1"}, follow=True)
    assert "while you were editing" in moved.content.decode()


def test_findings_and_outcomes_are_added_changed_and_removed(manager, world):
    area = world.area
    assert manager.post(f"/areas/{area.pk}/findings/add/", {"ref": "1.1", "text": "Plans are late"}).status_code == 302
    finding = Finding.objects.get(area=area)
    refused = manager.post(f"/findings/{finding.pk}/", {"ref": "1.1", "text": "  ", "version": "1"})
    assert refused.status_code == 400 and "Enter the text" in refused.content.decode()
    assert (
        manager.post(f"/findings/{finding.pk}/", {"ref": "1.2", "text": "Reworded", "version": "1"}).status_code == 302
    )
    assert manager.post(f"/areas/{area.pk}/outcomes/add/", {"ref": "a", "text": "Plans on time"}).status_code == 302
    outcome = area.outcomes.get()
    world.alice_action.outcome = outcome
    world.alice_action.save()
    confirm = manager.get(f"/outcomes/{outcome.pk}/remove/").content.decode()
    assert "1 action is grouped under it: it stays in the area, no longer grouped." in confirm
    assert manager.post(f"/outcomes/{outcome.pk}/remove/", {"version": "1"}).status_code == 302
    assert manager.post(f"/findings/{finding.pk}/remove/", {"version": "2"}).status_code == 302
    assert not area.findings.exists() and not area.outcomes.exists()
    setup = manager.get(f"/areas/{area.pk}/setup/").content.decode()
    assert "No findings yet." in setup and "No outcomes yet." in setup


@pytest.mark.parametrize("areas", [1, 12])
def test_the_areas_page_costs_the_same_however_many_areas(manager, world, django_assert_num_queries, areas):
    from planning.services import area_add

    for n in range(2, areas + 1):
        area = area_add(plan=world.plan, ref=str(n), title=f"Area {n}", kind="weakness", by=world.manager)
        area.owners.set([world.head_of_send, world.dco])
    # session, user, the user's roles, the plan, the areas with their counts, their owners with organisations
    with django_assert_num_queries(6):
        response = manager.get(f"/plans/{world.plan.slug}/setup/areas/")
    assert response.status_code == 200
