"""The action list: each filter returns exactly the actions it should, pages keep the filters, and the CSV download
holds one safe row per filtered action."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.filters import ActionFilter
from actions.models import Action, ProgressUpdate
from actions.selectors import action_rows
from actions.services import progress_update_submit
from tests import factories

TODAY = timezone.localdate()
PAST = TODAY - timedelta(days=30)
FUTURE = TODAY + timedelta(days=60)


class Listing:
    """The `world` plan (P1, Riverside) with a second area, plus a Hillside plan (P2) with no open period.

    ref  plan  area  leads                      due                       RAG                     state
    1.1  P1    1     alice                      past                      amber (this period)     overdue
    1.2  P1    1     bob                        future                    green (last period)     needs update
    1.3  P1    1     alice, bob                 ongoing                   not rated               needs update
    1.4  P1    1     cara                       past, revised to future   red (last period)       needs update
    2.1  P1    2     bob                        past                      blue, completed         -
    2.2  P1    2     cara, alice                past                      not rated               overdue, needs update
    H.1  P2    1     alice, Tom (trust)         past                      white                   overdue (P2 has no
                                                                                                  open period)
    """

    def __init__(self, world):
        self.world = world
        self.p1, self.p2 = world.plan, factories.make_plan("hillside-app", open_period=False)
        self.p2.local_area = "Hillside"
        self.p2.save()
        self.area2 = factories.make_area(self.p1, "2", "Joint commissioning")
        self.trust = factories.make_organisation("Hillside NHS Trust", "nhs_trust")
        self.therapist = factories.make_officer("Therapies Lead", "Tom Reyes", self.trust)

        self.a11, self.a12, self.a14 = world.alice_action, world.bob_action, world.colleague_action
        Action.objects.filter(pk=self.a11.pk).update(due_date=PAST)
        Action.objects.filter(pk=self.a12.pk).update(due_date=FUTURE)
        Action.objects.filter(pk=self.a14.pk).update(
            due_date=PAST, revised_due_date=FUTURE + timedelta(days=30), revised_due_reason="Panel moved to spring."
        )
        self.a21 = factories.make_action(
            self.area2, "2.1", [world.dco], due_date=PAST, status="completed", completed_on=PAST
        )
        self.a22 = factories.make_action(
            self.area2, "2.2", [world.council_colleague, world.head_of_send], due_date=PAST
        )
        self.h1 = factories.make_action(
            factories.make_area(self.p2), "H.1", [world.head_of_send, self.therapist], due_date=PAST
        )
        Action.objects.filter(pk=self.h1.pk).update(current_rag="white")

        self.a11.refresh_from_db()
        progress_update_submit(
            action=self.a11,
            period=world.period,
            rag="amber",
            progress="Panel dates agreed.",
            by=world.alice,
            expected_version=self.a11.version,
        )
        # Ratings given in the closed period (as an import of past updates would record them).
        self._rated_earlier(self.a12, "green", impact="Families hear within 6 weeks.")
        self._rated_earlier(self.a14, "red", recovery_note="Agency staff from May.")
        self._rated_earlier(self.a21, "blue", impact="Plans arrive on time.", completion_date=PAST)

    def _rated_earlier(self, action, rag, **fields):
        ProgressUpdate.objects.create(action=action, period=self.world.closed_period, rag=rag, progress="x", **fields)
        Action.objects.filter(pk=action.pk).update(current_rag=rag)

    @property
    def all_refs(self):
        return {"1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "H.1"}


@pytest.fixture
def listing(world):
    return Listing(world)


@pytest.fixture
def chair_client(client, world):
    client.force_login(world.chair)
    return client


ROW_REF = re.compile(r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell">([^<]+)</td>')


def shown_refs(client, **params) -> list[str]:
    """Refs in the rendered table, checked against the page object the view built."""
    response = client.get(reverse("action-list"), params)
    assert response.status_code == 200
    in_html = ROW_REF.findall(response.content.decode())
    assert in_html == [a.ref for a in response.context["page"].object_list]
    return in_html


def filtered_refs(**params) -> list[str]:
    return [a.ref for a in ActionFilter(params, queryset=action_rows()).qs]


def test_unfiltered_list_shows_every_action_by_plan_then_area(chair_client, listing):
    assert shown_refs(chair_client) == ["H.1", "1.1", "1.2", "1.3", "1.4", "2.1", "2.2"]


FILTER_CASES = [
    ({"plan": "p2"}, {"H.1"}),
    ({"plan": "p1"}, {"1.1", "1.2", "1.3", "1.4", "2.1", "2.2"}),
    ({"area": "area2"}, {"2.1", "2.2"}),
    ({"rag": "amber"}, {"1.1"}),
    ({"rag": "green"}, {"1.2"}),
    ({"rag": "red"}, {"1.4"}),
    ({"rag": "blue"}, {"2.1"}),
    ({"rag": "white"}, {"H.1"}),
    ({"rag": "none"}, {"1.3", "2.2"}),
    ({"lead": "alice"}, {"1.1", "1.3", "2.2", "H.1"}),
    ({"lead": "bob"}, {"1.2", "1.3", "2.1"}),
    # 2.2 has two council leads and is listed once.
    ({"organisation": "council"}, {"1.1", "1.3", "1.4", "2.2", "H.1"}),
    ({"organisation": "icb"}, {"1.2", "1.3", "2.1"}),
    ({"organisation": "trust"}, {"H.1"}),
    # The revised date counts, not the original: 1.4 was due in the past but is now due after the cut-off.
    ({"due_before": "cutoff"}, {"1.1", "1.2", "2.1", "2.2", "H.1"}),
    # Open and past its (revised) due date: not 1.4 (revised), 2.1 (completed) or 1.3 (ongoing).
    ({"overdue": "yes"}, {"1.1", "2.2", "H.1"}),
    # Open, in a plan with an open period, and no update for it: not 1.1 (updated), 2.1, or H.1 (P2 not open).
    ({"needs_update": "yes"}, {"1.2", "1.3", "1.4", "2.2"}),
    ({"plan": "p1", "lead": "alice", "overdue": "yes"}, {"1.1", "2.2"}),
    ({"organisation": "council", "needs_update": "yes"}, {"1.3", "1.4", "2.2"}),
]


@pytest.mark.parametrize(
    ("params", "expected"), FILTER_CASES, ids=["&".join(f"{k}={v}" for k, v in p.items()) for p, _ in FILTER_CASES]
)
def test_filter_returns_exactly_the_expected_actions(chair_client, listing, params, expected):
    values = {
        "p1": listing.p1.pk,
        "p2": listing.p2.pk,
        "area2": listing.area2.pk,
        "alice": listing.world.head_of_send.pk,
        "bob": listing.world.dco.pk,
        "council": listing.world.council.pk,
        "icb": listing.world.icb.pk,
        "trust": listing.trust.pk,
        "cutoff": (FUTURE + timedelta(days=10)).isoformat(),
    }
    query = {name: values.get(value, value) for name, value in params.items()}
    refs = shown_refs(chair_client, **query)
    assert len(refs) == len(set(refs)), "an action is listed twice"
    assert set(refs) == expected
    assert sorted(filtered_refs(**query)) == sorted(refs)


def test_filters_say_how_many_actions_match(chair_client, listing):
    response = chair_client.get(reverse("action-list"), {"overdue": "yes"})
    assert "3 actions." in response.content.decode()
    assert "Download these 3 actions as CSV" in response.content.decode()


def test_an_invalid_filter_value_is_reported_not_applied(chair_client, listing):
    response = chair_client.get(reverse("action-list"), {"rag": "purple", "overdue": "yes"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert {a.ref for a in response.context["page"].object_list} == {"1.1", "2.2", "H.1"}


@pytest.fixture
def long_plan(world):
    """53 actions in the world plan's area 1 (the world's four plus 49), the page size being 50."""
    leads = [world.head_of_send]
    for n in range(5, 54):
        factories.make_action(world.area, f"1.{n}", leads, order=n)
    return world


def test_pages_of_fifty_in_order_with_no_action_twice(chair_client, long_plan):
    first = chair_client.get(reverse("action-list"))
    second = chair_client.get(reverse("action-list"), {"page": 2})
    page1 = [a.ref for a in first.context["page"].object_list]
    page2 = [a.ref for a in second.context["page"].object_list]
    assert (len(page1), len(page2)) == (50, 3)
    assert "53 actions, page 1 of 2." in first.content.decode()
    assert page1[:4] == ["1.1", "1.2", "1.3", "1.4"]
    assert page1 + page2 == ["1.1", "1.2", "1.3", "1.4", *[f"1.{n}" for n in range(5, 54)]]


def test_out_of_range_or_junk_page_numbers_fall_back(chair_client, long_plan):
    assert chair_client.get(reverse("action-list"), {"page": 99}).context["page"].number == 2
    assert chair_client.get(reverse("action-list"), {"page": "abc"}).context["page"].number == 1


def test_page_links_keep_the_filters(chair_client, long_plan):
    plan = long_plan.plan.pk
    response = chair_client.get(reverse("action-list"), {"plan": plan, "page": 1})
    html = response.content.decode()
    assert f'href="?plan={plan}&amp;page=2" rel="next"' in html
    # The CSV link carries the filters but not the page: the download is every matching action.
    assert f'href="?plan={plan}&amp;format=csv"' in html
    response = chair_client.get(reverse("action-list"), {"plan": plan, "page": 2})
    assert f'href="?plan={plan}&amp;page=1" rel="prev"' in response.content.decode()


CSV_HEADER = [
    "Plan",
    "Area",
    "Ref",
    "Action",
    "Leads",
    "Lead organisations",
    "Due",
    "Due (as written)",
    "Revised due",
    "Status",
    "RAG",
    "Stage",
    "Percentage complete",
    "Completion date",
    "Overdue",
    "Needs update this period",
]


def csv_rows(client, **params) -> tuple[object, list[dict]]:
    response = client.get(reverse("action-list"), {"format": "csv", **params})
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs (test_csv_downloads)
    reader = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    header, *rows = list(reader)
    assert header == CSV_HEADER
    return response, [dict(zip(header, row, strict=True)) for row in rows]


def test_csv_is_a_dated_attachment_with_the_header_row(chair_client, listing):
    response, rows = csv_rows(chair_client)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="actions-{timezone.localdate().isoformat()}.csv"'
    assert sorted(row["Ref"] for row in rows) == sorted(listing.all_refs)


def test_csv_has_one_row_per_filtered_action(chair_client, listing):
    _, rows = csv_rows(chair_client, organisation=listing.world.council.pk)
    assert sorted(row["Ref"] for row in rows) == ["1.1", "1.3", "1.4", "2.2", "H.1"]
    _, rows = csv_rows(chair_client, overdue="yes", plan=listing.p1.pk)
    assert sorted(row["Ref"] for row in rows) == ["1.1", "2.2"]


def test_csv_row_contents(chair_client, listing):
    _, rows = csv_rows(chair_client)
    by_ref = {row["Ref"]: row for row in rows}
    shared = by_ref["1.3"]
    assert shared["Plan"] == "Written Statement of Action"
    assert shared["Area"] == "1. Timeliness of EHC plans"
    assert shared["Leads"] == "Designated Clinical Officer (Bob Hale); Head of SEND (Alice Moreno)"
    assert shared["Lead organisations"] == "Riverside ICB; Riverside Council"
    assert (shared["RAG"], shared["Overdue"], shared["Needs update this period"]) == ("Not rated", "No", "Yes")
    # Two leads from one organisation name it once.
    assert by_ref["2.2"]["Lead organisations"] == "Riverside Council"
    revised = by_ref["1.4"]
    assert (revised["Due"], revised["Revised due"]) == (PAST.isoformat(), (FUTURE + timedelta(days=30)).isoformat())
    assert (revised["RAG"], revised["Overdue"]) == ("Red", "No")
    assert by_ref["1.1"]["Due (as written)"] == "March 2026"
    assert (by_ref["1.1"]["RAG"], by_ref["1.1"]["Overdue"]) == ("Amber", "Yes")
    assert (by_ref["2.1"]["Status"], by_ref["2.1"]["RAG"]) == ("Completed", "Blue")


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example","Click")', "+44 1234", "-2+3", "@SUM(A1)"])
def test_csv_guards_against_formula_injection(chair_client, world, text):
    world.alice_action.text = text
    world.alice_action.save()
    _, rows = csv_rows(chair_client)
    cell = next(row["Action"] for row in rows if row["Ref"] == "1.1")
    assert cell == f"'{text}"
    # Cells that merely contain a formula character stay as written.
    assert next(row["Action"] for row in rows if row["Ref"] == "1.2") == world.bob_action.text
