"""The officer page and its two forms (decision 0023): hand over a post, correct a name. Bad input is shown again
as typed with its error, a stale form is refused with what changed, and nothing is saved by a refused POST."""

from datetime import date

import pytest
from django.urls import reverse

from actions.models import PostHolder
from actions.services import post_hand_over

pytestmark = pytest.mark.django_db


def hand_over_data(officer, **changes):
    data = {
        "person_name": "Dev Patel",
        "email": "dev.patel@riverside.example",
        "started_on_0": "5",
        "started_on_1": "1",
        "started_on_2": "2026",
        "user": "",
        "version": str(officer.version),
    }
    data.update(changes)
    return data


def test_a_programme_manager_hands_a_post_over_and_sees_its_holders(client, world):
    officer = world.head_of_send
    client.force_login(world.manager)
    response = client.post(reverse("officer-hand-over", args=[officer.pk]), hand_over_data(officer))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Dev Patel holds the post of Head of SEND from 5 January 2026" in page
    assert "Alice Moreno" in page and "4 January 2026" in page  # the previous holder, until the day before
    assert "Action 1.1" in page  # the actions the post leads


def test_a_bad_handover_is_shown_again_as_typed_with_its_errors(client, world):
    officer = world.head_of_send
    client.force_login(world.manager)
    data = hand_over_data(officer, person_name="", email="not-an-email", started_on_2="2099")
    response = client.post(reverse("officer-hand-over", args=[officer.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter the name of the person who now holds the post." in html
    assert "not-an-email" in html  # as typed
    assert not PostHolder.objects.filter(person_name="Dev Patel").exists()


def test_a_stale_handover_form_is_refused_and_names_what_changed(client, world):
    officer = world.head_of_send
    loaded = hand_over_data(officer)
    post_hand_over(
        officer=officer,
        person_name="Eve Stone",
        started_on=date(2026, 1, 2),
        by=world.manager,
        expected_version=officer.version,
    )
    client.force_login(world.manager)
    response = client.post(reverse("officer-hand-over", args=[officer.pk]), loaded)
    assert response.status_code == 409
    assert "Eve Stone" in response.content.decode()
    officer.refresh_from_db()
    assert officer.person_name == "Eve Stone"


def test_correcting_the_name_on_its_own_form(client, world):
    officer = world.head_of_send
    client.force_login(world.manager)
    url = reverse("officer-correct-name", args=[officer.pk])
    response = client.post(url, {"person_name": "  ", "version": officer.version})
    assert response.status_code == 400 and "Enter the name as it should be spelt." in response.content.decode()
    response = client.post(url, {"person_name": "Alicia Moreno", "version": officer.version})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.person_name == "Alicia Moreno"
    assert list(officer.holders.values_list("person_name", flat=True)) == ["Alicia Moreno"]  # not a handover


def test_the_action_page_links_leads_to_their_posts_for_programme_managers_only(client, world):
    link = reverse("officer-detail", args=[world.head_of_send.pk])
    client.force_login(world.manager)
    assert link in client.get(world.alice_action.get_absolute_url()).content.decode()
    client.force_login(world.alice)
    assert link not in client.get(world.alice_action.get_absolute_url()).content.decode()


def test_the_plan_lists_its_organisations_posts(client, world):
    client.force_login(world.manager)
    html = client.get(reverse("plan-officers", args=[world.plan.slug])).content.decode()
    assert "Riverside Council" in html and "Riverside ICB" in html
    assert reverse("officer-detail", args=[world.dco.pk]) in html


def test_the_admin_does_not_rename_the_person_in_a_post(client, world):
    """A rename there would rewrite who gave every past update: the post's page hands over or corrects instead."""
    officer = world.head_of_send
    client.force_login(world.manager)
    url = reverse("admin:actions_officer_change", args=[officer.pk])
    data = {
        "post_title": "Head of SEND and Inclusion",
        "person_name": "Someone Else",
        "organisation": officer.organisation_id,
        "email": "",
        "name_publishable": "on",
        "expected_version": officer.version,
    }
    assert client.post(url, data).status_code == 302
    officer.refresh_from_db()
    assert (officer.post_title, officer.person_name) == ("Head of SEND and Inclusion", "Alice Moreno")
