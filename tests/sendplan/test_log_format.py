"""LOG_FORMAT=json: each log line one JSON object with the same fields as the key=value line (sendplan/log_format.py),
gunicorn's access and own lines included (sendplan/gunicorn.conf.py); whatever a value holds, a record stays one
line of valid JSON."""

import calendar
import importlib.util
import json
import logging
import sys
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sendplan.log_format import JsonFormatter, KeyValueFormatter, log_format_from_env


def record(**fields):
    # 10 July 2025, 14:02:11.250 UTC: 15:02 in London, so a local-time formatter would show itself.
    created = calendar.timegm((2025, 7, 10, 14, 2, 11)) + 0.25
    base = {"name": "sendplan.security", "levelno": logging.INFO, "levelname": "INFO", "msg": "login_failed"}
    made = logging.makeLogRecord({**base, **fields})
    made.created, made.msecs = created, 250.0
    return made


def key_value_fields(line: str) -> dict:
    """A key=value line read back: the time first, then name=value pairs, a quoted value being a JSON string."""
    time_text, rest = line.split(" ", 1)
    fields = {"time": time_text}
    decoder = json.JSONDecoder()
    while rest:
        key, rest = rest.split("=", 1)
        if rest.startswith('"'):
            value, end = decoder.raw_decode(rest)
        else:
            end = rest.find(" ") if " " in rest else len(rest)
            value = rest[:end]
        fields[key] = value
        rest = rest[end:].lstrip(" ")
    return fields


def one_json_line(line: str) -> dict:
    assert len(line.splitlines()) == 1, line
    return json.loads(line)


def test_a_record_has_the_same_fields_both_ways():
    made = record(request_id="abc123", user_id=7, reason="bad password", ratio=0.5)
    as_json = one_json_line(JsonFormatter().format(made))
    as_key_value = key_value_fields(KeyValueFormatter().format(made))
    assert (
        list(as_json)
        == list(as_key_value)
        == [
            "time",
            "level",
            "logger",
            "request_id",
            "message",
            "ratio",
            "reason",
            "user_id",
        ]
    )
    assert {key: str(value) for key, value in as_json.items()} == as_key_value
    assert as_json == {
        "time": "2025-07-10T14:02:11.250Z",
        "level": "INFO",
        "logger": "sendplan.security",
        "request_id": "abc123",
        "message": "login_failed",
        "ratio": 0.5,
        "reason": "bad password",
        # Numbers stay numbers in JSON, for a platform to sum and compare.
        "user_id": 7,
    }


@pytest.mark.parametrize(
    "message",
    [
        'x" level=ERROR\nforged line',
        "carriage\rreturn and tab\t and nul\x00",
        "unicode line breaks\u2028and\u2029and\x85here",
        "emoji 🙂 and Welsh ŵ",
        '{"level": "ERROR"}',
        "back\\slash",
        "",
    ],
)
def test_special_characters_make_one_line_of_valid_json_holding_the_message(message):
    made = record(msg=message, request_id="r1", note=message)
    as_json = one_json_line(JsonFormatter().format(made))
    assert as_json["message"] == message and as_json["note"] == message
    assert as_json["level"] == "INFO"
    # The key=value line reads back to the same values too.
    key_value = KeyValueFormatter().format(made)
    assert len(key_value.splitlines()) == 1
    assert key_value_fields(key_value)["message"] == message


def test_values_json_cannot_hold_as_they_are_are_written_as_their_text():
    made = record(request_id="r1", not_a_number=float("nan"), infinite=float("inf"), flag=True, thing=object)
    as_json = one_json_line(JsonFormatter().format(made))
    assert as_json["not_a_number"] == "nan" and as_json["infinite"] == "inf"
    assert as_json["flag"] == "True"
    assert as_json["thing"] == "<class 'object'>"


def test_an_exception_and_a_stack_stay_inside_the_object():
    try:
        raise RuntimeError('boom "quoted"\nsecond line')
    except RuntimeError:
        made = record(request=object(), status_code=500, exc_info=sys.exc_info(), request_id="r2", stack_info="Stack:")
    as_json = one_json_line(JsonFormatter().format(made))
    assert as_json["exception"].startswith("Traceback (most recent call last):")
    assert as_json["exception"].endswith('RuntimeError: boom "quoted"\nsecond line')
    assert as_json["stack"] == "Stack:"
    # Django's request object is left out, as from the key=value line, whose traceback follows on the next lines.
    assert "request" not in as_json and as_json["status_code"] == 500
    first, *rest = KeyValueFormatter().format(made).splitlines()
    assert set(key_value_fields(first)) == set(as_json) - {"exception", "stack"}
    assert rest[0] == "Traceback (most recent call last):"


def test_an_extra_cannot_replace_a_fixed_field():
    made = record(request_id="r3", level="DEBUG", time="yesterday", exception="none")
    as_json = one_json_line(JsonFormatter().format(made))
    assert as_json["level"] == "INFO" and as_json["time"] == "2025-07-10T14:02:11.250Z"
    assert as_json["extra_level"] == "DEBUG" and as_json["extra_time"] == "yesterday"
    assert as_json["extra_exception"] == "none" and "exception" not in as_json
    assert list(key_value_fields(KeyValueFormatter().format(made))) == list(as_json)


@pytest.mark.parametrize(("raw", "expected"), [(None, "keyvalue"), ("", "keyvalue"), ("JSON ", "json")])
def test_log_format_comes_from_the_environment(monkeypatch, raw, expected):
    if raw is None:
        monkeypatch.delenv("LOG_FORMAT", raising=False)
    else:
        monkeypatch.setenv("LOG_FORMAT", raw)
    assert log_format_from_env() == expected


def test_an_unknown_log_format_is_refused(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT must be keyvalue or json, not 'xml'"):
        log_format_from_env()


def test_the_settings_name_a_formatter_for_either_format():
    formatters = settings.LOGGING["formatters"]
    assert formatters["keyvalue"]["()"] == "sendplan.log_format.KeyValueFormatter"
    assert formatters["json"]["()"] == "sendplan.log_format.JsonFormatter"
    assert settings.LOGGING["handlers"]["console"]["formatter"] == settings.LOG_FORMAT


# --- gunicorn ------------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _gunicorn_handlers_removed():
    """gunicorn's loggers are process-wide: the handlers a test gave them (on its captured output) go with it."""
    yield
    for name in ("gunicorn.error", "gunicorn.access"):
        logging.getLogger(name).handlers.clear()


def gunicorn_logger(monkeypatch, log_format: str):
    """sendplan/gunicorn.conf.py's logger class, its module loaded with LOG_FORMAT set, logging to stdout."""
    from gunicorn.config import Config

    monkeypatch.setenv("LOG_FORMAT", log_format)
    spec = importlib.util.spec_from_file_location(
        "sendplan_gunicorn_conf", settings.BASE_DIR / "sendplan/gunicorn.conf.py"
    )
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    config = Config()
    config.set("accesslog", conf.accesslog)
    config.set("errorlog", conf.errorlog)
    return conf.logger_class(config)


def access(logger, path: str) -> None:
    response = SimpleNamespace(
        status="404 Not Found", headers=[("X-Request-ID", "req-1"), ("Content-Type", "text/html")]
    )
    request = SimpleNamespace(headers=[("HOST", "send.example.gov.uk")])
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/x",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": path,
        "REMOTE_ADDR": "203.0.113.9",
    }
    logger.access(response, request, environ, timedelta(milliseconds=84))


def test_gunicorn_access_lines_have_the_same_fields_both_ways(monkeypatch, capsys):
    path = '/no"such\npage/ü'
    access(gunicorn_logger(monkeypatch, "keyvalue"), path)
    key_value_line = capsys.readouterr().out
    access(gunicorn_logger(monkeypatch, "json"), path)
    json_text = capsys.readouterr().out
    assert key_value_line.count("\n") == json_text.count("\n") == 1
    as_json = json.loads(json_text)
    as_key_value = key_value_fields(key_value_line.rstrip("\n"))
    assert list(as_key_value) == list(as_json)
    # The two lines were written a moment apart: all but the time alike.
    assert as_key_value | {"time": "T"} == {key: str(value) for key, value in as_json.items()} | {"time": "T"}
    assert as_json | {"time": "T"} == {
        "time": "T",
        "level": "INFO",
        "logger": "gunicorn.access",
        "request_id": "req-1",
        "method": "GET",
        "path": path,
        "status": 404,
        "duration_ms": 84,
    }
    assert as_json["time"].endswith("Z")
    # No address is logged, in either format.
    assert "203.0.113.9" not in key_value_line + json_text


def test_gunicorn_own_lines_follow_the_format(monkeypatch, capsys):
    # gunicorn writes its own lines to standard error, its access lines to standard output.
    gunicorn_logger(monkeypatch, "json").info("Listening at: %s", "http://127.0.0.1:8000")
    as_json = json.loads(capsys.readouterr().err)
    assert as_json["logger"] == "gunicorn.error" and as_json["message"] == "Listening at: http://127.0.0.1:8000"
    gunicorn_logger(monkeypatch, "keyvalue").warning("Worker timeout")
    line = capsys.readouterr().err
    assert key_value_fields(line.rstrip("\n"))["message"] == "Worker timeout"
    assert " level=WARNING logger=gunicorn.error request_id=- " in line
