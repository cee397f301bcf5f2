"""The test OpenID Connect provider (tests/oidc_provider) as a running process, and a sign-in through it without a
browser: the provider's pages are driven with requests, the app's with Django's test client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from accounts.oidc.config import Provider

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "sendplan-test"
CLIENT_SECRET = "test-client-secret-not-real"
PERSON_PASSWORD = "provider-password-1"
START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class TestProvider:
    url: str
    key_pem: bytes

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def _post(self, path: str, data: dict) -> dict:
        answer = requests.post(f"{self.url}{path}", json=data, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def register_app(self, base_urls: list[str], key: str = "council") -> None:
        """The app as this provider's client, returning to each base URL's callback."""
        self._post(
            "/testing/client/",
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{base}/accounts/organisation/{key}/callback/" for base in base_urls],
                "post_logout_redirect_uris": [f"{base}/accounts/login/" for base in base_urls],
            },
        )

    def person(self, username: str, **claims) -> str:
        """A person with an account at the provider and these claims in their ID token; returns their `sub`."""
        return self._post("/testing/person/", {"username": username, "password": PERSON_PASSWORD, "claims": claims})[
            "sub"
        ]

    def config(self, **changes) -> Provider:
        """The app's settings for this provider (as SENDPLAN_OIDC_COUNCIL_* would give them)."""
        provider = Provider(
            key="council",
            name="Riverside Council",
            issuer=self.issuer,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            allowed_domains=frozenset({"riverside.gov.uk"}),
            mfa_values=frozenset({"mfa"}),
        )
        return replace(provider, **changes)


def start_provider(folder: Path):
    """Start the provider with gunicorn on a free loopback port, with a fresh database and RSA key; returns the
    process and the TestProvider once its discovery document answers."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (folder / "key.pem").write_bytes(key_pem)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(folder / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": str(folder / "key.pem"),
        "OIDC_PROVIDER_ISSUER": f"{url}/o",
    }
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v", "0"], env=env, cwd=ROOT, check=True
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.oidc_provider.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            if requests.get(f"{url}/o/.well-known/openid-configuration", timeout=2).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the test OpenID Connect provider did not start")
        time.sleep(0.2)
    return process, TestProvider(url=url, key_pem=key_pem)


def sign_in_through_provider(client, username: str, *, key: str = "council", next_url: str = ""):
    """Start an organisation sign-in in the app, sign in at the provider as `username` (a real login form, the real
    authorization endpoint), and bring the provider's answer back to the app: the callback's response."""
    start_url = reverse("organisation-sign-in", args=[key]) + (f"?next={next_url}" if next_url else "")
    start = client.get(start_url)
    assert start.status_code == 302, start
    authorize = start["Location"]
    at_provider = requests.Session()
    answer = at_provider.get(authorize, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:500]
    login_url = urljoin(authorize, answer.headers["Location"])
    at_provider.get(login_url, timeout=10).raise_for_status()
    answer = at_provider.post(
        login_url,
        data={
            "username": username,
            "password": PERSON_PASSWORD,
            "csrfmiddlewaretoken": at_provider.cookies["provider_csrftoken"],
            "next": parse_qs(urlsplit(login_url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    answer = at_provider.get(urljoin(login_url, answer.headers["Location"]), allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    back = urlsplit(answer.headers["Location"])
    response = client.get(f"{back.path}?{back.query}")
    response.at_provider = at_provider
    return response
