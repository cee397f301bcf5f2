"""Sign in with your organisation through a real OpenID Connect provider (tests/oidc_provider, run by the
oidc_provider fixture): first sign-ins matched by a vouched-for email address, or left waiting for a programme
manager who links or refuses them; groups as roles; refused domains; the organisation's multi-factor check as the
second factor; signing out of the provider too."""

import logging

import pytest
from django.urls import reverse

from accounts.models import OrganisationIdentity
from tests.accounts.oidc import sign_in_through_provider

pytestmark = pytest.mark.server


def events(caplog, name):
    return [record for record in caplog.records if record.name == "sendplan.security" and record.msg == name]


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_a_first_sign_in_with_a_verified_email_is_linked_to_that_account(client, world, council, caplog):
    world.alice.email = "alice.moreno@riverside.gov.uk"
    world.alice.save()
    sub = council.person("amoreno", email="Alice.Moreno@riverside.gov.uk", email_verified=True, name="Alice Moreno")
    caplog.set_level(logging.INFO, logger="sendplan.security")

    response = sign_in_through_provider(client, "amoreno", next_url="/plans/")

    assert response.status_code == 302 and response["Location"] == "/plans/"
    assert signed_in_as(client) == str(world.alice.pk)
    identity = OrganisationIdentity.objects.get(provider="council", subject=sub)
    assert (identity.user, identity.status, identity.linked_by) == (world.alice, "linked", "email")
    (linked,) = events(caplog, "organisation_identity_linked")
    assert (linked.linked_user_id, linked.method, linked.provider) == (world.alice.pk, "email", "council")
    (login,) = events(caplog, "login_succeeded")
    assert (login.user_id, login.provider, login.organisation_mfa) == (world.alice.pk, "council", False)
    assert client.get(reverse("my-actions")).status_code == 200

    # Later sign-ins use the link (provider and sub), not the address: a renamed address still signs in as alice.
    client.logout()
    council.person("amoreno", email="alice.smith@riverside.gov.uk", email_verified=True)
    assert sign_in_through_provider(client, "amoreno").status_code == 302
    assert signed_in_as(client) == str(world.alice.pk)
