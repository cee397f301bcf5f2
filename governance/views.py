from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models.functions import Length
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions.locking import StaleEditError
from actions.models import Plan, ReportingPeriod
from actions.permissions import get_action_for_user, require_reader
from boards.models import BoardPack
from boards.permissions import can_produce_pack, get_meeting_for_pack
from boards.services import board_pack_email, pack_recipients
from governance import selectors
from governance.board_pack import PACK_COVER_END
from governance.dashboard import dashboard_body, dashboard_filters
from governance.forms import (
    ChallengeForm,
    ChallengeResponseForm,
    CommentForm,
    CommentResponseForm,
    DashboardFilterForm,
    RoundCloseForm,
    RoundOpenForm,
)
from governance.models import Challenge, CoproductionComment
from governance.permissions import (
    can_challenge,
    can_comment,
    can_respond,
    can_run_rounds,
    get_challenge_for_user,
    require_challenger,
    require_commenter,
    require_round_runner,
)
from governance.services import (
    challenge_raise,
    challenge_respond,
    comment_record,
    comment_respond,
    round_close,
    round_open,
)
from governance.tasks import render_board_pack
from jobs.selectors import latest_job
from jobs.services import job_enqueue
from sendplan.forms import add_service_errors, form_status


@require_GET
def dashboard_index(request):
    require_reader(request.user)
    plans = list(Plan.objects.order_by("local_area", "-start_date"))
    if len(plans) == 1:
        return redirect("dashboard", slug=plans[0].slug)
    return render(request, "governance/dashboard_index.html", {"plans": plans})


@require_GET
def dashboard(request, slug):
    require_reader(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    form = DashboardFilterForm(request.GET or None, plan=plan, organisations=selectors.organisations_leading(plan))
    filters = form.cleaned_data if form.is_valid() else {}
    as_at, area, organisation = filters.get("as_at"), filters.get("area"), filters.get("organisation")

    body = dashboard_body(plan, as_at=as_at, area=area, organisation=organisation)
    context = {
        "plan": plan,
        "form": form,
        "as_at": as_at,
        "now": timezone.now(),
        "body": body,
        "filters": dashboard_filters(plan, form, request.GET.urlencode()),
    }
    return render(request, "governance/dashboard.html", context, status=400 if form.errors else 200)


@require_GET
def round_list(request, slug):
    require_reader(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    context = {"plan": plan, "rounds": selectors.round_list(plan), "can_run": can_run_rounds(request.user)}
    return render(request, "governance/round_list.html", context)


@require_GET
def round_detail(request, pk):
    require_reader(request.user)
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=pk)
    context = {
        "plan": period.plan,
        "page": selectors.round_page(period),
        "can_run": can_run_rounds(request.user),
        # Programme managers, who chase the round and may update every action, see which actions have a draft
        # saved; nobody else learns of drafts here.
        "show_drafts": can_run_rounds(request.user),
        "close_form": RoundCloseForm(initial={"version": period.version}),
    }
    return render(request, "governance/round_detail.html", context)


@require_http_methods(["GET", "POST"])
def round_open_view(request, pk):
    require_round_runner(request.user)
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=pk)
    form = RoundOpenForm(request.POST or None, initial={"version": period.version, "deadline": period.update_deadline})
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            round_open(
                period=period,
                deadline=form.cleaned_data["deadline"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{period.name} is open for updates until {period.update_deadline:%-d %B %Y}.")
            return redirect("round-detail", pk=period.pk)
    context = {"plan": period.plan, "period": period, "form": form, "stale": stale}
    return render(request, "governance/round_open.html", context, status=form_status(form, stale))


@require_POST
def round_close_view(request, pk):
    require_round_runner(request.user)
    period = get_object_or_404(ReportingPeriod, pk=pk)
    form = RoundCloseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("The form was incomplete; reload the page and try again.")
        round_close(period=period, by=request.user, expected_version=form.cleaned_data["version"])
    except StaleEditError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{period.name} is closed. Its updates are now the record for the term.")
    return redirect("round-detail", pk=period.pk)


@require_GET
def challenge_list(request, slug):
    require_reader(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    status = request.GET.get("status", "")
    if status not in Challenge.Status.values:
        status = ""
    context = {
        "plan": plan,
        "status": status,
        "statuses": Challenge.Status.choices,
        "challenges": selectors.challenges(plan, status=status),
        "flags": selectors.rating_flags(plan),
        "can_challenge": can_challenge(request.user),
    }
    return render(request, "governance/challenge_list.html", context)


@require_http_methods(["GET", "POST"])
def challenge_new(request, pk):
    require_challenger(request.user)
    action = get_action_for_user(request.user, pk)
    form = ChallengeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = challenge_raise(action=action, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Challenge sent. The leads of action {action.ref} will be asked to answer it.")
            return redirect(challenge)
    context = {"action": action, "form": form, "latest": selectors.latest_update(action)}
    return render(request, "governance/challenge_form.html", context, status=form_status(form))


@require_GET
def challenge_detail(request, pk):
    challenge = get_challenge_for_user(request.user, pk, queryset=selectors.challenge_queryset())
    context = {"challenge": challenge, "can_respond": can_respond(request.user, challenge)}
    return render(request, "governance/challenge_detail.html", context)


@require_http_methods(["GET", "POST"])
def challenge_respond_view(request, pk):
    challenge = get_challenge_for_user(request.user, pk, respond=True, queryset=selectors.challenge_queryset())
    plan = challenge.action.area.plan
    form = ChallengeResponseForm(
        request.POST or None, rag_key=list(plan.rag_key.all()), initial={"version": challenge.version}
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            challenge_respond(
                challenge=challenge,
                resolution=data["resolution"],
                response=data["response"],
                new_rag=data["new_rag"],
                recovery_note=data["recovery_note"],
                by=request.user,
                expected_version=data["version"],
            )
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your answer is recorded and the challenge is resolved.")
            return redirect(challenge)
    context = {"challenge": challenge, "form": form, "stale": stale}
    return render(request, "governance/challenge_respond.html", context, status=form_status(form, stale))


@require_http_methods(["GET", "POST"])
def comment_new(request, pk):
    require_commenter(request.user)
    action = get_action_for_user(request.user, pk)
    updates = selectors.submitted_updates(action)
    form = CommentForm(request.POST or None, updates=updates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            comment_record(
                action=action,
                text=data["text"],
                progress_update=next((u for u in updates if u.pk == data["progress_update"]), None),
                publishable=data["publishable"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Comment recorded on action {action.ref}.")
            return redirect(reverse("action-detail", args=[action.pk]) + "#governance")
    return render(request, "governance/comment_form.html", {"action": action, "form": form}, status=form_status(form))


@require_http_methods(["GET", "POST"])
def comment_respond_view(request, pk):
    comment = get_object_or_404(CoproductionComment, pk=pk)
    # Whoever may update the action answers the forum: the same check, 404 outside it, 403 for read-only roles.
    action = get_action_for_user(request.user, comment.action_id, write=True)
    form = CommentResponseForm(request.POST or None, initial={"response": comment.response, "version": comment.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            comment_respond(
                comment=comment,
                response=form.cleaned_data["response"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your answer to the forum's comment on {action.ref} is recorded.")
            return redirect(reverse("action-detail", args=[action.pk]) + "#governance")
    context = {"action": action, "comment": comment, "form": form, "stale": stale}
    return render(request, "governance/comment_respond.html", context, status=form_status(form, stale))


def action_tab(request, action) -> dict:
    """The governance tab on an action's page: challenges to its ratings and the forum's comments."""
    # Read only when the action page's cached part is built: lazy, like the page itself.
    challenges = SimpleLazyObject(lambda: selectors.challenges_for(action))
    comments = SimpleLazyObject(lambda: selectors.comments_for(action))
    rights = (can_challenge(request.user), can_comment(request.user))
    return {
        "id": "governance",
        "title": lazy(lambda: f"Challenges and comments ({len(challenges) + len(comments)})", str)(),
        "template": "governance/action_tab.html",
        "challenges": challenges,
        "comments": comments,
        "can_challenge": rights[0],
        "can_comment": rights[1],
        # What the tab shows depends on, besides the data: part of the cached page's key.
        "vary_on": rights,
    }


@require_GET
def meeting_pack(request, pk):
    """The pack's HTML twin: the stored page, exactly as produced with its PDF."""
    meeting = get_meeting_for_pack(request.user, pk)
    pack = BoardPack.objects.filter(meeting=meeting).defer("pdf").first()
    context = {
        "meeting": meeting,
        "pack": pack,
        "job": latest_job(f"boardpack:{meeting.pk}"),
        "can_produce": can_produce_pack(request.user, meeting.board),
        "pdf_size": BoardPack.objects.filter(meeting=meeting).values_list(Length("pdf"), flat=True).first(),
    }
    if pack is not None:
        # The page's heading first, then when it was produced and what to do with it, then the rest of the pack.
        context["cover"], _, context["rest"] = pack.html.partition(PACK_COVER_END)
    return render(request, "governance/meeting_pack.html", context)


@require_GET
def meeting_pack_pdf(request, pk):
    meeting = get_meeting_for_pack(request.user, pk)
    pack = get_object_or_404(BoardPack.objects.only("pdf", "meeting_id"), meeting=meeting)
    response = HttpResponse(bytes(pack.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="board-pack-{meeting.date:%Y-%m-%d}-{meeting.pk}.pdf"'
    return response


@require_POST
def meeting_pack_produce(request, pk):
    """Queue the pack's render; two clicks (or two people) share one job."""
    meeting = get_meeting_for_pack(request.user, pk, produce=True)
    job = job_enqueue(
        render_board_pack,
        label=f"Produce the board pack for {meeting}",
        subject=f"boardpack:{meeting.pk}",
        key=f"boardpack:{meeting.pk}",
        by=request.user,
        args={"meeting": meeting.pk},
    )
    return redirect(job)


@require_http_methods(["GET", "POST"])
def meeting_pack_email(request, pk):
    """Who will be sent the link (GET), then send it (POST)."""
    meeting = get_meeting_for_pack(request.user, pk, produce=True)
    pack = BoardPack.objects.filter(meeting=meeting).defer("pdf", "html").first()
    if request.method == "POST":
        try:
            result = board_pack_email(meeting=meeting, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("meeting-pack", pk=meeting.pk)
        if result.sent:
            messages.success(request, f"Board pack emailed to {len(result.sent)} member{pluralize(len(result.sent))}.")
        if result.failed:
            names = ", ".join(str(officer) for officer in result.failed)
            messages.error(request, f"The email to {names} could not be sent. Try again later.")
        if not result.sent and not result.failed:
            messages.error(request, "No member of the board has an email address, so nobody was emailed.")
        return redirect("meeting-pack", pk=meeting.pk)
    recipients, no_email = pack_recipients(meeting.board)
    context = {"meeting": meeting, "pack": pack, "recipients": recipients, "no_email": no_email}
    return render(request, "governance/meeting_pack_email.html", context)
