"""A small OpenID Connect client: discovery, the authorization code flow with PKCE, state and nonce, and the ID
token checked against the provider's keys (docs/decisions/0027-organisation-sign-in.md).

PyJWT checks the signature (RS256 only), `iss`, `aud` and `exp`; this module checks the nonce. Discovery documents
and key sets are cached for an hour in the default cache; an ID token signed with a key not in the cached set makes
one fresh fetch (the provider rolled its keys).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import jwt
from django.core.cache import cache

from accounts.oidc.config import Provider

CACHE_SECONDS = 3600
HTTP_TIMEOUT_SECONDS = 10
# Seconds of clock difference tolerated between this server and the provider's on `exp`, `iat` and `nbf`.
CLOCK_LEEWAY_SECONDS = 60
MAX_RESPONSE_BYTES = 1024 * 1024


class SignInRefused(Exception):
    """An organisation sign-in that cannot go on. `reason` is the security log's word for it (docs/security.md);
    the person is shown the page for that reason, never the technical detail."""

    def __init__(self, reason: str, detail: str = "", *, user_id: int | None = None, identity_id: int | None = None):
        self.reason = reason
        self.detail = detail
        self.user_id = user_id
        self.identity_id = identity_id
        super().__init__(f"{reason}: {detail}" if detail else reason)


def _read_json(request: urllib.request.Request, reason: str) -> dict:
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310 (https or loopback)
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as error:
        # A token endpoint says what went wrong in a JSON body (invalid_grant...); keep its code, not its text.
        try:
            code = json.loads(error.read(MAX_RESPONSE_BYTES)).get("error", "")
        except (ValueError, AttributeError):
            code = ""
        raise SignInRefused(reason, f"HTTP {error.code} {code}".strip()) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise SignInRefused(reason, type(error).__name__) from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise SignInRefused(reason, "response too large")
    try:
        document = json.loads(body)
    except ValueError:
        raise SignInRefused(reason, "not JSON") from None
    if not isinstance(document, dict):
        raise SignInRefused(reason, "not a JSON object")
    return document


def http_get_json(url: str, reason: str) -> dict:
    return _read_json(urllib.request.Request(url, headers={"Accept": "application/json"}), reason)


def http_post_form(url: str, data: dict, reason: str) -> dict:
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"},
    )
    return _read_json(request, reason)


def _cache_key(kind: str, url: str) -> str:
    return f"oidc:{kind}:{hashlib.sha256(url.encode()).hexdigest()}"


def discovery(provider: Provider) -> dict:
    """The provider's /.well-known/openid-configuration, checked to be its own (its `issuer` is the configured one,
    as OpenID Connect Discovery requires) and cached."""
    url = f"{provider.issuer}/.well-known/openid-configuration"
    key = _cache_key("discovery", url)
    document = cache.get(key)
    if document is None:
        document = http_get_json(url, "discovery")
        if str(document.get("issuer", "")).rstrip("/") != provider.issuer:
            raise SignInRefused("discovery", "the document names another issuer")
        for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(endpoint), str):
                raise SignInRefused("discovery", f"no {endpoint}")
        cache.set(key, document, CACHE_SECONDS)
    return document


def _key_set(provider: Provider, *, fresh: bool) -> jwt.PyJWKSet:
    url = discovery(provider)["jwks_uri"]
    key = _cache_key("jwks", url)
    document = None if fresh else cache.get(key)
    if document is None:
        document = http_get_json(url, "discovery")
        cache.set(key, document, CACHE_SECONDS)
    try:
        return jwt.PyJWKSet.from_dict(document)
    except jwt.PyJWTError:
        raise SignInRefused("discovery", "unusable key set") from None


def _signing_key(provider: Provider, kid: str | None):
    for fresh in (False, True):
        keys = [key for key in _key_set(provider, fresh=fresh).keys if key.key_type == "RSA"]
        if kid is None and len(keys) == 1:
            return keys[0].key
        for candidate in keys:
            if candidate.key_id == kid:
                return candidate.key
    raise SignInRefused("bad_signature", "signed with a key the provider does not publish")


@dataclass(frozen=True)
class Flow:
    """What the sign-in start keeps in the session, to check the provider's answer with."""

    state: str
    nonce: str
    code_verifier: str

    @classmethod
    def new(cls) -> Flow:
        return cls(
            state=secrets.token_urlsafe(32), nonce=secrets.token_urlsafe(32), code_verifier=secrets.token_urlsafe(48)
        )

    @property
    def code_challenge(self) -> str:
        digest = hashlib.sha256(self.code_verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(provider: Provider, *, flow: Flow, redirect_uri: str) -> str:
    endpoint = discovery(provider)["authorization_endpoint"]
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(provider.scopes),
            "state": flow.state,
            "nonce": flow.nonce,
            "code_challenge": flow.code_challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def exchange_code(provider: Provider, *, code: str, flow: Flow, redirect_uri: str) -> str:
    """Swap the authorization code for tokens at the token endpoint (client_secret_post) and return the ID token."""
    tokens = http_post_form(
        discovery(provider)["token_endpoint"],
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": provider.client_id,
            "client_secret": provider.client_secret,
            "code_verifier": flow.code_verifier,
        },
        "token_exchange",
    )
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise SignInRefused("token_exchange", "no id_token in the answer")
    return id_token


def verify_id_token(provider: Provider, id_token: str, *, nonce: str) -> dict:
    """The ID token's claims, once its RS256 signature (against the provider's published keys), issuer, audience,
    expiry and nonce are right; otherwise SignInRefused naming what was wrong."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError:
        raise SignInRefused("invalid_token", "not a JWT") from None
    if header.get("alg") != "RS256":
        # Never "none", never an HMAC keyed with something public: only the provider's RSA keys sign.
        raise SignInRefused("bad_signature", f"algorithm {str(header.get('alg'))[:10]!r} is not RS256")
    kid = header.get("kid")
    key = _signing_key(provider, kid if isinstance(kid, str) else None)
    try:
        claims = jwt.decode(
            id_token,
            key=key,
            algorithms=["RS256"],
            audience=provider.client_id,
            issuer=provider.issuer,
            leeway=CLOCK_LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise SignInRefused("expired_token") from None
    except jwt.InvalidSignatureError:
        raise SignInRefused("bad_signature") from None
    except jwt.InvalidAudienceError:
        raise SignInRefused("audience") from None
    except jwt.InvalidIssuerError:
        raise SignInRefused("issuer") from None
    except jwt.PyJWTError as error:
        raise SignInRefused("invalid_token", type(error).__name__) from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise SignInRefused("audience", "several audiences and we are not the authorised party")
    if not isinstance(claims.get("nonce"), str) or not hmac.compare_digest(claims["nonce"], nonce):
        raise SignInRefused("nonce")
    if not isinstance(claims["sub"], str) or not claims["sub"] or len(claims["sub"]) > 255:
        raise SignInRefused("invalid_token", "unusable sub")
    return claims


def end_session_url(provider: Provider, *, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """The provider's sign-out address for this session (RP-initiated logout), or None if it has none."""
    try:
        endpoint = discovery(provider).get("end_session_endpoint")
    except SignInRefused:
        return None
    if not isinstance(endpoint, str) or not endpoint:
        return None
    query = urllib.parse.urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "client_id": provider.client_id,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
