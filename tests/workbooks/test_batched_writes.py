"""The import's actions and updates are checked one by one and written together (workbooks/batch.py, issue 18): the
same history a save would write, a change made in the app meanwhile never overwritten, and queries that do not
grow with the file."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.as_at import leads_as_at, rows_as_at
from actions.models import Action, ProgressUpdate
from actions.services import record_save
from tests.workbook_builders import workbook
from workbooks.batch import ActionWrites
from workbooks.importer import import_workbook

pytestmark = pytest.mark.django_db


def leads_of(place: str) -> list[str]:
    return [
        f"Head of SEND (Jo {place})",
        f"Designated Clinical Officer (Sam {place}), {place}shire ICB",
        f"SENCO team {place}",
    ]


LEADS = leads_of("Bench")
PERIODS = [("Autumn 2024", "01/09/2024", "31/12/2024"), ("Spring 2025", "01/01/2025", "31/03/2025")]


@pytest.fixture
def manager(db):
    from actions.permissions import Role
    from tests.factories import make_user

    return make_user("morgan", Role.PROGRAMME_MANAGER, staff=True)


def plan_sheets(
    actions: int,
    *,
    spring: bool = True,
    rag_of=lambda i, term: "Amber",
    slug="benchshire-wsoa",
    area="Benchshire",
    leads=LEADS,
) -> dict[str, list[list]]:
    """Benchshire's plan of `actions` actions in three areas, with each action's update for autumn (and spring)."""
    periods = PERIODS if spring else PERIODS[:1]
    return {
        "Plan": [
            ["field", "value"],
            ["slug", slug],
            ["local area", area],
            ["title", "Written Statement of Action"],
            ["type", "WSoA"],
            ["start date", "01/09/2024"],
        ],
        "Areas": [["ref", "title"], *[[str(a), f"Area {a}"] for a in (1, 2, 3)]],
        "Actions": [
            ["area", "ref", "action", "leads", "due"],
            *[[str(i % 3 + 1), f"{i % 3 + 1}.{i}", f"Action {i}", leads[i % 3], "March 2026"] for i in range(actions)],
        ],
        "Periods": [["period", "start", "end", "status"], *[[*p, "closed"] for p in periods]],
        "Updates": [
            ["action", "period", "rag", "progress", "impact", "submitted on"],
            *[
                [f"{i % 3 + 1}.{i}", name, rag_of(i, term), f"{name}: action {i} moves on.", "Families see it.", end]
                for term, (name, _start, end) in enumerate(periods)
                for i in range(actions)
            ],
        ],
    }


def test_each_update_and_each_state_of_its_action_is_in_the_history_as_a_save_records_it(manager):
    ratings = {0: "Amber", 1: "Green"}
    result = import_workbook(workbook(plan_sheets(3, rag_of=lambda i, term: ratings[term])), by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    action = Action.objects.get(ref="1.0")
    assert (action.version, action.current_rag) == (3, "green")  # created, then one claim per update

    update_rows = ProgressUpdate.history.filter(action_id=action.pk).order_by("history_date")
    assert [(r.history_type, r.rag, r.history_date.date(), r.history_user) for r in update_rows] == [
        ("+", "amber", date(2024, 12, 31), manager),
        ("+", "green", date(2025, 3, 31), manager),
    ]
    action_rows = list(action.history.order_by("version"))
    assert [(r.history_type, r.version, r.current_rag) for r in action_rows] == [
        ("+", 1, ""),
        ("~", 2, "amber"),
        ("~", 3, "green"),
    ]
    # Every row names who led the action then, as a save's does: the as-at pages read them.
    for row in action_rows:
        assert [link.officer.post_title for link in row.leads.all()] == ["Head of SEND"]

    # As at the spring's first day, the action stood at its autumn rating, led by the Head of SEND.
    [then] = rows_as_at(Action, datetime(2025, 1, 1, tzinfo=UTC), id=action.pk)
    assert then.current_rag == "amber"
    assert [action.leads.get().pk] == leads_as_at([then])[action.pk]


def test_an_action_changed_in_the_app_while_the_file_is_imported_refuses_the_import_naming_who(manager, monkeypatch):
    from actions.permissions import Role
    from tests.factories import make_user

    import_workbook(workbook(plan_sheets(3, spring=False)), by=manager, dry_run=False)
    lead = make_user("lena", Role.SEND_LEAD)
    flush = ActionWrites.flush

    def a_lead_saves_first(writes):
        # Between the import reading the plan and writing it, a lead changes action 1.0's text in the app.
        action = Action.objects.get(ref="1.0")
        action.text = "Action 0, as the lead reworded it"
        record_save(instance=action, expected_version=action.version, by=lead)
        flush(writes)

    monkeypatch.setattr(ActionWrites, "flush", a_lead_saves_first)
    result = import_workbook(workbook(plan_sheets(3)), by=manager, dry_run=False)
    assert not result.ok and not result.applied
    [problem] = result.problems
    assert "action 1.0 was changed by Lena" in problem.reason and "import the file again" in problem.reason
    assert not ProgressUpdate.objects.filter(period__name="Spring 2025").exists()  # nothing of the file was written


def test_a_refused_update_leaves_its_action_as_it_was_for_the_rows_after_it(manager):
    sheets = plan_sheets(1, spring=False)
    # A Blue rating needs the date the action was completed, and the file gives a date still to come.
    sheets["Updates"][1][2:3] = ["Blue"]
    sheets["Updates"][0].append("completion date")
    sheets["Updates"][1].append("31/12/2099")
    result = import_workbook(workbook(sheets), by=manager, dry_run=True)
    [problem] = result.problems
    assert (problem.sheet, problem.row, problem.column) == ("Updates", 2, "completion date")
    assert not Action.objects.exists()


def fresh(user):
    """The user as a request reads it: who they are as an officer is not read yet."""
    return type(user).objects.get(pk=user.pk)


def _queries(sheets, by) -> int:
    by = fresh(by)
    with CaptureQueriesContext(connection) as queries:
        result = import_workbook(workbook(sheets), by=by, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    return len(queries)


def test_an_import_writes_in_as_many_queries_for_30_actions_as_for_3(manager, django_assert_num_queries):
    # A first import, then next term's file with every rating moved on, at each size: the counts at 3 actions
    # are the budget at 30. Each size is its own plan, led by posts of its own (new officers cost queries).
    small = {"slug": "southshire-wsoa", "area": "Southshire", "leads": leads_of("South")}
    first = _queries(plan_sheets(3, spring=False, **small), manager)
    next_term = _queries(plan_sheets(3, rag_of=lambda i, t: "Red", **small), manager)
    large = {"slug": "northshire-wsoa", "area": "Northshire", "leads": leads_of("North")}
    by, sheets = fresh(manager), workbook(plan_sheets(30, spring=False, **large))
    with django_assert_num_queries(first):
        import_workbook(sheets, by=by, dry_run=False)
    by, sheets = fresh(manager), workbook(plan_sheets(30, rag_of=lambda i, t: "Red", **large))
    with django_assert_num_queries(next_term):
        import_workbook(sheets, by=by, dry_run=False)
