"""A plan's people in the app (issue 19, item 3): a programme manager adds and edits its organisations and posts.
A new organisation joins the plan's partners; a post's organisation is one of the plan's only; stale edits are
refused with what changed; bad input is shown again as typed; nothing is saved by a refused POST."""

import pytest
from django.urls import reverse

from actions.models import Officer, Organisation, PostHolder
from actions.people_selectors import plan_people
from actions.people_services import officer_edit, organisation_add, organisation_edit
from tests import factories

pytestmark = pytest.mark.django_db


def officer_data(world, **changes):
    data = {
        "post_title": "Inclusion Lead",
        "person_name": "Dev Patel",
        "organisation": str(world.council.pk),
        "email": "dev.patel@riverside.example",
        "name_publishable": "yes",
        "is_agency_lead": "no",
    }
    data.update(changes)
    return data


def test_an_organisation_added_on_the_people_page_joins_the_plan(client, world):
    client.force_login(world.manager)
    url = reverse("plan-organisation-new", args=[world.plan.slug])
    response = client.post(url, {"name": "Riverside Parent Carer Forum", "short_name": "RPCF", "kind": "pcf"})
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Riverside Parent Carer Forum")
    assert world.plan.partner_organisations.filter(pk=organisation.pk).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Riverside Parent Carer Forum added: it now works on this plan." in page
    assert "No posts yet." in page  # listed although it has no posts


def test_an_organisation_already_recorded_joins_the_plan_as_it_is(world):
    other = factories.make_organisation("Northshire NHS Trust", "nhs_trust")
    organisation, created = organisation_add(
        plan=world.plan, name="northshire nhs trust", short_name="", kind="other", by=world.manager
    )
    assert (organisation, created) == (other, False)
    assert organisation.kind == "nhs_trust"
    assert world.plan.partner_organisations.filter(pk=other.pk).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "kind": "pcf"}, "Enter the organisation&#x27;s full name."),
        ({"name": "X", "kind": "castle"}, "Select a valid choice."),
        ({"name": "X"}, "Select what kind of organisation it is."),
        ({"name": "x" * 10_000, "kind": "pcf"}, "at most 200 characters"),
    ],
)
def test_a_bad_organisation_is_shown_again_and_nothing_saved(client, world, data, message):
    client.force_login(world.manager)
    before = Organisation.objects.count()
    response = client.post(reverse("plan-organisation-new", args=[world.plan.slug]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Organisation.objects.count() == before


def test_editing_an_organisation_and_a_stale_edit_refused(client, world):
    client.force_login(world.manager)
    url = reverse("plan-organisation-edit", args=[world.plan.slug, world.icb.pk])
    loaded = {"name": "Riverside ICB", "short_name": "ICB", "kind": "icb", "version": str(world.icb.version)}
    organisation_edit(
        organisation=world.icb,
        name="Riverside Integrated Care Board",
        short_name="",
        kind="icb",
        by=world.manager,
        expected_version=world.icb.version,
    )
    response = client.post(url, loaded)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Riverside Integrated Care Board" in html and "Someone else has changed this" in html
    world.icb.refresh_from_db()
    assert world.icb.name == "Riverside Integrated Care Board"
    # The form now carries the version saved: submitting again saves the manager's own.
    response = client.post(url, {**loaded, "version": str(world.icb.version)})
    assert response.status_code == 302
    world.icb.refresh_from_db()
    assert world.icb.short_name == "ICB"


def test_an_organisation_not_on_the_plan_is_not_reached_through_it(client, world):
    elsewhere = factories.make_organisation("Northshire Council", "council")
    client.force_login(world.manager)
    response = client.get(reverse("plan-organisation-edit", args=[world.plan.slug, elsewhere.pk]))
    assert response.status_code == 404


def test_a_renamed_organisation_may_not_take_anothers_name(client, world):
    client.force_login(world.manager)
    url = reverse("plan-organisation-edit", args=[world.plan.slug, world.icb.pk])
    data = {"name": "riverside council", "short_name": "", "kind": "icb", "version": str(world.icb.version)}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Another organisation is already called Riverside Council." in response.content.decode()


def test_a_post_added_with_its_first_holder(client, world):
    client.force_login(world.manager)
    response = client.post(reverse("plan-officer-new", args=[world.plan.slug]), officer_data(world))
    assert response.status_code == 302
    officer = Officer.objects.get(post_title="Inclusion Lead")
    assert response["Location"] == reverse("officer-detail", args=[officer.pk])
    assert (officer.person_name, officer.organisation, officer.email) == (
        "Dev Patel",
        world.council,
        "dev.patel@riverside.example",
    )
    assert list(PostHolder.objects.filter(officer=officer).values_list("person_name", flat=True)) == ["Dev Patel"]
    assert "Inclusion Lead (Dev Patel) added to Riverside Council." in client.get(response["Location"]).content.decode()


def test_the_organisation_picker_offers_the_plans_organisations_only(client, world):
    elsewhere = factories.make_organisation("Northshire Council", "council")
    client.force_login(world.manager)
    url = reverse("plan-officer-new", args=[world.plan.slug])
    html = client.get(url).content.decode()
    assert "Riverside Council" in html and "Northshire Council" not in html
    response = client.post(url, officer_data(world, organisation=str(elsewhere.pk)))
    assert response.status_code == 400
    assert "Select one of the organisations working on this plan." in response.content.decode()
    assert not Officer.objects.filter(post_title="Inclusion Lead").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"post_title": "  "}, "Enter the post&#x27;s title, for example Head of SEND."),
        ({"organisation": ""}, "Select the organisation the post belongs to."),
        ({"organisation": "not-a-number"}, "Select one of the organisations working on this plan."),
        ({"organisation": "99999999999999999999"}, "Select one of the organisations working on this plan."),
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"name_publishable": ""}, "Choose whether the person&#x27;s name is shown in published reports."),
        ({"is_agency_lead": "maybe"}, "Select a valid choice."),
    ],
)
def test_a_bad_post_is_shown_again_as_typed(client, world, changes, message):
    client.force_login(world.manager)
    data = officer_data(world, **changes)
    response = client.post(reverse("plan-officer-new", args=[world.plan.slug]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Dev Patel" in html  # as typed
    assert not Officer.objects.filter(person_name="Dev Patel").exists()


def edit_data(officer, **changes):
    data = {
        "post_title": officer.post_title,
        "organisation": str(officer.organisation_id),
        "email": "alice.moreno@riverside.example",
        "name_publishable": "no",
        "is_agency_lead": "yes",
        "version": str(officer.version),
    }
    data.update(changes)
    return data


def test_editing_a_post_keeps_its_holder_and_moves_the_email_with_them(client, world):
    officer = world.head_of_send
    client.force_login(world.manager)
    url = reverse("plan-officer-edit", args=[world.plan.slug, officer.pk])
    assert "Alice Moreno holds the post." in client.get(url).content.decode()
    response = client.post(url, edit_data(officer, post_title="Head of SEND and Inclusion", person_name="Someone"))
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.post_title == "Head of SEND and Inclusion"
    assert officer.person_name == "Alice Moreno"  # a name changes by handover or correction only
    assert (officer.name_publishable, officer.is_agency_lead) == (False, True)
    assert officer.holders.get().email == "alice.moreno@riverside.example"


def test_a_stale_post_edit_is_refused_showing_who_changed_what(client, world):
    officer = world.head_of_send
    loaded = edit_data(officer, post_title="Head of SEND (interim)")
    officer_edit(
        plan=world.plan,
        officer=officer,
        post_title="Director of SEND",
        organisation=world.council,
        email="",
        name_publishable=True,
        is_agency_lead=False,
        by=world.manager,
        expected_version=officer.version,
    )
    client.force_login(world.manager)
    response = client.post(reverse("plan-officer-edit", args=[world.plan.slug, officer.pk]), loaded)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Director of SEND" in html and "Head of SEND (interim)" in html  # theirs beside the manager's
    officer.refresh_from_db()
    assert officer.post_title == "Director of SEND"


@pytest.mark.parametrize("version", ["", "abc", "99999999999999999999", "-1"])
def test_a_post_edit_without_a_sound_version_is_refused_plainly(client, world, version):
    officer = world.head_of_send
    client.force_login(world.manager)
    url = reverse("plan-officer-edit", args=[world.plan.slug, officer.pk])
    response = client.post(url, edit_data(officer, version=version))
    assert response.status_code in (400, 409)
    officer.refresh_from_db()
    assert officer.email == ""


def test_a_post_of_another_plans_organisation_is_not_reached_through_this_plan(client, world):
    other = factories.make_officer("Head of SEND", "Nia Shaw", factories.make_organisation("Northshire Council"))
    client.force_login(world.manager)
    response = client.post(reverse("plan-officer-edit", args=[world.plan.slug, other.pk]), edit_data(other))
    assert response.status_code == 404


def test_the_people_page_lists_every_organisation_with_posts_and_accounts(client, world, django_assert_num_queries):
    factories.make_officer("SENCO network lead", "", world.icb, is_agency_lead=True)
    world.plan.partner_organisations.add(factories.make_organisation("Riverside PCF", "pcf"))
    # The plan's organisation ids (five queries: partners, leads, accountable, plan accountable, action partners),
    # the organisations, their posts with accounts.
    with django_assert_num_queries(7):
        organisations = plan_people(world.plan)
    assert [o.name for o in organisations] == ["Riverside Council", "Riverside ICB", "Riverside PCF"]
    council = organisations[0]
    assert {o.post_title: o.account_status for o in council.posts} == {
        "Head of SEND": "Active",
        "SEN Casework Manager": "No account",
    }
    client.force_login(world.manager)
    html = client.get(reverse("plan-officers", args=[world.plan.slug])).content.decode()
    assert "Riverside PCF" in html and "Agency lead" in html
    assert reverse("plan-officer-edit", args=[world.plan.slug, world.dco.pk]) in html
