"""/healthz: for load balancers, without a login; 200 when the database answers, 503 when it does not."""

import logging

from django.db import OperationalError, connections
from django.urls import reverse


def test_healthy_when_the_database_answers(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_unavailable_when_the_database_does_not_answer(client, db, monkeypatch, caplog):
    def refuse():
        raise OperationalError('connection to server at "db.internal" (10.0.0.5), port 5432 failed')

    # Undone before the test database's own teardown needs a cursor again.
    with monkeypatch.context() as patch, caplog.at_level(logging.WARNING, logger="sendplan.health"):
        patch.setattr(connections["default"], "cursor", refuse)
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert response["Cache-Control"] == "no-store"
    # The log says what failed, not where the database is.
    [record] = [r for r in caplog.records if r.name == "sendplan.health"]
    assert record.getMessage() == "healthz_database_unavailable"
    assert record.error == "OperationalError"
    assert "db.internal" not in caplog.text


def test_only_get_and_head(client, db):
    # Some load balancers probe with HEAD: same answer, no body.
    head = client.head(reverse("healthz"))
    assert head.status_code == 200
    assert head.content == b""
    assert client.post(reverse("healthz")).status_code == 405
