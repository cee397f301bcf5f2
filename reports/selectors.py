"""Reads for the report pages: the lists staff work from and the public Local Offer pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from actions.models import Officer, Plan, ProgressUpdate
from actions.permissions import Role, user_roles
from boards.models import Meeting
from evidence.models import EvidenceFile
from governance.reminders import DigestSection
from jobs.models import Job
from jobs.selectors import latest_job
from jobs.services import job_fail_if_lost
from reports.models import TermlyReport
from reports.permissions import PREPARING_ROLES

Status = TermlyReport.Status


def report_queryset() -> QuerySet[TermlyReport]:
    return TermlyReport.objects.select_related(
        "plan", "period", "corrects", "created_by", "submitted_by", "approved_by", "published_by"
    )


def plan_reports(plan: Plan) -> list[TermlyReport]:
    """Every version of every report for a plan, newest term first."""
    return list(report_queryset().filter(plan=plan).order_by("-period__start", "-number"))


def report_index() -> list[Plan]:
    """Plans with how many reports each has in preparation and published."""
    return list(
        Plan.objects.annotate(
            reports_preparing=Count("termly_reports", filter=~Q(termly_reports__status=Status.PUBLISHED)),
            reports_published=Count("termly_reports", filter=Q(termly_reports__status=Status.PUBLISHED)),
        ).order_by("local_area", "-start_date")
    )


@dataclass
class PublicReport:
    report: TermlyReport
    replaced_by: TermlyReport | None  # a later published correction, which readers should read instead


def public_plans() -> list[Plan]:
    """Plans with at least one published report, for the Local Offer index."""
    return list(
        Plan.objects.annotate(
            # Terms, not versions: a report and its correction are one term's report.
            reports_published=Count(
                "termly_reports__period", filter=Q(termly_reports__status=Status.PUBLISHED), distinct=True
            )
        )
        .filter(reports_published__gt=0)
        .order_by("local_area", "-start_date")
    )


def public_reports(plan: Plan) -> list[PublicReport]:
    """A plan's published reports, newest term first; an earlier version says which correction replaced it."""
    reports = list(
        TermlyReport.objects.select_related("period", "corrects")
        .filter(plan=plan, status=Status.PUBLISHED)
        .order_by("-period__start", "-number")
    )
    latest: dict[int, TermlyReport] = {}
    for report in reports:
        latest.setdefault(report.period_id, report)
    return [
        PublicReport(report=r, replaced_by=None if latest[r.period_id] is r else latest[r.period_id]) for r in reports
    ]


def get_public_report(slug: str, pk: int) -> TermlyReport:
    """A published report, or 404: drafts and reports waiting for approval do not exist for the public."""
    # The page needs the stored HTML, not the PDF's bytes.
    reports = TermlyReport.objects.select_related("plan", "period", "corrects__period", "published_file")
    try:
        return reports.defer("published_file__pdf").get(pk=pk, plan__slug=slug, status=Status.PUBLISHED)
    except TermlyReport.DoesNotExist:
        raise Http404("No published report here.") from None


# The step that moves a report into each status (back into draft is a send-back).
STEP_NAMES = {Status.SUBMITTED: "Submitted for approval", Status.APPROVED: "Approved", Status.PUBLISHED: "Published"}


@dataclass
class HistoryEntry:
    record: object  # the report's history row: its date, user and status
    event: str  # what happened, in words
    reason: str = ""  # why the chair sent it back, kept with that step


def report_history(report: TermlyReport) -> list[HistoryEntry]:
    """What happened to the report, newest first, each step named; a send-back keeps the chair's reason, which the
    report itself forgets when it is resubmitted."""
    records = list(report.history.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    before = None
    for record in records:
        reason = ""
        if before is None:
            event = "Started"
        elif record.status == before.status:
            event = "Edited"
        elif record.status == Status.DRAFT:
            event, reason = "Sent back to draft", record.returned_note
        else:
            event = STEP_NAMES.get(record.status, record.get_status_display())
        entries.append(HistoryEntry(record=record, event=event, reason=reason))
        before = record
    return entries[::-1]


@dataclass
class WaitingReport:
    """A report waiting for someone, and what they are to do with it."""

    report: TermlyReport
    step: str


def _waiting_reports() -> list[TermlyReport]:
    """Reports waiting for someone: for approval, for publication, or sent back to draft with the chair's reason."""
    waiting = Q(status__in=[Status.SUBMITTED, Status.APPROVED]) | (Q(status=Status.DRAFT) & ~Q(returned_note=""))
    return list(
        TermlyReport.objects.filter(waiting)
        .select_related("plan", "period")
        .order_by("plan__local_area", "period__start")
    )


def _waiting_for(reports: list[TermlyReport], roles) -> list[WaitingReport]:
    """The board chair approves or sends back; the comms officer and programme manager publish and put right."""
    result = []
    for report in reports:
        if report.status == Status.SUBMITTED and Role.BOARD_CHAIR in roles:
            result.append(WaitingReport(report, "Approve it for publication, or send it back saying what to change"))
        elif report.status == Status.APPROVED and roles & PREPARING_ROLES:
            result.append(WaitingReport(report, "Approved by the board chair: publish it on the Local Offer"))
        elif report.status == Status.DRAFT and roles & PREPARING_ROLES:
            result.append(WaitingReport(report, f"Sent back by the board chair: {report.returned_note}"))
    return result


def reports_waiting_for(user) -> list[WaitingReport]:
    roles = user_roles(user)
    if not roles & (PREPARING_ROLES | {Role.BOARD_CHAIR}):
        return []
    return _waiting_for(_waiting_reports(), roles)


def my_actions_panel(request) -> dict | None:
    """The reports part of My actions: reports waiting for the user to approve, publish or put right."""
    waiting = reports_waiting_for(request.user)
    return {"template": "reports/my_actions_panel.html", "waiting": waiting} if waiting else None


def reports_waiting_by_officer() -> dict[int, list[WaitingReport]]:
    """For the daily digest (SENDPLAN_DIGEST_SECTIONS): each officer's waiting reports, read through the user
    account linked to the officer. Two queries: the waiting reports, then (if any) the officers who may act."""
    reports = _waiting_reports()
    if not reports:
        return {}
    names = [role.value for role in PREPARING_ROLES | {Role.BOARD_CHAIR}]
    rows = Officer.objects.filter(Q(user__groups__name__in=names) | Q(user__is_superuser=True)).values_list(
        "pk", "user__groups__name", "user__is_superuser"
    )
    roles: dict[int, set[Role]] = {}
    for officer_id, group, superuser in rows:
        officer_roles = roles.setdefault(officer_id, set())
        officer_roles.update(role for role in Role if role.value == group)
        if superuser:
            officer_roles.add(Role.PROGRAMME_MANAGER)
    return {officer_id: waiting for officer_id, own in roles.items() if (waiting := _waiting_for(reports, own))}


def digest_section(today) -> dict[int, DigestSection]:
    """The digest's "Termly reports waiting for you" section of each officer who has one."""
    return {
        officer_id: DigestSection(
            title="Termly reports waiting for you",
            one="report waiting",
            many="reports waiting",
            items=waiting,
            template="reports/email/waiting",
        )
        for officer_id, waiting in reports_waiting_by_officer().items()
    }


def report_publish_job(report: TermlyReport) -> Job | None:
    """The job publishing an approved report, while it runs or once it failed: the report page shows its progress
    or its error with the way to try again. None once the report is published (its page says so) or sent back."""
    if report.status != TermlyReport.Status.APPROVED:
        return None
    job = latest_job(f"report:{report.pk}", task_path="reports.tasks.publish_report")
    if job is None or job.status == Job.Status.DONE:
        return None
    return job_fail_if_lost(job)


def get_public_report_data(slug: str, pk: int) -> tuple[TermlyReport, dict]:
    """A published report with its frozen open data, or 404: unpublished reports, and reports published before
    open data existed (nothing was frozen for them, and rebuilding it now could differ from their page)."""
    reports = TermlyReport.objects.select_related("plan", "period", "published_file").defer(
        "published_file__pdf", "published_file__html"
    )
    try:
        report = reports.get(pk=pk, plan__slug=slug, status=Status.PUBLISHED)
    except TermlyReport.DoesNotExist:
        raise Http404("No published report here.") from None
    if report.published_file.data is None:
        raise Http404("This report was published before its figures were kept as open data.")
    return report, report.published_file.data


def public_feed_reports(plan: Plan | None = None, *, limit: int = 50) -> list[TermlyReport]:
    """Published reports for an Atom feed, the latest published first: a plan's, or every plan's."""
    reports = TermlyReport.objects.select_related("plan", "period").filter(status=Status.PUBLISHED)
    if plan is not None:
        reports = reports.filter(plan=plan)
    return list(reports.order_by("-published_at", "-pk")[:limit])


def public_plan_or_404(slug: str) -> Plan:
    """A plan on the Local Offer: one with a published report (a plan with nothing published has no page)."""
    published = Plan.objects.filter(termly_reports__status=Status.PUBLISHED).distinct()
    try:
        return published.get(slug=slug)
    except Plan.DoesNotExist:
        raise Http404("No published reports here.") from None


def public_chair_updates(plan: Plan) -> list[Meeting]:
    """The published chair's updates of the boards overseeing `plan`, the latest meeting first."""
    return list(
        Meeting.objects.select_related("board")
        .filter(board__plans=plan, chair_update_published_at__isnull=False)
        .exclude(chair_update="")
        .order_by("-date", "-pk")
    )


def get_public_chair_update(plan: Plan, pk: int) -> Meeting:
    """A published chair's update of a board overseeing `plan`, or 404 (unpublished, taken down, another plan's)."""
    meetings = Meeting.objects.select_related("board").filter(
        board__plans=plan, chair_update_published_at__isnull=False
    )
    try:
        return meetings.exclude(chair_update="").distinct().get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404("No published chair's update here.") from None


def publishable_evidence_of(content) -> list[dict]:
    """The evidence files a report may list, frozen with it at publication: only files of the updates the report
    shows (each action's published update, submitted, never a draft), marked publishable and not removed when it is
    published, and added by the report's moment. One query."""
    shown = {
        line.update.pk: line
        for section in content.areas
        for group in section.groups
        for line in group.lines
        if line.update is not None
    }
    files = (
        EvidenceFile.objects.filter(
            update_id__in=list(shown),
            update__status=ProgressUpdate.Status.SUBMITTED,
            publishable=True,
            removed_at__isnull=True,
            uploaded_at__lte=content.as_at,
        )
        .select_related("update__period")
        .order_by("update__action__area__order", "update__action__order", "uploaded_at", "pk")
    )
    return [
        {
            "id": evidence.pk,
            "name": evidence.original_name,
            "content_type": evidence.content_type,
            "size": evidence.size,
            "action_ref": shown[evidence.update_id].action.ref,
            "period": evidence.update.period.name,
        }
        for evidence in files
    ]


def get_public_evidence(slug: str, pk: int, file_pk: int):
    """A file the published report `pk` lists, still publishable and not removed; else 404."""
    _report, data = get_public_report_data(slug, pk)
    if file_pk not in {entry["id"] for entry in data.get("evidence_files", [])}:
        raise Http404("This report lists no such file.")
    try:
        return EvidenceFile.objects.get(pk=file_pk, publishable=True, removed_at__isnull=True)
    except EvidenceFile.DoesNotExist:
        raise Http404("This file is no longer published.") from None
