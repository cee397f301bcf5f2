"""The timeout warning's server side (WCAG 2.2.1): how long a session has left, staying signed in, and a form posted
after the session ran out kept for its user to find filled in after signing in again."""

import re
import time

import lxml.html
import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.kept_forms import KEPT_FORM, _fill
from accounts.sessions import LAST_SEEN_AT
from actions.models import ProgressUpdate
from tests.accounts.test_sessions import shift_session, sign_in
from tests.factories import PASSWORD

STATUS = "/accounts/session/"
BANNER = "You were signed out. What you typed has been kept: check it and submit again."


def test_the_status_url_is_the_one_the_pages_name():
    assert reverse("session-status") == STATUS


def test_asking_the_time_left_is_not_activity(client, world):
    sign_in(client)
    shift_session(client, last_seen=10 * 60)
    before = client.session[LAST_SEEN_AT]
    answer = client.get(STATUS).json()
    assert answer["signed_in"] is True
    assert 20 * 60 - 5 <= answer["seconds_left"] <= 20 * 60
    assert client.session[LAST_SEEN_AT] == before


def test_staying_signed_in_restarts_the_idle_timeout(client, world):
    sign_in(client)
    shift_session(client, last_seen=29 * 60)
    answer = client.post(STATUS).json()
    assert answer["signed_in"] is True
    assert 30 * 60 - 5 <= answer["seconds_left"] <= 30 * 60
    assert time.time() - client.session[LAST_SEEN_AT] < 5
    shift_session(client, last_seen=2 * 60)  # 31 minutes after the first activity, 2 after staying signed in
    assert client.get(reverse("my-actions")).status_code == 200


def test_staying_signed_in_cannot_pass_the_absolute_limit(client, world):
    sign_in(client)
    shift_session(client, signed_in=10 * 3600 - 90, last_seen=60)
    answer = client.post(STATUS).json()
    assert 80 <= answer["seconds_left"] <= 90


def test_staying_signed_in_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    assert client.post(STATUS).status_code == 403
    page = client.get(reverse("my-actions")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    answer = client.post(STATUS, headers={"X-CSRFToken": token})
    assert answer.status_code == 200 and answer.json()["signed_in"] is True


def test_a_session_that_ran_out_hears_signed_out_and_its_next_page_signs_out_with_the_notice(client, world):
    key = sign_in(client)
    shift_session(client, last_seen=30 * 60 + 1)
    answer = client.get(STATUS)
    assert answer.status_code == 200
    assert answer.json() == {"signed_in": False, "seconds_left": 0}
    assert client.post(STATUS).json() == {"signed_in": False, "seconds_left": 0}  # too late to stay signed in
    # The warning then reloads its page (or posts its form), which signs out as any request after the timeout does.
    reload = client.get(reverse("action-list"))
    assert reload["Location"] == f"{reverse('login')}?next={reverse('action-list')}"
    assert not Session.objects.filter(session_key=key).exists()
    login_page = client.get(reload["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity." in login_page


def test_a_signed_out_browser_hears_signed_out(client, world):
    assert client.get(STATUS).json() == {"signed_in": False, "seconds_left": 0}
    assert client.post(STATUS).json() == {"signed_in": False, "seconds_left": 0}


def test_signed_in_pages_tell_the_script_the_time_left_and_signed_out_pages_do_not(client, world):
    assert "data-app-session" not in client.get(reverse("login")).content.decode()
    sign_in(client)
    shift_session(client, last_seen=45)  # refreshed under a minute ago: the page still counts from then
    page = client.get(reverse("my-actions")).content.decode()
    left = int(re.search(r'data-app-session-seconds-left="(\d+)"', page).group(1))
    assert 30 * 60 - 50 <= left <= 30 * 60 - 45
    assert 'data-app-session-warning-seconds="120"' in page
    assert f'data-app-session-url="{STATUS}"' in page


# A form posted after the session ran out.


def update_url(world):
    return reverse("action-update", args=[world.shared_action.pk])


def post_after_the_timeout(client, world, **extra):
    """alice opens the shared action's update form, goes for lunch and submits it after the session ran out."""
    client.force_login(world.alice)
    url = update_url(world)
    form = lxml.html.document_fromstring(client.get(url).content).get_element_by_id("main-content")
    version = form.xpath(".//input[@name='version']/@value")[0]
    shift_session(client, last_seen=31 * 60)
    data = {
        "rag": "amber",
        "progress": "Two caseworkers started in January; the backlog is down to 40.",
        "impact": "Families wait 3 weeks less.",
        "version": version,
        "new_password1": "typed-secret-1",
        **extra,
    }
    return client.post(url, data, headers={"Referer": f"http://testserver{url}"})


def test_a_form_posted_after_the_timeout_is_kept_and_refilled_after_signing_in_again(client, world):
    response = post_after_the_timeout(client, world)
    url = update_url(world)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    assert not ProgressUpdate.objects.filter(action=world.shared_action).exists()  # nothing saved unsigned
    kept = client.session[KEPT_FORM]
    assert "typed-secret-1" not in str(kept) and "csrfmiddlewaretoken" not in str(kept)

    signed_in = client.post(response["Location"], {"username": "alice", "password": PASSWORD})
    assert signed_in["Location"] == url
    page = client.get(url).content.decode()
    document = lxml.html.document_fromstring(page)
    assert BANNER in document.text_content()
    assert document.xpath("//textarea[@name='progress']")[0].text == (
        "Two caseworkers started in January; the backlog is down to 40."
    )
    assert document.xpath("//input[@name='rag'][@value='amber']/@checked")
    assert not document.xpath("//input[@name='rag'][@value='green']/@checked")
    assert "typed-secret-1" not in page
    assert page.startswith("<!DOCTYPE html>")
    # Shown once: the record is gone, and a second visit shows the form as the server has it.
    assert KEPT_FORM not in client.session
    again = client.get(url).content.decode()
    assert BANNER not in again and "the backlog is down to 40" not in again


def test_another_user_signing_in_on_the_same_browser_never_sees_it(client, world):
    response = post_after_the_timeout(client, world)
    assert client.session[KEPT_FORM]["user_id"] == world.alice.pk
    client.post(response["Location"], {"username": "bob", "password": PASSWORD})
    page = client.get(update_url(world)).content.decode()  # bob leads the shared action too
    assert BANNER not in page and "the backlog is down to 40" not in page
    assert KEPT_FORM not in client.session
    # alice signing in afterwards finds nothing either: it was dropped, not set aside.
    client.post(reverse("logout"))
    client.post(response["Location"], {"username": "alice", "password": PASSWORD})
    assert "the backlog is down to 40" not in client.get(update_url(world)).content.decode()


def test_a_kept_form_is_dropped_after_an_hour(client, world):
    response = post_after_the_timeout(client, world)
    session = client.session
    session[KEPT_FORM] = {**session[KEPT_FORM], "kept_at": int(time.time()) - 60 * 60}
    session.save()
    client.post(response["Location"], {"username": "alice", "password": PASSWORD})
    page = client.get(update_url(world)).content.decode()
    assert BANNER not in page and "the backlog is down to 40" not in page


def test_a_forged_post_after_the_timeout_is_not_kept(world):
    client = Client(enforce_csrf_checks=True)
    response = post_after_the_timeout(client, world)  # no CSRF token: another site's form could do this
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert KEPT_FORM not in client.session


def test_a_get_after_the_timeout_keeps_nothing_and_returns_to_its_page(client, world):
    sign_in(client)
    shift_session(client, last_seen=31 * 60)
    response = client.get(update_url(world))
    assert response["Location"] == f"{reverse('login')}?next={update_url(world)}"
    assert KEPT_FORM not in client.session


@pytest.mark.parametrize(
    "post",
    [
        {},  # nothing typed at all
        {"progress": "x" * 250_000},  # too much to keep
    ],
)
def test_nothing_worth_keeping_signs_out_as_before(client, world, post):
    sign_in(client)
    shift_session(client, last_seen=31 * 60)
    response = client.post(update_url(world), post)
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert KEPT_FORM not in client.session


def test_filling_ticks_boxes_and_options_as_typed_and_leaves_passwords_empty():
    form = lxml.html.fragment_fromstring(
        """<form method="post">
        <input type="checkbox" name="leads" value="1" checked><input type="checkbox" name="leads" value="2">
        <input type="checkbox" name="urgent" value="on" checked>
        <select name="period"><option value="a" selected>A</option><option value="b">B</option></select>
        <input name="row" value=""><input name="row" value="">
        <input type="password" name="pin"><input type="file" name="evidence">
        </form>"""
    )
    _fill(form, {"leads": ["2"], "period": ["b"], "row": ["first", "second"], "pin": ["1234"]})
    assert form.xpath(".//input[@name='leads'][@checked]/@value") == ["2"]
    assert not form.xpath(".//input[@name='urgent'][@checked]")  # left out of the POST: it was unticked
    assert form.xpath(".//option[@selected]/@value") == ["b"]
    assert form.xpath(".//input[@name='row']/@value") == ["first", "second"]
    assert not form.xpath(".//input[@name='pin']/@value")


@pytest.mark.parametrize(
    "referer",
    ["https://elsewhere.example/actions/1/update/", "http://[::1", "javascript:alert(1)", "/not-a-full-address/"],
)
def test_a_strange_referer_sends_the_user_back_to_the_address_posted_to(client, world, referer):
    client.force_login(world.alice)
    shift_session(client, last_seen=31 * 60)
    response = client.post(update_url(world), {"progress": "Typed"}, headers={"Referer": referer})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={update_url(world)}"
    assert client.session[KEPT_FORM]["page"] == update_url(world)


def test_a_form_kept_for_a_page_without_it_waits_and_then_runs_out(client, world):
    """The Referer named a page whose forms post elsewhere (or a code must be entered first): the page is left as it
    is, and the record waits for its own page until it runs out."""
    client.force_login(world.alice)
    shift_session(client, last_seen=31 * 60)
    referer = f"http://testserver{reverse('my-actions')}"
    response = client.post(update_url(world), {"progress": "Typed"}, headers={"Referer": referer})
    assert response["Location"] == f"{reverse('login')}?next={reverse('my-actions')}"
    client.post(response["Location"], {"username": "alice", "password": PASSWORD})
    page = client.get(reverse("my-actions")).content.decode()
    assert BANNER not in page
    assert client.session[KEPT_FORM]["action"] == update_url(world)


def test_the_status_url_answers_only_get_and_post(client, world):
    client.force_login(world.alice)
    assert client.put(STATUS).status_code == 405
    assert client.post(STATUS, "not json at all", content_type="application/json").json()["signed_in"] is True
