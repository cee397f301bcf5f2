"""The demo loader: fixtures/demo/*.json arrive whole, obey the app's rules, can be loaded again, and every demo
login works.

Loading takes several seconds, so the module loads once (through the management command, keeping its output)
inside a transaction that is rolled back when the module is done; each test runs in its own savepoint on top.
"""

import io
import json
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.urls import reverse

from actions.demo import DEMO_DIR, DEMO_PASSWORD, DEMO_USERS, load_demo
from actions.models import (
    Action,
    AreaOfWeakness,
    Finding,
    Officer,
    Organisation,
    Outcome,
    Plan,
    ProgressUpdate,
    RagDefinition,
    ReportingPeriod,
)
from actions.permissions import Role, user_roles
from kpis import selectors as kpi_selectors
from kpis.models import Kpi, Measurement, Milestone
from planfields.models import PlanField, PlanFieldValue
from risks import selectors as risk_selectors
from risks.models import Risk, RiskReview

# One worker builds the module-scoped fixture once (make test runs with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("demo")

SEEDS = {seed["plan"]["slug"]: seed for seed in (json.loads(p.read_text()) for p in sorted(DEMO_DIR.glob("*.json")))}
OXFORDSHIRE, RBWM, KESTLEBURY = "oxfordshire-app-2020", "rbwm-wsoa-2017", "kestlebury-pap-2025"


def seed_actions(slug: str):
    """(area ref, action spec) for every action in a seed file."""
    return [(area["ref"], action) for area in SEEDS[slug]["areas"] for action in area["actions"]]


@dataclass
class Loaded:
    output: str


def row_counts() -> dict[str, int]:
    models = [Plan, AreaOfWeakness, Finding, Outcome, Action, ProgressUpdate, RagDefinition, ReportingPeriod]
    models += [Officer, Organisation, User, Group, Kpi, Milestone, Measurement, Risk, RiskReview]
    models += [PlanField, PlanFieldValue]
    counts = {model.__name__: model.objects.count() for model in models}
    for model in (Action, ProgressUpdate, Officer, Plan):
        counts[f"history of {model.__name__}"] = model.history.count()
    counts["leads"] = Action.leads.through.objects.count()
    counts["partners"] = Action.partners.through.objects.count()
    return counts


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    # The reports the demo publishes are rendered by WeasyPrint and read back in
    # tests/reports/test_report_pdf_layout.py; here a few stand-in bytes keep this module out of the PDF tests.
    with django_db_blocker.unblock(), transaction.atomic(), pytest.MonkeyPatch.context() as patch:
        patch.setattr("reports.services.render_pdf", lambda *args, **kwargs: b"%PDF-1.7\n% demo stand-in\n%%EOF\n")
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        yield Loaded(output=out.getvalue())
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db):
    return loaded


def test_the_three_seed_plans_are_loaded(demo):
    assert set(Plan.objects.values_list("slug", flat=True)) == set(SEEDS) == {OXFORDSHIRE, RBWM, KESTLEBURY}


def test_oxfordshire_has_two_areas_of_eleven_actions(demo):
    plan = Plan.objects.get(slug=OXFORDSHIRE)
    assert plan.plan_type == Plan.PlanType.APP
    areas = list(plan.areas.annotate(n=Count("actions")).order_by("ref").values_list("ref", "n"))
    assert areas == [("1", 11), ("2", 11)]


@pytest.mark.parametrize("slug", [OXFORDSHIRE, RBWM, KESTLEBURY])
def test_areas_and_actions_per_area_match_the_seed_file(demo, slug):
    plan = Plan.objects.get(slug=slug)
    in_db = [(area.ref, [a.ref for a in area.actions.order_by("order")]) for area in plan.areas.order_by("order")]
    in_seed = [(area["ref"], [a["ref"] for a in area["actions"]]) for area in SEEDS[slug]["areas"]]
    assert in_db == in_seed
    if slug == RBWM:
        assert len(in_db) == 8


def test_rbwm_rag_key_is_the_five_brag_codes(demo):
    key = list(RagDefinition.objects.filter(plan__slug=RBWM).order_by("id").values_list("code", "definition"))
    assert [code for code, _ in key] == ["blue", "green", "amber", "red", "white"]
    assert dict(key)["blue"].lower() == "completed and embedded"


def test_oxfordshire_rag_key_has_no_white(demo):
    codes = set(RagDefinition.objects.filter(plan__slug=OXFORDSHIRE).values_list("code", flat=True))
    assert codes == {"blue", "green", "amber", "red"}


def test_rbwm_periods_with_sept_18_open(demo):
    periods = list(ReportingPeriod.objects.filter(plan__slug=RBWM).order_by("start").values_list("name", "status"))
    assert periods == [("Dec 17", "closed"), ("March 18", "closed"), ("June 18", "closed"), ("Sept 18", "open")]
    # Each seed's period names and statuses survive the replay, which opens and closes them in turn.
    for slug, seed in SEEDS.items():
        in_db = list(ReportingPeriod.objects.filter(plan__slug=slug).order_by("start").values_list("name", "status"))
        assert in_db == [(p["name"], p["status"]) for p in seed["periods"]]


def test_due_labels_survive_as_written(demo):
    labels = set(Action.objects.filter(area__plan__slug=RBWM).values_list("due_label", flat=True))
    assert {"Termly, beginning Dec 2017", "ongoing"} <= labels
    for slug in SEEDS:
        in_db = dict(Action.objects.filter(area__plan__slug=slug).values_list("ref", "due_label"))
        assert in_db == {spec["ref"]: spec.get("due_label", "") for _, spec in seed_actions(slug)}


def test_leads_and_partners_match_the_seed(demo):
    for slug, seed in SEEDS.items():
        officer_names = {o["key"]: o["post_title"] for o in seed["officers"]}
        org_names = {o["key"]: o["name"] for o in seed["organisations"]}
        actions = Action.objects.filter(area__plan__slug=slug).prefetch_related("leads", "partners")
        by_ref = {a.ref: a for a in actions}
        for _, spec in seed_actions(slug):
            action = by_ref[spec["ref"]]
            assert sorted(o.post_title for o in action.leads.all()) == sorted(officer_names[k] for k in spec["leads"])
            assert sorted(o.name for o in action.partners.all()) == sorted(org_names[k] for k in spec["partners"])


def test_every_seed_update_is_recorded_and_most_actions_span_three_periods(demo):
    actual = {
        (slug, ref): n
        for slug, ref, n in ProgressUpdate.objects.order_by()
        .values("action__area__plan__slug", "action__ref")
        .annotate(n=Count("id"))
        .values_list("action__area__plan__slug", "action__ref", "n")
    }
    expected = {(slug, spec["ref"]): len(spec["updates"]) for slug in SEEDS for _, spec in seed_actions(slug)}
    assert actual == expected
    spans = Action.objects.annotate(periods=Count("updates__period", distinct=True))
    assert spans.filter(periods__gte=3).count() > spans.count() / 2


def test_each_action_is_rated_as_its_latest_update(demo):
    submitted = ProgressUpdate.objects.filter(status=ProgressUpdate.Status.SUBMITTED)
    latest = submitted.filter(action=OuterRef("pk")).order_by("-period__start").values("rag")[:1]
    actions = Action.objects.annotate(latest_rag=Subquery(latest))
    assert actions.filter(latest_rag__isnull=True).count() == 0
    assert list(actions.exclude(current_rag=F("latest_rag")).values_list("ref", "current_rag", "latest_rag")) == []
    # And that is the seed's last rating (or the new one where the lead accepted a demo challenge), with blue
    # meaning completed on the seed's date.
    for slug, seed in SEEDS.items():
        order = [p["key"] for p in seed["periods"]]
        by_ref = {a.ref: a for a in Action.objects.filter(area__plan__slug=slug)}
        accepted = {
            c["action"]: c["response"]["new_rag"] for c in seed["challenges"] if "new_rag" in c.get("response", {})
        }
        for _, spec in seed_actions(slug):
            rated = [u for u in spec["updates"] if u.get("status") != "draft"]  # a draft rates nothing
            last = max(rated, key=lambda u: order.index(u["period"]))
            action = by_ref[spec["ref"]]
            assert action.current_rag == accepted.get(spec["ref"], last["rag"]), spec["ref"]
            if last["rag"] == "blue":
                assert action.status == Action.Status.COMPLETED
                assert action.completed_on.isoformat() == last["completion_date"]
            else:
                assert action.status == Action.Status.OPEN


def test_updates_name_their_lead_and_history_names_the_user(demo):
    updates = ProgressUpdate.objects.select_related("submitted_by_officer", "submitted_by__officer").prefetch_related(
        "action__leads"
    )
    for update in updates:
        assert update.submitted_by_officer in update.action.leads.all()
        # The account of the person who held the post then (a post handed over since has a new one).
        assert update.submitted_by.posts_held.filter(officer=update.submitted_by_officer).exists()
    assert not ProgressUpdate.history.filter(history_user__isnull=True).exists()
    assert ProgressUpdate.history.count() >= ProgressUpdate.objects.count()
    rated = Action.history.filter(history_type="~", history_user__isnull=False)
    assert rated.count() >= ProgressUpdate.objects.count()
    # History is dated as the leads would have typed it, in the plans' own years, not on the day of loading.
    own_years = {RBWM: (2017, 2018), OXFORDSHIRE: (2020, 2021), KESTLEBURY: (2025, 2026)}
    for slug, (first, last) in own_years.items():
        dates = ProgressUpdate.history.filter(action__area__plan__slug=slug).values_list("history_date", flat=True)
        years = {d.year for d in dates}
        assert min(years) >= first and max(years) <= last, slug


def test_loading_again_changes_nothing(demo):
    before = row_counts()
    plans, users = load_demo()
    assert plans == []
    assert [u.username for u in users] == [u.username for u in DEMO_USERS]
    assert row_counts() == before
    lead = User.objects.get(username="lead")
    assert lead.officer.person_name == "Gareth Lomax"
    assert lead.check_password(DEMO_PASSWORD)


def sign_in(client, username: str) -> None:
    """Through the sign-in page, as a person would (django-axes checks every sign-in against its request)."""
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.session["_auth_user_id"] == str(User.objects.get(username=username).pk)


@pytest.mark.parametrize("spec", DEMO_USERS, ids=lambda spec: spec.username)
def test_every_demo_user_can_log_in_with_their_role(client, demo, spec):
    sign_in(client, spec.username)
    user = User.objects.get(username=spec.username)
    assert user_roles(user) == {spec.role}
    assert user.is_staff == (spec.role == Role.PROGRAMME_MANAGER)
    if spec.officer_key:
        assert user.officer.user_id == user.pk
    assert client.get(reverse("plan-list")).status_code == 200


def test_the_send_lead_lands_on_my_actions_with_their_actions(client, demo):
    sign_in(client, "lead")
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain == [(reverse("my-actions"), 302)]
    mine = [a for group in response.context["mine"].groups for a in group.actions]
    seed_officer = {o["key"]: o for o in SEEDS[RBWM]["officers"]}["sl-cypds"]
    led = {spec["ref"] for _, spec in seed_actions(RBWM) if "sl-cypds" in spec["leads"]}
    assert seed_officer["person_name"] == "Gareth Lomax"
    assert len(led) > 3
    # Open actions are listed (overdue ones first); completed ones behind "Show completed actions (N)".
    shown = {a.ref for a in mine}
    assert shown <= led and all(a.status == "open" for a in mine)
    assert len(led - shown) == response.context["mine"].completed > 0
    html = response.content.decode()
    assert all(f'<td class="govuk-table__cell">{ref}' in html for ref in shown)
    everything = client.get(reverse("my-actions") + "?completed=1")
    assert {a.ref for group in everything.context["mine"].groups for a in group.actions} == led


def test_the_command_reports_what_it_loaded_and_the_logins(demo):
    for slug, seed in SEEDS.items():
        plan = Plan.objects.get(slug=slug)
        assert f"Loaded {plan}: {len(seed['areas'])} areas." in demo.output
    assert f"Demo logins (password for all: {DEMO_PASSWORD})" in demo.output
    for spec in DEMO_USERS:
        assert f"  {spec.username:<10} {spec.role.value}" in demo.output


def test_the_command_run_again_says_the_plans_are_there(demo):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo plans already loaded." in out.getvalue()
    assert "lead-oxon" in out.getvalue()


@pytest.mark.parametrize("slug", [OXFORDSHIRE, RBWM, KESTLEBURY])
def test_kpis_milestones_and_measurements_match_the_seed_file(demo, slug):
    plan = Plan.objects.get(slug=slug)
    in_db = [
        (k.ref, k.area.ref if k.area else None, k.unit, [m.months for m in k.milestones.all()], k.measurements.count())
        for k in plan.kpis.order_by("order")
    ]
    in_seed = [
        (k["ref"], k["area"], k["unit"], sorted(m["months"] for m in k["milestones"]), len(k.get("measurements", [])))
        for k in SEEDS[slug]["kpis"]
    ]
    assert in_db == in_seed


def test_oxfordshire_kpi_tables_keep_the_seed_targets(demo):
    strategy = Kpi.objects.get(plan__slug=OXFORDSHIRE, ref="1.K1")
    targets = list(strategy.milestones.values_list("months", "target_text"))
    assert targets[0] == (3, "Agreement on the SEND priorities.")
    assert "signed off by the Governance Board and endorsed by the PCF" in targets[2][1]
    assert Kpi.objects.filter(plan__slug=OXFORDSHIRE, area__isnull=True).count() == 4  # the score card


def test_numeric_demo_kpis_have_a_year_of_values_and_raise_exceptions(demo):
    numeric = Kpi.objects.filter(plan__slug=OXFORDSHIRE).exclude(unit="descriptive")
    assert numeric.count() >= 4
    assert all(k.measurements.count() >= 12 for k in numeric)
    for slug in (OXFORDSHIRE, RBWM):
        rows = kpi_selectors.exceptions(Plan.objects.get(slug=slug))
        assert rows, f"{slug} should show KPI exceptions"
    # Person-set RAGs that differ from the numbers carry their reason.
    overridden = Milestone.objects.exclude(suggested_rag="").exclude(rag="").exclude(rag=F("suggested_rag"))
    assert overridden.exists()
    assert not overridden.filter(override_reason="").exists()


@pytest.mark.parametrize("slug", [OXFORDSHIRE, RBWM, KESTLEBURY])
def test_risks_and_reviews_match_the_seed_file(demo, slug):
    plan = Plan.objects.get(slug=slug)
    in_db = [
        (
            r.ref,
            r.area.ref if r.area else None,
            r.severity,
            sorted(a.ref for a in r.actions.all()),
            r.reviews.count(),
            r.status,
        )
        for r in plan.risks.order_by("ref")
    ]
    in_seed = sorted(
        (
            r["ref"],
            r["area"],
            r.get("severity", ""),
            sorted(r.get("actions", [])),
            len(r.get("reviews", [])),
            r.get("status", "open"),
        )
        for r in SEEDS[slug]["risks"]
    )
    assert in_db == in_seed


def test_seed_000_risk_register_keeps_its_severity_bands_and_if_then_wording(demo):
    risks = Plan.objects.get(slug=OXFORDSHIRE).risks
    assert risks.filter(severity__in=["high", "medium"]).count() >= 5
    assert all(r.risk.startswith("If ") for r in risks.all())
    assert risks.filter(current_likelihood__isnull=True).exists()  # band-only risks, as the seed has them


def test_demo_risks_moved_across_periods(demo):
    for slug in (OXFORDSHIRE, RBWM):
        register = risk_selectors.register(Plan.objects.get(slug=slug))
        directions = {row.direction for row in register.rows}
        assert directions & {"up", "down"}, f"{slug}: some risks should have moved since {register.since}"


def plan_shape(plan: Plan):
    """What a workbook import must rebuild of a plan: its areas and actions, submitted updates (drafts are not
    exported), KPIs and their values, and risks with their current scores."""
    return (
        [(a.ref, a.actions.count()) for a in plan.areas.order_by("order")],
        sorted(
            ProgressUpdate.objects.filter(action__area__plan=plan, status="submitted").values_list(
                "action__ref", "period__name", "rag"
            )
        ),
        sorted(plan.kpis.values_list("ref", "unit")),
        Measurement.objects.filter(kpi__plan=plan).count(),
        sorted(plan.risks.values_list("ref", "current_likelihood", "current_impact", "status")),
    )


def test_a_demo_plan_imports_beside_the_others_as_an_identical_copy(demo):
    """Oxfordshire's workbook, under a new slug, into the database that holds all three demo plans: its posts and
    organisations are the ones already there, and the copy has the original's shape. (Each plan's import into an
    empty database is the round trip below.)"""
    from openpyxl import load_workbook

    from workbooks.exporter import export_workbook
    from workbooks.importer import import_workbook

    officers = Officer.objects.count()
    book = load_workbook(io.BytesIO(export_workbook(Plan.objects.get(slug=OXFORDSHIRE))))
    for row in book["Plan"].iter_rows(min_row=2):
        if row[0].value == "slug":
            row[1].value = f"{OXFORDSHIRE}-copy"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    result = import_workbook(buffer, by=User.objects.get(username="manager"), dry_run=False)
    assert result.ok, [str(p) for p in result.problems][:5]
    assert plan_shape(Plan.objects.get(slug=f"{OXFORDSHIRE}-copy")) == plan_shape(Plan.objects.get(slug=OXFORDSHIRE))
    assert Officer.objects.count() == officers


def test_demo_challenges_and_comments_match_the_plan_files(demo):
    from governance.models import Challenge, CoproductionComment

    for slug in SEEDS:
        data = SEEDS[slug]
        challenges = Challenge.objects.filter(action__area__plan__slug=slug).select_related("action", "raised_by")
        expected = {(c["action"], c["by"], c.get("response", {}).get("resolution", "")) for c in data["challenges"]}
        assert {(c.action.ref, c.raised_by.username, c.resolution) for c in challenges} == expected
        comments = CoproductionComment.objects.filter(action__area__plan__slug=slug)
        assert sorted(comments.values_list("action__ref", flat=True)) == sorted(
            c["action"] for c in data["coproduction_comments"]
        )
    accepted = Challenge.objects.get(resolution="accepted")
    accepted.action.refresh_from_db()
    assert accepted.action.current_rag == accepted.new_rag == "amber"


def test_the_demo_lead_has_a_challenge_to_answer_and_the_dashboard_shows_the_rest(client, demo):
    client.force_login(User.objects.get(username="lead"))
    assert "Answer the challenge to action 2.3a(2)" in client.get(reverse("my-actions")).content.decode()
    client.force_login(User.objects.get(username="chair"))
    page = client.get(reverse("dashboard", args=[RBWM])).content.decode()
    assert "<strong>1</strong> open, 2 resolved." in page


def test_demo_boards_meetings_and_board_actions_match_the_plan_files(demo):
    from boards.models import Board, BoardAction, Meeting

    for slug in SEEDS:
        for spec in SEEDS[slug]["boards"]:
            board = Board.objects.get(name=spec["name"])
            assert (board.reports_to.name if board.reports_to else "") == spec.get("reports_to", "")
            assert board.meetings.count() == len(spec.get("meetings", []))
    published = Meeting.objects.filter(chair_update_published_at__isnull=False)
    assert published.count() == 3  # one each in RBWM, Oxfordshire and Kestlebury
    owner = BoardAction.objects.get(text__startswith="Report families' feedback").owner
    assert owner.user.username == "lead"
    client_page = Board.objects.get(name="RBWM SEND Steering Board").get_absolute_url()
    assert client_page.startswith("/boards/")


# Round trips: each demo plan exported, imported into an empty database and exported again gives the same
# workbook, cell for cell (docs/import.md). They share this module's demo: emptying the database happens in the
# test's own savepoint, rolled back after it.


def empty_the_database() -> None:
    """Everything a plan workbook holds, gone (what protects what is deleted first)."""
    from django.apps import apps

    for label in ("reports.PublishedFile", "reports.TermlyReport", "governance.Challenge", "boards.Board"):
        apps.get_model(label).objects.all().delete()
    ProgressUpdate.objects.all().delete()
    Risk.objects.all().delete()
    Plan.objects.all().delete()
    Officer.objects.all().delete()
    Organisation.objects.all().delete()


def round_trip(slug: str) -> tuple[bytes, bytes]:
    """The plan's workbook, and the workbook exported again after importing the first into an empty database; the
    imported plan has the original's shape (plan_shape)."""
    from workbooks.exporter import export_workbook
    from workbooks.importer import import_workbook

    first = export_workbook(Plan.objects.get(slug=slug))
    shape = plan_shape(Plan.objects.get(slug=slug))
    manager = User.objects.get(username="manager")
    empty_the_database()
    assert not Action.objects.exists() and not Officer.objects.exists()
    result = import_workbook(io.BytesIO(first), by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems][:5]
    assert plan_shape(Plan.objects.get(slug=slug)) == shape
    return first, export_workbook(Plan.objects.get(slug=slug))


def assert_zero_differing_cells(first: bytes, second: bytes, slug: str) -> None:
    from tests.workbooks.test_workbook_stage import load_cells

    before, after = load_cells(first), load_cells(second)
    differing = [
        (sheet, r, c, a, b)
        for sheet in before
        for r, (row_a, row_b) in enumerate(zip(before[sheet], after[sheet], strict=True))
        for c, (a, b) in enumerate(zip(row_a, row_b, strict=True))
        if a != b
    ]
    assert differing == []
    assert before == after  # and no row more or less
    # The demo's stages came through: some complete but still Green.
    assert Action.objects.filter(area__plan__slug=slug, stage="complete", current_rag="green").exists()


# Oxfordshire's round trip is checked with its KPIs as published, below: one import each.
@pytest.mark.parametrize("slug", [RBWM, KESTLEBURY])
def test_a_demo_plan_round_trips_with_zero_differing_cells(demo, slug):
    assert_zero_differing_cells(*round_trip(slug), slug)


def test_oxfordshire_round_trips_with_zero_differing_cells_its_kpis_as_published_and_importing_again_changes_nothing(
    demo,
):
    from datetime import date
    from decimal import Decimal

    from tests.workbooks.test_workbook_stage import load_cells
    from workbooks.importer import import_workbook

    first, second = round_trip(OXFORDSHIRE)
    assert_zero_differing_cells(first, second, OXFORDSHIRE)
    measurements = load_cells(first)["Measurements"]
    assert measurements[0][:5] == ("kpi", "date", "period label", "value", "status")
    december = [row for row in measurements if row[0] == "2.K10" and row[1].date() == date(2020, 12, 31)]
    assert [(row[3], row[4]) for row in december] == [(54.6, "provisional"), (55.8, "actual")]
    assert any(row[2] == "12 months ending January 2021" and row[5] == 15.4 for row in measurements)
    assert load_cells(second)["Measurements"] == measurements

    restated = Measurement.objects.get(kpi__ref="2.K10", period_date=date(2020, 12, 31), restated_at__isnull=False)
    assert (restated.value, restated.status, restated.restated_at.date()) == (
        Decimal("54.6"),
        "provisional",
        date(2021, 2, 15),
    )
    twelve = Milestone.objects.get(kpi__ref="2.K9", months=12)
    assert (twelve.target_value, twelve.target_benchmark) == (Decimal(60), "England average 2019")
    assert Kpi.objects.get(ref="2.K9").baseline_qualifier == "Jan 20"

    again = import_workbook(io.BytesIO(second), by=User.objects.get(username="manager"), dry_run=False)
    assert again.ok and again.changed.get("Measurement", 0) == again.created.get("Measurement", 0) == 0
    assert Measurement.objects.filter(kpi__ref="2.K10").count() == 14


def test_the_demo_shows_one_handover_with_updates_by_both_holders(demo):
    """RBWM's Service Leader, Education Leadership passed from Maria Santos-Reid to Tomasz Wren on 16 April 2018:
    the March 18 updates name her, the June 18 ones him, and the post now names him (decision 0023)."""
    from actions.selectors import action_page
    from actions.templatetags.sendplan_tags import officer_then

    post = Officer.objects.get(post_title="Service Leader, Education Leadership")
    assert post.person_name == "Tomasz Wren" and post.email == "tomasz.wren@example.org"
    assert list(post.holders.values_list("person_name", flat=True)) == ["Maria Santos-Reid", "Tomasz Wren"]
    authors = {}
    for action in post.led_actions.all():
        for update in action_page(action).updates:
            if update.submitted_by_officer_id == post.pk:
                authors.setdefault(update.period.name, set()).add(officer_then(update, "submitted_by_officer"))
    assert authors["March 18"] == {"Service Leader, Education Leadership (Maria Santos-Reid)"}
    assert authors["June 18"] == {"Service Leader, Education Leadership (Tomasz Wren)"}


def test_oxfordshires_own_fields_match_the_plan_file(demo):
    plan = Plan.objects.get(slug=OXFORDSHIRE)
    specs = SEEDS[OXFORDSHIRE]["own_fields"]
    fields = list(PlanField.objects.filter(plan=plan).order_by("applies_to", "order"))
    assert {(f.label, f.applies_to, f.kind, f.public) for f in fields} == {
        (s["label"], s["applies_to"], s["kind"], s["public"]) for s in specs
    }
    for spec in specs:
        held = PlanFieldValue.objects.filter(field__plan=plan, field__label=spec["label"]).select_related(
            "area", "action"
        )
        assert {(v.area or v.action).ref: v.text for v in held} == spec["values"]
    # Recorded on the day the file says, so the published termly reports (as at their terms) show the public
    # fields, and never "Section", which is not public.
    published = plan.termly_reports.filter(status="published")
    assert published.exists()
    for report in published:
        html = report.published_file.html
        assert "Directorate:</strong> Children&#x27;s Services" in html and "Success criteria" in html
        assert "Section:" not in html and "SEND Commissioning" not in html


# Kestlebury: a third plan in the 2023 framework's shape (issue 17, item 8), fictional, written for the demo.


def test_kestlebury_is_a_priority_action_plan_in_two_tiers_with_a_cross_cutting_area(demo):
    plan = Plan.objects.get(slug=KESTLEBURY)
    assert plan.plan_type == Plan.PlanType.PAP
    assert plan.inspection_label == "13 to 31 January 2025"
    assert "widespread and/or systemic failings" in plan.summary
    kinds = list(plan.areas.order_by("order").values_list("ref", "kind"))
    assert kinds == [
        ("1", "priority"),
        ("2", "priority"),
        ("3", "improvement"),
        ("4", "improvement"),
        ("5", "improvement"),
        ("CP", "cross_cutting"),
    ]
    five = plan.areas.get(ref="5")
    assert five.reported_with.ref == "4" and five.label == "Area for improvement 5"
    assert plan.areas.get(ref="CP").label == "Co-production with children, young people and families"
    assert Action.objects.filter(area__plan=plan).count() == 22
    # The later edition: a new board and a new DfE adviser, both in the plan's history.
    assert (plan.version_label, plan.board_name) == ("Version 2, January 2026", "SEND and Inclusion Partnership Board")
    assert "Marcus Thewlis" in plan.advisers
    first = plan.history.order_by("history_date", "history_id").first()
    assert (first.version_label, first.board_name) == ("Version 1, May 2025", "SEND Improvement Board")
    assert len(first.approved_by.splitlines()) == 4
    # Its own words for the stages, and it publishes its ratings.
    assert plan.publishes_ratings
    assert [label for _, label in plan.stage_choices] == ["Not yet started", "Under way", "Delivered", "Closed"]


def test_kestleburys_area_for_improvement_3_closed_early_with_its_actions_done(demo):
    from datetime import date

    area = AreaOfWeakness.objects.get(plan__slug=KESTLEBURY, ref="3")
    assert area.closed_on == date(2026, 7, 24) and "All three actions delivered" in area.closed_reason
    for action in area.actions.all():
        assert action.stage == "complete" and action.completed_on < area.closed_on, action.ref
        assert not action.is_monitored()
    assert set(area.actions.values_list("ref", "current_rag")) == {("3.1", "blue"), ("3.2", "blue"), ("3.3", "green")}
    # Closed on its day: before it, the area's history says open.
    before = area.history.filter(history_date__date__lt=date(2026, 7, 24)).order_by("-history_date").first()
    assert before.closed_on is None
    assert area.history.order_by("-history_date").first().history_date.date() == date(2026, 7, 24)


def test_kestlebury_has_joint_accountable_officers_from_the_council_and_the_icb(demo):
    plan = Plan.objects.get(slug=KESTLEBURY)
    assert {(o.post_title, o.organisation.short_name) for o in plan.accountable_officers.all()} == {
        ("Director of Children's Services", "KC"),
        ("Chief Nursing Officer", "KWV ICB"),
    }
    joint = Action.objects.filter(area__plan=plan).annotate(n=Count("accountable_officers")).filter(n=2)
    assert joint.count() >= 10
    for action in joint:
        organisations = {o.organisation.kind for o in action.accountable_officers.all()}
        assert len(organisations) == 2, action.ref
    kinds = set(Organisation.objects.filter(officers__led_actions__area__plan=plan).values_list("kind", flat=True))
    assert {"council", "icb", "nhs_trust", "pcf", "other"} <= kinds  # the children's trust is "other"


def test_kestleburys_five_field_block_has_a_value_for_every_action(demo):
    plan = Plan.objects.get(slug=KESTLEBURY)
    fields = list(PlanField.objects.filter(plan=plan).order_by("order"))
    assert [(f.label, f.kind, f.public) for f in fields] == [
        ("What we want", "long", True),
        ("Where are we now", "long", True),
        ("What we will see", "long", True),
        ("The difference this will make", "long", True),
        ("Workstream", "short", False),
    ]
    refs = set(Action.objects.filter(area__plan=plan).values_list("ref", flat=True))
    for field, spec in zip(fields, SEEDS[KESTLEBURY]["own_fields"], strict=True):
        values = {v.action.ref: v.text for v in field.values.select_related("action")}
        assert set(values) == refs and values == spec["values"], field.label
    # The published report shows the public block and never the programme office's workstream.
    report = plan.termly_reports.get(status="published")
    html = report.published_file.html
    assert "What we want" in html and "The difference this will make" in html
    assert "Workstream" not in html and "Data and insight" not in html


def test_kestleburys_first_two_terms_are_narrative_history_then_rated(demo):
    updates = ProgressUpdate.objects.filter(action__area__plan__slug=KESTLEBURY).select_related(
        "period", "submitted_by_officer"
    )
    by_period: dict[str, set[str]] = {}
    for update in updates.filter(status="submitted"):
        by_period.setdefault(update.period.name, set()).add(update.rag)
    assert by_period["Summer term 2025"] == by_period["Autumn term 2025"] == {""}
    for later in ("Spring term 2026", "Summer term 2026", "Autumn term 2026"):
        assert "" not in by_period[later] and by_period[later] <= {"blue", "green", "amber", "red"}, later
    # Each narrative entry keeps its date and its author, as the Word tracker had them.
    history = updates.filter(period__name__in=["Summer term 2025", "Autumn term 2025"])
    assert history.count() == sum(
        1 for _, spec in seed_actions(KESTLEBURY) for u in spec["updates"] if u.get("history")
    )
    for update in history:
        assert update.progress and update.submitted_by_officer in update.action.leads.all()
        assert update.submitted_at.year == 2025
    # Stage and % complete beside the ratings, and complete but still Green.
    green_complete = Action.objects.filter(area__plan__slug=KESTLEBURY, stage="complete", current_rag="green")
    assert set(green_complete.values_list("ref", flat=True)) >= {"1.5", "4.1"}
    assert Action.objects.get(area__plan__slug=KESTLEBURY, ref="2.2").percent_complete == 75


def test_kestleburys_kpis_restate_a_value_and_set_benchmark_and_directional_targets(demo):
    from datetime import date
    from decimal import Decimal

    plan = Plan.objects.get(slug=KESTLEBURY)
    june = Measurement.objects.filter(kpi__plan=plan, kpi__ref="K1", period_date=date(2026, 6, 30))
    assert june.count() == 2
    restated = june.get(restated_at__isnull=False)
    current = june.get(restated_at__isnull=True)
    assert (restated.value, restated.status) == (Decimal("55.1"), "provisional")
    assert (current.value, current.status, current.period_label) == (Decimal("53.6"), "actual", "Q1 2026/27")
    assert restated.restated_at.date() == date(2026, 8, 14)
    k1 = Kpi.objects.get(plan=plan, ref="K1")
    assert k1.baseline_qualifier == "calendar year 2024"
    targets = {m.months: (m.target_value, m.target_benchmark) for m in k1.milestones.all()}
    assert targets[12] == (Decimal("50.3"), "national average 2023/24")  # a benchmark with its number
    assert targets[18] == (None, "statistical neighbour average 2024/25")  # a benchmark without one
    directional = Milestone.objects.get(kpi__plan=plan, kpi__ref="K3", months=12)
    assert directional.target_direction and directional.target_value is None
    statuses = set(Measurement.objects.filter(kpi__plan=plan).values_list("status", flat=True))
    assert statuses == {"actual", "provisional", "projected"}
    rolling = Measurement.objects.get(kpi__plan=plan, kpi__ref="K4", period_date=date(2025, 3, 31))
    assert rolling.period_label == "12 months ending March 2025"
    assert (rolling.england_value, rolling.neighbours_value, rolling.region_value) == (
        Decimal("16.8"),
        Decimal("18.3"),
        Decimal("17.5"),
    )


def test_the_kestlebury_lead_has_actions_a_draft_and_a_challenge_to_answer(client, demo):
    sign_in(client, "lead-kest")
    page = client.get(reverse("my-actions")).content.decode()
    assert "Answer the challenge to action 1.5" in page
    draft = ProgressUpdate.objects.get(action__area__plan__slug=KESTLEBURY, status="draft")
    assert (draft.action.ref, draft.submitted_by.username) == ("2.6", "lead-kest")


def test_the_demo_attaches_its_evidence_files_to_their_updates(demo, client):
    from evidence.models import EvidenceFile

    evidence = EvidenceFile.objects.select_related("update__action", "update__period", "uploaded_by").get()
    assert (evidence.update.action.ref, evidence.update.period.name) == ("1.5", "Spring term 2021")
    assert evidence.original_name == "SEND dashboard, February 2021.csv" and evidence.content_type == "text/csv"
    assert evidence.uploaded_by == evidence.update.submitted_by
    client.force_login(User.objects.get(username="chair"))
    download = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"EHC plans issued within 20 weeks" in b"".join(download.streaming_content)
