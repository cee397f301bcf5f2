"""Sign-in throttling (django-axes, by username): a lockout says nothing about whether the account exists, rotating
the browser or address does not escape it, and an administrator unlocks it from the admin."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

WRONG = "not-the-password"


def sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def comparable(content: bytes, *typed: str) -> str:
    """The page without what differs on every response (CSRF token, CSP nonce) or echoes what was typed."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())
    text = re.sub(r'nonce="[^"]+"', "", text)
    for value in typed:
        text = text.replace(f'value="{value}"', 'value=""')
    return text


def fail_until_locked(client, username):
    """The configured number of wrong passwords; returns the responses."""
    return [sign_in(client, username, WRONG) for _ in range(settings.AXES_FAILURE_LIMIT)]


def test_the_limit_is_five_failures_and_fifteen_minutes_by_default():
    # settings_test sets neither SENDPLAN_LOGIN_FAILURE_LIMIT nor SENDPLAN_LOGIN_COOLOFF_MINUTES.
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_a_wrong_password_and_an_unknown_username_get_the_same_page(client, world):
    wrong_password = sign_in(client, "alice", WRONG)
    unknown_user = sign_in(client, "no-such-person", WRONG)
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert "Enter a correct username and password" in wrong_password.content.decode()
    assert comparable(wrong_password.content, "alice") == comparable(unknown_user.content, "no-such-person")


def test_the_fifth_failure_locks_the_username_with_a_429_page(client, world):
    responses = fail_until_locked(client, "alice")
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    locked = responses[-1]
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(15 * 60)
    page = locked.content.decode()
    assert '<h1 class="govuk-heading-l">Too many attempts to sign in</h1>' in page
    assert "Wait 15 minutes, then try again." in page
    assert "alice" not in page
    # Even the right password is refused now, with the same page.
    again = sign_in(client, "alice", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_looks_the_same_for_an_account_and_for_no_account(world):
    existing, missing = Client(), Client()
    locked_existing = fail_until_locked(existing, "alice")[-1]
    locked_missing = fail_until_locked(missing, "no-such-person")[-1]
    assert locked_existing.status_code == locked_missing.status_code == 429
    assert comparable(locked_existing.content) == comparable(locked_missing.content)
    assert locked_existing.content == locked_missing.content  # no token or nonce in it: byte for byte
    assert locked_existing["Retry-After"] == locked_missing["Retry-After"]


def test_other_usernames_behind_the_same_address_can_still_sign_in(client, world):
    """A council's staff share one proxy address: one person's lockout must not lock out their colleagues."""
    fail_until_locked(client, "alice")
    colleague = Client()
    response = sign_in(colleague, "bob", PASSWORD)
    assert response.status_code == 302
    assert colleague.session["_auth_user_id"] == str(world.bob.pk)


def test_changing_browser_or_address_does_not_escape_the_lockout(world):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(Client(), "alice", WRONG, REMOTE_ADDR=f"198.51.100.{attempt + 1}", HTTP_USER_AGENT=f"Browser {attempt}")
    # Four failures from four addresses and browsers; the fifth, from a fifth, locks the username.
    response = sign_in(Client(), "alice", WRONG, REMOTE_ADDR="198.51.100.99", HTTP_USER_AGENT="Another")
    assert response.status_code == 429
    assert sign_in(Client(), "alice", PASSWORD, REMOTE_ADDR="192.0.2.5").status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, world):
    fail_until_locked(client, "alice")
    # Time travel: the attempts were last made 16 minutes ago.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.alice.pk)


def test_a_successful_sign_in_clears_earlier_failures(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "alice", WRONG)
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root-admin", password="admin-password-123")


def test_a_superuser_unlocks_a_username_in_the_admin(world, superuser):
    fail_until_locked(Client(), "alice")
    attempt = AccessAttempt.objects.get(username="alice")

    admin = Client()
    assert sign_in(admin, "root-admin", "admin-password-123").status_code == 302
    changelist = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert "alice" in changelist.content.decode()
    delete_url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin.get(delete_url).status_code == 200
    assert admin.post(delete_url, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()

    person = Client()
    assert sign_in(person, "alice", PASSWORD).status_code == 302
    assert person.session["_auth_user_id"] == str(world.alice.pk)


def test_a_programme_manager_cannot_see_or_delete_lockouts(client, world):
    """Sign-in records stay with superusers, like user accounts (docs/permissions.md)."""
    fail_until_locked(Client(), "alice")
    client.force_login(world.manager)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    attempt = AccessAttempt.objects.get(username="alice")
    assert (
        client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}).status_code == 403
    )
    assert AccessAttempt.objects.filter(username="alice").exists()


def test_the_admin_sign_in_page_is_throttled_too(world):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("admin:login"), {"username": "morgan", "password": WRONG})
    response = client.post(reverse("admin:login"), {"username": "morgan", "password": WRONG})
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
