"""Sign in with your organisation through a real OpenID Connect provider (tests/oidc_provider, run by the
oidc_provider fixture): first sign-ins matched by a vouched-for email address, or left waiting for a programme
manager who links or refuses them; groups as roles; refused domains; the organisation's multi-factor check as the
second factor; signing out of the provider too."""

import base64
import json
import logging

import jwt
import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from jwcrypto.jwk import JWK

from accounts.models import OrganisationIdentity
from accounts.oidc.client import SignInRefused, verify_id_token
from accounts.oidc.views import SIGNED_IN_WITH
from actions.permissions import Role, user_roles
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
    assert "Riverside Council" in client.get(reverse("account")).content.decode()  # "Signs in with"

    # Later sign-ins use the link (provider and sub), not the address: a renamed address still signs in as alice.
    client.logout()
    council.person("amoreno", email="alice.smith@riverside.gov.uk", email_verified=True)
    assert sign_in_through_provider(client, "amoreno").status_code == 302
    assert signed_in_as(client) == str(world.alice.pk)


def test_an_unmatched_sign_in_waits_until_a_programme_manager_links_it(client, world, council, caplog):
    sub = council.person("bhale", email="bob.hale@riverside.gov.uk", email_verified=True, name="Bob Hale")
    caplog.set_level(logging.INFO, logger="sendplan.security")

    response = sign_in_through_provider(client, "bhale")

    assert response.status_code == 403
    assert "Your sign-in is waiting for a programme manager" in response.content.decode()
    assert signed_in_as(client) is None
    identity = OrganisationIdentity.objects.get(provider="council", subject=sub)
    assert (identity.status, identity.user, identity.email) == ("pending", None, "bob.hale@riverside.gov.uk")
    (refused,) = events(caplog, "organisation_sign_in_refused")
    assert (refused.reason, refused.identity_id, refused.levelname) == ("unlinked", identity.pk, "WARNING")

    manager = type(client)()
    manager.force_login(world.manager)
    listing = manager.get(reverse("organisation-sign-ins"))
    assert "Bob Hale" in listing.content.decode() and "bob.hale@riverside.gov.uk" in listing.content.decode()
    page = reverse("organisation-sign-in-decide", args=[identity.pk])
    # A link needs an account; the form keeps the choice made.
    refused_form = manager.post(page, {"decision": "link", "user": "", "version": "1"})
    assert refused_form.status_code == 400
    assert "Choose the account to link this sign-in to." in refused_form.content.decode()
    saved = manager.post(page, {"decision": "link", "user": str(world.bob.pk), "version": "1"})
    assert saved.status_code == 302
    identity.refresh_from_db()
    assert (identity.status, identity.user, identity.linked_by, identity.decided_by) == (
        "linked",
        world.bob,
        "manager",
        world.manager,
    )
    (linked,) = events(caplog, "organisation_identity_linked")
    assert (linked.user_id, linked.linked_user_id, linked.method) == (world.manager.pk, world.bob.pk, "manager")
    # Another manager's page, loaded before the link, is told it is decided and changes nothing.
    late = manager.post(page, {"decision": "refuse", "version": "1"})
    assert late.status_code == 409 and "Nothing was changed now" in late.content.decode()

    assert sign_in_through_provider(client, "bhale").status_code == 302
    assert signed_in_as(client) == str(world.bob.pk)


def test_an_email_not_vouched_for_is_not_matched_unless_the_provider_is_trusted_for_emails(
    client, world, council, settings
):
    world.bob.email = "bob.hale@riverside.gov.uk"
    world.bob.save()
    council.person("bhale2", email="bob.hale@riverside.gov.uk", email_verified=False)

    assert sign_in_through_provider(client, "bhale2").status_code == 403
    assert signed_in_as(client) is None

    # Entra ID sends no email_verified; its tenant's addresses are the organisation's own (TRUSTED_EMAILS).
    settings.SENDPLAN_OIDC_PROVIDERS = {"council": council.config(trusted_emails=True)}
    assert sign_in_through_provider(client, "bhale2").status_code == 302
    assert signed_in_as(client) == str(world.bob.pk)


def test_groups_at_the_provider_give_the_roles_they_are_mapped_to(client, world, council, settings, caplog):
    settings.SENDPLAN_OIDC_PROVIDERS = {
        "council": council.config(group_roles={"g-send-pm": "Programme manager", "g-board": "Board member"})
    }
    world.alice.email = "alice.moreno@riverside.gov.uk"
    world.alice.save()
    council.person(
        "amoreno2", email="alice.moreno@riverside.gov.uk", email_verified=True, groups=["g-send-pm", "g-finance"]
    )
    caplog.set_level(logging.INFO, logger="sendplan.security")

    assert sign_in_through_provider(client, "amoreno2").status_code == 302

    alice = type(world.alice).objects.get(pk=world.alice.pk)
    assert user_roles(alice) == {Role.PROGRAMME_MANAGER}  # SEND lead was not given by a group she is in
    (changed,) = events(caplog, "organisation_roles_changed")
    assert (changed.roles, changed.removed) == ("Programme manager", "SEND lead")
    assert client.get(reverse("plan-new")).status_code == 200

    # Out of the group at the provider: out of the role here at the next sign-in.
    council.person("amoreno2", email="alice.moreno@riverside.gov.uk", email_verified=True, groups=["g-board"])
    client.logout()
    assert sign_in_through_provider(client, "amoreno2").status_code == 302
    alice = type(world.alice).objects.get(pk=world.alice.pk)
    assert user_roles(alice) == {Role.BOARD_MEMBER}
    assert client.get(reverse("plan-new")).status_code == 403


def test_an_address_outside_the_allowed_domains_is_refused_and_logged(client, world, council, caplog):
    council.person("outsider", email="someone@gmail.com", email_verified=True)
    caplog.set_level(logging.INFO, logger="sendplan.security")

    response = sign_in_through_provider(client, "outsider")

    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot sign in with this account" in page and "@riverside.gov.uk" in page
    assert signed_in_as(client) is None
    assert not OrganisationIdentity.objects.exists()
    (refused,) = events(caplog, "organisation_sign_in_refused")
    assert (refused.reason, refused.provider) == ("domain", "council")


def test_a_refused_sign_in_is_told_so_each_time(client, world, council, caplog):
    sub = council.person("stranger", email="stranger@riverside.gov.uk", email_verified=True)
    sign_in_through_provider(client, "stranger")
    identity = OrganisationIdentity.objects.get(subject=sub)
    manager = type(client)()
    manager.force_login(world.manager)
    response = manager.post(
        reverse("organisation-sign-in-decide", args=[identity.pk]), {"decision": "refuse", "version": "1"}
    )
    assert response.status_code == 302
    caplog.clear()

    again = sign_in_through_provider(client, "stranger")

    assert again.status_code == 403 and "Your sign-in was refused" in again.content.decode()
    assert [record.reason for record in events(caplog, "organisation_sign_in_refused")] == ["refused"]


@pytest.fixture
def manager_with_email(world):
    world.manager.email = "morgan@riverside.gov.uk"
    world.manager.save()
    return world.manager


def test_the_organisations_multi_factor_check_counts_as_the_second_factor(
    client, world, council, settings, manager_with_email, caplog
):
    settings.SENDPLAN_TWO_FACTOR = True
    council.person("morgan", email="morgan@riverside.gov.uk", email_verified=True, amr=["pwd", "mfa"])
    caplog.set_level(logging.INFO, logger="sendplan.security")

    assert sign_in_through_provider(client, "morgan").status_code == 302

    # A programme manager needs two factors: no code is asked for, the organisation checked one.
    assert client.get(reverse("plan-new")).status_code == 200
    (login,) = events(caplog, "login_succeeded")
    assert login.organisation_mfa is True


def test_without_the_organisations_check_a_role_needing_two_factor_enters_its_app_code_or_is_refused(
    client, world, council, settings, manager_with_email, caplog
):
    settings.SENDPLAN_TWO_FACTOR = True
    council.person("morgan2", email="morgan@riverside.gov.uk", email_verified=True, amr=["pwd"])
    caplog.set_level(logging.INFO, logger="sendplan.security")

    refused = sign_in_through_provider(client, "morgan2")

    assert refused.status_code == 403
    assert "Your organisation did not check a second factor" in refused.content.decode()
    assert signed_in_as(client) is None
    assert [record.reason for record in events(caplog, "organisation_sign_in_refused")] == ["no_second_factor"]

    # With an authenticator app set up, they sign in and are asked for its code, as after a password.
    TOTPDevice.objects.create(user=world.manager, name="Authenticator app", confirmed=True)
    assert sign_in_through_provider(client, "morgan2").status_code == 302
    assert signed_in_as(client) == str(world.manager.pk)
    asked = client.get(reverse("plan-new"))
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("two-factor-verify"))


def test_an_mfa_claim_means_nothing_from_a_provider_not_configured_to_honour_it(
    client, world, council, settings, manager_with_email
):
    settings.SENDPLAN_TWO_FACTOR = True
    settings.SENDPLAN_OIDC_PROVIDERS = {"council": council.config(mfa_values=frozenset())}
    council.person("morgan3", email="morgan@riverside.gov.uk", email_verified=True, amr=["mfa"])

    assert sign_in_through_provider(client, "morgan3").status_code == 403


def test_signing_out_offers_the_providers_sign_out_which_ends_that_session_too(client, world, council, caplog):
    world.alice.email = "alice.moreno@riverside.gov.uk"
    world.alice.save()
    council.person("amoreno3", email="alice.moreno@riverside.gov.uk", email_verified=True)
    signed_in = sign_in_through_provider(client, "amoreno3")
    caplog.set_level(logging.INFO, logger="sendplan.security")

    out = client.post(reverse("logout"))

    assert out.status_code == 302 and out["Location"] == reverse("signed-out")
    assert signed_in_as(client) is None
    assert [record.user_id for record in events(caplog, "logged_out")] == [world.alice.pk]
    page = client.get(reverse("signed-out"))
    assert page.status_code == 200
    link = page.context["url"]
    assert link.startswith(f"{council.issuer}/logout/?") and "id_token_hint=" in link
    assert "Sign out of Riverside Council" in page.content.decode()

    # The provider ends its own session and sends the person back to the app's sign-in page.
    at_provider = signed_in.at_provider
    answer = at_provider.get(link, allow_redirects=False, timeout=10)
    assert answer.status_code == 302 and answer.headers["Location"] == "http://testserver/accounts/login/"
    start = client.get(reverse("organisation-sign-in", args=["council"]))
    again = at_provider.get(start["Location"], allow_redirects=False, timeout=10)
    assert again.status_code == 302 and "/accounts/login/" in again.headers["Location"]  # asked to sign in anew


def test_the_providers_own_tokens_are_refused_once_expired_or_tampered_with(client, world, council):
    world.alice.email = "alice.moreno@riverside.gov.uk"
    world.alice.save()
    council.person("amoreno4", email="alice.moreno@riverside.gov.uk", email_verified=True)
    sign_in_through_provider(client, "amoreno4")
    real = client.session[SIGNED_IN_WITH]["id_token"]
    nonce = jwt.decode(real, options={"verify_signature": False})["nonce"]
    provider = council.config()
    assert verify_id_token(provider, real, nonce=nonce)["email"] == "alice.moreno@riverside.gov.uk"

    header, payload, signature = real.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps({**claims, "email": "morgan@riverside.gov.uk"}).encode())
    with pytest.raises(SignInRefused) as tampered:
        verify_id_token(provider, f"{header}.{forged.rstrip(b'=').decode()}.{signature}", nonce=nonce)
    assert tampered.value.reason == "bad_signature"

    # Signed with the provider's own key (the kid it publishes), but run out an hour ago.
    kid = JWK.from_pem(council.key_pem).thumbprint()
    expired = jwt.encode(
        {**claims, "iat": claims["iat"] - 7200, "exp": claims["iat"] - 3600}, council.key_pem, "RS256", {"kid": kid}
    )
    with pytest.raises(SignInRefused) as refused:
        verify_id_token(provider, expired, nonce=nonce)
    assert refused.value.reason == "expired_token"
