"""Sessions: a new key at sign-in, gone from the store at sign-out, and an end after 30 idle minutes or 10 hours."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.sessions import ABSOLUTE, IDLE, LAST_SEEN_AT, SIGNED_IN_AT, session_expiry
from tests.factories import PASSWORD


def sign_in(client, username="alice"):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client.session.session_key


def shift_session(client, **seconds_ago):
    """Time travel: move the session's sign-in and last-activity moments this many seconds into the past."""
    session = client.session
    for key, ago in seconds_ago.items():
        session[{"signed_in": SIGNED_IN_AT, "last_seen": LAST_SEEN_AT}[key]] = int(time.time()) - ago
    session.save()


def test_defaults_are_thirty_idle_minutes_and_ten_hours():
    assert (settings.SESSION_IDLE_MINUTES, settings.SESSION_MAX_HOURS) == (30, 10)
    assert settings.SESSION_COOKIE_AGE == 10 * 3600


def test_signing_in_gives_the_session_a_new_key(client, world):
    session = client.session
    session["before_sign_in"] = True
    session.save()
    before = session.session_key
    after = sign_in(client)
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session["_auth_user_id"] == str(world.alice.pk)


def test_signing_out_deletes_the_session_and_the_old_cookie_signs_no_one_in(client, world):
    key = sign_in(client)
    assert client.get(reverse("my-actions")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    # Someone who kept the old cookie gets the sign-in page, not the user's pages.
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    replay = client.get(reverse("my-actions"))
    assert replay.status_code == 302
    assert replay["Location"].startswith(reverse("login"))


def test_signing_out_is_post_only(client, world):
    sign_in(client)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("my-actions")).status_code == 200


def test_thirty_idle_minutes_sign_the_user_out_with_a_notice(client, world):
    key = sign_in(client)
    shift_session(client, last_seen=30 * 60 + 5)
    response = client.get(reverse("my-actions"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('my-actions')}"
    assert not Session.objects.filter(session_key=key).exists()
    login_page = client.get(response["Location"])
    page = login_page.content.decode()
    assert "You were signed out after 30 minutes without activity." in page
    assert "govuk-notification-banner" in page
    assert client.get(reverse("my-actions")).status_code == 302  # still signed out


def test_activity_within_the_idle_window_keeps_the_session(client, world):
    key = sign_in(client)
    shift_session(client, last_seen=29 * 60)
    assert client.get(reverse("my-actions")).status_code == 200
    # The request counted as activity: the clock starts again from now.
    assert time.time() - client.session[LAST_SEEN_AT] < 60
    shift_session(client, last_seen=20 * 60)
    assert client.get(reverse("my-actions")).status_code == 200
    assert client.session.session_key == key


def test_ten_hours_after_signing_in_the_session_ends_however_busy(client, world):
    sign_in(client)
    shift_session(client, signed_in=10 * 3600 + 1, last_seen=10)
    response = client.get(reverse("my-actions"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you signed in more than 10 hours ago." in page


def test_activity_is_written_at_most_once_a_minute(client, world):
    sign_in(client)
    shift_session(client, last_seen=30)
    seen = client.session[LAST_SEEN_AT]
    client.get(reverse("my-actions"))
    assert client.session[LAST_SEEN_AT] == seen  # half a minute old: not rewritten
    shift_session(client, last_seen=61)
    client.get(reverse("my-actions"))
    assert client.session[LAST_SEEN_AT] > seen


def test_a_post_after_the_timeout_is_not_saved(client, world):
    sign_in(client)
    shift_session(client, last_seen=31 * 60)
    action = world.alice_action
    response = client.post(
        reverse("action-update", args=[action.pk]), {"rag": "amber", "progress": "Late", "version": "1"}
    )
    assert response.status_code == 302
    # Not replayed: kept for after signing in again, back on the form's page (tests/accounts/test_timeout_warning.py).
    assert response["Location"] == f"{reverse('login')}?next={reverse('action-update', args=[action.pk])}"
    assert not action.updates.exists()


@pytest.mark.parametrize(
    ("signed_in_ago", "last_seen_ago", "expected"),
    [
        (60, 60, None),
        (9 * 3600, 29 * 60, None),
        (9 * 3600, 30 * 60, IDLE),
        (10 * 3600, 0, ABSOLUTE),
    ],
)
def test_session_expiry_rule(signed_in_ago, last_seen_ago, expected):
    now = 2_000_000_000
    session = {SIGNED_IN_AT: now - signed_in_ago, LAST_SEEN_AT: now - last_seen_ago}
    assert session_expiry(session, now=now) == expected


def test_a_signed_in_session_without_timestamps_counts_as_expired():
    assert session_expiry({"_auth_user_id": "1"}, now=time.time()) == ABSOLUTE
