from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from actions.locking import StaleEditError
from actions.permissions import require_reader
from boards import selectors
from boards.forms import AgendaItemForm, BoardActionForm, BoardForm, DecisionForm, MeetingForm
from boards.models import Board, BoardPack, Meeting
from boards.permissions import (
    can_edit_board_action,
    can_manage_boards,
    can_produce_pack,
    can_read_pack,
    can_record_meetings,
    get_board_action_for_user,
    require_board_manager,
    require_meeting_recorder,
)
from boards.services import (
    agenda_item_save,
    board_action_progress_record,
    board_action_save,
    board_save,
    decision_save,
    meeting_save,
)
from sendplan.forms import add_service_errors, form_status


@require_GET
def board_list(request):
    require_reader(request.user)
    context = {"structure": selectors.structure(), "can_manage": can_manage_boards(request.user)}
    return render(request, "boards/board_list.html", context)


@require_GET
def board_detail(request, pk):
    require_reader(request.user)
    board = get_object_or_404(selectors.board_queryset(), pk=pk)
    page = selectors.board_page(board)
    context = {
        "page": page,
        "can_manage": can_manage_boards(request.user),
        "can_record": can_record_meetings(request.user),
        "editable": {a.pk for a in page.open_actions if can_edit_board_action(request.user, a)},
    }
    return render(request, "boards/board_detail.html", context)


@require_GET
def meeting_detail(request, pk):
    require_reader(request.user)
    meeting = get_object_or_404(selectors.meeting_queryset(), pk=pk)
    page = selectors.meeting_page(meeting)
    editable = {a.pk for a in page.board_actions if can_edit_board_action(request.user, a)}
    context = {"page": page, "can_record": can_record_meetings(request.user), "editable": editable}
    if can_read_pack(request.user, meeting.board):
        context["pack"] = BoardPack.objects.filter(meeting=meeting).only("produced_at", "as_at", "emailed_at").first()
        context["can_read_pack"] = True
        context["can_produce_pack"] = can_produce_pack(request.user, meeting.board)
    return render(request, "boards/meeting_detail.html", context)


def _form_page(request, form, *, save, message, template, context):
    """Every form here: GET shows it; a valid POST runs `save` (a service call returning the record to go to next)
    and redirects there. The service's errors go beside their fields; a stale edit shows who changed what (409)."""
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(saved)
    return render(request, template, {**context, "form": form, "stale": stale}, status=form_status(form, stale))


def _board_form(request, board: Board | None):
    form = BoardForm(request.POST or None, instance=board)
    return _form_page(
        request,
        form,
        save=lambda data: board_save(
            board=form.save(commit=False),
            members=data["members"],
            plans=data["plans"],
            by=request.user,
            expected_version=data.get("version") or 0,
        ),
        message="Board saved.",
        template="boards/board_form.html",
        context={"board": board},
    )


@require_http_methods(["GET", "POST"])
def board_new(request):
    require_board_manager(request.user)
    return _board_form(request, None)


@require_http_methods(["GET", "POST"])
def board_edit(request, pk):
    require_board_manager(request.user)
    return _board_form(request, get_object_or_404(Board, pk=pk))


def _meeting_form(request, board: Board, meeting: Meeting | None):
    form = MeetingForm(request.POST or None, instance=meeting, board=board)
    return _form_page(
        request,
        form,
        save=lambda data: meeting_save(
            meeting=form.save(commit=False),
            present=data["present"],
            apologies=data["apologies"],
            publish_chair_update=data["publish_chair_update"],
            by=request.user,
            expected_version=data.get("version") or 0,
        ),
        message="Meeting saved.",
        template="boards/meeting_form.html",
        context={"board": board, "meeting": meeting},
    )


@require_http_methods(["GET", "POST"])
def meeting_new(request, pk):
    require_meeting_recorder(request.user)
    return _meeting_form(request, get_object_or_404(Board, pk=pk), None)


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = _meeting_for_recorder(request, pk)
    return _meeting_form(request, meeting.board, meeting)


def _meeting_for_recorder(request, pk) -> Meeting:
    require_meeting_recorder(request.user)
    return get_object_or_404(Meeting.objects.select_related("board"), pk=pk)


@require_http_methods(["GET", "POST"])
def agenda_item_new(request, pk):
    meeting = _meeting_for_recorder(request, pk)
    form = AgendaItemForm(request.POST or None, meeting=meeting)
    return _form_page(
        request,
        form,
        save=lambda data: agenda_item_save(item=form.save(commit=False), by=request.user).meeting,
        message="Agenda item added.",
        template="boards/agenda_item_form.html",
        context={"meeting": meeting},
    )


@require_http_methods(["GET", "POST"])
def decision_new(request, pk):
    meeting = _meeting_for_recorder(request, pk)
    form = DecisionForm(request.POST or None, meeting=meeting)
    return _form_page(
        request,
        form,
        save=lambda data: decision_save(decision=form.save(commit=False), by=request.user).meeting,
        message="Decision recorded.",
        template="boards/decision_form.html",
        context={"meeting": meeting},
    )


@require_http_methods(["GET", "POST"])
def board_action_new(request, pk):
    meeting = _meeting_for_recorder(request, pk)
    form = BoardActionForm(request.POST or None, meeting=meeting, scope="new")
    return _form_page(
        request,
        form,
        save=lambda data: board_action_save(board_action=form.save(commit=False), by=request.user).meeting,
        message="Board action recorded. It shows on its owner's My actions page.",
        template="boards/board_action_form.html",
        context={"meeting": meeting, "board_action": None},
    )


@require_http_methods(["GET", "POST"])
def board_action_edit(request, pk):
    board_action = get_board_action_for_user(request.user, pk, write=True)
    meeting = board_action.meeting
    if can_record_meetings(request.user):
        form = BoardActionForm(request.POST or None, instance=board_action, meeting=meeting, scope="all")

        def save(data):
            return board_action_save(
                board_action=form.save(commit=False), by=request.user, expected_version=data.get("version") or 0
            ).meeting

    else:
        # The owner reports progress; what was asked, of whom and by when stay as the meeting set them.
        form = BoardActionForm(request.POST or None, instance=board_action, meeting=meeting, scope="progress")

        def save(data):
            board_action_progress_record(
                board_action=board_action,
                status=data["status"],
                progress_note=data["progress_note"],
                completed_on=data["completed_on"],
                by=request.user,
                expected_version=data.get("version") or 0,
            )
            return "my-actions"

    return _form_page(
        request,
        form,
        save=save,
        message="Board action updated.",
        template="boards/board_action_form.html",
        context={"meeting": meeting, "board_action": board_action},
    )
