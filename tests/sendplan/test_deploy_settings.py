"""The production settings, as a server started from the environment would load them: in a subprocess, because the
test suite's own settings serve plain http (sendplan/settings_test.py).

`manage.py check --deploy` passes with HTTPS on and fails with it off; the headers a browser gets say what the
settings promise (HSTS, CSP, frame and referrer policies, secure cookies); and a server without SECRET_KEY refuses to
start with a message saying what to set.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

# Each test loads the production settings in a fresh interpreter.
pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
HOST = "sendplan.example.org"


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SENDPLAN_", "SECURE_", "CSRF_", "LOG_")) and key != "SECRET_KEY"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="sendplan.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        SENDPLAN_HTTPS="1",
        ALLOWED_HOSTS=HOST,
        # Settings only, plus SELECT 1 for /healthz: an in-memory database needs no migrations.
        DATABASE_URL="sqlite://:memory:",
    )
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_deploy_check_passes_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_fails_when_https_is_switched_off():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(SENDPLAN_HTTPS="0"))
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


# Loads the production settings and asks the app itself, through Django's test client (no server needed), for a
# page over https, the same page over http, and /healthz over http; prints what a browser would be told.
PROBE = """
import json
import django
from django.conf import settings
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(HTTP_HOST="%(host)s")
page = client.get("/accounts/login/", secure=True)
plain = client.get("/accounts/login/")
health = client.get("/healthz")
print(json.dumps({
    "page_status": page.status_code,
    "headers": {key: page.headers.get(key) for key in (
        "Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options", "Referrer-Policy",
        "X-Content-Type-Options", "Cross-Origin-Opener-Policy", "X-Request-ID")},
    "cookies": {n: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"])} for n, c in page.cookies.items()},
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "health_status": health.status_code,
    "health_body": health.json(),
    "proxy_header": getattr(settings, "SECURE_PROXY_SSL_HEADER", None),
    "debug": settings.DEBUG,
}))
"""


def probe(**overrides: str) -> dict:
    # The manifest storage needs collectstatic first; the pages only need static URLs.
    env = production_env(STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage", **overrides)
    result = run(["-c", PROBE % {"host": HOST}], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_responses_carry_the_security_headers():
    seen = probe()
    assert seen["debug"] is False
    assert seen["page_status"] == 200
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    directives = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert len(headers["X-Request-ID"]) == 32
    # The login form sets the CSRF cookie: sent over https only, and out of reach of scripts.
    assert seen["cookies"]["csrftoken"] == {"secure": True, "httponly": True}


def test_plain_http_is_redirected_except_the_health_check():
    seen = probe()
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == f"https://{HOST}/accounts/login/"
    # Load balancers probe over http.
    assert seen["health_status"] == 200
    assert seen["health_body"] == {"status": "ok"}
    assert seen["proxy_header"] is None


def test_hsts_lifetime_and_proxy_header_come_from_the_environment():
    seen = probe(SECURE_HSTS_SECONDS="600", SECURE_HSTS_PRELOAD="0", SENDPLAN_BEHIND_PROXY="1")
    assert seen["headers"]["Strict-Transport-Security"] == "max-age=600; includeSubDomains"
    assert seen["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_settings_refuse_to_load_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = run(["-c", "import sendplan.settings"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is required when DJANGO_DEBUG is off" in result.stderr


def test_debug_runs_without_a_secret_key_and_without_https():
    env = production_env(DJANGO_DEBUG="1")
    del env["SECRET_KEY"], env["SENDPLAN_HTTPS"]
    result = run(
        ["-c", "from sendplan import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"], env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "0"]


def test_a_bad_log_level_is_refused():
    result = run(["-c", "import sendplan.settings"], production_env(LOG_LEVEL="LOUD"))
    assert result.returncode != 0
    assert "LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not 'LOUD'" in result.stderr


def test_a_bad_log_format_is_refused():
    result = run(["-c", "import sendplan.settings"], production_env(LOG_FORMAT="xml"))
    assert result.returncode != 0
    assert "LOG_FORMAT must be keyvalue or json, not 'xml'" in result.stderr


LOG_A_RECORD = """
import django, logging
django.setup()
logging.getLogger("sendplan.security").warning("login_failed", extra={"user_id": 12, "reason": 'a "quoted"\\nvalue'})
"""


def test_log_format_json_writes_each_record_as_one_json_object():
    result = run(["-c", LOG_A_RECORD], production_env(LOG_FORMAT="json"))
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    logged = json.loads(line)
    assert logged | {"time": "T"} == {
        "time": "T",
        "level": "WARNING",
        "logger": "sendplan.security",
        "request_id": "-",
        "message": "login_failed",
        "reason": 'a "quoted"\nvalue',
        "user_id": 12,
    }


def test_logs_stay_key_value_lines_by_default():
    result = run(["-c", LOG_A_RECORD], production_env())
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert line.endswith(
        " level=WARNING logger=sendplan.security request_id=- message=login_failed"
        ' reason="a \\"quoted\\"\\nvalue" user_id=12'
    )


def test_production_settings_leave_the_benchmarks_out():
    # Only the test settings install them (`make bench` runs under those): a server has no bench commands or pages.
    script = "import django; django.setup(); from django.apps import apps; print(apps.is_installed('benchmarks'))"
    result = run(["-c", script], production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False"]
    result = run(["manage.py", "bench", "--help"], production_env())
    assert result.returncode != 0
    assert "Unknown command: 'bench'" in result.stderr


def notify_env(**overrides: str) -> dict[str, str]:
    from tests.fake_notify import API_KEY, TEMPLATES

    templates = {f"NOTIFY_TEMPLATE_{kind.upper()}": template_id for kind, template_id in TEMPLATES.items()}
    return production_env(SENDPLAN_EMAIL_CHANNEL="notify", NOTIFY_API_KEY=API_KEY, **templates, **overrides)


def test_deploy_check_passes_with_gov_uk_notify_set_up():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], notify_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_notify_without_an_api_key_refuses_to_start_saying_what_to_set():
    env = notify_env()
    del env["NOTIFY_API_KEY"], env["NOTIFY_TEMPLATE_INVITE"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert (
        "ImproperlyConfigured: GOV.UK Notify is not set up: SENDPLAN_EMAIL_CHANNEL=notify needs NOTIFY_API_KEY (an API "
        "key from your Notify service); SENDPLAN_EMAIL_CHANNEL=notify needs NOTIFY_TEMPLATE_INVITE"
    ) in result.stderr


def test_an_unknown_email_channel_is_refused():
    result = run(["-c", "import sendplan.settings"], production_env(SENDPLAN_EMAIL_CHANNEL="pigeon"))
    assert result.returncode != 0
    assert "SENDPLAN_EMAIL_CHANNEL is console, smtp or notify, not 'pigeon'" in result.stderr
