"""Inviting the person in a post to sign in, setting a password from the emailed link, and deactivating a
leaver (issue 19, item 3; docs/people.md). The link works once, runs out, and a used, garbled or run-out link is
refused plainly, never a 500; the password validators apply; a leaver's sessions end and their history stays."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.invites import InviteTokenGenerator, invite_path, invited_user, officer_invite, user_deactivate
from actions.models import ProgressUpdate
from actions.permissions import Role, user_roles
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ripe-plum-tandem-42"


def invite(client, world, officer, **changes):
    data = {"email": "cara.dune@riverside.example", "role": Role.SEND_LEAD.value, "version": str(officer.version)}
    data.update(changes)
    client.force_login(world.manager)
    return client.post(reverse("officer-invite", args=[officer.pk]), data)


def emailed_path() -> str:
    """The set-password link's path from the one email sent."""
    assert len(mail.outbox) == 1
    return re.search(r"https?://[^/\s]+(/accounts/set-password/\S+/)", mail.outbox[0].body).group(1)


def test_inviting_a_post_holder_creates_their_account_and_emails_a_link(client, world):
    officer = world.council_colleague
    response = invite(client, world, officer)
    assert response.status_code == 302
    officer.refresh_from_db()
    user = officer.user
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "cara.dune@riverside.example",
        "cara.dune@riverside.example",
        "Cara",
        "Dune",
    )
    assert not user.has_usable_password()
    assert user_roles(user) == {Role.SEND_LEAD}
    assert officer.holders.get().user == user  # the current holder acts for the post
    message = mail.outbox[0]
    assert message.to == ["cara.dune@riverside.example"]
    assert "SEN Casework Manager, Riverside Council" in message.body
    assert emailed_path() in message.alternatives[0][0]
    page = client.get(response["Location"]).content.decode()
    assert "Invitation sent to cara.dune@riverside.example." in page
    assert "invited: no password set yet" in page


def test_the_manager_may_choose_another_role(client, world):
    response = invite(client, world, world.council_colleague, role=Role.COMMS_OFFICER.value)
    assert response.status_code == 302
    world.council_colleague.refresh_from_db()
    assert user_roles(world.council_colleague.user) == {Role.COMMS_OFFICER}


def test_an_existing_account_with_the_address_is_linked_not_duplicated(client, world):
    existing = factories.make_user("cara", None)
    existing.email = "Cara.Dune@riverside.example"
    existing.save()
    invite(client, world, world.council_colleague)
    world.council_colleague.refresh_from_db()
    assert world.council_colleague.user == existing
    assert User.objects.filter(email__iexact="cara.dune@riverside.example").count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": ""}, "Enter an email address in the correct format"),
        ({"email": "x" * 10_000}, "at most 254 characters"),
        ({"email": "'; DROP TABLE auth_user; --"}, "Enter an email address in the correct format"),
        ({"role": "Superuser"}, "Select a valid choice."),
        ({"version": ""}, "This form is incomplete."),
        ({"version": "99999999999999999999"}, "This form is incomplete."),
    ],
)
def test_a_bad_invitation_is_shown_again_and_nothing_is_sent(client, world, changes, message):
    before = User.objects.count()
    response = invite(client, world, world.council_colleague, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == before and mail.outbox == []


def test_an_address_of_another_posts_account_or_an_administrators_is_refused(client, world):
    world.alice.email = "alice@riverside.example"
    world.alice.save()
    response = invite(client, world, world.council_colleague, email="alice@riverside.example")
    assert response.status_code == 400
    assert "already linked to another post" in response.content.decode()
    User.objects.create_superuser("root", email="root@riverside.example", password="x-root-password")
    response = invite(client, world, world.council_colleague, email="root@riverside.example")
    assert "administrator" in response.content.decode()
    assert mail.outbox == []


def test_a_stale_invitation_is_refused_showing_what_changed(client, world):
    officer = world.council_colleague
    loaded_version = officer.version
    officer_invite(officer=officer, email="cara@riverside.example", role=Role.SEND_LEAD, by=world.manager,
                   expected_version=officer.version)  # fmt: skip
    mail.outbox.clear()
    response = invite(client, world, officer, version=str(loaded_version), email="cara.d@riverside.example")
    assert response.status_code == 409
    assert "cara@riverside.example" in response.content.decode()
    assert mail.outbox == []


def test_an_email_service_that_fails_saves_nothing(client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    response = invite(client, world, world.council_colleague)
    assert response.status_code == 400
    assert "The invitation could not be sent" in response.content.decode()
    world.council_colleague.refresh_from_db()
    assert world.council_colleague.user is None


def test_the_invited_person_sets_a_password_once_and_signs_in(client, world):
    invite(client, world, world.council_colleague)
    path = emailed_path()
    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200
    assert "cara.dune@riverside.example" in page.content.decode()
    response = anonymous.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    signed_in = anonymous.post(reverse("login"), {"username": "cara.dune@riverside.example", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert anonymous.get(reverse("my-actions")).status_code == 200
    # Used once: the link now says so, and a second password cannot be set with it.
    again = Client().post(path, {"new_password1": "other-pear-7-lantern", "new_password2": "other-pear-7-lantern"})
    assert again.status_code == 410
    assert "This link does not work" in again.content.decode()


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("", "", "Enter a new password."),
        ("short", "short", "This password is too short."),
        ("password123", "password123", "This password is too common."),
        (NEW_PASSWORD, "something-else-9", "The two passwords do not match."),
        ("cara.dune@riverside", "cara.dune@riverside", "too similar"),
    ],
)
def test_the_password_validators_apply(client, world, first, second, message):
    invite(client, world, world.council_colleague)
    response = Client().post(emailed_path(), {"new_password1": first, "new_password2": second})
    assert response.status_code == 400
    assert message in response.content.decode()
    world.council_colleague.refresh_from_db()
    assert not world.council_colleague.user.has_usable_password()


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/set-password/MQ/not-a-token/",
        "/accounts/set-password/!!!/x/",
        "/accounts/set-password/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk/abc-def/",
        "/accounts/set-password/LTE/abc-def/",
        "/accounts/set-password/" + "A" * 5000 + "/" + "b" * 5000 + "/",
        "/accounts/set-password/%C3%A9t%C3%A9/%F0%9F%98%80/",
        "/accounts/set-password/JyBPUiAxPTEgLS0/' OR 1=1 --/",
    ],
)
def test_a_garbled_link_is_refused_plainly(path):
    for response in (Client().get(path), Client().post(path, {"new_password1": "a", "new_password2": "a"})):
        assert response.status_code == 410
        assert "This link does not work" in response.content.decode()


def test_a_link_runs_out(world, monkeypatch):
    officer_invite(officer=world.council_colleague, email="cara@riverside.example", role=Role.SEND_LEAD,
                   by=world.manager, expected_version=world.council_colleague.version)  # fmt: skip
    user = world.council_colleague.user
    path = invite_path(user)
    uid, token = path.strip("/").split("/")[-2:]
    assert invited_user(uid, token) == user
    later = datetime.now() + timedelta(hours=73)
    monkeypatch.setattr(InviteTokenGenerator, "_now", lambda self: later)
    assert invited_user(uid, token) is None
    assert Client().get(path).status_code == 410


def test_a_password_reset_token_is_not_an_invitation(world):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(world.alice.pk))
    assert invited_user(uid, default_token_generator.make_token(world.alice)) is None


def test_deactivating_a_leaver_ends_their_sessions_and_keeps_their_history(client, world):
    alice_client = Client()
    alice_client.force_login(world.alice)
    assert alice_client.get(reverse("my-actions")).status_code == 200
    ProgressUpdate.objects.create(action=world.alice_action, period=world.period, rag="amber", progress="Done")
    link = invite_path(world.alice)  # sent before she left
    client.force_login(world.manager)
    url = reverse("officer-deactivate", args=[world.head_of_send.pk])
    confirm = client.get(url).content.decode()
    assert "Deactivate the account of Alice?" in confirm
    response = client.post(url)
    assert response.status_code == 302
    world.alice.refresh_from_db()
    assert not world.alice.is_active
    assert not any(s.get_decoded().get("_auth_user_id") == str(world.alice.pk) for s in Session.objects.all())
    assert alice_client.get(reverse("my-actions")).status_code == 302  # signed out
    refused = Client().post(reverse("login"), {"username": "alice", "password": factories.PASSWORD})
    assert refused.status_code == 200 and "Enter a correct username and password" in refused.content.decode()
    assert Client().get(link).status_code == 410  # the old link is spent
    world.head_of_send.refresh_from_db()
    assert world.head_of_send.user == world.alice  # the post and its history stay for a handover
    assert ProgressUpdate.objects.filter(action=world.alice_action).exists()
    page = client.get(response["Location"]).content.decode()
    assert "deactivated" in page and "Invite to sign in" in page


def test_deactivation_refuses_ones_own_account_an_administrators_and_no_account(client, world):
    client.force_login(world.manager)
    world.council_colleague.user = world.manager
    world.council_colleague.save()
    url = reverse("officer-deactivate", args=[world.council_colleague.pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 400
    assert "You cannot deactivate your own account." in response.content.decode()
    world.manager.refresh_from_db()
    assert world.manager.is_active
    response = client.post(reverse("officer-deactivate", args=[world.dco.pk + 1000]))
    assert response.status_code == 404
    root = User.objects.create_superuser("root", password="x-root-password")
    world.dco.user = root
    world.dco.save()
    response = client.post(reverse("officer-deactivate", args=[world.dco.pk]))
    assert response.status_code == 400 and "administrator" in response.content.decode()


def test_inviting_a_deactivated_leaver_again_lets_them_back(client, world):
    user_deactivate(officer=world.head_of_send, by=world.manager)
    response = invite(client, world, world.head_of_send, email="alice@riverside.example")
    assert response.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.is_active


def test_invitations_passwords_and_deactivations_are_logged_by_id_only(client, world, caplog):
    caplog.set_level("INFO", logger="sendplan.security")
    invite(client, world, world.council_colleague)
    Client().post(emailed_path(), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    world.council_colleague.refresh_from_db()
    user_deactivate(officer=world.council_colleague, by=world.manager)
    records = {r.event: r for r in caplog.records if r.name == "sendplan.security"}
    invitee = world.council_colleague.user.pk
    assert (records["user_invited"].user_id, records["user_invited"].invited_user_id) == (world.manager.pk, invitee)
    assert records["password_set"].user_id == invitee
    assert records["user_deactivated"].deactivated_user_id == invitee
    for record in records.values():
        text = " ".join([record.getMessage(), *(str(value) for value in record.__dict__.values())])
        assert "cara.dune" not in text and NEW_PASSWORD not in text
