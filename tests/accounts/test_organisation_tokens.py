"""The ID token checks and the provider settings, without a provider: tokens signed with a key of the test's own,
its key set served by a stand-in for the HTTP fetch. A token that fails a check is refused with the reason the
security log names, through the sign-in's return page too."""

import base64
import json
import logging
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from accounts.apps import _check_provider_roles
from accounts.oidc import client as oidc_client
from accounts.oidc.client import Flow, SignInRefused, verify_id_token
from accounts.oidc.config import Provider, providers_from_env
from accounts.oidc.views import FLOWS

ISSUER = "https://login.example.test/tenant/v2.0"
PROVIDER = Provider(
    key="council",
    name="Riverside Council",
    issuer=ISSUER,
    client_id="sendplan",
    client_secret="secret",
    allowed_domains=frozenset({"riverside.gov.uk"}),
    mfa_values=frozenset({"mfa"}),
)
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwk(key, kid):
    numbers = key.public_key().public_numbers()

    def b64(number):
        raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": b64(numbers.n), "e": b64(numbers.e)}


@pytest.fixture
def published(monkeypatch):
    """The provider's discovery document and key set, as fetched over HTTP (counted in `fetches`)."""
    cache.clear()
    served = {
        f"{ISSUER}/.well-known/openid-configuration": {
            "issuer": ISSUER,
            "authorization_endpoint": "https://login.example.test/authorize",
            "token_endpoint": "https://login.example.test/token",
            "jwks_uri": "https://login.example.test/keys",
            "end_session_endpoint": "https://login.example.test/logout",
        },
        "https://login.example.test/keys": {"keys": [_jwk(KEY, "k1")]},
    }
    fetches = []

    def fetch(url, reason):
        fetches.append(url)
        return served[url]

    monkeypatch.setattr(oidc_client, "http_get_json", fetch)
    yield type("Published", (), {"served": served, "fetches": fetches})
    cache.clear()


def token(key=KEY, kid="k1", algorithm="RS256", **changes):
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "sendplan", "sub": "abc-123", "iat": now, "exp": now + 300, "nonce": "n-1"}
    claims.update(changes)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


def refusal(id_token, nonce="n-1"):
    with pytest.raises(SignInRefused) as refused:
        verify_id_token(PROVIDER, id_token, nonce=nonce)
    return refused.value.reason


def test_a_good_token_gives_its_claims_and_the_documents_are_fetched_once(published):
    assert verify_id_token(PROVIDER, token(), nonce="n-1")["sub"] == "abc-123"
    assert verify_id_token(PROVIDER, token(), nonce="n-1")["sub"] == "abc-123"
    assert len(published.fetches) == 2  # discovery and keys, then both from the cache


def test_an_expired_token_is_refused(published):
    past = int(time.time()) - 3600
    assert refusal(token(iat=past - 300, exp=past)) == "expired_token"


def test_a_tampered_token_is_refused(published):
    header, payload, signature = token().split(".")
    claims = jwt.decode(token(), options={"verify_signature": False})
    forged = base64.urlsafe_b64encode(json.dumps({**claims, "sub": "someone-else"}).encode())
    assert refusal(f"{header}.{forged.rstrip(b'=').decode()}.{signature}") == "bad_signature"


def test_a_token_signed_with_another_key_is_refused(published):
    assert refusal(token(key=OTHER_KEY)) == "bad_signature"


def test_an_unknown_key_id_fetches_the_keys_again_once_then_refuses(published):
    assert refusal(token(kid="unknown")) == "bad_signature"
    assert published.fetches.count("https://login.example.test/keys") == 2


def test_a_rolled_key_is_found_by_fetching_the_keys_again(published):
    verify_id_token(PROVIDER, token(), nonce="n-1")
    published.served["https://login.example.test/keys"] = {"keys": [_jwk(KEY, "k1"), _jwk(OTHER_KEY, "k2")]}
    assert verify_id_token(PROVIDER, token(key=OTHER_KEY, kid="k2"), nonce="n-1")["sub"] == "abc-123"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"nonce": "someone-elses"}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"aud": "another-app"}, "audience"),
        ({"aud": ["sendplan", "another-app"]}, "audience"),
        ({"iss": "https://evil.example.test"}, "issuer"),
        ({"sub": None}, "invalid_token"),
        ({"iat": int(time.time()) + 3600}, "invalid_token"),
    ],
    ids=["wrong-nonce", "no-nonce", "other-audience", "several-audiences", "other-issuer", "no-sub", "future"],
)
def test_a_token_failing_a_claim_check_is_refused(published, changes, reason):
    assert refusal(token(**changes)) == reason


def test_only_rs256_signatures_are_accepted(published):
    unsigned = jwt.encode({"iss": ISSUER, "aud": "sendplan", "sub": "x"}, None, algorithm="none")
    assert refusal(unsigned) == "bad_signature"
    assert refusal(jwt.encode({"sub": "x"}, "a-public-thing-" * 3, algorithm="HS256")) == "bad_signature"
    assert refusal("not-a-token") == "invalid_token"


def test_a_discovery_document_naming_another_issuer_is_refused(published):
    published.served[f"{ISSUER}/.well-known/openid-configuration"]["issuer"] = "https://evil.example.test"
    assert refusal(token()) == "discovery"


def test_the_authorization_request_carries_state_nonce_and_a_pkce_challenge(published):
    flow = Flow.new()
    url = oidc_client.authorization_url(PROVIDER, flow=flow, redirect_uri="https://app.example/callback/")
    assert url.startswith("https://login.example.test/authorize?response_type=code&client_id=sendplan")
    assert f"state={flow.state}" in url and f"nonce={flow.nonce}" in url
    assert f"code_challenge={flow.code_challenge}" in url and "code_challenge_method=S256" in url
    assert flow.code_verifier not in url


def test_the_mfa_claim_values_that_count():
    assert PROVIDER.second_factor_checked({"amr": ["pwd", "mfa"]})
    assert PROVIDER.second_factor_checked({"acr": "mfa"})
    assert not PROVIDER.second_factor_checked({"amr": ["pwd"]})
    assert not PROVIDER.second_factor_checked({"amr": "pwd", "acr": 3})
    assert not PROVIDER.second_factor_checked({})


@pytest.fixture
def start_flow(client):
    """A sign-in started in this client's session (as the start page does), whose state the return must bring."""

    def start(started=None):
        session = client.session
        flow = Flow.new()
        session[FLOWS] = {
            flow.state: {
                "provider": "council",
                "nonce": flow.nonce,
                "verifier": flow.code_verifier,
                "next": "/",
                "started": started or time.time(),
            }
        }
        session.save()
        return flow

    return start


@pytest.fixture
def council(settings):
    settings.SENDPLAN_OIDC_PROVIDERS = {"council": PROVIDER}


def callback(client, **query):
    return client.get(reverse("organisation-sign-in-callback", args=["council"]), query)


def refused_reasons(caplog):
    return [record.reason for record in caplog.records if record.msg == "organisation_sign_in_refused"]


def test_a_return_with_a_token_that_fails_is_refused_plainly_and_logged(
    client, db, council, published, start_flow, monkeypatch, caplog
):
    flow = start_flow()
    past = int(time.time()) - 3600
    monkeypatch.setattr(oidc_client, "exchange_code", lambda *a, **k: token(iat=past - 60, exp=past, nonce=flow.nonce))
    caplog.set_level(logging.INFO, logger="sendplan.security")

    response = callback(client, code="abc", state=flow.state)

    assert response.status_code == 403
    assert "You could not be signed in" in response.content.decode()
    assert refused_reasons(caplog) == ["expired_token"]
    # The state is used up: the same answer again is refused for its state.
    assert callback(client, code="abc", state=flow.state).status_code == 400
    assert refused_reasons(caplog) == ["expired_token", "state"]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"state": "made-up", "code": "abc"},
        {"state": "x" * 100_000, "code": "abc"},
        {"state": "FLOW", "error": "access_denied", "error_description": "<script>"},
        {"state": "FLOW"},
        {"state": ["made-up", "other"], "code": ["a", "b"]},
    ],
    ids=["nothing", "unknown-state", "huge-state", "cancelled", "no-code", "repeated"],
)
def test_a_malformed_return_is_refused_never_an_error(client, db, council, start_flow, monkeypatch, query, caplog):
    flow = start_flow()
    monkeypatch.setattr(oidc_client, "exchange_code", lambda *a, **k: pytest.fail("no code should be exchanged"))
    query = {name: flow.state if value == "FLOW" else value for name, value in query.items()}
    caplog.set_level(logging.INFO, logger="sendplan.security")

    response = callback(client, **query)

    assert response.status_code == 400
    assert refused_reasons(caplog)[0] in {"state", "provider_error"}


def test_a_return_after_ten_minutes_is_refused(client, db, council, start_flow, caplog):
    flow = start_flow(started=time.time() - 601)
    caplog.set_level(logging.INFO, logger="sendplan.security")
    assert callback(client, code="abc", state=flow.state).status_code == 400
    assert refused_reasons(caplog) == ["state"]


def test_an_unreachable_provider_says_try_again_later(client, db, council, monkeypatch, caplog):
    cache.clear()

    def unreachable(url, reason):
        raise SignInRefused(reason, "URLError")

    monkeypatch.setattr(oidc_client, "http_get_json", unreachable)
    caplog.set_level(logging.INFO, logger="sendplan.security")
    response = client.get(reverse("organisation-sign-in", args=["council"]))
    assert response.status_code == 502 and "Riverside Council cannot be reached" in response.content.decode()
    assert refused_reasons(caplog) == ["discovery"]


def test_the_sign_in_page_offers_each_provider_and_keeps_the_password_form(client, db, settings):
    settings.SENDPLAN_OIDC_PROVIDERS = {
        "council": PROVIDER,
        "nhsmail": Provider(
            key="nhsmail", name="NHSmail", issuer="https://login.example.test/nhs", client_id="c", client_secret="s"
        ),
    }
    page = client.get(reverse("login") + "?next=/plans/").content.decode()
    assert 'href="/accounts/organisation/council/?next=%2Fplans%2F"' in page
    assert "Sign in with Riverside Council" in page and "Sign in with NHSmail" in page
    assert 'name="password"' in page
    settings.SENDPLAN_OIDC_PROVIDERS = {}
    assert "Sign in with your organisation" not in client.get(reverse("login")).content.decode()


ENV = {
    "SENDPLAN_OIDC_PROVIDERS": "council, nhsmail",
    "SENDPLAN_OIDC_COUNCIL_NAME": "Riverside Council",
    "SENDPLAN_OIDC_COUNCIL_ISSUER": "https://login.microsoftonline.com/tenant-id/v2.0/",
    "SENDPLAN_OIDC_COUNCIL_CLIENT_ID": "app-id",
    "SENDPLAN_OIDC_COUNCIL_CLIENT_SECRET": "s3cret",
    "SENDPLAN_OIDC_COUNCIL_ALLOWED_DOMAINS": "Riverside.gov.uk, @riverside-schools.org",
    "SENDPLAN_OIDC_COUNCIL_TRUSTED_EMAILS": "1",
    "SENDPLAN_OIDC_COUNCIL_GROUP_ROLES": "0a1b-2c=Programme manager; 3d4e=SEND lead",
    "SENDPLAN_OIDC_COUNCIL_MFA_VALUES": "mfa,ngcmfa",
    "SENDPLAN_OIDC_NHSMAIL_NAME": "NHSmail",
    "SENDPLAN_OIDC_NHSMAIL_ISSUER": "https://login.microsoftonline.com/nhs-tenant/v2.0",
    "SENDPLAN_OIDC_NHSMAIL_CLIENT_ID": "nhs-app",
    "SENDPLAN_OIDC_NHSMAIL_CLIENT_SECRET": "other",
    "SENDPLAN_OIDC_NHSMAIL_ALLOWED_DOMAINS": "nhs.net",
}


def test_providers_are_read_from_the_environment(monkeypatch):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    providers = providers_from_env()
    assert list(providers) == ["council", "nhsmail"]
    council = providers["council"]
    assert council.issuer == "https://login.microsoftonline.com/tenant-id/v2.0"
    assert council.allowed_domains == {"riverside.gov.uk", "riverside-schools.org"}
    assert council.trusted_emails and council.group_roles == {"0a1b-2c": "Programme manager", "3d4e": "SEND lead"}
    assert council.mfa_values == {"mfa", "ngcmfa"} and council.scopes == ("openid", "email", "profile")
    assert "s3cret" not in repr(council)
    assert providers["nhsmail"].allows_domain("jo.bloggs@nhs.net")
    assert not providers["nhsmail"].allows_domain("jo.bloggs@nhs.net.evil.example")


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("SENDPLAN_OIDC_COUNCIL_ISSUER", "http://login.example.test/", "https://"),
        ("SENDPLAN_OIDC_COUNCIL_ALLOWED_DOMAINS", "", "ALLOWED_DOMAINS is required"),
        ("SENDPLAN_OIDC_COUNCIL_CLIENT_SECRET", "", "CLIENT_SECRET is required"),
        ("SENDPLAN_OIDC_COUNCIL_GROUP_ROLES", "no-role-here", "group=Role pairs"),
        ("SENDPLAN_OIDC_COUNCIL_TRUSTED_EMAILS", "perhaps", "true or false"),
        ("SENDPLAN_OIDC_PROVIDERS", "council,council", "twice"),
        ("SENDPLAN_OIDC_PROVIDERS", "the council", "short keys"),
    ],
)
def test_a_malformed_provider_setting_stops_the_app_saying_what_to_fix(monkeypatch, name, value, says):
    for env_name, env_value in {**ENV, name: value}.items():
        monkeypatch.setenv(env_name, env_value)
    with pytest.raises(ImproperlyConfigured, match=says):
        providers_from_env()


def test_a_group_mapped_to_a_role_that_does_not_exist_stops_the_app(settings):
    settings.SENDPLAN_OIDC_PROVIDERS = {"council": Provider(**{**PROVIDER.__dict__, "group_roles": {"g": "Boss"}})}
    with pytest.raises(ImproperlyConfigured, match="roles that do not exist: Boss"):
        _check_provider_roles()
