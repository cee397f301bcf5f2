"""People who move on (decision 0023): a post is handed over from a date, and everything done before names the
person who held the post then; correcting a misspelt name is a separate action that changes it everywhere."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actions.locking import StaleEditError
from actions.models import (
    Action,
    AreaOfWeakness,
    Officer,
    Organisation,
    Plan,
    PostHolder,
    RagDefinition,
    ReportingPeriod,
)
from actions.selectors import action_page
from actions.services import officer_correct_name, post_hand_over, progress_update_submit
from actions.templatetags.sendplan_tags import officer_then
from reports.content import report_content
from tests.governance.test_dashboard import backdate_setup

pytestmark = pytest.mark.django_db


def moment(day: date):
    return timezone.make_aware(datetime.combine(day, time(12)))


def _update(world, period, *, rag, progress, day, officer):
    """Submit alice's action's update for `period` as given on `day` (the period opened for it)."""
    world.plan.periods.update(status=ReportingPeriod.Status.CLOSED)
    ReportingPeriod.objects.filter(pk=period.pk).update(status=ReportingPeriod.Status.OPEN)
    period.refresh_from_db()
    action = world.alice_action
    action.refresh_from_db()
    progress_update_submit(
        action=action,
        period=period,
        rag=rag,
        progress=progress,
        impact="Families wait less.",
        by=officer.user or world.manager,
        expected_version=action.version,
        submitted_at=moment(day),
        officer=officer,
    )


@pytest.fixture
def handed_over(world):
    """Alice Moreno gave the autumn update as Head of SEND; Dev Patel took the post over on 5 January 2026 and gave
    the spring one."""
    backdate_setup(Action, AreaOfWeakness, ReportingPeriod, Plan, Officer, Organisation, RagDefinition)
    post = world.head_of_send
    _update(world, world.closed_period, rag="amber", progress="Autumn work.", day=date(2025, 11, 10), officer=post)
    post.refresh_from_db()
    post_hand_over(
        officer=post,
        person_name="Dev Patel",
        email="dev.patel@riverside.example",
        started_on=date(2026, 1, 5),
        by=world.manager,
        expected_version=post.version,
    )
    post.refresh_from_db()
    _update(world, world.period, rag="green", progress="Spring work.", day=date(2026, 2, 2), officer=post)
    post.refresh_from_db()
    return post


def _authors(world) -> dict[str, str]:
    page = action_page(world.alice_action)
    return {u.period.name: page_author(u) for u in page.updates}


def page_author(update) -> str:
    return officer_then(update, "submitted_by_officer")


def test_a_handover_keeps_past_updates_with_the_person_who_gave_them(world, handed_over):
    assert handed_over.person_name == "Dev Patel"  # the post names its current holder: emails go to them
    assert handed_over.email == "dev.patel@riverside.example"
    assert handed_over.user is None  # alice's account no longer acts for the post
    assert _authors(world) == {
        "Autumn 2025": "Head of SEND (Alice Moreno)",
        "Spring 2026": "Head of SEND (Dev Patel)",
    }
    holders = list(PostHolder.objects.filter(officer=handed_over).values_list("person_name", "started_on"))
    assert holders[-1] == ("Dev Patel", date(2026, 1, 5))
    assert holders[0][0] == "Alice Moreno" and holders[0][1] <= date(2025, 11, 10)
    record = handed_over.history.first()
    assert record.history_change_reason == "Handed over to Dev Patel from 5 January 2026"
    assert record.history_user == world.manager


def test_the_action_page_shows_who_gave_each_update_then(world, handed_over, client):
    client.force_login(world.manager)
    html = client.get(world.alice_action.get_absolute_url()).content.decode()
    assert "Head of SEND (Alice Moreno)" in html
    assert "Head of SEND (Dev Patel)" in html


def _leads(content) -> set[str]:
    return {lead for area in content.areas for group in area.groups for line in group.lines for lead in line.leads}


def test_a_report_rebuilt_as_at_the_old_term_names_the_old_holder(world, handed_over):
    autumn = world.plan.periods.get(name="Autumn 2025")
    spring = world.plan.periods.get(name="Spring 2026")
    then = report_content(world.plan, autumn, as_at=moment(date(2025, 12, 31)))
    assert "Head of SEND (Alice Moreno)" in _leads(then)
    assert "Head of SEND (Dev Patel)" not in _leads(then)
    # The handover was recorded after the spring term (today) but dates from 5 January: the post's own history
    # still said Alice at the end of April, the holders say Dev.
    spring_report = report_content(world.plan, spring, as_at=moment(date(2026, 4, 30)))
    assert "Head of SEND (Dev Patel)" in _leads(spring_report)
    assert "Head of SEND (Alice Moreno)" not in _leads(spring_report)


def test_correcting_a_name_changes_it_everywhere_and_is_recorded_as_a_correction(world, handed_over):
    alice = PostHolder.objects.get(officer=handed_over, person_name="Alice Moreno")
    officer_correct_name(
        officer=handed_over,
        holder=alice,
        person_name="Alicia Moreno",
        by=world.manager,
        expected_version=handed_over.version,
    )
    assert _authors(world)["Autumn 2025"] == "Head of SEND (Alicia Moreno)"
    autumn = world.plan.periods.get(name="Autumn 2025")
    assert "Head of SEND (Alicia Moreno)" in _leads(
        report_content(world.plan, autumn, as_at=moment(date(2025, 12, 31)))
    )
    handed_over.refresh_from_db()
    assert handed_over.person_name == "Dev Patel"  # a past holder's name is not the post's current one
    assert alice.history.first().history_change_reason == "Name corrected from Alice Moreno"

    officer_correct_name(
        officer=handed_over, person_name="Dev Patell", by=world.manager, expected_version=handed_over.version
    )
    handed_over.refresh_from_db()
    assert handed_over.person_name == "Dev Patell"  # the current holder's correction is the post's name too
    assert _authors(world)["Spring 2026"] == "Head of SEND (Dev Patell)"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"person_name": "  "}, "person_name"),
        ({"started_on": date(2025, 1, 1)}, "started_on"),  # before the current holder took over
        ({"started_on": date(2099, 1, 1)}, "started_on"),
        ({"email": "not an email"}, "email"),
    ],
)
def test_a_handover_that_cannot_be_right_is_refused_and_changes_nothing(world, handed_over, changes, field):
    given = {"person_name": "Eve Stone", "email": "", "started_on": date(2026, 3, 1), **changes}
    with pytest.raises(ValidationError) as refused:
        post_hand_over(officer=handed_over, by=world.manager, expected_version=handed_over.version, **given)
    assert field in refused.value.message_dict
    assert PostHolder.objects.filter(officer=handed_over).count() == 2
    handed_over.refresh_from_db()
    assert handed_over.person_name == "Dev Patel"


def test_a_stale_handover_or_correction_is_refused(world, handed_over):
    stale = handed_over.version - 1
    with pytest.raises(StaleEditError):
        post_hand_over(
            officer=handed_over,
            person_name="Eve Stone",
            started_on=date(2026, 3, 1),
            by=world.manager,
            expected_version=stale,
        )
    with pytest.raises(StaleEditError):
        officer_correct_name(officer=handed_over, person_name="Dev Patil", by=world.manager, expected_version=stale)
    assert list(PostHolder.objects.filter(officer=handed_over).values_list("person_name", flat=True)) == [
        "Alice Moreno",
        "Dev Patel",
    ]


def test_a_challenge_raised_before_a_handover_names_the_person_who_raised_it(world):
    from governance.selectors import challenges_for
    from governance.services import challenge_raise

    post = world.dco
    _update(world, world.closed_period, rag="amber", progress="Autumn work.", day=date(2025, 11, 10), officer=post)
    challenge_raise(
        action=world.alice_action,
        text="Where is the evidence?",
        by=world.bob,
        officer=post,
        at=moment(date(2025, 12, 1)),
    )
    post.refresh_from_db()
    post_hand_over(
        officer=post,
        person_name="Zara Quinn",
        started_on=date(2026, 1, 5),
        by=world.manager,
        expected_version=post.version,
    )
    challenge_raise(action=world.alice_action, text="Still no evidence.", by=world.manager, officer=post)
    raisers = [officer_then(c, "raised_by_officer") for c in reversed(challenges_for(world.alice_action))]
    assert raisers == ["Designated Clinical Officer (Bob Hale)", "Designated Clinical Officer (Zara Quinn)"]
