"""Email channels (sendplan/mail.py): console and smtp through Django's backend as before, and GOV.UK Notify
through its API, here a local fake on a loopback port (tests/fake_notify.py). Each reminder is one request per
recipient with its kind's template and fields; an API error or an unreachable API is logged and that email is
retried on the next run, without sending again to those who got theirs."""

import logging
import socket

import pytest
from django.core import mail

from accounts.invites import officer_invite
from actions.permissions import Role
from governance.models import ReminderLog
from governance.reminders import reminders_send
from sendplan.mail import EmailNotSent, Kind, notify_settings_errors, send
from tests.fake_notify import API_KEY, TEMPLATES, FakeNotify, use_notify
from tests.governance.test_reminders import AFTER_DEADLINE, ALICE, BEFORE_DEADLINE, BOB, SITE, give_emails

pytestmark = pytest.mark.django_db


@pytest.fixture
def notify(settings):
    settings.SENDPLAN_SITE_URL = SITE
    with FakeNotify() as fake:
        use_notify(settings, fake)
        yield fake


def test_one_email_is_one_authorised_request_with_its_kinds_template_and_fields(notify):
    send(Kind.DIGEST, ALICE, {"name": "Alice", "item_count": 2}, "Subject", "Body")
    [request] = notify.requests
    assert request["path"] == "/v2/notifications/email" and request["authorised"]
    assert request["body"] == {
        "email_address": ALICE,
        "template_id": TEMPLATES["digest"],
        "personalisation": {"name": "Alice", "item_count": "2"},  # every value as text
    }
    assert mail.outbox == []  # Notify, not Django's backend


def test_console_and_smtp_channels_send_through_djangos_backend(settings, mailoutbox):
    for channel in ("console", "smtp"):
        settings.SENDPLAN_EMAIL_CHANNEL = channel
        send(Kind.INVITE, ALICE, {"link": "x"}, "Set your password", "Body text", "<p>Body</p>")
    assert [(m.to, m.subject, m.body, m.alternatives[0][0]) for m in mailoutbox] == [
        ([ALICE], "Set your password", "Body text", "<p>Body</p>")
    ] * 2


@pytest.mark.parametrize(("status", "error"), [(500, "Exception"), (400, "BadRequestError"), (403, "AuthError")])
def test_an_api_error_is_email_not_sent_with_notifys_reason(notify, caplog, status, error):
    notify.fail_for(ALICE, status, error)
    with pytest.raises(EmailNotSent, match=f"GOV.UK Notify: {status} - "):
        send(Kind.DIGEST, ALICE, {}, "Subject", "Body")
    [record] = [r for r in caplog.records if r.name == "sendplan.mail"]
    assert record.levelno == logging.WARNING and f"{status}" in record.getMessage()
    assert ALICE not in record.getMessage()  # no personal data in the log


def test_an_api_that_does_not_answer_is_email_not_sent(settings):
    with socket.socket() as closed:  # a port nothing listens on once the socket is closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.SENDPLAN_EMAIL_CHANNEL, settings.NOTIFY_API_KEY = "notify", API_KEY
    settings.NOTIFY_BASE_URL, settings.NOTIFY_TEMPLATES = f"http://127.0.0.1:{port}", dict(TEMPLATES)
    with pytest.raises(EmailNotSent, match="GOV.UK Notify: 503 - Request failed"):
        send(Kind.DIGEST, ALICE, {}, "Subject", "Body")


def test_digests_go_one_request_per_officer_with_the_digest_template_and_fields(world, notify):
    give_emails(world)
    run = reminders_send(today=BEFORE_DEADLINE)
    assert run.sent == {"digest": 2, "escalation": 0}
    assert sorted(email["email_address"] for email in notify.emails) == [ALICE, BOB]
    assert {email["template_id"] for email in notify.emails} == {TEMPLATES["digest"]}
    alices = next(email["personalisation"] for email in notify.emails if email["email_address"] == ALICE)
    assert set(alices) == {"name", "brand_name", "local_area", "date", "item_count", "summary", "details",
                           "my_actions_link"}  # fmt: skip
    assert (alices["name"], alices["date"], alices["item_count"], alices["summary"]) == (
        "Alice Moreno", "10 April 2026", "2 items", "2 updates due"
    )  # fmt: skip
    assert alices["details"].startswith("UPDATES DUE IN THE OPEN REPORTING ROUND (2)")
    assert f"{SITE}/actions/{world.alice_action.pk}/update/" in alices["details"]
    assert alices["my_actions_link"] == f"{SITE}/my-actions/"
    assert "Hello" not in alices["details"]  # the greeting is the template's


def test_escalations_use_their_own_template(world, notify):
    give_emails(world)
    world.area.owners.set([world.head_of_send])
    reminders_send(today=AFTER_DEADLINE)
    [escalation] = [email for email in notify.emails if email["template_id"] == TEMPLATES["escalation"]]
    assert escalation["email_address"] == ALICE
    fields = escalation["personalisation"]
    assert set(fields) == {"name", "brand_name", "local_area", "date", "action_count", "details"}
    assert fields["action_count"] == "4 actions" and fields["details"].startswith("AREA 1. Timeliness of EHC plans")


def test_a_failed_request_is_logged_and_retried_next_run_without_resending_the_others(world, notify, caplog):
    give_emails(world)
    notify.fail_for(BOB, 500)
    first = reminders_send(today=BEFORE_DEADLINE)
    assert (first.sent["digest"], first.failed) == (1, 1)
    assert any(line.startswith(f"Failed digest to Designated Clinical Officer (Bob Hale) <{BOB}>: GOV.UK Notify: 500")
               for line in first.lines)  # fmt: skip
    assert any(r.name == "sendplan.mail" and r.levelno == logging.WARNING for r in caplog.records)
    assert list(ReminderLog.objects.values_list("officer", flat=True)) == [world.head_of_send.pk]

    notify.recover()
    notify.requests.clear()
    retry = reminders_send(today=BEFORE_DEADLINE)
    assert (retry.sent["digest"], retry.already_sent, retry.failed) == (1, 1, 0)
    assert [email["email_address"] for email in notify.emails] == [BOB]  # Alice had hers
    assert ReminderLog.objects.count() == 2


def test_an_invitation_uses_the_invite_template_with_its_link(world, notify):
    officer = world.council_colleague
    officer_invite(officer=officer, email="cara@riverside.example", role=Role.SEND_LEAD, by=world.manager,
                   expected_version=officer.version)  # fmt: skip
    [email] = notify.emails
    assert (email["email_address"], email["template_id"]) == ("cara@riverside.example", TEMPLATES["invite"])
    fields = email["personalisation"]
    assert set(fields) == {"name", "brand_name", "local_area", "post", "organisation", "link", "hours", "username"}
    assert fields["link"].startswith(f"{SITE}/accounts/set-password/")
    assert (fields["post"], fields["organisation"], fields["username"]) == (
        "SEN Casework Manager", "Riverside Council", "cara@riverside.example"
    )  # fmt: skip


def test_an_invitation_notify_refuses_saves_nothing(world, notify):
    officer = world.council_colleague
    notify.fail_for("cara@riverside.example", 400, "BadRequestError")
    with pytest.raises(Exception, match="The invitation could not be sent"):
        officer_invite(officer=officer, email="cara@riverside.example", role=Role.SEND_LEAD, by=world.manager,
                       expected_version=officer.version)  # fmt: skip
    officer.refresh_from_db()
    assert officer.user is None


TEMPLATE_IDS = dict(TEMPLATES)


@pytest.mark.parametrize(
    ("api_key", "templates", "message"),
    [
        ("", TEMPLATE_IDS, "needs NOTIFY_API_KEY"),
        ("not-a-key", TEMPLATE_IDS, "NOTIFY_API_KEY is not a Notify API key"),
        (API_KEY, {**TEMPLATE_IDS, "digest": ""}, "needs NOTIFY_TEMPLATE_DIGEST"),
        (API_KEY, {**TEMPLATE_IDS, "password_reset": "reset"}, "NOTIFY_TEMPLATE_PASSWORD_RESET is not a Notify"),
    ],
)
def test_notify_settings_that_cannot_work_are_named(api_key, templates, message):
    errors = notify_settings_errors(api_key=api_key, templates=templates)
    assert len(errors) == 1 and message in errors[0]


def test_good_notify_settings_have_no_errors():
    assert notify_settings_errors(api_key=API_KEY, templates=TEMPLATE_IDS) == []
