"""Every response and every log line of a request carry the same request id; the log format is UTC key=value."""

import calendar
import logging
import re
import sys

import pytest

from sendplan.log_format import KeyValueFormatter
from sendplan.request_id import NO_REQUEST, request_id_from

GENERATED = re.compile(r"[0-9a-f]{32}")


def test_each_response_gets_its_own_generated_id(client, db):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second)
    assert first != second


def test_an_id_from_the_load_balancer_is_kept(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.Z_01")
    assert response["X-Request-ID"] == "lb-7f3a.Z_01"


@pytest.mark.parametrize(
    "incoming",
    ["", "has space", "a" * 65, "<script>alert(1)</script>", "id\nlevel=ERROR", "id;drop", "ünïcode"],
)
def test_an_unsafe_incoming_id_is_replaced(incoming):
    replaced = request_id_from(incoming)
    assert GENERATED.fullmatch(replaced)


def test_the_longest_safe_id_is_kept():
    assert request_id_from("a" * 64) == "a" * 64


def test_log_records_of_a_request_carry_its_id(client, db, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Not Found: /no-such-page/"
    assert record.request_id == response["X-Request-ID"]
    assert f"request_id={response['X-Request-ID']} " in KeyValueFormatter().format(record)


def test_log_records_outside_a_request_say_so(caplog):
    caplog.set_level(logging.INFO, logger="sendplan.test")
    logging.getLogger("sendplan.test").info("started")
    [record] = caplog.records
    assert record.request_id == NO_REQUEST


def record(**fields):
    # 10 July 2025, 14:02:11.250 UTC: 15:02 in London, so a local-time formatter would show itself.
    created = calendar.timegm((2025, 7, 10, 14, 2, 11)) + 0.25
    base = {"name": "sendplan.security", "levelno": logging.INFO, "levelname": "INFO", "msg": "login_failed"}
    made = logging.makeLogRecord({**base, **fields})
    made.created, made.msecs = created, 250.0
    return made


def test_a_line_has_utc_time_level_logger_request_id_message_and_the_extra_fields():
    line = KeyValueFormatter().format(record(request_id="abc123", user_id=7, reason="bad password"))
    assert line == (
        "2025-07-10T14:02:11.250Z level=INFO logger=sendplan.security request_id=abc123 "
        'message=login_failed reason="bad password" user_id=7'
    )


def test_values_cannot_forge_fields_or_lines():
    line = KeyValueFormatter().format(record(msg='x" level=ERROR\nforged line', request_id="r1"))
    assert "\n" not in line
    assert line.endswith('message="x\\" level=ERROR\\nforged line"')


def test_django_request_objects_are_left_out_and_tracebacks_follow_the_line():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        made = record(request=object(), status_code=500, exc_info=sys.exc_info(), request_id="r2")
    first, *rest = KeyValueFormatter().format(made).splitlines()
    assert first.endswith("message=login_failed status_code=500")
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "RuntimeError: boom"
