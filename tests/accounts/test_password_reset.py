"""Forgotten passwords (issue 20, item 2; docs/security.md): ask for a link by email address, set a new password with
it. The answer never says whether an account has the address; deactivated and password-less accounts get nothing;
requests are limited per address and per client address; the link works once and runs out; the validators apply;
other sessions end; two-factor still asks for a code; every request and reset is in the security log, by id."""

import logging
import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.invites import invite_path, invited_user
from accounts.password_reset import ResetTokenGenerator, reset_tokens, reset_user
from tests.factories import PASSWORD
from tests.fake_notify import TEMPLATES, FakeNotify, use_notify

pytestmark = pytest.mark.django_db

ALICE = "alice@riverside.example"
NEW_PASSWORD = "ripe-plum-tandem-42"
SENT = "If the address you entered belongs to an account, we have sent it a link to set a new password."


@pytest.fixture
def alice(world):
    world.alice.email = ALICE
    world.alice.save()
    return world.alice


def ask(email, client=None, **extra):
    return (client or Client()).post(reverse("password-reset"), {"email": email}, **extra)


def emailed_path() -> str:
    assert len(mail.outbox) == 1
    return re.search(r"https?://[^/\s]+(/accounts/password-reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body).group(1)


def security_events(caplog) -> list:
    return [record for record in caplog.records if record.name == "sendplan.security"]


def test_the_sign_in_page_links_to_the_forgotten_password_page(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password-reset")}">Forgotten your password?</a>' in page


def test_asking_emails_a_link_that_sets_a_new_password_once(alice):
    response = ask("  Alice@Riverside.example ")  # as typed: spaces and capitals
    assert response.status_code == 302 and response["Location"] == reverse("password-reset-sent")
    assert SENT in Client().get(response["Location"]).content.decode()
    [message] = mail.outbox
    assert (message.to, message.subject) == ([ALICE], "SEND improvement plan: reset your password")
    assert "runs out after 2 hours" in message.body and "Your username is alice." in message.body
    path = emailed_path()
    assert path in message.alternatives[0][0]

    page = Client().get(path)
    assert page.status_code == 200 and "Your username is <strong>alice</strong>" in page.content.decode()
    resetting = Client()
    done = resetting.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("login")
    assert "Your password is changed, and you are signed out everywhere else." in (
        resetting.get(done["Location"]).content.decode()
    )
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert resetting.post(reverse("login"), {"username": "alice", "password": NEW_PASSWORD}).status_code == 302
    assert resetting.get(reverse("my-actions")).status_code == 200
    # Used: the link says so and offers a new one.
    again = Client().get(path)
    assert again.status_code == 410
    assert "This link does not work" in again.content.decode()
    assert f'href="{reverse("password-reset")}"' in again.content.decode()


@pytest.mark.parametrize("who", ["nobody", "deactivated", "no password"])
def test_the_answer_is_the_same_and_nothing_is_sent_without_an_account_that_uses_a_password(alice, who):
    if who == "deactivated":
        alice.is_active = False
        alice.save()
    if who == "no password":  # an invitation not yet taken up, or an account that signs in another way
        alice.set_unusable_password()
        alice.save()
    email = "nobody@riverside.example" if who == "nobody" else ALICE
    response = ask(email)
    assert response.status_code == 302 and response["Location"] == reverse("password-reset-sent")
    assert mail.outbox == []


def test_each_request_is_logged_by_id_only_whether_or_not_an_account_has_the_address(alice, caplog):
    caplog.set_level("INFO", logger="sendplan.security")
    ask(ALICE)
    ask("nobody@riverside.example")
    Client().post(emailed_path(), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    events = [(r.event, r.user_id, getattr(r, "accounts", None), getattr(r, "emailed", None))
              for r in security_events(caplog)]  # fmt: skip
    assert events == [
        ("password_reset_requested", alice.pk, 1, 1),
        ("password_reset_requested", None, 0, 0),
        ("password_reset_completed", alice.pk, None, None),
    ]
    for record in security_events(caplog):
        text = " ".join([record.getMessage(), *(str(value) for value in record.__dict__.values())])
        assert "riverside.example" not in text and NEW_PASSWORD not in text


def test_a_reset_ends_every_other_session_of_the_account(alice, caplog):
    caplog.set_level("INFO", logger="sendplan.security")
    elsewhere = Client()
    assert elsewhere.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 302
    assert elsewhere.get(reverse("my-actions")).status_code == 200
    ask(ALICE)
    Client().post(emailed_path(), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert elsewhere.get(reverse("my-actions")).status_code == 302  # signed out
    assert not any(s.get_decoded().get("_auth_user_id") == str(alice.pk) for s in Session.objects.all())
    [completed] = [r for r in security_events(caplog) if r.event == "password_reset_completed"]
    assert completed.sessions_ended == 1


def test_two_factor_still_asks_for_a_code_after_a_reset(alice, settings):
    settings.SENDPLAN_TWO_FACTOR = True
    TOTPDevice.objects.create(user=alice, name="Authenticator app", confirmed=True)
    ask(ALICE)
    Client().post(emailed_path(), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client = Client()
    assert client.post(reverse("login"), {"username": "alice", "password": NEW_PASSWORD}).status_code == 302
    response = client.get(reverse("my-actions"))
    assert response["Location"] == f"{reverse('two-factor-verify')}?next={reverse('my-actions')}"


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("", "", "Enter a new password."),
        ("short", "short", "This password is too short."),
        ("password123", "password123", "This password is too common."),
        (NEW_PASSWORD, "something-else-9", "The two passwords do not match."),
        ("alice@riverside", "alice@riverside", "too similar"),
    ],
)
def test_the_password_validators_apply_and_the_link_still_works(alice, first, second, message):
    ask(ALICE)
    path = emailed_path()
    response = Client().post(path, {"new_password1": first, "new_password2": second})
    assert response.status_code == 400
    assert message in response.content.decode() and "Error: Set a new password" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert Client().get(path).status_code == 200


def test_a_link_runs_out_after_the_hours_set(alice, monkeypatch, settings):
    settings.SENDPLAN_PASSWORD_RESET_HOURS = 2
    ask(ALICE)
    uid, token = emailed_path().strip("/").split("/")[-2:]
    assert reset_user(uid, token) == alice
    later = datetime.now() + timedelta(hours=2, minutes=1)
    monkeypatch.setattr(ResetTokenGenerator, "_now", lambda self: later)
    assert reset_user(uid, token) is None
    response = Client().get(emailed_path())
    assert response.status_code == 410 and "has run out" in response.content.decode()


def test_a_sign_in_spends_the_link(alice):
    ask(ALICE)
    Client().post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert Client().get(emailed_path()).status_code == 410


def test_reset_links_and_invitations_are_not_interchangeable(alice):
    uid, invite_token = invite_path(alice).strip("/").split("/")[-2:]
    assert reset_user(uid, invite_token) is None
    assert reset_user(uid, default_token_generator.make_token(alice)) is None
    assert invited_user(uid, reset_tokens.make_token(alice)) is None
    assert reset_user(uid, reset_tokens.make_token(alice)) == alice


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password-reset/MQ/not-a-token/",
        "/accounts/password-reset/!!!/x/",
        "/accounts/password-reset/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk/abc-def/",
        "/accounts/password-reset/" + "A" * 5000 + "/" + "b" * 5000 + "/",
        "/accounts/password-reset/%C3%A9t%C3%A9/%F0%9F%98%80/",
        "/accounts/password-reset/MQ/zzzzzzzzzzzzzzzzzz-abc/",
    ],
)
def test_a_garbled_link_is_refused_plainly(path):
    for response in (Client().get(path), Client().post(path, {"new_password1": "a", "new_password2": "a"})):
        assert response.status_code == 410
        assert "This link does not work" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter your email address."),
        ({"email": ""}, "Enter your email address."),
        ({"email": "not an address"}, "Enter an email address in the correct format"),
        ({"email": "a" * 300 + "@example.org"}, "Enter an email address"),
        ({"email": "x@" + "\x00" * 3}, "Enter an email address in the correct format"),
    ],
)
def test_bad_input_is_shown_again_and_nothing_is_sent(data, message):
    response = Client().post(reverse("password-reset"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert mail.outbox == []


def test_asking_too_often_for_one_address_is_refused_politely_the_same_for_any_address(alice, caplog, settings):
    settings.SENDPLAN_PASSWORD_RESETS_PER_EMAIL = 3
    for email in (ALICE, "nobody@riverside.example"):
        for attempt in range(3):
            assert ask(email, REMOTE_ADDR=f"192.0.2.{attempt}").status_code == 302
        refused = ask(email.upper(), REMOTE_ADDR="192.0.2.99")
        assert refused.status_code == 429
        page = refused.content.decode()
        assert "There have been too many requests" in page and "Wait an hour, then try again." in page
        assert f'value="{email.upper()}"' in page  # what was typed is kept
    assert len(mail.outbox) == 3  # the refused request sent nothing
    throttled = [r for r in security_events(caplog) if r.event == "password_reset_throttled"]
    assert [(r.levelno, r.user_id, r.by_email, r.by_address) for r in throttled] == [
        (logging.WARNING, alice.pk, True, False),
        (logging.WARNING, None, True, False),
    ]


def test_asking_too_often_from_one_client_address_is_refused(alice, settings):
    settings.SENDPLAN_PASSWORD_RESETS_PER_ADDRESS = 2
    for n in range(2):
        assert ask(f"person{n}@riverside.example", REMOTE_ADDR="198.51.100.7").status_code == 302
    assert ask(ALICE, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert mail.outbox == []
    assert ask(ALICE, REMOTE_ADDR="198.51.100.8").status_code == 302
    assert len(mail.outbox) == 1


def test_behind_a_proxy_the_address_the_proxy_added_is_counted(alice, settings):
    settings.SENDPLAN_BEHIND_PROXY = True
    settings.SENDPLAN_PASSWORD_RESETS_PER_ADDRESS = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    assert ask("a@riverside.example", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.1", **proxy).status_code == 302
    # A client cannot escape by inventing the first entries; another real address is counted apart.
    assert ask("b@riverside.example", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1", **proxy).status_code == 429
    assert ask("c@riverside.example", HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code == 302


def test_an_email_service_that_fails_answers_the_same_and_is_logged(alice, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    response = ask(ALICE)
    assert response.status_code == 302 and response["Location"] == reverse("password-reset-sent")
    [not_sent] = [r for r in security_events(caplog) if r.event == "password_reset_not_sent"]
    assert (not_sent.levelno, not_sent.user_id) == (logging.WARNING, alice.pk)


def test_through_gov_uk_notify_the_reset_template_gets_the_link(alice, settings):
    with FakeNotify() as notify:
        use_notify(settings, notify)
        assert ask(ALICE).status_code == 302
    [email] = notify.emails
    assert (email["email_address"], email["template_id"]) == (ALICE, TEMPLATES["password_reset"])
    fields = email["personalisation"]
    assert set(fields) == {"name", "brand_name", "link", "hours", "username", "request_again_link"}
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/accounts/password-reset/[^/]+/[^/]+/", fields["link"])
    assert (fields["name"], fields["hours"], fields["username"]) == ("Alice", "2", "alice")
    assert mail.outbox == []


def test_signed_in_people_may_use_the_pages_too(client, alice):
    client.force_login(alice)
    assert client.get(reverse("password-reset")).status_code == 200
    assert ask(ALICE, client).status_code == 302
    assert User.objects.get(pk=alice.pk).check_password(PASSWORD)
