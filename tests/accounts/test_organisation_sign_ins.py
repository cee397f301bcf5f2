"""Who a verified ID token signs in as (the service, without a provider), and the programme managers' page of
waiting sign-ins given hand-made bad posts: a form error or a refusal, never an error page, nothing saved."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import OrganisationIdentity
from accounts.oidc.client import SignInRefused
from accounts.oidc.config import Provider
from accounts.oidc.services import organisation_sign_in

PROVIDER = Provider(
    key="council",
    name="Riverside Council",
    issuer="https://login.example.test/tenant/v2.0",
    client_id="sendplan",
    client_secret="secret",
    allowed_domains=frozenset({"riverside.gov.uk"}),
)


def claims(sub="s-1", email="cara.dune@riverside.gov.uk", **more):
    return {"sub": sub, "email": email, "email_verified": True, **more}


def refusal(**given):
    with pytest.raises(SignInRefused) as refused:
        organisation_sign_in(provider=PROVIDER, claims=claims(**given))
    return refused.value.reason


def test_an_address_is_matched_through_the_post_the_account_holds(world):
    world.council_colleague.email = "cara.dune@riverside.gov.uk"
    world.council_colleague.save()
    cara = User.objects.create_user("cara", password="x")
    world.council_colleague.user = cara
    world.council_colleague.save()
    assert organisation_sign_in(provider=PROVIDER, claims=claims()) == cara


def test_an_address_two_accounts_share_waits_for_a_programme_manager(world):
    User.objects.create_user("cara1", email="cara.dune@riverside.gov.uk")
    User.objects.create_user("cara2", email="Cara.Dune@riverside.gov.uk")
    assert refusal() == "unlinked"
    assert OrganisationIdentity.objects.get().status == "pending"


def test_an_administrators_address_is_never_matched(world):
    User.objects.create_superuser("root", email="cara.dune@riverside.gov.uk", password="x")
    assert refusal() == "unlinked"


def test_a_deactivated_account_is_refused(world):
    world.alice.email = "cara.dune@riverside.gov.uk"
    world.alice.save()
    organisation_sign_in(provider=PROVIDER, claims=claims())
    User.objects.filter(pk=world.alice.pk).update(is_active=False)
    assert refusal() == "inactive"


@pytest.mark.parametrize("email", ["", "no-at-sign", "x@riverside.gov.uk.evil.test", None, 42])
def test_an_address_missing_or_outside_the_domains_is_refused(world, email):
    assert refusal(email=email) == "domain"
    assert not OrganisationIdentity.objects.exists()


@pytest.fixture
def waiting(world):
    return OrganisationIdentity.objects.create(provider="council", subject="s-9", email="sam@riverside.gov.uk")


@pytest.fixture
def manager(client, world):
    client.force_login(world.manager)
    return client


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({}, "Choose whether to link this sign-in to an account or refuse it."),
        ({"decision": "delete", "version": "1"}, "Select a valid choice"),
        ({"decision": "link", "user": "not-a-number", "version": "1"}, "Choose an account from the list."),
        ({"decision": "link", "user": "99999999999999999999999", "version": "1"}, "Choose an account from the list."),
        ({"decision": "link", "user": "SUPERUSER", "version": "1"}, "Choose an account from the list."),
        ({"decision": "link", "user": "TAKEN", "version": "1"}, "Choose an account from the list."),
        ({"decision": "link", "user": "ALICE"}, "This form is incomplete"),
        ({"decision": "link", "user": "ALICE", "version": "1e99"}, "This form is incomplete"),
        ({"decision": "refuse", "version": str(2**40)}, "This form is incomplete"),
    ],
    ids=[
        "nothing",
        "unknown-decision",
        "non-number",
        "huge",
        "superuser",
        "taken",
        "no-version",
        "bad-version",
        "huge-version",
    ],
)
def test_a_bad_decision_is_a_form_error_and_saves_nothing(manager, world, waiting, data, says):
    root = User.objects.create_superuser("root", password="x")
    taken = OrganisationIdentity.objects.create(provider="council", subject="s-1", user=world.bob, status="linked")
    placeholders = {"SUPERUSER": root.pk, "TAKEN": taken.user_id, "ALICE": world.alice.pk}
    data = {name: str(placeholders.get(value, value)) for name, value in data.items()}

    response = manager.post(reverse("organisation-sign-in-decide", args=[waiting.pk]), data)

    assert response.status_code == 400
    assert says in response.content.decode()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.user, waiting.version) == ("pending", None, 1)


def test_a_stale_version_is_refused_showing_the_page_again(manager, world, waiting):
    OrganisationIdentity.objects.filter(pk=waiting.pk).update(version=2)
    response = manager.post(
        reverse("organisation-sign-in-decide", args=[waiting.pk]),
        {"decision": "link", "user": str(world.alice.pk), "version": "1"},
    )
    assert response.status_code == 409
    waiting.refresh_from_db()
    assert waiting.status == "pending"
    # The form now carries the version saved, so sending it again links.
    assert 'name="version" value="2"' in response.content.decode()


def test_a_missing_sign_in_is_404(manager, world):
    assert manager.get(reverse("organisation-sign-in-decide", args=[2**31])).status_code == 404


def test_the_list_shows_what_waits_with_its_organisation(manager, world, waiting, settings):
    settings.SENDPLAN_OIDC_PROVIDERS = {"council": PROVIDER}
    page = manager.get(reverse("organisation-sign-ins")).content.decode()
    assert "sam@riverside.gov.uk" in page and "Riverside Council" in page
    people = manager.get(reverse("plan-officers", args=[world.plan.slug])).content.decode()
    assert "1 organisation sign-in waiting" in people


def test_the_list_reads_as_many_queries_for_many_sign_ins_as_for_one(
    manager, world, waiting, settings, django_assert_num_queries
):
    settings.SENDPLAN_OIDC_PROVIDERS = {"council": PROVIDER}
    # One decided already, so the page's list of decisions made is read too.
    OrganisationIdentity.objects.create(
        provider="council",
        subject="s-8",
        email="alice@riverside.gov.uk",
        user=world.alice,
        status=OrganisationIdentity.Status.LINKED,
    )
    with CaptureQueriesContext(connection) as queries:
        assert manager.get(reverse("organisation-sign-ins")).status_code == 200
    for n in range(5):
        OrganisationIdentity.objects.create(provider="council", subject=f"s-{n}", email=f"p{n}@riverside.gov.uk")
    with django_assert_num_queries(len(queries)):
        page = manager.get(reverse("organisation-sign-ins")).content.decode()
    assert "p4@riverside.gov.uk" in page
