"""Security events on the logger "sendplan.security": each logged once, with the user's id and no username,
password, e-mail or IP address anywhere in the record."""

import logging
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.security_log import log_event
from accounts.sessions import LAST_SEEN_AT
from actions.permissions import Role
from reports.services import report_approve, report_correct, report_create, report_publish, report_submit
from tests.factories import PASSWORD, make_user
from tests.sendplan.test_permission_matrix import FAKE_PDF, rated_and_challenged, staged_upload
from tests.workbook_builders import workbook
from workbooks.services import upload_confirm, upload_stage

ADDRESS = "203.0.113.77"  # the client's address in these tests: it must not reach the log
WRONG = "Wr0ng-Passw0rd!"


@pytest.fixture
def events(caplog):
    """The security records logged during the test, as (event, record) pairs."""
    caplog.set_level(logging.INFO, logger="sendplan.security")

    def read(event=None):
        records = [r for r in caplog.records if r.name == "sendplan.security"]
        return [r for r in records if event is None or r.event == event]

    return read


@pytest.fixture
def client():
    return Client(REMOTE_ADDR=ADDRESS)


def assert_only_the_id(record, *secrets):
    """Nothing personal in the record: not in its message, not in any of its attributes."""
    texts = [record.getMessage(), *(str(value) for value in record.__dict__.values())]
    for secret in [ADDRESS, PASSWORD, WRONG, *secrets]:
        assert not any(secret in text for text in texts), f"{secret!r} is in the {record.event} record"


def one(events, event):
    found = events(event)
    assert len(found) == 1, [r.event for r in events()]
    return found[0]


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_sign_in(client, world, events):
    sign_in(client, "alice")
    record = one(events, "login_succeeded")
    assert (record.levelname, record.getMessage(), record.user_id) == ("INFO", "login_succeeded", world.alice.pk)
    assert_only_the_id(record, "alice", "Alice")


def test_a_failed_sign_in_names_the_account_by_id_and_an_unknown_name_not_at_all(client, world, events):
    sign_in(client, "alice", WRONG)
    sign_in(client, "ghost-of-christmas", WRONG)
    known, unknown = events("login_failed")
    assert (known.user_id, unknown.user_id) == (world.alice.pk, None)
    assert known.locked_out is False
    assert_only_the_id(known, "alice")
    assert_only_the_id(unknown, "ghost-of-christmas")


def test_a_lockout(client, world, events, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", WRONG)
    record = one(events, "locked_out")
    assert (record.levelname, record.user_id) == ("WARNING", world.alice.pk)
    assert_only_the_id(record, "alice")
    assert [r.locked_out for r in events("login_failed")] == [False] * (settings.AXES_FAILURE_LIMIT - 1) + [True]


def test_signing_out(client, world, events):
    sign_in(client, "alice")
    client.post(reverse("logout"))
    record = one(events, "logged_out")
    assert record.user_id == world.alice.pk
    assert_only_the_id(record, "alice")


def test_a_session_that_ran_out_is_logged_as_expired_not_as_a_sign_out(client, world, events):
    sign_in(client, "alice")
    session = client.session
    session[LAST_SEEN_AT] = int(time.time()) - 31 * 60
    session.save()
    client.get(reverse("my-actions"))
    record = one(events, "session_expired")
    assert (record.user_id, record.reason) == (world.alice.pk, "idle")
    assert events("logged_out") == []
    assert_only_the_id(record, "alice")


def test_two_factor_codes(client, world, events, settings):
    settings.SENDPLAN_TWO_FACTOR = True
    device = TOTPDevice.objects.create(user=world.comms, name="Authenticator app", confirmed=True)
    sign_in(client, "colin")
    right = f"{totp(device.bin_key):06d}"
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    client.post(reverse("two-factor-verify"), {"code": wrong})
    failed = one(events, "two_factor_failed")
    assert (failed.levelname, failed.user_id, failed.throttled) == ("WARNING", world.comms.pk, False)
    # The throttle's one-second wait after a wrong code: this test is about the log, not the wait.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    client.post(reverse("two-factor-verify"), {"code": right})
    verified = one(events, "two_factor_verified")
    assert verified.user_id == world.comms.pk
    for record in (failed, verified):
        assert_only_the_id(record, "colin", right, wrong)


def test_setting_up_two_factor(client, world, events, settings):
    settings.SENDPLAN_TWO_FACTOR = True
    sign_in(client, "colin")
    client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=world.comms)
    client.post(reverse("two-factor-setup"), {"code": f"{totp(device.bin_key):06d}"})
    record = one(events, "two_factor_enrolled")
    assert record.user_id == world.comms.pk
    assert_only_the_id(record, "colin", device.key)


def test_a_refused_page(client, world, events):
    client.force_login(world.chair)
    url = reverse("action-update", args=[world.alice_action.pk])
    assert client.get(url).status_code == 403
    record = one(events, "authorisation_refused")
    assert (record.levelname, record.user_id, record.path, record.method) == ("WARNING", world.chair.pk, url, "GET")
    assert_only_the_id(record, "charlie")


def test_an_action_the_lead_does_not_lead_is_logged_but_a_missing_one_is_not(client, world, events):
    client.force_login(world.bob)
    assert client.get(reverse("action-update", args=[999999])).status_code == 404
    assert events("authorisation_refused") == []
    url = reverse("action-update", args=[world.alice_action.pk])
    assert client.get(url).status_code == 403  # bob reads the action, so he is told why he cannot update it
    record = one(events, "authorisation_refused")
    assert (record.user_id, record.path, record.method) == (world.bob.pk, url, "GET")


def test_an_owned_record_outside_the_users_scope(client, kpi_world, events):
    world = kpi_world.world
    client.force_login(world.bob)  # alice owns the timeliness KPI
    assert client.get(reverse("measurement-new", args=[kpi_world.timeliness.pk])).status_code == 404
    record = one(events, "authorisation_refused")
    assert (record.user_id, record.record, record.record_id) == (world.bob.pk, "kpis.Kpi", kpi_world.timeliness.pk)


def test_other_records_outside_the_users_scope(client, board_world, events):
    """Board actions, challenges and another programme manager's staged import answer 404 the same way."""
    world = board_world.world
    challenge = rated_and_challenged(world)
    upload = staged_upload(world)
    client.force_login(world.bob)
    assert client.get(reverse("board-action-edit", args=[board_world.board_action.pk])).status_code == 404
    assert client.get(reverse("challenge-respond", args=[challenge.pk])).status_code == 404
    client.force_login(make_user("another-manager", Role.PROGRAMME_MANAGER, staff=True))
    assert client.post(reverse("workbook-confirm", args=[upload.pk])).status_code == 404
    refused = [(r.record, r.record_id) for r in events("authorisation_refused")]
    assert refused == [
        ("boards.BoardAction", board_world.board_action.pk),
        ("governance.Challenge", challenge.pk),
        ("workbooks.WorkbookUpload", upload.pk),
    ]


def test_publishing_and_correcting_a_report(world, events, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("reports.services.render_pdf", lambda *args, **kwargs: FAKE_PDF)
    report = report_create(plan=world.plan, period=world.closed_period, summary="Summary", by=world.comms)
    report = report_submit(report=report, by=world.comms, expected_version=report.version)
    report = report_approve(report=report, by=world.chair, expected_version=report.version)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_publish(report=report, by=world.comms, expected_version=report.version)
    record = one(events, "report_published")
    assert (record.user_id, record.report_id, record.plan_id, record.version, record.sha256) == (
        world.comms.pk,
        report.pk,
        world.plan.pk,
        1,
        report.pdf_sha256,
    )
    with django_capture_on_commit_callbacks(execute=True):
        correction = report_correct(report=report, note="Action 1.1 was Amber.", by=world.comms)
    record = one(events, "report_corrected")
    assert (record.report_id, record.corrects_report_id, record.version) == (correction.pk, report.pk, 2)
    assert_only_the_id(record, "colin")


def test_an_import_and_a_refused_one(world, events, django_capture_on_commit_callbacks):
    upload = staged_upload(world)
    with django_capture_on_commit_callbacks(execute=True):
        result = upload_confirm(upload=upload, by=world.manager)
    assert result.applied
    record = one(events, "workbook_imported")
    assert (record.user_id, record.upload_id, record.plan_id) == (world.manager.pk, upload.pk, result.plan.pk)
    assert record.records_created == sum(result.created.values()) > 0
    assert record.records_changed == 0

    broken = workbook({"Plan": [["field", "value"], ["title", "No local area"]]}).getvalue()
    staged, preview = upload_stage(filename="broken.xlsx", content=broken, by=world.manager)
    assert not preview.ok
    refused = one(events, "import_refused")
    assert (refused.user_id, refused.upload_id, refused.stage) == (world.manager.pk, staged.pk, "preview")
    assert refused.problems == len(preview.problems)
    assert_only_the_id(refused, "morgan")


def test_personal_data_cannot_be_logged_by_mistake():
    with pytest.raises(ValueError, match="username"):
        log_event("login_failed", user_id=None, username="alice")


def test_a_field_named_like_a_log_record_attribute_is_refused_clearly():
    with pytest.raises(ValueError, match="created"):
        log_event("workbook_imported", user_id=1, created=3)
