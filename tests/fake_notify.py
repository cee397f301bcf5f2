"""A local stand-in for GOV.UK Notify's HTTP API, for tests: a tiny server on a loopback port that records each
request and answers as Notify would, or with the error a test asks for. No test reaches the internet.

    with FakeNotify() as notify:
        settings.NOTIFY_BASE_URL = notify.url
        notify.fail_for("bob@example.org", 500)   # that recipient's requests get a 500 until told otherwise
        ...
        notify.emails  # [{"email_address": ..., "template_id": ..., "personalisation": {...}}, ...]
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

# A well-formed API key for the fake: "{key name}-{service id}-{secret}".
SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"sendplan_test-{SERVICE_ID}-{SECRET}"
TEMPLATES = {
    "digest": "f33517ff-2a88-4f6e-b855-c550268ce08a",
    "escalation": "8e7c39dc-4b1f-4e84-a2a4-3f4a4b1a2c11",
    "invite": "0b2f7a8e-6f4c-4a61-9c0d-1d5e3c9b7a22",
    "password_reset": "5c1e9d33-7a2b-4c8e-8f1a-6b4d2e0c9f33",
    "board_pack": "9a4c2e71-3b5d-4f68-8e2a-7c1d0b9f5e44",
}


class FakeNotify:
    def __init__(self):
        self.requests: list[dict] = []  # every request: path, authorised (a JWT signed with SECRET), body
        self.failures: dict[str, tuple[int, str]] = {}  # email address -> (status, Notify's error type)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                fake.requests.append({"path": self.path, "authorised": fake.authorised(self.headers), "body": body})
                status, error = fake.failures.get(body.get("email_address"), (201, ""))
                if status == 201:
                    self._answer(201, {"id": str(uuid.uuid4()), "reference": None, "content": {}, "template": {}})
                else:
                    self._answer(status, {"status_code": status, "errors": [{"error": error, "message": error}]})

            def _answer(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # quiet: the test says what matters
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def authorised(headers) -> bool:
        """As Notify checks it: a bearer JWT issued by the service and signed with the key's secret."""
        scheme, _, token = (headers.get("Authorization") or "").partition(" ")
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        except jwt.PyJWTError:
            return False
        return scheme == "Bearer" and claims.get("iss") == SERVICE_ID and "iat" in claims

    def fail_for(self, email_address: str, status: int, error: str = "ServerError") -> None:
        self.failures[email_address] = (status, error)

    def recover(self) -> None:
        self.failures.clear()

    @property
    def emails(self) -> list[dict]:
        return [r["body"] for r in self.requests if r["path"] == "/v2/notifications/email"]

    def __enter__(self) -> FakeNotify:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def use_notify(settings, notify: FakeNotify) -> None:
    """Point the app's email at the fake, as an instance set up for Notify would be."""
    settings.SENDPLAN_EMAIL_CHANNEL = "notify"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = notify.url
    settings.NOTIFY_TEMPLATES = dict(TEMPLATES)
