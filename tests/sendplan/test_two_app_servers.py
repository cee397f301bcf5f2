"""Two gunicorn app servers on one PostgreSQL database, as behind a load balancer (docs/deployment.md): a session
made on one server works on the other, and two people submitting conflicting edits at the same moment, each through
a different server, never overwrite each other: in every round one edit is saved and the other is refused with a
page naming who changed what. Real processes and real HTTP: nothing is shared but the database."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from actions.models import ProgressUpdate
from risks.models import RiskReview
from tests.conftest import RiskWorld
from tests.factories import PASSWORD
from tests.postgres import database_url

# The servers are other processes: they see only committed data.
pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

ROUNDS = 10
# How the conflict page names each person: alice's officer record, and the programme manager's name.
LABELS = {"alice": "Head of SEND (Alice Moreno)", "morgan": "Morgan"}


# --- the app servers -------------------------------------------------------------------------------------------


@dataclass
class AppServer:
    process: subprocess.Popen
    log: Path
    port: int = 0

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def start_server(log: Path) -> AppServer:
    """gunicorn with the production config file, one worker, on a port the system picks, on the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sendplan.settings_test",
        "DATABASE_URL": database_url(),
        "SENDPLAN_HTTPS": "0",
    }
    command = [sys.executable, "-m", "gunicorn", "--config", "sendplan/gunicorn.conf.py", "--workers", "1"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--bind", "127.0.0.1:0"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stopping it stops its worker too
        )
    return AppServer(process, log)


def wait_until_serving(server: AppServer) -> None:
    """Read the port from gunicorn's log, then wait for /healthz to answer 200 (the database is reachable)."""
    deadline = time.monotonic() + 90  # only to fail instead of hanging if the server never comes up
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {server.process.returncode}:\n{server.log_text()}")
        if not server.port:
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", server.log_text())
            server.port = int(found.group(1)) if found else 0
        if server.port:
            try:
                if Browser(server.port).get("/healthz").status == 200:
                    return
            except OSError:
                pass
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not start serving:\n{server.log_text()}")


def stop_server(server: AppServer) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()


@pytest.fixture
def servers(transactional_db, tmp_path):
    """Two app servers; always stopped, and their logs printed (pytest shows them when a test fails)."""
    started = []
    try:
        for name in ("a", "b"):
            started.append(start_server(tmp_path / f"gunicorn-{name}.log"))
        for server in started:
            wait_until_serving(server)
        yield started
    finally:
        for server in started:
            stop_server(server)
        for server in started:
            print(f"--- {server.log.name} (port {server.port}, exit {server.process.returncode}) ---")
            print(server.log_text())


# --- a person's browser ----------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    location: str
    text: str


class FormParser(HTMLParser):
    """The fields each form on a page would submit as a browser sends them: inputs (checked boxes and radios
    only), textareas and selects; no buttons, so a submission is the form's main action."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._textarea: str | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": []})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            fields.append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            fields.append((self._textarea, ""))
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            name, text = self.forms[-1]["fields"][-1]
            self.forms[-1]["fields"][-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, text = self.forms[-1]["fields"][-1]
            # Browsers drop the newline that follows <textarea>.
            self.forms[-1]["fields"][-1] = (name, text.removeprefix("\n"))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] if self._select["chosen"] is not None else self._select["first"]
            if chosen is not None:
                self.forms[-1]["fields"].append((self._select["name"], chosen))
            self._select = None


def form_with(html: str, field_name: str) -> dict:
    """The page's form that has `field_name` (the header's sign-out form has not), as {"action", "fields"}."""
    parser = FormParser()
    parser.feed(html)
    matches = [form for form in parser.forms if any(name == field_name for name, _ in form["fields"])]
    assert len(matches) == 1, f"expected one form with {field_name!r}, found {len(matches)}"
    return matches[0]


@dataclass
class Browser:
    """One person's browser talking to one app server: cookies kept, redirects reported rather than followed."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, data: list[tuple[str, str]] | None = None) -> Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            text = raw.read().decode()
            for header in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Response(raw.status, raw.headers.get("Location", ""), text)
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def submit(self, path: str, form: dict, **changes: str) -> Response:
        """Post `form` (from form_with) back as loaded, with `changes` to some fields."""
        fields = [(name, value) for name, value in form["fields"] if name not in changes]
        fields += list(changes.items())
        return self.request("POST", form["action"] or path, fields)

    def sign_in(self, username: str) -> None:
        page = self.get("/accounts/login/")
        assert page.status == 200
        form = form_with(page.text, "csrfmiddlewaretoken")
        signed_in = self.submit("/accounts/login/", form, username=username, password=PASSWORD)
        assert signed_in.status == 302, f"sign-in as {username} failed ({signed_in.status})"


def race(path: str, submissions: list[tuple[Browser, dict, dict]]) -> list[Response]:
    """Post each (browser, form, changes) at the same moment, one thread each, and return the responses in order."""
    barrier = threading.Barrier(len(submissions))
    results: list[Response | BaseException | None] = [None] * len(submissions)

    def go(index: int, browser: Browser, form: dict, changes: dict) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = browser.submit(path, form, **changes)
        except BaseException as error:  # raised again in the test thread below
            results[index] = error

    threads = [threading.Thread(target=go, args=(i, *submission)) for i, submission in enumerate(submissions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def one_saved_one_refused(responses: list[Response], texts: list[str], people: list[str]) -> tuple[int, str]:
    """Check a round: exactly one 302 (saved) and one 409 (refused) whose page names the one who saved, and still
    holds the other's words in its form. Returns the winner's index and the refusal page."""
    statuses = sorted(r.status for r in responses)
    assert statuses == [302, 409], [r.status for r in responses]
    won = next(i for i, r in enumerate(responses) if r.status == 302)
    refused = responses[1 - won].text
    assert "Someone else has changed this" in refused
    assert f"{LABELS[people[won]]} changed" in refused
    assert "have not been saved" in refused
    assert texts[1 - won] in refused  # the loser's words are still in the form, not lost
    return won, refused


# --- the tests -------------------------------------------------------------------------------------------------


def test_a_session_made_on_one_server_works_on_the_other(world, servers):
    a, b = servers
    alice = Browser(a.port)
    alice.sign_in("alice")
    path = reverse("action-detail", args=[world.alice_action.pk])
    assert alice.get(path).status == 200

    # The load balancer sends her next request to the other server: the session is in the database.
    on_b = Browser(b.port, dict(alice.cookies))
    page = on_b.get(path)
    assert page.status == 200 and world.alice_action.text in page.text
    assert Browser(b.port).get(path).status == 302  # and without her cookies, sign in first


def test_concurrent_progress_updates_through_two_servers_lose_nothing(world, servers):
    a, b = servers
    action = world.alice_action
    people = ["alice", "morgan"]  # the lead, and the programme manager, who may also update her action
    browsers = [Browser(a.port), Browser(b.port)]
    for browser, username in zip(browsers, people, strict=True):
        browser.sign_in(username)
    path = reverse("action-update", args=[action.pk])
    start_version = action.version
    winners, winning_texts = [], []

    for round_number in range(ROUNDS):
        forms = [form_with(browser.get(path).text, "version") for browser in browsers]
        assert len({dict(form["fields"])["version"] for form in forms}) == 1  # both loaded the same version
        texts = [f"Round {round_number}: {username} says the panel met." for username in people]
        submissions = [
            (browser, form, {"rag": "amber", "progress": text})
            for browser, form, text in zip(browsers, forms, texts, strict=True)
        ]
        responses = race(path, submissions)
        won, refused = one_saved_one_refused(responses, texts, people)
        assert texts[won] in refused  # "Their changes" shows what the winner wrote
        winners.append(people[won])
        winning_texts.append(texts[won])

    action.refresh_from_db()
    assert action.version == start_version + ROUNDS  # exactly one save per round
    history = ProgressUpdate.history.filter(action_id=action.pk, period_id=world.period.pk).order_by("history_date")
    assert [(h.progress, h.history_user.username) for h in history] == list(zip(winning_texts, winners, strict=True))
    update = ProgressUpdate.objects.get(action=action, period=world.period)
    assert (update.status, update.progress) == (ProgressUpdate.Status.SUBMITTED, winning_texts[-1])


def test_concurrent_risk_reviews_through_two_servers_lose_nothing(world, servers):
    risk = RiskWorld(world).schools  # R1, owned by alice's officer
    a, b = servers
    people = ["alice", "morgan"]
    browsers = [Browser(a.port), Browser(b.port)]
    for browser, username in zip(browsers, people, strict=True):
        browser.sign_in(username)
    path = reverse("risk-review", args=[risk.pk])
    risk.refresh_from_db()
    start_version, reviews_before = risk.version, RiskReview.objects.filter(risk=risk).count()
    winning_notes = []

    for round_number in range(ROUNDS):
        forms = [form_with(browser.get(path).text, "version") for browser in browsers]
        notes = [f"Round {round_number}: {username} reviewed the schools risk." for username in people]
        # Both score the same, differently from the round before, so the winner's change shows on the risk.
        likelihood = str(2 + round_number % 2)
        submissions = [
            (browser, form, {"likelihood": likelihood, "note": note})
            for browser, form, note in zip(browsers, forms, notes, strict=True)
        ]
        responses = race(path, submissions)
        won, refused = one_saved_one_refused(responses, notes, people)
        assert "Current likelihood" in refused  # what the winner's review changed on the risk
        winning_notes.append(notes[won])

    risk.refresh_from_db()
    assert risk.version == start_version + ROUNDS
    reviews = RiskReview.objects.filter(risk=risk).order_by("id")
    assert reviews.count() == reviews_before + ROUNDS  # no refused review left a row behind
    assert [r.note for r in reviews][-ROUNDS:] == winning_notes
    assert risk.next_review == timezone.localdate() + timedelta(days=risk.review_every_days)
