"""Day one in the browser's pages (issue 18): a programme manager uploads the tracker they keep, confirms what each
column holds and which plan it is for on the mapping page, sees the preview and confirms; next term's file opens on
the mapping page with the plan and every choice as confirmed, and imports in place."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import Action, AreaOfWeakness, Plan, ProgressUpdate, ReportingPeriod
from actions.permissions import Role
from planfields.models import PlanField
from tests import factories
from tests.jobs import run_queued_jobs
from tests.workbooks import tracker_builders, word_builders
from workbooks.models import TrackerMapping, WorkbookUpload

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, name: str):
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(reverse("workbook-upload"), {"workbook": file})


def mapping_page(client, content: bytes, name: str):
    """Upload the file and follow it to its mapping page: (the upload, the page's response)."""
    response = upload(client, content, name)
    assert response.status_code == 302, response.context["result"].problems
    staged = WorkbookUpload.objects.get()
    assert response["Location"] == reverse("workbook-mapping", args=[staged.pk])
    return staged, client.get(response["Location"])


def as_proposed(form, **changes) -> dict:
    """The mapping page's form posted as shown (every column as proposed), with `changes`."""
    data = {}
    for name, _field in form.fields.items():
        value = form[name].value()
        if name in ("start_date", "inspection_date", "published_date"):
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value not in (None, ""):
            data[name] = value
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


NEW_PLAN = {
    "plan": "new",
    "local_area": "Northshire",
    "title": "Written Statement of Action",
    "plan_type": "wsoa",
    "start_date_0": "1",
    "start_date_1": "9",
    "start_date_2": "2024",
    "inspection_date_0": "14",
    "inspection_date_1": "6",
    "inspection_date_2": "2024",
    "current_period": "Spring term 2025",
}


def test_a_councils_tracker_is_uploaded_mapped_previewed_and_imported(client, world):
    client.force_login(world.manager)
    tracker = tracker_builders.council_tracker()
    staged, page = mapping_page(client, tracker.data, tracker.filename)
    html = page.content.decode()
    assert page.status_code == 200 and staged.kind == "tracker" and staged.status == "mapping"
    assert "Headings found on row 4" in html and "Publish a joint commissioning strategy" in html
    form = page.context["form"]
    proposed = {column.heading: column.field.value() for column in form.sheets[0].columns}
    assert proposed == {
        "Ref": "ref",
        "Area": "area",
        "Action": "action",
        "Lead Officer": "leads",
        "Target Date": "due",
        "RAG Status": "rag",
        "Update Jan 2025": "progress",
        "Comments": "comments",
    }
    assert form["s0_c6_round"].value() == "January 2025"  # the dated column's round, read from its heading

    preview = client.post(page.request["PATH_INFO"], as_proposed(form, **NEW_PLAN))
    assert preview.status_code == 200, [p.reason + repr(p) for p in preview.context["result"].problems]
    assert "Check what the import will do" in preview.content.decode()
    assert not Plan.objects.filter(local_area="Northshire").exists()  # a preview writes nothing
    staged.refresh_from_db()
    assert staged.status == "previewed"

    done = client.post(reverse("workbook-confirm", args=[staged.pk]))
    plan = Plan.objects.get(local_area="Northshire")
    assert done["Location"] == plan.get_absolute_url()
    assert (plan.start_date, plan.inspection_start, plan.plan_type) == (date(2024, 9, 1), date(2024, 6, 14), "wsoa")
    assert sorted(AreaOfWeakness.objects.filter(plan=plan).values_list("ref", flat=True)) == ["1", "2", "3"]
    assert Action.objects.filter(area__plan=plan).count() == 6
    rated = ProgressUpdate.objects.get(action__ref="1.1", period__name="Spring term 2025")
    assert rated.rag == "green"
    assert ProgressUpdate.objects.get(action__ref="1.1", period__name="January 2025").progress == (
        "Draft agreed by the partnership board"
    )
    kept = TrackerMapping.objects.get(plan=plan)
    assert kept.filename == tracker.filename and kept.updated_by == world.manager
    assert not WorkbookUpload.objects.exists()  # a small upload is removed once imported


def test_next_terms_file_opens_with_the_plan_and_choices_as_confirmed_and_imports_in_place(client, world):
    client.force_login(world.manager)
    tracker = tracker_builders.council_tracker()
    _, page = mapping_page(client, tracker.data, tracker.filename)
    form = page.context["form"]
    # The manager keeps "Comments" as a field of the plan's own under another name, and leaves out the area column's
    # second choice: nothing else changes.
    client.post(
        page.request["PATH_INFO"], as_proposed(form, s0_c7="own", s0_c7_label="Programme office notes", **NEW_PLAN)
    )
    client.post(reverse("workbook-confirm", args=[WorkbookUpload.objects.get().pk]))
    plan = Plan.objects.get(local_area="Northshire")
    assert PlanField.objects.filter(plan=plan, label="Programme office notes").exists()

    book = load_workbook(io.BytesIO(tracker.data))
    sheet = book["WSoA tracker"]
    sheet["I4"] = "Update Apr 2025"  # next term's tracker adds its round's column
    sheet["I5"] = "Strategy published"
    sheet["C6"] = "Agree a pooled budget for therapies and equipment"
    out = io.BytesIO()
    book.save(out)

    staged, page = mapping_page(client, out.getvalue(), "northshire-april.xlsx")
    html = page.content.decode()
    assert "This file looks like the tracker of" in html and "Northshire: Written Statement of Action" in html
    form = page.context["form"]
    assert form["plan"].value() == str(plan.pk)
    assert form["s0_c7"].value() == "own" and form["s0_c7_label"].value() == "Programme office notes"
    assert form["s0_c8"].value() == "progress" and form["s0_c8_round"].value() == "April 2025"

    preview = client.post(page.request["PATH_INFO"], as_proposed(form, current_period="Summer term 2025"))
    assert preview.status_code == 200, [p.reason + repr(p) for p in preview.context["result"].problems]
    client.post(reverse("workbook-confirm", args=[staged.pk]))
    assert Plan.objects.filter(local_area="Northshire").count() == 1
    assert Action.objects.get(area__plan=plan, ref="1.2").text == "Agree a pooled budget for therapies and equipment"
    assert ProgressUpdate.objects.get(action__ref="1.1", period__name="April 2025").progress == "Strategy published"
    assert Action.objects.filter(area__plan=plan).count() == 6  # updated in place, none duplicated
    plan.refresh_from_db()
    assert plan.inspection_start == date(2024, 6, 14)  # the file names no inspection date: the plan's stands


def test_a_new_plan_without_its_facts_is_refused_on_the_page_keeping_every_choice(client, world):
    client.force_login(world.manager)
    tracker = tracker_builders.council_tracker()
    staged, page = mapping_page(client, tracker.data, tracker.filename)
    data = as_proposed(page.context["form"], plan="new", local_area="Northshire", s0_c2="own", s0_c2_label="Our words")
    response = client.post(page.request["PATH_INFO"], data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter the plan&#x27;s title." in html and "Choose the type of plan." in html
    assert "Enter the date the plan started." in html
    assert "Enter the round this file reports: “RAG Status” has no date in its heading." in html
    form = response.context["form"]
    assert form["local_area"].value() == "Northshire" and form["s0_c2_label"].value() == "Our words"
    assert form["s0_c2"].value() == "own"
    staged.refresh_from_db()
    assert staged.status == "mapping" and staged.mapping is None and not Plan.objects.filter(local_area="Northshire")


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"current_period": "soon"}, "current_period", "Give the round as a month, term or quarter"),
        ({"s0_c6_round": "next time"}, "s0_c6_round", "Give the round of “Update Jan 2025” as a month"),
        ({"s0_c3": "not-a-field"}, "s0_c3", "Select a valid choice"),
        ({"plan": "99999"}, "plan", "Select a valid choice"),
    ],
)
def test_a_round_or_choice_we_cannot_read_is_refused_beside_its_field(client, world, changes, field, message):
    client.force_login(world.manager)
    tracker = tracker_builders.council_tracker()
    _, page = mapping_page(client, tracker.data, tracker.filename)
    response = client.post(page.request["PATH_INFO"], as_proposed(page.context["form"], **(NEW_PLAN | changes)))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])


def council_tracker_with(cell: str, value) -> bytes:
    book = load_workbook(io.BytesIO(tracker_builders.council_tracker().data))
    book.active[cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_tracker_refused_at_its_cells_goes_back_to_its_mapping_page_to_change_a_column(client, world):
    client.force_login(world.manager)
    staged, page = mapping_page(client, council_tracker_with("E6", "soonish"), "northshire.xlsx")
    refused = client.post(page.request["PATH_INFO"], as_proposed(page.context["form"], **NEW_PLAN))
    html = refused.content.decode()
    assert refused.status_code == 400 and "soonish" in html and "Target Date" in html and "WSoA tracker" in html
    assert reverse("workbook-mapping", args=[staged.pk]) in html
    staged.refresh_from_db()
    assert staged.status == "mapping"

    # The manager keeps the target dates as a field of the plan's own instead: the import goes ahead.
    page = client.get(reverse("workbook-mapping", args=[staged.pk]))
    form = page.context["form"]
    assert form["plan"].value() == "new" and form["local_area"].value() == "Northshire"  # as given before
    changes = NEW_PLAN | {"s0_c4": "own", "s0_c4_label": "Due date"}
    named_as_a_standard_field = client.post(page.request["PATH_INFO"], as_proposed(form, **changes))
    assert named_as_a_standard_field.status_code == 400
    assert "“Due date” is the name of a field every action has" in named_as_a_standard_field.content.decode()
    changes |= {"s0_c4_label": "Target (as the tracker says)"}
    preview = client.post(page.request["PATH_INFO"], as_proposed(form, **changes))
    assert preview.status_code == 200, [p.reason + repr(p) for p in preview.context["result"].problems]
    client.post(reverse("workbook-confirm", args=[staged.pk]))
    plan = Plan.objects.get(local_area="Northshire")
    assert Action.objects.filter(area__plan=plan).count() == 6
    assert PlanField.objects.filter(plan=plan, label="Target (as the tracker says)").exists()


def test_a_sheet_left_out_is_not_imported_and_a_per_area_trackers_words_are_asked(client, world):
    client.force_login(world.manager)
    tracker = tracker_builders.per_area_tracker()
    staged, page = mapping_page(client, tracker.data, tracker.filename)
    form = page.context["form"]
    assert [sheet.table.sheet for sheet in form.sheets] == ["AoW 1", "AoW 2"]
    assert "Instructions" in page.content.decode()  # the sheets we did not read are named, with why
    assert [(chosen.value, word) for chosen, word, _ in form.words] == [("stage", "Delivering")]
    changes = NEW_PLAN | {"current_period": "", "s0_skip": "on", "w_stage_0": "in_progress"}
    preview = client.post(page.request["PATH_INFO"], as_proposed(form, **changes))
    assert preview.status_code == 200, [p.reason + repr(p) for p in preview.context["result"].problems]
    assert "Sheet “AoW 1” was left out" in preview.content.decode()
    client.post(reverse("workbook-confirm", args=[staged.pk]))
    plan = Plan.objects.get(local_area="Northshire")
    actions = Action.objects.filter(area__plan=plan)
    assert sorted(actions.values_list("ref", flat=True)) == ["2.1", "2.2", "2.3"]
    assert actions.get(ref="2.2").stage == "in_progress"
    assert actions.get(ref="2.1").percent_complete == 100  # Excel's fractions: its 1 is 100%


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"\n,,\n\n", "tracker.csv", "(file)"),
        (b"PK\x03\x04 not really a zip", "tracker.xlsm", "is not an Excel workbook"),
        (b"\x00\x01\x02 random bytes", "plan.docx", "(file)"),
    ],
)
def test_a_file_that_cannot_be_read_as_a_tracker_is_refused_and_not_kept(client, world, content, name, message):
    client.force_login(world.manager)
    response = upload(client, content, name)
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode() and message in response.content.decode()
    assert not WorkbookUpload.objects.exists()


def test_a_csv_export_is_mapped_like_a_workbook(client, world):
    client.force_login(world.manager)
    tracker = tracker_builders.csv_tracker()
    staged, page = mapping_page(client, tracker.data, tracker.filename)
    assert page.status_code == 200 and staged.kind == "tracker"
    assert page.context["form"].sheets[0].columns


def test_another_managers_tracker_is_not_found(client, world):
    client.force_login(world.manager)
    tracker = tracker_builders.council_tracker()
    staged, _ = mapping_page(client, tracker.data, tracker.filename)
    other = factories.make_user("other-manager", Role.PROGRAMME_MANAGER)
    client.force_login(other)
    assert client.get(reverse("workbook-mapping", args=[staged.pk])).status_code == 404
    assert client.post(reverse("workbook-mapping", args=[staged.pk]), NEW_PLAN).status_code == 404


def test_a_large_tracker_is_checked_in_the_background_then_previewed(client, world, settings):
    settings.SENDPLAN_IMPORT_BACKGROUND_ROWS = 3
    client.force_login(world.manager)
    tracker = tracker_builders.council_tracker()
    staged, page = mapping_page(client, tracker.data, tracker.filename)
    response = client.post(page.request["PATH_INFO"], as_proposed(page.context["form"], **NEW_PLAN))
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    staged.refresh_from_db()
    assert staged.status == "checking"
    run_queued_jobs()
    staged.refresh_from_db()
    assert staged.status == "previewed"
    page = client.get(reverse("workbook-preview", args=[staged.pk]))
    assert page.status_code == 200 and "Confirm and import" in page.content.decode()
    client.post(reverse("workbook-confirm", args=[staged.pk]))
    run_queued_jobs()
    plan = Plan.objects.get(local_area="Northshire")
    assert Action.objects.filter(area__plan=plan).count() == 6
    assert TrackerMapping.objects.filter(plan=plan).exists()
    assert ReportingPeriod.objects.filter(plan=plan, name="Spring term 2025").exists()


def test_words_the_app_cannot_read_are_asked_about_and_kept_for_next_term(client, world):
    client.force_login(world.manager)
    tracker = tracker_builders.directorate_tracker()  # statuses "On track", "Complete", "Off track"
    staged, page = mapping_page(client, tracker.data, tracker.filename)
    form = page.context["form"]
    asked = [(chosen.value, word) for chosen, word, _ in form.words]
    assert asked == [("rag", "On track"), ("rag", "Off track")]  # "Complete" is read; the % column is fractions
    assert "Words the app does not know" in page.content.decode()

    unanswered = client.post(page.request["PATH_INFO"], as_proposed(form, **NEW_PLAN))
    assert unanswered.status_code == 400
    assert "Choose what “On track” means in a rating column." in unanswered.content.decode()

    answers = {"w_rag_0": "green", "w_rag_1": "red"}
    preview = client.post(page.request["PATH_INFO"], as_proposed(form, **NEW_PLAN, **answers))
    assert preview.status_code == 200, [p.reason + repr(p) for p in preview.context["result"].problems]
    client.post(reverse("workbook-confirm", args=[staged.pk]))
    plan = Plan.objects.get(local_area="Northshire")
    ratings = dict(Action.objects.filter(area__plan=plan).values_list("ref", "current_rag"))
    assert ratings == {"4.01.01": "green", "4.01.02": "blue", "4.02.01": "red", "4.03.01": "green"}
    assert TrackerMapping.objects.get(plan=plan).mapping["words"] == {"rag": {"On track": "green", "Off track": "red"}}

    _, again = mapping_page(client, tracker.data, "directorate-april.xlsx")
    form = again.context["form"]
    assert form["plan"].value() == str(plan.pk)
    assert not form.words  # each word is read as chosen last term: nothing to ask


def test_a_column_changed_to_a_stage_asks_about_the_words_it_holds(client, world):
    client.force_login(world.manager)
    tracker = tracker_builders.directorate_tracker()
    staged, page = mapping_page(client, tracker.data, tracker.filename)
    form = page.context["form"]
    headings = [column.heading for column in form.sheets[0].columns]
    comment = f"s0_c{headings.index('Comments')}" if "Comments" in headings else None
    assert comment, headings
    changes = {**NEW_PLAN, "w_rag_0": "green", "w_rag_1": "red", comment: "stage"}
    response = client.post(page.request["PATH_INFO"], as_proposed(form, **changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert [(chosen.value, word) for chosen, word, _ in form.words][:2] == [("rag", "On track"), ("rag", "Off track")]
    assert ("stage", "Signed off") in [(chosen.value, word) for chosen, word, _ in form.words]
    assert form["w_rag_0"].value() == "green"  # the answers given stay


# What a programme manager would answer for each council's own words.
ANSWERS = {"on track": "green", "off track": "red", "delivering": "in_progress"}


def confirm_as_proposed(client, page, facts: dict) -> WorkbookUpload:
    """Post the mapping page as proposed with `facts`, answering its words as ANSWERS says; confirm the preview."""
    form = page.context["form"]
    answers = {bound.name: ANSWERS[word.casefold()] for _, word, bound in form.words}
    preview = client.post(page.request["PATH_INFO"], as_proposed(form, **facts, **answers))
    assert "result" in preview.context, preview.context["form"].errors
    result = preview.context["result"]
    assert preview.status_code == 200, result.problems
    staged = WorkbookUpload.objects.get()
    confirmed = client.post(reverse("workbook-confirm", args=[staged.pk]))
    assert confirmed.status_code == 302, confirmed.context["result"].problems
    return result


@pytest.mark.parametrize(
    "build",
    [
        tracker_builders.council_tracker,
        tracker_builders.per_area_tracker,
        tracker_builders.two_row_header_tracker,
        tracker_builders.group_heading_alone_tracker,
        tracker_builders.repeated_header_tracker,
        tracker_builders.directorate_tracker,
        tracker_builders.csv_tracker,
        lambda: tracker_builders.csv_tracker(";"),
        word_builders.tables_per_area_plan,
        word_builders.labelled_blocks_plan,
        word_builders.label_table_plan,
    ],
)
def test_each_councils_tracker_is_uploaded_mapped_imported_and_imported_again_changing_nothing(client, world, build):
    client.force_login(world.manager)
    tracker = build()
    _, page = mapping_page(client, tracker.data, tracker.filename)
    first = confirm_as_proposed(client, page, NEW_PLAN)
    plan = Plan.objects.get(local_area="Northshire")
    actions = Action.objects.filter(area__plan=plan).count()
    assert actions == first.created["Action"] > 0

    _, page = mapping_page(client, tracker.data, tracker.filename)
    assert page.context["form"]["plan"].value() == str(plan.pk)  # the kept mapping knows the file
    again = confirm_as_proposed(client, page, {"current_period": NEW_PLAN["current_period"]})
    assert (sum(again.created.values()), sum(again.changed.values())) == (0, 0), again.changes
    assert Action.objects.filter(area__plan=plan).count() == actions
