"""Reminder emails: each officer's daily digest, escalations to area owners after a round's deadline, one of each
per officer per day, dry runs, failed sends retried, and the `send_reminders` command."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from actions.models import Action, ProgressUpdate
from boards.models import Board, BoardAction, Meeting
from governance.models import Challenge, ReminderLog
from governance.reminders import reminders_due, reminders_send
from kpis.models import Kpi, Milestone
from kpis.services import measurement_record, milestone_assess
from risks.models import Risk
from tests import factories

# The world's open round (Spring 2026) wants updates by 15 April 2026.
BEFORE_DEADLINE = date(2026, 4, 10)
AFTER_DEADLINE = date(2026, 4, 16)
ALICE = "alice@riverside.example"
BOB = "bob@riverside.example"
SITE = "https://send.riverside.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SENDPLAN_SITE_URL = SITE


def give_emails(world):
    for officer, address in [(world.head_of_send, ALICE), (world.dco, BOB)]:
        officer.email = address
        officer.save()


def update(world, action, rag="amber"):
    return ProgressUpdate.objects.create(action=action, period=world.period, rag=rag, progress="Going to plan")


def digest_for(officer, today=BEFORE_DEADLINE):
    return next((d for d in reminders_due(today).digests if d.officer == officer), None)


def mail_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def html_of(message) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def board_action(owner, due, status=BoardAction.Status.OPEN):
    board = Board.objects.get_or_create(name="SEND Improvement Board", defaults={"kind": Board.Kind.IMPROVEMENT})[0]
    meeting = Meeting.objects.get_or_create(board=board, date=date(2026, 3, 2))[0]
    return BoardAction.objects.create(
        meeting=meeting,
        text="Bring the EHCP timeliness recovery plan to the next board",
        owner=owner,
        due_date=due,
        status=status,
        completed_on=due if status == BoardAction.Status.DONE else None,
    )


def challenge(action, status=Challenge.Status.OPEN):
    extra = {"resolution": Challenge.Resolution.EXPLAINED, "response": "Evidence added"} if status != "open" else {}
    return Challenge.objects.create(
        action=action, challenged_rag="green", text="The 20-week figure fell again.", status=status, **extra
    )


# --- what each digest holds ----------------------------------------------------------------------------------------


def test_updates_due_lists_open_actions_without_an_update_in_the_open_round(world):
    alice = digest_for(world.head_of_send)
    assert [(i.action.ref, i.period, i.deadline, i.late) for i in alice.updates_due] == [
        ("1.1", world.period, date(2026, 4, 15), False),
        ("1.3", world.period, date(2026, 4, 15), False),
    ]
    update(world, world.alice_action)
    world.shared_action.status, world.shared_action.completed_on = Action.Status.COMPLETED, date(2026, 4, 1)
    world.shared_action.save()
    assert digest_for(world.head_of_send) is None
    assert [i.action.ref for i in digest_for(world.dco).updates_due] == ["1.2"]
    # An update in the closed round does not count for the open one; a plan with no open round asks for nothing.
    ProgressUpdate.objects.create(action=world.bob_action, period=world.closed_period, rag="amber")
    assert [i.action.ref for i in digest_for(world.dco).updates_due] == ["1.2"]
    world.period.status = "closed"
    world.period.save()
    assert reminders_due(BEFORE_DEADLINE).digests == []


def test_overdue_actions_use_the_revised_due_date_and_the_given_day(world):
    update(world, world.alice_action)
    world.alice_action.due_date = date(2026, 4, 1)
    world.alice_action.save()
    assert [a.ref for a in digest_for(world.head_of_send).overdue_actions] == ["1.1"]
    assert digest_for(world.head_of_send, today=date(2026, 4, 1)).overdue_actions == []
    world.alice_action.revised_due_date, world.alice_action.revised_due_reason = date(2026, 6, 30), "Staff changes"
    world.alice_action.save()
    assert digest_for(world.head_of_send).overdue_actions == []
    assert [a.ref for a in digest_for(world.head_of_send, today=date(2026, 7, 1)).overdue_actions] == ["1.1"]


def test_open_challenges_go_to_every_lead_of_the_action(world):
    raised = challenge(world.shared_action)
    challenge(world.bob_action, status=Challenge.Status.RESOLVED)
    assert digest_for(world.head_of_send).challenges == [raised]
    assert digest_for(world.dco).challenges == [raised]
    assert digest_for(world.council_colleague).challenges == []


def test_kpi_commentary_is_asked_of_the_owner_until_written(kpi_world):
    world = kpi_world.world
    assert digest_for(world.head_of_send).commentary_due == []
    for day, value in [(date(2025, 11, 30), "41"), (date(2025, 12, 31), "34")]:
        measurement_record(
            kpi=kpi_world.timeliness, period_date=day, value=Decimal(value), status="actual", by=world.alice
        )
    due = digest_for(world.head_of_send).commentary_due
    assert [(d.row.kpi.ref, d.milestone.months) for d in due] == [("1.K1", 6)]
    assert digest_for(world.dco).commentary_due == []
    six = kpi_world.timeliness.milestones.get(months=6)
    milestone_assess(
        milestone=six,
        rag=six.rag,
        override_reason="",
        commentary="Agency cover from March.",
        by=world.alice,
        expected_version=six.version,
    )
    assert digest_for(world.head_of_send).commentary_due == []


def test_overdue_risk_reviews_go_to_the_owner(risk_world):
    world = risk_world.world
    # R1 (alice) was last reviewed on 10 December 2025, every 30 days; R2 (bob) is not due for a month.
    assert [r.ref for r in digest_for(world.head_of_send).overdue_reviews] == ["R1"]
    assert digest_for(world.head_of_send, today=date(2026, 1, 9)).overdue_reviews == []
    assert digest_for(world.dco).overdue_reviews == []


def test_overdue_board_actions_go_to_their_owner(world):
    late = board_action(world.dco, date(2026, 4, 1))
    board_action(world.dco, date(2026, 4, 30))
    board_action(world.dco, date(2026, 3, 1), status=BoardAction.Status.DONE)
    assert digest_for(world.dco).overdue_board_actions == [late]
    assert digest_for(world.head_of_send).overdue_board_actions == []


def test_officers_with_nothing_due_get_no_digest(world):
    idle = factories.make_officer("Head of Inclusion", "Ivy Lam", world.council, email="ivy@riverside.example")
    due = reminders_due(BEFORE_DEADLINE)
    assert idle not in [d.officer for d in due.digests]
    assert due.nothing_due == [idle]


# --- the emails ----------------------------------------------------------------------------------------------------


def test_one_digest_per_officer_with_every_section_and_absolute_links(risk_world, mailoutbox):
    world = risk_world.world
    give_emails(world)
    world.alice_action.due_date = date(2026, 4, 1)
    world.alice_action.save()
    raised = challenge(world.alice_action)
    Milestone.objects.create(
        kpi=Kpi.objects.create(
            plan=world.plan,
            ref="SC9",
            measure="Joint commissioning strategy agreed",
            category="how_much",
            unit="descriptive",
            owner=world.head_of_send,
        ),
        months=6,
        due_date=date(2026, 3, 1),
        rag="red",
    )
    late = board_action(world.head_of_send, date(2026, 4, 1))

    run = reminders_send(today=BEFORE_DEADLINE)

    assert sorted(m.to[0] for m in mailoutbox) == [ALICE, BOB]
    [message] = mail_to(ALICE)
    assert message.subject == "SEND improvement plan: 7 items waiting for you"
    assert message.from_email == "sendplan <noreply@localhost>"
    for heading in [
        "UPDATES DUE IN THE OPEN REPORTING ROUND (2)",
        "OVERDUE ACTIONS (1)",
        "CHALLENGES TO YOUR RATINGS AWAITING YOUR RESPONSE (1)",
        "KPI MILESTONES AWAITING YOUR COMMENTARY (1)",
        "RISK REVIEWS OVERDUE (1)",
        "OVERDUE BOARD ACTIONS (1)",
    ]:
        assert heading in message.body
    kpi = Kpi.objects.get(ref="SC9")
    for path in [
        reverse("action-update", args=[world.alice_action.pk]),
        reverse("action-detail", args=[world.alice_action.pk]),
        reverse("challenge-detail", args=[raised.pk]),
        reverse("kpi-detail", args=[kpi.pk]),
        reverse("risk-detail", args=[risk_world.schools.pk]),
        reverse("my-actions"),
    ]:
        assert f"{SITE}{path}" in message.body
        assert f'href="{SITE}{path}"' in html_of(message)
    assert "due by 15 April 2026" in message.body
    assert late.text in message.body
    # Bob's digest holds only his updates: no empty sections.
    [bobs] = mail_to(BOB)
    assert "UPDATES DUE IN THE OPEN REPORTING ROUND (2)" in bobs.body
    assert "OVERDUE" not in bobs.body and "CHALLENGES" not in bobs.body and "<h2" in html_of(bobs)
    assert (
        f"Sent digest to Head of SEND (Alice Moreno) <{ALICE}>: 2 updates due, 1 overdue action, 1 open challenge, "
        "1 KPI commentary, 1 overdue risk review, 1 overdue board action"
    ) in run.lines
    assert [(log.officer, log.kind, log.sent_on, log.item_count) for log in ReminderLog.objects.order_by("pk")] == [
        (world.dco, "digest", BEFORE_DEADLINE, 2),
        (world.head_of_send, "digest", BEFORE_DEADLINE, 7),
    ]


def test_running_twice_the_same_day_sends_nothing_new_and_the_next_day_sends_again(world, mailoutbox):
    give_emails(world)
    assert reminders_send(today=BEFORE_DEADLINE).sent == {"digest": 2, "escalation": 0}
    again = reminders_send(today=BEFORE_DEADLINE)
    assert len(mailoutbox) == 2
    assert (again.sent, again.already_sent) == ({"digest": 0, "escalation": 0}, 2)
    assert f"Skipped digest to Head of SEND (Alice Moreno) <{ALICE}>: already sent today" in again.lines
    reminders_send(today=BEFORE_DEADLINE + timedelta(days=1))
    assert len(mailoutbox) == 4


def test_escalation_after_the_deadline_goes_only_to_area_owners(world, mailoutbox):
    give_emails(world)
    director = factories.make_officer(
        "Director of Children's Services", "Dev Shah", world.council, email="dev@r.example"
    )
    world.area.owners.add(director)
    other_area = factories.make_area(world.plan, "2", "Preparing for adulthood")
    factories.make_action(other_area, "2.1", [world.dco])
    update(world, world.alice_action)

    on_deadline = reminders_send(today=date(2026, 4, 15))
    assert on_deadline.sent["escalation"] == 0 and mail_to("dev@r.example") == []

    run = reminders_send(today=AFTER_DEADLINE)
    assert run.sent == {"digest": 2, "escalation": 1}
    [message] = mail_to("dev@r.example")
    assert message.subject == "SEND improvement plan: 3 actions in your areas still without an update"
    body = message.body
    assert "AREA 1. Timeliness of EHC plans" in body and "Spring 2026 updates were due by 15 April 2026" in body
    assert "- 1.2 " in body and "- 1.3 " in body and "- 1.4 " in body
    assert "- 1.1 " not in body and "- 2.1 " not in body  # updated; in an area the director does not own
    assert "Led by: Designated Clinical Officer (Bob Hale); Head of SEND (Alice Moreno)" in body
    assert f"{SITE}{reverse('action-detail', args=[world.bob_action.pk])}" in body
    assert (
        "Sent escalation to Director of Children's Services (Dev Shah) <dev@r.example>: 3 actions without an update"
    ) in run.lines
    assert ReminderLog.objects.filter(kind="escalation").get().officer == director
    # Digests after the deadline say it has passed.
    assert "was due by 15 April 2026: the deadline has passed" in mail_to(BOB)[-1].body


def test_dry_run_sends_and_logs_nothing(world, mailoutbox):
    give_emails(world)
    world.area.owners.add(world.head_of_send)
    run = reminders_send(today=AFTER_DEADLINE, dry_run=True)
    assert mailoutbox == [] and not ReminderLog.objects.exists()
    assert run.sent == {"digest": 2, "escalation": 1}
    assert f"Would send escalation to Head of SEND (Alice Moreno) <{ALICE}>: 4 actions without an update" in run.lines
    assert run.summary.startswith("Dry run: would send 2 digests and 1 escalation;")


class FailsForBob(EmailBackend):
    def send_messages(self, messages):
        if any(BOB in message.to for message in messages):
            raise ConnectionRefusedError("mail server refused the connection")
        return super().send_messages(messages)


def test_a_failed_send_leaves_no_log_row_and_a_rerun_retries_it(world, mailoutbox, settings):
    give_emails(world)
    settings.EMAIL_BACKEND = "tests.governance.test_reminders.FailsForBob"
    run = reminders_send(today=BEFORE_DEADLINE)
    assert (run.sent["digest"], run.failed) == (1, 1)
    assert f"Failed digest to Designated Clinical Officer (Bob Hale) <{BOB}>: mail server refused the connection" in (
        run.lines
    )
    assert list(ReminderLog.objects.values_list("officer", flat=True)) == [world.head_of_send.pk]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    retry = reminders_send(today=BEFORE_DEADLINE)
    assert (retry.sent["digest"], retry.already_sent, retry.failed) == (1, 1, 0)
    assert [m.to for m in mailoutbox] == [[ALICE], [BOB]]
    assert ReminderLog.objects.count() == 2


# --- the command ---------------------------------------------------------------------------------------------------


def send_reminders(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_command_prints_a_line_per_email_and_a_summary(world, mailoutbox):
    give_emails(world)
    factories.make_officer("Head of Inclusion", "Ivy Lam", world.council)
    output = send_reminders("--date", "2026-04-10")
    assert output.splitlines() == [
        f"Sent digest to Designated Clinical Officer (Bob Hale) <{BOB}>: 2 updates due",
        f"Sent digest to Head of SEND (Alice Moreno) <{ALICE}>: 2 updates due",
        "Not sent digest to SEN Casework Manager (Cara Dune) (1 update due): no email address",
        "Sent 2 digests and 0 escalations; 1 officer had nothing due; "
        "1 officer has no email address: SEN Casework Manager (Cara Dune)",
    ]
    assert len(mailoutbox) == 2
    assert send_reminders("--date", "2026-04-10").splitlines()[-1] == (
        "Sent 0 digests and 0 escalations; 2 emails already sent today; 1 officer had nothing due; "
        "1 officer has no email address: SEN Casework Manager (Cara Dune)"
    )


def test_command_dry_run_and_failures(world, mailoutbox, settings):
    give_emails(world)
    assert (
        send_reminders("--dry-run", "--date", "2026-04-10")
        .splitlines()[-1]
        .startswith("Dry run: would send 2 digests and 0 escalations;")
    )
    assert mailoutbox == [] and not ReminderLog.objects.exists()
    settings.EMAIL_BACKEND = "tests.governance.test_reminders.FailsForBob"
    out = StringIO()
    # A failed email makes the command fail (exit status 1 from manage.py), after it has sent the others.
    with pytest.raises(CommandError, match="1 email\\(s\\) could not be sent"):
        call_command("send_reminders", "--date", "2026-04-10", stdout=out)
    assert "Sent 1 digest and 0 escalations; 1 email failed (run again to retry)" in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "10/04/2026")


# --- query budget --------------------------------------------------------------------------------------------------


def busy_officers(world, count: int) -> None:
    """`count` officers, each with something in every section of the digest and owning the area (escalation)."""
    board = Board.objects.create(name="SEND Improvement Board", kind=Board.Kind.IMPROVEMENT)
    meeting = Meeting.objects.create(board=board, date=date(2026, 3, 2))
    for i in range(count):
        officer = factories.make_officer(f"Lead {i}", f"Person {i}", world.council, email=f"lead{i}@r.example")
        world.area.owners.add(officer)
        action = factories.make_action(world.area, f"9.{i}", [officer], due_date=date(2026, 1, 31))
        challenge(action)
        kpi = Kpi.objects.create(
            plan=world.plan,
            ref=f"K{i}",
            measure="Strategy agreed",
            category="how_much",
            unit="descriptive",
            owner=officer,
        )
        Milestone.objects.create(kpi=kpi, months=3, due_date=date(2025, 12, 1), rag="red")
        Risk.objects.create(
            plan=world.plan,
            ref=f"R{i}",
            risk="If ..., then ...",
            owner=officer,
            severity="high",
            next_review=date(2026, 3, 1),
        )
        BoardAction.objects.create(meeting=meeting, text="Report back", owner=officer, due_date=date(2026, 3, 31))


@pytest.mark.parametrize("count", [3, 30])
def test_building_every_digest_costs_the_same_queries_for_3_officers_or_30(world, count, django_assert_num_queries):
    busy_officers(world, count)
    # 1 officers; 3 actions needing an update or overdue, their leads, their areas' owners; 1 open rounds;
    # 2 open challenges, their actions' leads; 3 KPIs, milestones, measurements; 1 overdue risk reviews;
    # 1 overdue board actions; 1 termly reports waiting (none here; when some wait, 1 more: the officers who may act).
    with django_assert_num_queries(13):
        due = reminders_due(AFTER_DEADLINE)
    busy = [d for d in due.digests if d.officer.post_title.startswith("Lead ")]
    assert len(busy) == count
    assert {len(d.counts()) for d in busy} == {6}
    assert [e.item_count for e in due.escalations] == [count + 4] * count
