"""The "Edit actions" sheet of an area (programme managers): views only; the rules are in actions.sheet."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods

from actions.forms import SheetFormSet
from actions.models import AreaOfWeakness
from actions.permissions import can_manage_plans, require_reader
from actions.sheet import SheetRefused, area_sheet, area_sheet_save, row_fingerprint, row_values
from sendplan.fields import GovukDateWidget

# The button that adds blank rows without saving (the page works without JavaScript).
ADD_ROWS_BUTTON = "add_rows"
ROWS_ADDED = 3


@require_http_methods(["GET", "POST"])
def area_sheet_view(request, pk):
    require_reader(request.user)
    if not can_manage_plans(request.user):
        raise PermissionDenied("Only the programme manager can edit an area's actions as a sheet.")
    area = get_object_or_404(AreaOfWeakness.objects.select_related("plan"), pk=pk)
    sheet = area_sheet(area)
    stale, status, checked = {}, 200, True
    if request.method == "GET":
        formset = SheetFormSet(initial=_initial(sheet), sheet=sheet)
    elif ADD_ROWS_BUTTON in request.POST:
        # More blank rows, everything typed kept, nothing checked or saved yet.
        formset, checked = SheetFormSet(_with_more_rows(request.POST), sheet=sheet), False
    else:
        formset = SheetFormSet(request.POST, sheet=sheet)
        if formset.is_valid():
            try:
                saved = area_sheet_save(sheet=sheet, rows=formset.rows(), by=request.user)
            except SheetRefused as refused:
                stale = _show_refusal(formset, refused)
            else:
                messages.success(request, _saved_message(saved))
                return redirect("area-sheet", area.pk)
        status = 409 if stale else 400
    context = {
        "area": area,
        "sheet": sheet,
        "formset": formset,
        "checked": checked,
        "stale": stale,
        "add_rows_button": ADD_ROWS_BUTTON,
    }
    return render(request, "actions/area_sheet.html", context, status=status)


def _initial(sheet) -> list[dict]:
    rows = []
    for position, action in enumerate(sheet.actions, start=1):
        values = row_values(action, sheet, position)
        own = sheet.own.get(action.pk, {})
        rows.append(
            {
                **values,
                "action": action.pk,
                "version": action.version,
                "loaded": row_fingerprint(values),
                **{f"{c.key}_version": own.get(c.key, ("", 0))[1] for c in sheet.columns},
            }
        )
    return rows


def _with_more_rows(data):
    data = data.copy()
    key = "form-TOTAL_FORMS"
    total = data.get(key, "")
    data[key] = str(int(total) + ROWS_ADDED) if total.isdigit() and int(total) < 1000 else total
    return data


def _show_refusal(formset, refused: SheetRefused) -> dict:
    """Put the service's refusal beside its rows: errors on their fields, and for a stale row the versions saved now
    in its hidden fields, so that submitting again (once the user has seen the other changes) saves what they typed
    (docs/decisions/0010-stale-edit-recovery.md). Returns row index -> StaleEditError."""
    for index, errors in refused.errors.items():
        form = formset.forms[index]
        for name, messages_ in errors.items():
            for message in messages_:
                form.add_error(name if name in form.fields else None, message)
    if refused.stale:
        data = formset.data.copy()
        current_own = {}
        for extension in formset.sheet.extensions:
            stale_actions = [formset.forms[i].cleaned_data["action"] for i in refused.stale]
            for action_id, values in extension.values(stale_actions).items():
                current_own.setdefault(action_id, {}).update(values)
        actions = {action.pk: action for action in formset.sheet.actions}
        for index, error in refused.stale.items():
            form = formset.forms[index]
            if error.current_version is not None:
                data[form.add_prefix("version")] = str(error.current_version)
            own = current_own.get(form.cleaned_data["action"], {})
            for column in formset.sheet.columns:
                data[form.add_prefix(f"{column.key}_version")] = str(own.get(column.key, ("", 0))[1])
            # The fields the user left alone show the action as it is now; theirs stay as typed. The row's
            # fingerprint is now of the action as it is, so what they typed counts as their change.
            current = row_values(actions[form.cleaned_data["action"]], formset.sheet, index + 1)
            for name, value in current.items():
                if name not in form.changed:
                    _put(data, form, name, value)
            data[form.add_prefix("loaded")] = row_fingerprint(current)
        for form in formset.forms:
            form.data = data
        formset.data = data
    return refused.stale


def _put(data, form, name: str, value) -> None:
    """Write `value` into the posted data as field `name` of `form` would be posted."""
    field = form.fields[name]
    key = form.add_prefix(name)
    if isinstance(field.widget, GovukDateWidget):
        for i, part in enumerate(field.widget.decompress(value)):
            data[f"{key}_{i}"] = "" if part is None else str(part)
    elif isinstance(value, list):
        data.setlist(key, [str(item) for item in value])
    elif not field.disabled:
        data[key] = "" if value is None else str(value)


def _saved_message(saved) -> str:
    parts = []
    if saved.changed:
        parts.append(f"{saved.changed} action{pluralize(saved.changed)} changed")
    if saved.added:
        parts.append(f"{saved.added} added")
    if saved.moved:
        parts.append(f"{saved.moved} moved to another area")
    if saved.closed:
        parts.append(f"{saved.closed} closed")
    return ("Saved: " + ", ".join(parts) + ".") if parts else "Nothing was changed."
