"""Every URL x every role x GET/POST -> the expected status, and no database change when refused.

Rows: (url name, method, {role or group of roles: status}). READERS are the roles that read every plan.
A URL added without rows here fails test_every_url_is_in_the_matrix.
"""

import hashlib
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import get_resolver, reverse
from django.utils import timezone

from actions.models import Action, ProgressUpdate, ReportingPeriod
from api.services import api_token_create
from api.views import TABLES as API_TABLE_SPECS
from evidence.services import evidence_add
from governance.services import challenge_raise, comment_record
from jobs.models import Job
from jobs.services import job_enqueue
from kpis.services import measurement_record
from planfields.services import plan_field_add
from reports.models import PublishedFile, RenderedPdf, TermlyReport
from reports.services import report_approve, report_create, report_submit
from reports.tasks import render_pdf_preview
from tests.conftest import BoardWorld, KpiWorld, RiskWorld, World
from tests.workbook_builders import workbook
from tests.workbooks import tracker_builders
from workbooks.importer import ImportResult
from workbooks.models import WorkbookUpload

READERS = ["alice", "bob", "manager", "chair", "member", "comms", "pcf", "adviser"]
READ_ONLY = ["chair", "member", "comms", "pcf", "adviser"]
ALL = [*READERS, "nobody", "anonymous"]


def expect(default=None, **by_role):
    """Status per role: readers get `default`, 'nobody' (no role) 403, anonymous a redirect to log in."""
    table = {role: default for role in READERS}
    table.update(nobody=403, anonymous=302)
    for role, status in by_role.items():
        table[role] = status
    return table


def everyone(status):
    """The public Local Offer pages: no login and no role needed, so every role (and nobody) gets the same."""
    return {role: status for role in ALL}


API_TABLES = [name for name, *_ in API_TABLE_SPECS]

MATRIX = [
    # url name, args key, method, expectations
    ("home", None, "GET", expect(302)),
    ("my-actions", None, "GET", expect(200)),
    ("plan-list", None, "GET", expect(200)),
    ("plan-detail", "plan", "GET", expect(200)),
    ("plan-roll-forward", "plan", "GET", expect(403, manager=200)),
    ("plan-roll-forward", "plan", "POST", expect(403, manager=302)),
    ("area-detail", "area", "GET", expect(200)),
    ("area-close", "area", "GET", expect(403, manager=200)),
    ("area-close", "area", "POST", expect(403, manager=302)),
    # An area's actions as a sheet: the programme manager's alone.
    ("area-sheet", "area", "GET", expect(403, manager=200)),
    ("area-sheet", "area", "POST", expect(403, manager=302)),
    ("action-list", None, "GET", expect(200)),
    ("action-detail", "alice_action", "GET", expect(200)),
    ("action-detail", "colleague_action", "GET", expect(200)),
    # Every role reads every action, so a lead who does not lead one is told why (403), not answered 404.
    ("action-update", "alice_action", "GET", expect(403, alice=200, manager=200)),
    ("action-update", "alice_action", "POST", expect(403, alice=302, manager=302)),
    ("action-update", "bob_action", "POST", expect(403, bob=302, manager=302)),
    ("action-update", "colleague_action", "POST", expect(403, manager=302)),
    ("action-update", "shared_action", "GET", expect(403, alice=200, bob=200, manager=200)),
    # The lead's round: people who update actions walk theirs (a programme manager every action of the plan); an
    # action outside the walker's round is missing (bob does not lead 1.1); the one-page form saves the rows changed.
    ("lead-round", "plan", "GET", expect(403, alice=200, bob=200, manager=200)),
    ("lead-round", "plan", "POST", expect(403, alice=302, bob=404, manager=302)),
    ("lead-round-all", "plan", "GET", expect(403, alice=200, bob=200, manager=200)),
    ("lead-round-all", "plan", "POST", expect(403, alice=302, bob=302, manager=302)),
    ("lead-round-summary", "plan", "GET", expect(403, alice=200, bob=200, manager=200)),
    ("lead-round-summary", "plan", "POST", expect(405, nobody=405)),
    # A plan's own fields: the programme manager defines them; an action's values are its leads' and the
    # manager's to change, an area's the manager's.
    ("plan-fields", "plan", "GET", expect(403, manager=200)),
    ("plan-fields", "plan", "POST", expect(405, nobody=405)),
    ("plan-field-add", "plan", "GET", expect(403, manager=200)),
    ("plan-field-add", "plan", "POST", expect(403, manager=302)),
    ("plan-field-edit", "own_field", "GET", expect(403, manager=200)),
    ("plan-field-edit", "own_field", "POST", expect(403, manager=302)),
    ("plan-field-move", "own_field", "POST", expect(403, manager=302)),
    ("plan-field-move", "own_field", "GET", expect(405, nobody=405)),
    ("plan-field-remove", "own_field", "GET", expect(403, manager=200)),
    ("plan-field-remove", "own_field", "POST", expect(403, manager=302)),
    ("area-own-fields", "area", "GET", expect(403, manager=200)),
    ("area-own-fields", "area", "POST", expect(403, manager=302)),
    ("action-own-fields", "alice_action", "GET", expect(403, alice=200, manager=200)),
    ("action-own-fields", "alice_action", "POST", expect(403, alice=302, manager=302)),
    ("action-own-fields", "bob_action", "POST", expect(403, bob=302, manager=302)),
    # Setting up a plan (planning): programme managers only, every other role 403.
    ("plan-new", None, "GET", expect(403, manager=200)),
    ("plan-new", None, "POST", expect(403, manager=302)),
    ("plan-edit", "plan", "GET", expect(403, manager=200)),
    ("plan-edit", "plan", "POST", expect(403, manager=302)),
    ("plan-rag-key", "plan", "GET", expect(403, manager=200)),
    ("plan-rag-key", "plan", "POST", expect(403, manager=302)),
    ("setup-areas", "plan", "GET", expect(403, manager=200)),
    ("setup-areas", "plan", "POST", expect(405, nobody=405)),
    ("setup-area-add", "plan", "GET", expect(403, manager=200)),
    ("setup-area-add", "plan", "POST", expect(403, manager=302)),
    ("setup-area", "area", "GET", expect(403, manager=200)),
    ("setup-area", "area", "POST", expect(405, nobody=405)),
    ("setup-area-edit", "area", "GET", expect(403, manager=200)),
    ("setup-area-edit", "area", "POST", expect(403, manager=302)),
    ("setup-area-move", "area", "POST", expect(403, manager=302)),
    ("setup-area-move", "area", "GET", expect(405, nobody=405)),
    ("finding-add", "area", "GET", expect(403, manager=200)),
    ("finding-add", "area", "POST", expect(403, manager=302)),
    ("finding-edit", "finding", "GET", expect(403, manager=200)),
    ("finding-edit", "finding", "POST", expect(403, manager=302)),
    ("finding-remove", "finding", "GET", expect(403, manager=200)),
    ("finding-remove", "finding", "POST", expect(403, manager=302)),
    ("outcome-add", "area", "GET", expect(403, manager=200)),
    ("outcome-add", "area", "POST", expect(403, manager=302)),
    ("outcome-edit", "outcome", "GET", expect(403, manager=200)),
    ("outcome-edit", "outcome", "POST", expect(403, manager=302)),
    ("outcome-remove", "outcome", "GET", expect(403, manager=200)),
    ("outcome-remove", "outcome", "POST", expect(403, manager=302)),
    ("period-add", "plan", "GET", expect(403, manager=200)),
    ("period-add", "plan", "POST", expect(403, manager=302)),
    ("period-edit", "closed_period", "GET", expect(403, manager=200)),
    ("period-edit", "closed_period", "POST", expect(403, manager=302)),
    ("period-remove", "spare_period", "GET", expect(403, manager=200)),
    ("period-remove", "spare_period", "POST", expect(403, manager=302)),
    # Evidence files: an update's files are read by every role, a draft's only by those who may update its action
    # (404 for the rest, as if missing); its leads and the programme manager add files; the uploader (alice) and
    # the programme manager remove them; only the programme manager marks them publishable.
    ("evidence-add", "alice_update", "GET", expect(403, alice=200, manager=200)),
    ("evidence-add", "alice_update", "POST", expect(403, alice=302, manager=302)),
    ("evidence-add", "bob_draft", "GET", expect(404, bob=200, manager=200)),
    ("evidence-add", "bob_draft", "POST", expect(404, bob=302, manager=302)),
    ("evidence-download", "evidence", "GET", expect(200)),
    ("evidence-download", "draft_evidence", "GET", expect(404, bob=200, manager=200)),
    ("evidence-download", "evidence", "POST", expect(405, nobody=405)),
    ("evidence-remove", "evidence", "GET", expect(403, alice=200, manager=200)),
    ("evidence-remove", "evidence", "POST", expect(403, alice=302, manager=302)),
    ("evidence-remove", "draft_evidence", "POST", expect(404, bob=302, manager=302)),
    ("evidence-publishable", "evidence", "GET", expect(403, manager=200)),
    ("evidence-publishable", "evidence", "POST", expect(403, manager=302)),
    ("evidence-publishable", "draft_evidence", "POST", expect(403, manager=302)),
    # GET-only pages refuse other methods.
    ("my-actions", None, "POST", expect(405, nobody=405)),
    ("action-list", None, "POST", expect(405, nobody=405)),
    ("action-detail", "alice_action", "POST", expect(405, nobody=405)),
    # People who move on (decision 0023): only programme managers see posts, hand them over and correct names.
    ("plan-officers", "plan", "GET", expect(403, manager=200)),
    ("plan-officers", "plan", "POST", expect(405, nobody=405)),
    ("officer-detail", "officer", "GET", expect(403, manager=200)),
    ("officer-detail", "officer", "POST", expect(405, nobody=405)),
    ("officer-hand-over", "officer", "GET", expect(403, manager=200)),
    ("officer-hand-over", "officer", "POST", expect(403, manager=302)),
    ("officer-correct-name", "officer", "GET", expect(403, manager=200)),
    ("officer-correct-name", "officer", "POST", expect(403, manager=302)),
    # A plan's people in the app (docs/people.md): programme managers only add and edit its organisations and posts,
    # invite a post's holder to sign in and deactivate a leaver's account.
    ("plan-officer-new", "plan", "GET", expect(403, manager=200)),
    ("plan-officer-new", "plan", "POST", expect(403, manager=302)),
    ("plan-officer-edit", "plan_officer", "GET", expect(403, manager=200)),
    ("plan-officer-edit", "plan_officer", "POST", expect(403, manager=302)),
    ("plan-organisation-new", "plan", "GET", expect(403, manager=200)),
    ("plan-organisation-new", "plan", "POST", expect(403, manager=302)),
    ("plan-organisation-edit", "plan_organisation", "GET", expect(403, manager=200)),
    ("plan-organisation-edit", "plan_organisation", "POST", expect(403, manager=302)),
    ("officer-invite", "officer", "GET", expect(403, manager=200)),
    ("officer-invite", "officer", "POST", expect(403, manager=302)),
    ("officer-deactivate", "officer", "GET", expect(403, manager=200)),
    ("officer-deactivate", "officer", "POST", expect(403, manager=302)),
    # An invitation's link needs no sign-in: anyone holding a good one sees the form; a garbled, used or run-out
    # one is refused (410) for everyone and changes nothing.
    ("set-password", "invite_link", "GET", everyone(200)),
    ("set-password", "garbled_link", "GET", everyone(410)),
    ("set-password", "garbled_link", "POST", everyone(410)),
    # Forgotten passwords: no sign-in needed, the same for everyone. An empty request is refused (400) and counts
    # for nothing (tests/accounts/test_password_reset.py sends real ones); a good reset link shows the form, a
    # garbled one is refused (410) and changes nothing.
    ("password-reset", None, "GET", everyone(200)),
    ("password-reset", None, "POST", everyone(400)),
    ("password-reset-sent", None, "GET", everyone(200)),
    ("password-reset-confirm", "reset_link", "GET", everyone(200)),
    ("password-reset-confirm", "garbled_link", "GET", everyone(410)),
    ("password-reset-confirm", "garbled_link", "POST", everyone(410)),
    # Find things: everyone with a role searches (what each finds is theirs to read: tests/search).
    ("search", None, "GET", expect(200)),
    ("search", None, "POST", expect(405, nobody=405)),
    # KPIs: owners (alice owns 1.K1, bob owns SC1) and programme managers write; everyone with a role reads.
    ("scorecard", "plan", "GET", expect(200)),
    ("kpi-exceptions", "plan", "GET", expect(200)),
    ("kpi-detail", "kpi", "GET", expect(200)),
    ("measurement-new", "kpi", "GET", expect(403, alice=200, manager=200, bob=404)),
    ("measurement-new", "kpi", "POST", expect(403, alice=302, manager=302, bob=404)),
    ("measurement-new", "other_kpi", "POST", expect(403, bob=302, manager=302, alice=404)),
    ("measurement-edit", "measurement", "GET", expect(403, alice=200, manager=200, bob=404)),
    ("measurement-edit", "measurement", "POST", expect(403, alice=302, manager=302, bob=404)),
    ("milestone-edit", "milestone", "GET", expect(403, alice=200, manager=200, bob=404)),
    ("milestone-edit", "milestone", "POST", expect(403, alice=302, manager=302, bob=404)),
    ("milestone-target", "milestone", "GET", expect(403, alice=200, manager=200, bob=404)),
    ("milestone-target", "milestone", "POST", expect(403, alice=302, manager=302, bob=404)),
    ("scorecard", "plan", "POST", expect(405, nobody=405)),
    # Risks: owners (alice owns R1, bob R2) and programme managers write; only programme managers record new ones.
    ("risk-register", "plan", "GET", expect(200)),
    ("risk-heat-map", "plan", "GET", expect(200)),
    ("risk-detail", "risk", "GET", expect(200)),
    ("risk-new", "plan", "GET", expect(403, manager=200)),
    ("risk-new", "plan", "POST", expect(403, manager=302)),
    ("risk-edit", "risk", "GET", expect(403, alice=200, manager=200, bob=404)),
    ("risk-edit", "risk", "POST", expect(403, alice=302, manager=302, bob=404)),
    ("risk-review", "risk", "GET", expect(403, alice=200, manager=200, bob=404)),
    ("risk-review", "risk", "POST", expect(403, alice=302, manager=302, bob=404)),
    ("risk-review", "other_risk", "POST", expect(403, bob=302, manager=302, alice=404)),
    ("risk-register", "plan", "POST", expect(405, nobody=405)),
    # Workbooks: programme managers import; everyone with a role downloads the template and exports.
    ("workbook-upload", None, "GET", expect(403, manager=200)),
    ("workbook-upload", None, "POST", expect(403, manager=200)),
    ("workbook-confirm", "upload", "POST", expect(403, manager=302)),
    # An area's own tracker, on its mapping page: its uploader's alone. Posting nothing leaves the page with its
    # errors (which plan, what each column holds).
    ("workbook-mapping", "tracker_upload", "GET", expect(403, manager=200)),
    ("workbook-mapping", "tracker_upload", "POST", expect(403, manager=400)),
    # A large workbook's check, made by a background job: its uploader's alone.
    ("workbook-preview", "checked_upload", "GET", expect(403, manager=200)),
    ("workbook-template", None, "GET", expect(200)),
    ("plan-export", "plan_xlsx", "GET", expect(200)),
    ("plan-export", "plan_json", "GET", expect(200)),
    ("plan-export", "plan_csv", "GET", expect(200)),
    # Governance: everyone with a role reads the dashboard, rounds and challenges; programme managers run rounds;
    # board members, the chair and PCF representatives challenge; the action's leads answer; the PCF comments.
    ("dashboard-index", None, "GET", expect(302)),
    ("dashboard", "plan", "GET", expect(200)),
    ("round-list", "plan", "GET", expect(200)),
    ("round-detail", "period", "GET", expect(200)),
    ("round-open", "closed_period", "GET", expect(403, manager=200)),
    ("round-open", "closed_period", "POST", expect(403, manager=302)),
    ("round-close", "period", "POST", expect(403, manager=302)),
    ("round-close", "period", "GET", expect(405, nobody=405)),
    ("challenge-list", "plan", "GET", expect(200)),
    ("challenge-new", "alice_action", "GET", expect(403, member=200, chair=200, pcf=200)),
    ("challenge-new", "alice_action", "POST", expect(403, member=302, chair=302, pcf=302)),
    ("challenge-detail", "challenge", "GET", expect(200)),
    ("challenge-respond", "challenge", "GET", expect(403, alice=200, manager=200, bob=404)),
    ("challenge-respond", "challenge", "POST", expect(403, alice=302, manager=302, bob=404)),
    ("comment-new", "alice_action", "GET", expect(403, pcf=200)),
    ("comment-new", "alice_action", "POST", expect(403, pcf=302)),
    ("comment-respond", "comment", "GET", expect(403, alice=200, manager=200, bob=404)),
    ("comment-respond", "comment", "POST", expect(403, alice=302, manager=302, bob=404)),
    ("dashboard", "plan", "POST", expect(405, nobody=405)),
    # Boards: everyone with a role reads the structure, boards and meetings; the programme manager sets up boards;
    # the programme manager and board chairs record meetings; a board action's owner (alice) updates it.
    ("board-list", None, "GET", expect(200)),
    ("board-detail", "board", "GET", expect(200)),
    ("board-new", None, "GET", expect(403, manager=200)),
    ("board-new", None, "POST", expect(403, manager=302)),
    ("board-edit", "board", "GET", expect(403, manager=200)),
    ("board-edit", "board", "POST", expect(403, manager=302)),
    ("meeting-new", "board", "GET", expect(403, manager=200, chair=200)),
    ("meeting-new", "board", "POST", expect(403, manager=302, chair=302)),
    ("meeting-detail", "meeting", "GET", expect(200)),
    ("meeting-edit", "meeting", "GET", expect(403, manager=200, chair=200)),
    ("meeting-edit", "meeting", "POST", expect(403, manager=302, chair=302)),
    ("agenda-item-new", "meeting", "GET", expect(403, manager=200, chair=200)),
    ("agenda-item-new", "meeting", "POST", expect(403, manager=302, chair=302)),
    ("decision-new", "meeting", "GET", expect(403, manager=200, chair=200)),
    ("decision-new", "meeting", "POST", expect(403, manager=302, chair=302)),
    ("board-action-new", "meeting", "GET", expect(403, manager=200, chair=200)),
    ("board-action-new", "meeting", "POST", expect(403, manager=302, chair=302)),
    ("board-action-edit", "board_action", "GET", expect(403, manager=200, chair=200, alice=200, bob=404)),
    ("board-action-edit", "board_action", "POST", expect(403, manager=302, chair=302, alice=302, bob=404)),
    ("board-list", None, "POST", expect(405, nobody=405)),
    ("board-detail", "board", "POST", expect(405, nobody=405)),
    ("meeting-detail", "meeting", "POST", expect(405, nobody=405)),
    # A meeting's board pack, per board: the improvement board's members (alice, bob) read it; its chair (an
    # officer no user here holds) and programme managers produce and email it; a member asking to is told why (403);
    # roles no officer links to can never be members (403). Another officer's user gets 404 (tests/boards).
    ("meeting-pack", "meeting", "GET", expect(403, manager=200, alice=200, bob=200)),
    ("meeting-pack", "meeting", "POST", expect(405, nobody=405)),
    ("meeting-pack-pdf", "meeting", "GET", expect(403, manager=200, alice=200, bob=200)),
    ("meeting-pack-pdf", "meeting", "POST", expect(405, nobody=405)),
    ("meeting-pack-produce", "meeting", "POST", expect(403, manager=302)),
    ("meeting-pack-produce", "meeting", "GET", expect(405, nobody=405)),
    ("meeting-pack-email", "meeting", "GET", expect(403, manager=200)),
    ("meeting-pack-email", "meeting", "POST", expect(403, manager=302)),
    # Termly reports: everyone with a role reads every report, drafts included; the comms officer and the programme
    # manager prepare, submit, publish and correct; only the board chair approves or sends back; the chair also
    # writes the summary. Preview and PDF rows use the published report, which serves its stored page and bytes:
    # a draft's PDF is rendered by WeasyPrint on each request, far too slow for every role here.
    ("report-index", None, "GET", expect(200)),
    ("report-list", "plan", "GET", expect(200)),
    ("report-new", "plan", "GET", expect(403, comms=200, manager=200)),
    ("report-new", "plan", "POST", expect(403, comms=302, manager=302)),
    ("report-detail", "draft_report", "GET", expect(200)),
    ("report-detail", "published_report", "GET", expect(200)),
    ("report-edit", "draft_report", "GET", expect(403, comms=200, manager=200, chair=200)),
    ("report-edit", "draft_report", "POST", expect(403, comms=302, manager=302, chair=302)),
    ("report-preview", "published_report", "GET", expect(200)),
    ("report-pdf", "published_report", "GET", expect(200)),
    # A draft's PDF is made in the background: the request queues the render and leads to the job's page.
    ("report-pdf", "draft_report", "GET", expect(302)),
    ("report-pdf-preview", "rendered_preview", "GET", expect(200)),
    ("report-submit", "draft_report", "POST", expect(403, comms=302, manager=302)),
    ("report-approve", "submitted_report", "POST", expect(403, chair=302)),
    ("report-return", "submitted_report", "GET", expect(403, chair=200)),
    ("report-return", "submitted_report", "POST", expect(403, chair=302)),
    ("report-publish", "approved_report", "POST", expect(403, comms=302, manager=302)),
    ("report-correct", "published_report", "GET", expect(403, comms=200, manager=200)),
    ("report-correct", "published_report", "POST", expect(403, comms=302, manager=302)),
    ("report-detail", "draft_report", "POST", expect(405, nobody=405)),
    ("report-submit", "draft_report", "GET", expect(405, nobody=405)),
    # Background jobs: a report's render is seen by everyone who reads reports, retried by its requester (the comms
    # officer here) and the others who prepare reports.
    ("job-detail", "preview_job", "GET", expect(200)),
    ("job-status", "preview_job", "GET", expect(200)),
    ("job-retry", "failed_preview_job", "POST", expect(403, comms=302, manager=302)),
    ("job-detail", "preview_job", "POST", expect(405, nobody=405)),
    # The public Local Offer pages: published reports only, to the public and staff alike; a report not yet
    # published (a draft, or approved but not published) does not exist there.
    ("public-index", None, "GET", everyone(200)),
    ("public-plan", "plan", "GET", everyone(200)),
    ("public-report", "public_published", "GET", everyone(200)),
    ("public-report", "public_draft", "GET", everyone(404)),
    ("public-report", "public_approved", "GET", everyone(404)),
    ("public-report-pdf", "public_published", "GET", everyone(200)),
    ("public-report-pdf", "public_draft", "GET", everyone(404)),
    ("public-report-pdf", "public_approved", "GET", everyone(404)),
    ("public-report", "public_published", "POST", everyone(405)),
    # Open data, feeds and the chair's published updates (docs/open-data.md): the same rule, and GET only.
    ("public-report-json", "public_published", "GET", everyone(200)),
    ("public-report-json", "public_draft", "GET", everyone(404)),
    ("public-report-json", "public_approved", "GET", everyone(404)),
    ("public-report-json", "public_published", "POST", everyone(405)),
    ("public-report-actions-csv", "public_published", "GET", everyone(200)),
    ("public-report-actions-csv", "public_draft", "GET", everyone(404)),
    ("public-report-actions-csv", "public_approved", "GET", everyone(404)),
    ("public-report-actions-csv", "public_published", "POST", everyone(405)),
    ("public-report-kpis-csv", "public_published", "GET", everyone(200)),
    ("public-report-kpis-csv", "public_draft", "GET", everyone(404)),
    ("public-report-kpis-csv", "public_approved", "GET", everyone(404)),
    ("public-report-kpis-csv", "public_published", "POST", everyone(405)),
    ("public-open-data-schema", None, "GET", everyone(200)),
    ("public-open-data-schema", None, "POST", everyone(405)),
    ("public-feed", None, "GET", everyone(200)),
    ("public-feed", None, "POST", everyone(405)),
    ("public-plan-feed", "plan", "GET", everyone(200)),
    ("public-plan-feed", "plan", "POST", everyone(405)),
    # An evidence file the published report lists (publishable when it was published); one it does not list is missing.
    ("public-evidence", "public_evidence", "GET", everyone(200)),
    ("public-evidence", "public_evidence_unlisted", "GET", everyone(404)),
    ("public-evidence", "public_evidence", "POST", everyone(405)),
    ("public-chair-update", "public_chair_update", "GET", everyone(200)),
    ("public-chair-update", "unpublished_chair_update", "GET", everyone(404)),
    ("public-chair-update", "public_chair_update", "POST", everyone(405)),
    # The load balancers' health check: no login, GET only.
    # The accessibility statement, privacy notice and cookies page: public to read; the programme manager changes them.
    ("statement-accessibility", None, "GET", everyone(200)),
    ("statement-accessibility", None, "POST", everyone(405)),
    ("statement-privacy", None, "GET", everyone(200)),
    ("statement-privacy", None, "POST", everyone(405)),
    ("statement-cookies", None, "GET", everyone(200)),
    ("statement-cookies", None, "POST", everyone(405)),
    ("statement-edit", "statement_kind", "GET", expect(403, manager=200)),
    ("statement-edit", "statement_kind", "POST", expect(403, manager=302)),
    ("healthz", None, "GET", everyone(200)),
    ("healthz", None, "POST", everyone(405)),
    # Signing in and out.
    ("login", None, "GET", {**{r: 302 for r in READERS}, "nobody": 302, "anonymous": 200}),
    ("logout", None, "POST", {**{r: 302 for r in READERS}, "nobody": 302, "anonymous": 302}),
    # Your account: anyone signed in, with a role or not. The two-factor pages exist only with SENDPLAN_TWO_FACTOR
    # on, which the test settings turn off (tests/accounts/test_two_factor.py checks them per role with it on).
    ("account", None, "GET", expect(200, nobody=200)),
    ("account", None, "POST", expect(405, nobody=405)),
    # The timeout warning's JSON: how long the session has left (GET) and "Stay signed in" (POST). Open to all, so
    # a signed-out browser hears "signed out" (tests/accounts/test_timeout_warning.py); it reads and writes no record.
    ("session-status", None, "GET", everyone(200)),
    ("session-status", None, "POST", everyone(200)),
    ("two-factor-verify", None, "GET", expect(404, nobody=404)),
    ("two-factor-verify", None, "POST", expect(404, nobody=404)),
    ("two-factor-setup", None, "GET", expect(404, nobody=404)),
    ("two-factor-setup", None, "POST", expect(404, nobody=404)),
    # Sign in with your organisation: reached without signing in. The test settings configure no provider, so a
    # provider's key is missing for everyone (tests/accounts/test_organisation_sign_in.py signs in through a real
    # one); signing out of the provider is offered once, after signing out, and otherwise leads to signing in.
    ("organisation-sign-in", "provider_key", "GET", everyone(404)),
    ("organisation-sign-in", "provider_key", "POST", everyone(405)),
    ("organisation-sign-in-callback", "provider_key", "GET", everyone(404)),
    ("organisation-sign-in-callback", "provider_key", "POST", everyone(405)),
    ("signed-out", None, "GET", everyone(302)),
    ("signed-out", None, "POST", everyone(405)),
    # Organisation sign-ins waiting for a link to an account: programme managers only.
    ("organisation-sign-ins", None, "GET", expect(403, manager=200)),
    ("organisation-sign-ins", None, "POST", expect(405, nobody=405)),
    ("organisation-sign-in-decide", "pending_identity", "GET", expect(403, manager=200)),
    ("organisation-sign-in-decide", "pending_identity", "POST", expect(403, manager=302)),
    # The read-only API (/api/v1/): a token is its only sign-in, so a browser session (any role's) answers 401, as
    # no sign-in does; each role's token is tested in tests/api/test_api_access.py. It takes no writes (405). Its
    # OpenAPI document names fields only and is read by tools before they hold a token.
    *[(f"api-{table}", None, "GET", everyone(401)) for table in API_TABLES],
    *[(f"api-{table}", None, "POST", everyone(405)) for table in API_TABLES],
    ("openapi-json", None, "GET", everyone(200)),
    ("openapi-json", None, "POST", everyone(405)),
    # Any other address under /api/v1/ (its root here) is a JSON 404 for everyone.
    ("api-not-found", None, "GET", everyone(404)),
    ("api-not-found", None, "POST", everyone(405)),
    # API tokens: programme managers make (posting nothing is a form with its errors) and revoke them.
    ("api-tokens", None, "GET", expect(403, manager=200)),
    ("api-tokens", None, "POST", expect(403, manager=400)),
    ("api-token-revoke", "api_token", "GET", expect(405, nobody=405)),
    ("api-token-revoke", "api_token", "POST", expect(403, manager=302)),
]

ARGS = {
    "api_token": lambda w: [w.api_token.pk],
    "plan": lambda w: [w.plan.slug],
    "area": lambda w: [w.area.pk],
    "officer": lambda w: [w.head_of_send.pk],
    "plan_officer": lambda w: [w.plan.slug, w.head_of_send.pk],
    "plan_organisation": lambda w: [w.plan.slug, w.council.pk],
    "invite_link": lambda w: invite_link_args(),
    "garbled_link": lambda w: ["MQ", "not-a-token"],
    "reset_link": lambda w: reset_link_args(),
    "provider_key": lambda w: ["council"],
    "statement_kind": lambda w: ["privacy"],
    "pending_identity": lambda w: [pending_identity().pk],
    "own_field": lambda w: [w.own_fields.directorate.pk],
    "alice_action": lambda w: [w.alice_action.pk],
    "bob_action": lambda w: [w.bob_action.pk],
    "colleague_action": lambda w: [w.colleague_action.pk],
    "shared_action": lambda w: [w.shared_action.pk],
    "kpi": lambda w: [w.kpis.timeliness.pk],
    "other_kpi": lambda w: [w.kpis.strategy.pk],
    "measurement": lambda w: [w.kpis.timeliness.measurements.get().pk],
    "milestone": lambda w: [w.kpis.timeliness.milestones.get(months=3).pk],
    "risk": lambda w: [w.risks.schools.pk],
    "upload": lambda w: [staged_upload(w).pk],
    "checked_upload": lambda w: [checked_upload(w).pk],
    "tracker_upload": lambda w: [tracker_upload(w).pk],
    "plan_xlsx": lambda w: [w.plan.slug, "xlsx"],
    "plan_json": lambda w: [w.plan.slug, "json"],
    "plan_csv": lambda w: [w.plan.slug, "csv"],
    "other_risk": lambda w: [w.risks.parents.pk],
    "board": lambda w: [w.boards.improvement.pk],
    "meeting": lambda w: [w.boards.meeting.pk],
    "board_action": lambda w: [w.boards.board_action.pk],
    "period": lambda w: [w.period.pk],
    "spare_period": lambda w: [w.spare_period.pk],
    "finding": lambda w: [w.finding.pk],
    "outcome": lambda w: [w.outcome.pk],
    "closed_period": lambda w: [w.closed_period.pk],
    "challenge": lambda w: [w.challenge.pk],
    "comment": lambda w: [w.comment.pk],
    "draft_report": lambda w: [w.reports.draft.pk],
    "submitted_report": lambda w: [w.reports.submitted.pk],
    "approved_report": lambda w: [w.reports.approved.pk],
    "rendered_preview": lambda w: [w.reports.draft.pk, w.reports.rendered.key],
    "preview_job": lambda w: [w.reports.preview_job.pk],
    "failed_preview_job": lambda w: [w.reports.failed_job.pk],
    "published_report": lambda w: [w.reports.published.pk],
    "public_published": lambda w: [w.plan.slug, w.reports.published.pk],
    "public_draft": lambda w: [w.plan.slug, w.reports.draft.pk],
    "public_approved": lambda w: [w.plan.slug, w.reports.approved.pk],
    "public_chair_update": lambda w: [w.plan.slug, w.chair_updates.published.pk],
    "public_evidence": lambda w: [w.plan.slug, w.reports.published.pk, w.evidence.published.pk],
    "public_evidence_unlisted": lambda w: [w.plan.slug, w.reports.published.pk, w.evidence.file.pk],
    "unpublished_chair_update": lambda w: [w.plan.slug, w.chair_updates.unpublished.pk],
    "alice_update": lambda w: [w.evidence.update.pk],
    "bob_draft": lambda w: [w.evidence.draft.pk],
    "evidence": lambda w: [w.evidence.file.pk],
    "draft_evidence": lambda w: [w.evidence.draft_file.pk],
}

# One valid POST per form; each role's expected status says whether it may be used. OWNER, AREA, ACTION and
# OPEN_PERIOD (in a value, or in a name such as actions_AREA) stand for the pks of PLACEHOLDERS.
POST_DATA = {
    "meeting-pack-produce": {},
    "meeting-pack-email": {},
    "job-retry": {},
    "statement-edit": {"body": "Matrix: our privacy notice.", "version": "1"},
    "board-new": {"name": "Matrix subgroup", "kind": "subgroup", "order": "0"},
    "board-edit": {
        "name": "SEND Improvement Board",
        "kind": "improvement",
        "meets": "Matrix",
        "order": "0",
        "version": "1",
    },
    "meeting-new": {"date_0": "10", "date_1": "3", "date_2": "2026", "title": "Matrix meeting"},
    "meeting-edit": {"date_0": "10", "date_1": "3", "date_2": "2026", "title": "Matrix: renamed", "version": "1"},
    "agenda-item-new": {"title": "Matrix item", "action": "ACTION"},
    "decision-new": {"text": "Matrix decision"},
    "board-action-new": {"text": "Matrix board action", "owner": "OWNER"},
    "board-action-edit": {
        "text": "Matrix",
        "owner": "OWNER",
        "status": "open",
        "progress_note": "Matrix",
        "version": "1",
    },
    "round-open": {"deadline_0": "15", "deadline_1": "12", "deadline_2": "2025", "version": "1"},
    "round-close": {"version": "1"},
    "challenge-new": {"text": "Matrix: the evidence does not support Green."},
    "challenge-respond": {"resolution": "explained", "response": "Matrix: audit attached.", "version": "1"},
    "comment-respond": {"response": "Matrix: letters now go out in plain English.", "version": "1"},
    "comment-new": {"text": "Matrix: families say waits are still long.", "publishable": "on"},
    "officer-hand-over": {
        "person_name": "Dev Patel",
        "email": "dev.patel@riverside.example",
        "started_on_0": "1",
        "started_on_1": "12",
        "started_on_2": "2025",
        "user": "",
        "version": "OFFICER_VERSION",
    },
    "officer-correct-name": {"person_name": "Alicia Moreno", "version": "OFFICER_VERSION"},
    "plan-new": {
        "plan_type": "pap",
        "local_area": "Matrixshire",
        "title": "Matrix plan",
        "start_date_0": "1",
        "start_date_1": "9",
        "start_date_2": "2026",
        "ratings": "yes",
        "blue_label": "Blue",
        "blue_definition": "Done",
        "cadence": "termly",
    },
    "plan-edit": {
        "plan_type": "wsoa",
        "local_area": "Riverside",
        "title": "Matrix: renamed",
        "start_date_0": "1",
        "start_date_1": "9",
        "start_date_2": "2025",
        "version": "PLAN_VERSION",
    },
    "plan-rag-key": {"ratings": "yes", "green_label": "Green", "green_definition": "Matrix", "version": "PLAN_VERSION"},
    "setup-area-add": {"ref": "9", "title": "Matrix area", "kind": "weakness", "owners": "OWNER"},
    "setup-area-edit": {"ref": "1", "title": "Matrix: renamed", "kind": "weakness", "version": "AREA_VERSION"},
    "setup-area-move": {"direction": "down", "version": "AREA_VERSION"},
    "finding-add": {"ref": "9.1", "text": "Matrix finding"},
    "finding-edit": {"ref": "1.1", "text": "Matrix: reworded", "version": "1"},
    "finding-remove": {"version": "1"},
    "outcome-add": {"ref": "z", "text": "Matrix outcome"},
    "outcome-edit": {"ref": "a", "text": "Matrix: reworded", "version": "1"},
    "outcome-remove": {"version": "1"},
    "period-add": {
        "name": "Matrix term",
        "start_0": "1",
        "start_1": "1",
        "start_2": "2030",
        "end_0": "31",
        "end_1": "3",
        "end_2": "2030",
    },
    "period-edit": {
        "name": "Autumn 2025 (matrix)",
        "start_0": "1",
        "start_1": "9",
        "start_2": "2025",
        "end_0": "31",
        "end_1": "12",
        "end_2": "2025",
        "version": "CLOSED_PERIOD_VERSION",
    },
    "period-remove": {"version": "1"},
    "plan-officer-new": {
        "post_title": "Matrix lead",
        "person_name": "Dev Patel",
        "organisation": "COUNCIL",
        "email": "",
        "name_publishable": "yes",
        "is_agency_lead": "no",
    },
    "plan-officer-edit": {
        "post_title": "Head of SEND and Inclusion",
        "organisation": "COUNCIL",
        "email": "",
        "name_publishable": "yes",
        "is_agency_lead": "no",
        "version": "OFFICER_VERSION",
    },
    "plan-organisation-new": {"name": "Matrix Parent Carer Forum", "short_name": "", "kind": "pcf"},
    "plan-organisation-edit": {"name": "Riverside Council", "short_name": "RC", "kind": "council", "version": "1"},
    "officer-invite": {"email": "matrix@riverside.example", "role": "SEND lead", "version": "OFFICER_VERSION"},
    "officer-deactivate": {},
    "organisation-sign-in-decide": {"decision": "refuse", "version": "1"},
    "api-token-revoke": {},
    "set-password": {"new_password1": "ripe-plum-tandem-42", "new_password2": "ripe-plum-tandem-42"},
    "plan-field-add": {"applies_to": "action", "label": "Section", "kind": "short", "public": "no"},
    "plan-field-edit": {"label": "Directorate (lead)", "kind": "short", "public": "yes", "version": "1"},
    "plan-field-move": {"direction": "up", "version": "1"},
    "plan-field-remove": {"version": "1"},
    "area-own-fields": {"field_CRITERIA": "Matrix: families heard", "version_CRITERIA": "0"},
    "action-own-fields": {"field_DIRECTORATE": "Matrix: Education", "version_DIRECTORATE": "0"},
    # The sheet adding one action in a blank row.
    "area-sheet": {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-ref": "1.9",
        "form-0-text": "Matrix: a new action",
        "form-0-area": "AREA",
        "form-0-status": "open",
    },
    "area-close": {
        "closed_on_0": "1",
        "closed_on_1": "12",
        "closed_on_2": "2025",
        "reason": "Matrix: the board agreed it is addressed.",
        "version": "1",
    },
    "plan-roll-forward": {
        "plan_type": "app",
        "title": "Accelerated Progress Plan",
        "slug": "riverside-app",
        "start_date_0": "1",
        "start_date_1": "9",
        "start_date_2": "2026",
        "areas": "AREA",
        "actions_AREA": "ACTION",
    },
    "action-update": {"rag": "amber", "progress": "Matrix progress", "impact": "", "version": "1"},
    "lead-round": {"action": "ACTION", "rag": "amber", "progress": "Matrix progress", "version": "1"},
    # The joint action (alice's and bob's) still needs its update, so it is a row of the one-page form.
    "lead-round-all": {"aJOINT-rag": "amber", "aJOINT-progress": "Matrix progress", "aJOINT-version": "1"},
    "measurement-new": {
        "period_date_0": "31",
        "period_date_1": "1",
        "period_date_2": "2026",
        "value": "45",
        "value_text": "In words",
        "status": "actual",
        "note": "",
    },
    "measurement-edit": {"value": "44", "value_text": "In words", "status": "actual", "note": "", "version": "1"},
    "milestone-edit": {"rag": "green", "override_reason": "", "commentary": "On track", "version": "2"},
    "milestone-target": {"target_benchmark": "national average 2023/24", "judged_by": "value", "version": "2"},
    "risk-new": {
        "ref": "R9",
        "risk": "If the matrix fails, then we learn",
        "owner": "OWNER",
        "severity": "medium",
        "review_every_days": "30",
        "status": "open",
    },
    "risk-edit": {
        "ref": "R1",
        "risk": "If schools do not engage, then inclusion will not embed.",
        "owner": "OWNER",
        "inherent_likelihood": "4",
        "inherent_impact": "4",
        "current_likelihood": "4",
        "current_impact": "3",
        "review_every_days": "30",
        "status": "open",
        "version": "2",
    },
    "workbook-confirm": {},
    "risk-review": {
        "reviewed_on_0": "5",
        "reviewed_on_1": "1",
        "reviewed_on_2": "2026",
        "likelihood": "3",
        "impact": "3",
        "note": "Matrix review",
        "version": "2",
    },
    # Termly reports (see termly_reports for each report's version).
    "report-new": {"period": "OPEN_PERIOD", "summary": "Matrix: the board's summary."},
    "report-edit": {"summary": "Matrix: the summary, edited.", "version": "1"},
    "report-submit": {"version": "1"},
    "report-approve": {"version": "2"},
    "report-return": {"note": "Matrix: say more about waiting times.", "version": "2"},
    "report-publish": {"version": "3"},
    "report-correct": {"note": "Matrix: action 1.1 was Amber, not Green."},
    "evidence-add": {"evidence-files": "PDF_FILE"},
    "evidence-remove": {"version": "1"},
    "evidence-publishable": {"publishable": "yes", "version": "1"},
}
PLACEHOLDERS = {
    "OWNER": lambda w: w.head_of_send.pk,
    "COUNCIL": lambda w: w.council.pk,
    "AREA": lambda w: w.area.pk,
    "ACTION": lambda w: w.alice_action.pk,
    "OPEN_PERIOD": lambda w: w.period.pk,
    "JOINT": lambda w: w.shared_action.pk,
    "OFFICER_VERSION": lambda w: type(w.head_of_send).objects.get(pk=w.head_of_send.pk).version,
    "CRITERIA": lambda w: w.own_fields.criteria.pk,
    "PLAN_VERSION": lambda w: type(w.plan).objects.get(pk=w.plan.pk).version,
    "AREA_VERSION": lambda w: type(w.area).objects.get(pk=w.area.pk).version,
    "CLOSED_PERIOD_VERSION": lambda w: type(w.closed_period).objects.get(pk=w.closed_period.pk).version,
    "DIRECTORATE": lambda w: w.own_fields.directorate.pk,
    # A new file for each request (reading an upload uses it up).
    "PDF_FILE": lambda w: SimpleUploadedFile("Matrix minutes.pdf", FAKE_PDF, content_type="application/pdf"),
}
ROLE_USERS = {"manager": "manager", "chair": "chair", "member": "member", "comms": "comms", "pcf": "pcf"}


def invite_link_args() -> list[str]:
    """A good invitation link's arguments, for an invited account no role's request signs in as (signing in would
    spend the link)."""
    from django.contrib.auth.models import User

    from accounts.invites import invite_path

    invitee = User.objects.filter(username="matrix-invitee").first()
    if invitee is None:
        invitee = User(username="matrix-invitee", email="invitee@riverside.example")
        invitee.set_unusable_password()
        invitee.save()
    return invite_path(invitee).strip("/").split("/")[-2:]


def reset_link_args() -> list[str]:
    """A good reset link's arguments, for the invited account (no role's request signs in as it)."""
    from django.contrib.auth.models import User

    from accounts.invites import link_path
    from accounts.password_reset import reset_tokens

    invite_link_args()
    invitee = User.objects.get(username="matrix-invitee")
    return link_path(invitee, "password-reset-confirm", reset_tokens).strip("/").split("/")[-2:]


def pending_identity():
    """An organisation sign-in waiting for a programme manager to link or refuse it."""
    from accounts.models import OrganisationIdentity

    return OrganisationIdentity.objects.get_or_create(
        provider="council", subject="matrix-subject", defaults={"email": "sam@riverside.gov.uk", "name": "Sam Lee"}
    )[0]


def checked_upload(world):
    """A large workbook the programme manager uploaded, checked by a background job: its result kept."""
    upload = staged_upload(world)
    upload.rows, upload.result = 200, ImportResult().as_json()
    upload.save()
    return upload


def tracker_upload(world):
    """An area's own tracker the programme manager uploaded, waiting on its mapping page."""
    content = tracker_builders.council_tracker().data
    return WorkbookUpload.objects.create(
        filename="tracker.xlsx",
        content=content,
        sha256="x",
        uploaded_by=world.manager,
        kind=WorkbookUpload.Kind.TRACKER,
        status=WorkbookUpload.Status.MAPPING,
    )


def staged_upload(world):
    """A workbook the programme manager uploaded and previewed: a new plan with one area and action."""
    content = workbook(
        {
            "Plan": [
                ["field", "value"],
                ["local area", "Matrixshire"],
                ["title", "Matrix plan"],
                ["type", "PAP"],
                ["start date", "01/09/2025"],
            ],
            "Areas": [["ref", "title"], ["1", "Matrix area"]],
            "Actions": [
                ["area", "ref", "action", "leads"],
                ["1", "1.1", "Matrix action", "Head of SEND (Alice Moreno)"],
            ],
        }
    ).getvalue()
    return WorkbookUpload.objects.create(filename="m.xlsx", content=content, sha256="x", uploaded_by=world.manager)


def rated_and_challenged(world):
    """Alice's action rated Green and challenged by a board member. The update is written directly so the action
    keeps version 1, which the action-update rows post."""
    action = world.alice_action
    ProgressUpdate.objects.create(
        action=action, period=world.period, rag="green", progress="Panel running", impact="Plans on time"
    )
    Action.objects.filter(pk=action.pk).update(current_rag="green")
    return challenge_raise(action=action, text="Is the impact evidenced?", by=world.member)


FAKE_PDF = b"%PDF-1.7\n% matrix: not a real PDF\n%%EOF\n"


def board_pack(world):
    """The improvement board's meeting's pack, written directly (rendering it is tests/boards' business), and an
    address for a member, so emailing it sends one email."""
    from boards.models import BoardPack

    world.head_of_send.email = "alice@riverside.example"
    world.head_of_send.save(update_fields=["email"])
    now = timezone.now()
    return BoardPack.objects.create(
        meeting=world.boards.meeting, html="<h1>Board pack</h1>", pdf=FAKE_PDF, as_at=now, produced_at=now
    )


def termly_reports(world):
    """One termly report at each step, each in its own term (a term has one report in preparation at a time), and
    Spring 2026, the open term, left without one for report-new. Three closed terms are added before the plan's.

    The published report is written directly, with a few fake bytes as its PDF: publishing through
    report_publish renders a real PDF with WeasyPrint (a second or more), and the matrix only needs a report that
    is published, with a stored page and file to serve."""
    plan, by = world.plan, world.comms
    terms = [
        ReportingPeriod.objects.create(plan=plan, name=name, start=start, end=end, status="closed")
        for name, start, end in [
            ("Autumn 2024", date(2024, 9, 1), date(2024, 12, 31)),
            ("Spring 2025", date(2025, 1, 1), date(2025, 4, 30)),
            ("Summer 2025", date(2025, 5, 1), date(2025, 8, 31)),
        ]
    ]
    # Version 1, with a summary, in a closed term: ready to submit.
    draft = report_create(plan=plan, period=world.closed_period, summary="Matrix: a draft summary.", by=by)
    submitted = report_create(plan=plan, period=terms[0], summary="Matrix: submitted.", by=by)
    submitted = report_submit(report=submitted, by=by, expected_version=1)  # version 2
    approved = report_create(plan=plan, period=terms[1], summary="Matrix: approved.", by=by)
    approved = report_submit(report=approved, by=by, expected_version=1)
    approved = report_approve(report=approved, by=world.chair, expected_version=2)  # version 3
    now = timezone.now()
    digest = hashlib.sha256(FAKE_PDF).hexdigest()
    published = TermlyReport.objects.create(
        plan=plan,
        period=terms[2],
        summary="Matrix: published.",
        status=TermlyReport.Status.PUBLISHED,
        as_at=now,
        created_by=by,
        created_at=now,
        submitted_by=by,
        submitted_at=now,
        approved_by=world.chair,
        approved_at=now,
        published_by=by,
        published_at=now,
        pdf_sha256=digest,
        pdf_size=len(FAKE_PDF),
    )
    PublishedFile.objects.create(
        report=published,
        pdf=FAKE_PDF,
        html="<h1>Matrix: published</h1>",
        data={"attribution": "Matrix: attribution.", "actions": [], "kpis": []},
        sha256=digest,
        created_at=now,
    )
    rendered = RenderedPdf.objects.create(report=draft, key="0" * 64, pdf=FAKE_PDF, created_at=now, rendered_at=now)
    preview_job = job_enqueue(
        render_pdf_preview, label="Matrix: preview", subject=f"report:{draft.pk}", by=by, args={"key": rendered.key}
    )
    failed_job = job_enqueue(
        render_pdf_preview, label="Matrix: failed", subject=f"report:{draft.pk}", by=by, args={"key": rendered.key}
    )
    Job.objects.filter(pk=failed_job.pk).update(status=Job.Status.FAILED, error="Matrix: it failed")
    return SimpleNamespace(
        draft=draft,
        submitted=submitted,
        approved=approved,
        published=published,
        rendered=rendered,
        preview_job=preview_job,
        failed_job=failed_job,
    )


def chair_updates(world):
    """Two earlier meetings of the board overseeing the plan: one chair's update published, one written only."""
    from boards.models import Meeting

    board, day = world.boards.improvement, date(2025, 10, 1)
    published = Meeting.objects.create(
        board=board, date=day, chair_update="Matrix: published update.", chair_update_published_at=timezone.now()
    )
    unpublished = Meeting.objects.create(board=board, date=day, chair_update="Matrix: not published.")
    return SimpleNamespace(published=published, unpublished=unpublished)


def evidence_files(world):
    """A file on alice's update (given in rated_and_challenged), and a draft of bob's with a file of his. The draft
    is written directly, so bob's action keeps version 1, which the action-update rows post."""
    update = ProgressUpdate.objects.get(action=world.alice_action, period=world.period)
    draft = ProgressUpdate.objects.create(
        action=world.bob_action, period=world.period, status=ProgressUpdate.Status.DRAFT, progress="Matrix draft"
    )
    (file,) = evidence_add(update=update, files=[PLACEHOLDERS["PDF_FILE"](world)], by=world.alice)
    (draft_file,) = evidence_add(update=draft, files=[PLACEHOLDERS["PDF_FILE"](world)], by=world.bob)
    # A publishable file the published report lists (its frozen data names it, as publication would have).
    (published,) = evidence_add(update=update, files=[PLACEHOLDERS["PDF_FILE"](world)], by=world.alice)
    published.publishable = True
    published.save()
    stored = PublishedFile.objects.get(report=world.reports.published)
    stored.data["evidence_files"] = [{"id": published.pk, "name": published.original_name, "size": published.size}]
    stored.save()
    return SimpleNamespace(update=update, draft=draft, file=file, draft_file=draft_file, published=published)


def own_fields(world):
    """Two fields of the plan's own, Section before Directorate so that moving Directorate up changes the order."""
    section = plan_field_add(plan=world.plan, applies_to="action", label="Section", kind="short", by=world.manager)
    section.label = "Service"  # renamed in place: "Section" is free for plan-field-add
    section.save()
    return SimpleNamespace(
        section=section,
        directorate=plan_field_add(
            plan=world.plan, applies_to="action", label="Directorate", kind="short", by=world.manager
        ),
        criteria=plan_field_add(
            plan=world.plan, applies_to="area", label="Success criteria", kind="long", by=world.manager
        ),
    )


def setup_records(world):
    """A finding and an outcome of the world's area, and a planned period with nothing recorded in it (which may be
    removed), for the plan set-up rows."""
    from actions.models import Finding, Outcome

    finding = Finding.objects.create(area=world.area, ref="1.1", text="Plans are late")
    outcome = Outcome.objects.create(area=world.area, ref="a", text="Plans on time")
    spare = ReportingPeriod.objects.create(
        plan=world.plan, name="Summer 2026", start=date(2026, 5, 1), end=date(2026, 8, 31)
    )
    return finding, outcome, spare


def login(client, world, role):
    if role != "anonymous":
        client.force_login(world.user(ROLE_USERS.get(role, role)))


def post_data(world, name):
    data = {}
    for key, value in POST_DATA.get(name, {}).items():
        for placeholder, pk in PLACEHOLDERS.items():
            key = key.replace(placeholder, str(pk(world)))
        data[key] = PLACEHOLDERS[value](world) if value in PLACEHOLDERS else value
    return data


# Tables a request may write whatever it is allowed to do: the session a sign-in makes, axes' record of it.
UNWATCHED_TABLES = {"django_session", "axes_accesslog", "axes_accessattempt", "axes_accessfailurelog"}


def fingerprint_query() -> str:
    """One statement that digests every row of every other table (history, the job queue and users included), so a
    refused POST that changed anything at all, anywhere, is caught, for one round trip."""
    tables = sorted(set(connection.introspection.table_names()) - UNWATCHED_TABLES)
    digests = [
        f"SELECT '{table}', md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
        f"FROM {connection.ops.quote_name(table)} t"
        for table in tables
    ]
    return " UNION ALL ".join(digests)


def database_state(query: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(query)
        return dict(cursor.fetchall())


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for the whole matrix, rolled back at the end; each role's request runs in its own rolled-back
    savepoint, so a POST that one role makes is gone before the next. Evidence files go to a folder of the
    module's own."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with media, django_db_blocker.unblock(), transaction.atomic():
        world = World()
        world.kpis = KpiWorld(world)
        world.risks = RiskWorld(world)
        world.boards = BoardWorld(world)
        world.pack = board_pack(world)
        world.challenge = rated_and_challenged(world)
        world.comment = comment_record(action=world.alice_action, text="Waits are long", by=world.pcf)
        measurement_record(
            kpi=world.kpis.timeliness, period_date=date(2025, 11, 30), value=Decimal("41"), by=world.alice
        )
        world.reports = termly_reports(world)
        world.chair_updates = chair_updates(world)
        world.own_fields = own_fields(world)
        world.finding, world.outcome, world.spare_period = setup_records(world)
        world.evidence = evidence_files(world)
        world.api_token = api_token_create(user=world.adviser, name="Power BI", by=world.manager)[0]
        world.fingerprint = fingerprint_query()
        yield world
        transaction.set_rollback(True)


def answer(world, role, name, key, method):
    """One role's request to one URL: its status, where it redirects, and whether the database changed."""
    client = Client()
    login(client, world, role)
    url = reverse(name, args=ARGS[key](world) if key else None)
    data = post_data(world, name)
    if name == "risk-review" and key == "other_risk":
        data.update(likelihood="", impact="", version=str(world.risks.parents.version))
    before = database_state(world.fingerprint) if method == "POST" else None
    response = client.get(url) if method == "GET" else client.post(url, data)
    changed = method == "POST" and database_state(world.fingerprint) != before
    return response, changed


# One test per row, asking as each role in turn: the world is built once for the module and each role's request is
# rolled back to a savepoint, so ten requests share one test's set-up and tear-down instead of paying for ten.
@pytest.mark.parametrize(("name", "key", "method", "table"), MATRIX, ids=[f"{n}-{k}-{m}" for n, k, m, _ in MATRIX])
def test_matrix(matrix_world, db, monkeypatch, name, key, method, table):
    world = matrix_world
    # Who may publish is the question here, not the PDF: WeasyPrint would take a second or more per publication.
    monkeypatch.setattr("reports.services.render_pdf", lambda *args, **kwargs: FAKE_PDF)
    assert set(table) == set(ALL)
    wrong = []
    for role, status in table.items():
        with transaction.atomic():
            response, changed = answer(world, role, name, key, method)
            transaction.set_rollback(True)
        if response.status_code != status:
            wrong.append(f"{role}: {response.status_code}, not {status}")
        elif status == 302 and role == "anonymous" and not response["Location"].startswith(reverse("login")):
            wrong.append(f"{role}: redirected to {response['Location']}, not to sign in")
        elif method == "POST":
            allowed = status == 302 and role != "anonymous" and name in POST_DATA
            if changed != allowed:
                wrong.append(f"{role}: an allowed POST saves; a refused one changes nothing (changed: {changed})")
    assert not wrong, f"{method} {name} ({key}): " + "; ".join(wrong)


# The plan's own models. User accounts and groups stay with superusers: a programme manager who could edit
# users could make themselves a superuser.
ADMIN_MODELS = [
    model._meta
    for model in admin.site._registry
    if model._meta.app_label in ("actions", "kpis", "risks", "boards", "governance", "evidence")
]


def admin_urls(world):
    urls = [reverse("admin:index")]
    for meta in ADMIN_MODELS:
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        instance = meta.model._default_manager.first()
        if instance is not None:
            urls.append(reverse(f"{prefix}_change", args=[instance.pk]))
            urls.append(reverse(f"{prefix}_history", args=[instance.pk]))
    return urls


@pytest.mark.parametrize("role", ALL)
def test_admin_is_for_programme_managers_only(client, matrix_world, db, role):
    from actions.models import Finding, Outcome

    world = matrix_world
    # One row of each model so change and history pages exist.
    Finding.objects.create(area=world.area, ref="1.1", text="Finding")
    Outcome.objects.create(area=world.area, ref="a", text="Outcome")
    login(client, world, role)
    urls = admin_urls(world)
    assert len(urls) > 20
    for url in urls:
        response = client.get(url)
        if role == "manager":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
            assert "/login/" in response["Location"]
    user_admin = client.get(reverse("admin:auth_user_changelist"))
    assert user_admin.status_code == (403 if role == "manager" else 302)


# Sign-in records (django-axes' failed attempts, django-otp's authenticator apps) stay with superusers too: a
# programme manager who could add an app to another account, or clear its lockouts, could take it over.
SIGN_IN_ADMIN_MODELS = [
    model._meta for model in admin.site._registry if model._meta.app_label in ("axes", "otp_totp", "accounts")
]


@pytest.mark.parametrize("role", [*ALL, "superuser"])
def test_sign_in_records_are_for_superusers_only(client, matrix_world, db, role):
    from axes.models import AccessAttempt
    from django.contrib.auth.models import User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    world = matrix_world
    AccessAttempt.objects.create(username="alice", failures_since_start=2, attempt_time=timezone.now())
    TOTPDevice.objects.create(user=world.comms, name="Authenticator app")
    if role == "superuser":
        client.force_login(User.objects.create_superuser("matrix-root", password="matrix-root-password"))
    else:
        login(client, world, role)
    pending_identity()  # an organisation sign-in, linked to no one yet
    assert {meta.label for meta in SIGN_IN_ADMIN_MODELS} >= {
        "axes.AccessAttempt",
        "otp_totp.TOTPDevice",
        "accounts.OrganisationIdentity",
    }
    for meta in SIGN_IN_ADMIN_MODELS:
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        urls = [reverse(f"{prefix}_changelist")]
        instance = meta.model._default_manager.first()
        if instance is not None:
            urls.append(reverse(f"{prefix}_change", args=[instance.pk]))
        for url in urls:
            response = client.get(url)
            expected = {"superuser": 200, "manager": 403}.get(role, 302)
            assert response.status_code == expected, url


def test_every_url_is_in_the_matrix():
    covered = {name for name, *_ in MATRIX}
    named = {pattern.name for pattern in get_resolver().url_patterns if getattr(pattern, "name", None)}
    for pattern in get_resolver().url_patterns:
        for sub in getattr(pattern, "url_patterns", []):
            if getattr(sub, "name", None) and not str(pattern.pattern).startswith("admin/"):
                named.add(sub.name)
    assert named - covered == set()
