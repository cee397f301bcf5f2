"""Refusals and missing pages are explained in the site's design, without revealing what exists."""

import re

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


def test_out_of_scope_action_looks_exactly_like_a_missing_one(client, world):
    client.force_login(world.bob)
    out_of_scope = client.get(reverse("action-update", args=[world.alice_action.pk]))
    missing = client.get(reverse("action-update", args=[999999]))
    assert out_of_scope.status_code == missing.status_code == 404
    assert without_csrf_token(out_of_scope.content) == without_csrf_token(missing.content)
    assert "Page not found" in missing.content.decode()
