"""The admin's History page reads as the rest of the site does: no template comment shown as text, people named
by post and name, and changes shown as labels, names and dates rather than codes, ids and Python lists."""

from django.urls import reverse

from actions.services import progress_update_submit, record_save
from tests.actions.test_admin import action_form


def test_the_history_page_names_people_and_shows_readable_changes(client, world):
    action = world.alice_action
    progress_update_submit(
        action=action, period=world.period, rag="amber", progress="Started", by=world.alice, expected_version=1
    )
    client.force_login(world.manager)
    action.refresh_from_db()
    url = reverse("admin:actions_action_change", args=[action.pk])
    changed = action_form(action, leads=[world.head_of_send.pk, world.dco.pk], revised_due_date="2026-06-30")
    assert client.post(url, {**changed, "revised_due_reason": "Recruitment delayed"}).status_code == 302

    page = client.get(reverse("admin:actions_action_history", args=[action.pk])).content.decode()
    assert "{#" not in page and "django-simple-history 3.x" not in page
    assert "Head of SEND (Alice Moreno)" in page  # who submitted the update, not the account name
    assert ">alice<" not in page
    assert "(blank)&nbsp;&rarr;&nbsp;&nbsp;Amber" in page.replace("\n", "").replace("  ", "")
    assert "30 June 2026" in page
    assert "Leads:</strong>" in page
    assert "Head of SEND (Alice Moreno), Designated Clinical Officer (Bob Hale)" in page or (
        "Designated Clinical Officer (Bob Hale), Head of SEND (Alice Moreno)" in page
    )
    assert "[" not in page.split('id="change-history"')[1].split("</table>")[0]


def test_a_change_made_by_a_command_is_shown_as_by_the_system(client, world):
    org = world.icb
    org.short_name = "RICB"
    record_save(instance=org, expected_version=org.version, by=None)
    client.force_login(world.manager)
    page = client.get(reverse("admin:actions_organisation_history", args=[org.pk])).content.decode()
    assert "System" in page
    assert "(blank)" in page and "RICB" in page


def test_a_link_set_for_the_first_time_was_blank_not_a_deleted_record(client, world):
    officer = world.council_colleague
    officer.user = world.nobody
    record_save(instance=officer, expected_version=officer.version, by=world.manager)
    client.force_login(world.manager)
    page = client.get(reverse("admin:actions_officer_history", args=[officer.pk])).content.decode()
    assert "Deleted user" not in page
    assert "(blank)" in page and "nora" in page
