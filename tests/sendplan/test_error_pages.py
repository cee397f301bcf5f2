"""Refusals and missing pages are explained in the site's design, without revealing what exists."""

import logging
import re

from django.test import Client
from django.urls import reverse


def without_csrf_token(content: bytes) -> str:
    # The sign-out form's CSRF token is masked differently on every response.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def test_read_only_user_sees_why_they_cannot_update(client, world):
    client.force_login(world.chair)
    response = client.get(reverse("action-update", args=[world.alice_action.pk]))
    assert response.status_code == 403
    assert "Your role can read this plan but not change it." in response.content.decode()
    assert 'class="govuk-heading-l">You cannot do that' in response.content.decode()


def test_an_action_the_lead_does_not_lead_says_why_and_a_missing_one_is_not_found(client, world):
    client.force_login(world.bob)
    not_theirs = client.get(reverse("action-update", args=[world.alice_action.pk]))
    missing = client.get(reverse("action-update", args=[999999]))
    assert (not_theirs.status_code, missing.status_code) == (403, 404)
    assert "You do not lead action 1.1, so you cannot update it." in not_theirs.content.decode()
    assert "Page not found" in missing.content.decode()


DEBUG_MARKERS = ["Traceback", "Django tried these URL patterns", "URLconf", "settings.py", "DEBUG = True"]


def test_500_page_is_in_the_site_design_with_a_reference_and_no_traceback(client, db, monkeypatch, caplog, settings):
    settings.DEBUG = False

    def broken():
        raise RuntimeError("secret detail of the failure")

    monkeypatch.setattr("reports.selectors.public_plans", broken)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(reverse("public-index"))
    assert response.status_code == 500
    page = response.content.decode()
    request_id = response["X-Request-ID"]
    assert "Sorry, there is a problem with the service" in page
    assert f'quote reference <strong class="app-hash">{request_id}</strong>' in page
    # The site's header, service name and stylesheet.
    assert 'class="govuk-generic-header app-brand-header"' in page
    assert settings.SENDPLAN_BRAND_NAME in page
    assert '<link rel="stylesheet" href="/assets/sendplan.css">' in page
    for marker in [*DEBUG_MARKERS, "RuntimeError", "secret detail"]:
        assert marker not in page
    # The same reference finds the error, with its traceback, in the log.
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.request_id == request_id
    assert record.exc_info[0] is RuntimeError


def test_404_and_403_with_debug_off_show_no_debug_information(client, world, settings):
    settings.DEBUG = False
    client.force_login(world.chair)
    missing = client.get("/no-such-page/")
    refused = client.get(reverse("action-update", args=[world.alice_action.pk]))
    assert (missing.status_code, refused.status_code) == (404, 403)
    for response, heading in [(missing, "Page not found"), (refused, "You cannot do that")]:
        page = response.content.decode()
        assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
        assert 'class="govuk-generic-header app-brand-header"' in page
        for marker in DEBUG_MARKERS:
            assert marker not in page


def test_a_form_sent_without_its_csrf_token_is_refused_in_the_site_design(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Your form could not be sent</h1>' in page
    assert "<style" not in page and "CSRF verification failed" not in page


def test_an_unknown_host_gets_the_400_page_in_the_site_design(client, db, settings):
    settings.DEBUG = False
    response = client.get("/local-offer/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sorry, the request could not be read</h1>' in page
    assert "attacker.example" not in page
