"""Template helpers for GOV.UK components: RAG tags, form fields with their errors, the error summary."""

import functools

from django import forms, template
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from actions.locking import history_user_label
from actions.models import RAG_TAG_CLASS, STAGE_TAG_CLASS, Rag, Stage
from actions.models import officer_then as models_officer_then
from sendplan.fields import GovukDateWidget
from sendplan.links import url_for_pk
from sendplan.page_cache import cached_html

register = template.Library()


@register.simple_tag
def rag_tag(code: str, label: str = ""):
    """The same HTML as components/rag_tag.html, built without rendering a template: a 500-action dashboard or
    list has hundreds of tags, and an inclusion tag's template render each was a good part of the page's time."""
    return _rag_tag(code, label)


@functools.lru_cache(maxsize=128)
def _rag_tag(code: str, label: str):
    # A handful of codes and labels, each tag the same every time: built once per process.
    if not code:
        css, label = "govuk-tag--grey", label or "Not rated"
    else:
        css, label = RAG_TAG_CLASS[Rag(code)], label or Rag(code).label
    return format_html('<strong class="govuk-tag {}">{}</strong>\n', css, label)


@register.simple_tag
def stage_tag(code: str, plan=None):
    """An action's stage as a tag in the plan's own words (`plan`: its Plan, or None for the standard words). A
    different shape of word from the rating's tag, so the two side by side ("Complete", "Green") read as two facts."""
    label = plan.stage_label(code) if plan is not None else (Stage(code).label if code else "Not recorded")
    return _stage_tag(code, label)


@functools.lru_cache(maxsize=128)
def _stage_tag(code: str, label: str):
    css = STAGE_TAG_CLASS[Stage(code)] if code else "govuk-tag--grey"
    return format_html('<strong class="govuk-tag {}">{}</strong>\n', css, label)


@register.filter
def stage_word(plan, code: str) -> str:
    """The plan's word for stage `code` ("Not recorded" for none)."""
    return plan.stage_label(code)


@register.filter
def percent(value) -> str:
    """A percentage complete as people read it ("60%"), "" when none was given."""
    return "" if value is None else f"{value}%"


def _kind(widget) -> str:
    if isinstance(widget, GovukDateWidget):
        return "date"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


@register.inclusion_tag("components/field.html")
def govuk_field(bound_field, width_class: str = ""):
    """One form field as the GOV.UK pattern has it: label, hint, error message beside the field, typed value kept."""
    kind = _kind(bound_field.field.widget)
    context = {"field": bound_field, "kind": kind, "width_class": width_class}
    if kind == "date":
        context["date_parts"] = date_parts(bound_field)
    if kind == "radios":
        hints = getattr(bound_field.form, f"{bound_field.name}_hints", {})
        context["choices"] = [
            {
                "value": value,
                "label": label,
                "hint": hints.get(value, ""),
                "checked": str(bound_field.value()) == str(value),
            }
            for value, label in bound_field.field.choices
        ]
    return context


@register.simple_tag
def date_parts(bound_field) -> list[dict]:
    """A GOV.UK date field's day, month and year inputs (label, width class, name, value as typed or stored)."""
    value = bound_field.value()
    values = value if isinstance(value, list) else bound_field.field.widget.decompress(value)
    return [
        {"label": label, "width": width, "name": f"{bound_field.html_name}_{i}", "value": values[i]}
        for i, (label, width) in enumerate(GovukDateWidget.parts)
    ]


@register.inclusion_tag("components/error_summary.html")
def error_summary(form, parts=()):
    """One summary for the form and any `parts` shown below it (objects with a .form, such as the update form's
    evidence files), in the order they appear on the page."""
    items = []
    for each in [form, *(part.form for part in parts)]:
        if each is None or not each.errors:
            continue
        # The summary lists errors in the order the fields appear on the page.
        order = {name: index for index, name in enumerate(["__all__", *each.fields])}
        for name, errors in sorted(each.errors.items(), key=lambda item: order.get(item[0], len(order))):
            anchor = f"id_{each.add_prefix(name)}" if name != "__all__" else ""
            if name in each.fields and isinstance(each.fields[name].widget, forms.RadioSelect | GovukDateWidget):
                anchor = f"id_{each.add_prefix(name)}_0"
            items.extend({"anchor": anchor, "message": message} for message in errors)
    return {"items": items}


@register.filter
def errors_in(parts) -> bool:
    """Whether any of the parts added to a form (see error_summary) has errors."""
    return any(part.form.errors for part in parts)


@register.filter
def evidence_link(line: str) -> str:
    """Evidence lines that are web addresses become links; the rest stay as document names."""
    return line.lower().startswith(("http://", "https://"))


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.simple_tag
def typed_value(form, name: str) -> str:
    """What the user submitted for field `name`, as people read it, for a refused stale edit's "Yours" column
    ('' where the form has no such field, so a change the user could not have typed shows nothing beside it)."""
    if form is None or not getattr(form, "is_bound", False) or name not in form.fields:
        return ""
    field = form.fields[name]
    value = getattr(form, "cleaned_data", {}).get(name, form[name].value())
    if value in (None, "", [], ()):
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(item) for item in value)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return str(dict(field.choices).get(value, value))
    return str(value)


@register.filter
def officer_then(record, officer_field: str) -> str:
    """`{{ update|officer_then:"submitted_by_officer" }}`: the post with the person who held it when the record
    was made (actions.models.with_holder_names), not whoever holds it now."""
    return models_officer_then(record, officer_field)


@register.filter
def held_then(officer) -> str:
    """`{{ officer|held_then }}`: an officer read with a `holder_name` annotation (actions.models.holder_name_on),
    named with the person who held the post then, e.g. a past meeting's attendee."""
    return officer.held_by(getattr(officer, "holder_name", None))


@register.filter
def changed_by(record) -> str:
    """Who saved a history record, as people know them (post and name), or "System" for a command or import."""
    return history_user_label(record)


OVERDUE_TAG = ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>'


@register.simple_tag
def due(action) -> str:
    """components/due.html, built in Python: the action list, an area and My actions show it on every row, and an
    include per row was a good part of their time. The same HTML (tests/actions/test_due_cell.py compares them)."""
    if action.revised_due_date:
        if action.due_label:
            was = format_html(" from {}", action.due_label)
        elif action.due_date:
            was = format_html(" from {}", _day(action.due_date))
        else:
            was = ""
        text = format_html('{} <span class="govuk-body-s">(revised{})</span>', _day(action.revised_due_date), was)
    elif action.due_label:
        text = conditional_escape(action.due_label)
    elif action.due_date:
        text = _day(action.due_date)
    else:
        text = "Not set"
    # The include wrote the component file's closing newline too.
    return mark_safe(text + (OVERDUE_TAG if getattr(action, "overdue", False) else "") + "\n")


@functools.lru_cache(maxsize=1024)
def _day(day) -> str:
    # {{ day|date }}: many actions share a due date. No characters to escape in a formatted date.
    return formats.date_format(day)


ACTION_ROW = (
    '\n    <tr class="govuk-table__row">\n      <td class="govuk-table__cell">{ref}</td>\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{url}">{text}</a>{area}</td>\n'
    '      <td class="govuk-table__cell">{leads}</td>\n      <td class="govuk-table__cell">{due}</td>\n'
    '      <td class="govuk-table__cell">{rag}{needs_update}</td>\n'
    '      <td class="govuk-table__cell">{stage}{percent}</td>\n    </tr>\n    '
)
PERCENT = '<br><span class="govuk-body-s">{}% complete</span>'
AREA_LINE = '<br><span class="govuk-body-s">{}, area {}</span>'
LEAD = '{}<span class="govuk-body-s"> ({})</span>'
NEEDS_UPDATE = '<br><strong class="govuk-tag govuk-tag--orange">Needs update</strong>'


@register.simple_tag
def action_table_rows(actions, show_area=False) -> str:
    """The rows of components/action_table.html (the action list, an area's page), built in Python: 50 rows of
    a link, cut-short text, leads and their organisations, due date and rating were most of those pages' time in
    the template language. The same HTML (tests/actions/test_action_table_rows.py compares them); every value is
    escaped as the template would."""
    url = url_for_pk("action-detail")
    e = conditional_escape
    rows = []
    for action in actions:
        area = ""
        if show_area:
            area = AREA_LINE.format(e(action.area.plan.local_area), e(action.area.ref))
        leads = "<br>".join(LEAD.format(e(str(lead)), e(str(lead.organisation))) for lead in action.leads.all())
        rows.append(
            ACTION_ROW.format(
                ref=e(action.ref),
                url=url(action.pk),
                text=e(words(action.text, 28)),
                area=area,
                leads=leads,
                due=due(action),
                rag=rag_tag(action.current_rag),
                needs_update=NEEDS_UPDATE if getattr(action, "needs_update", False) else "",
                stage=e(action.area.plan.stage_label(action.stage)),
                percent="" if action.percent_complete is None else PERCENT.format(action.percent_complete),
            )
        )
    return mark_safe("".join(rows))


def words(text: str, count: int) -> str:
    """As the |truncatewords filter: the first `count` words, and " …" if there were more."""
    split = text.split()
    return " ".join(split[:count]) + (" …" if len(split) > count else "")


class SharedPartNode(template.Node):
    def __init__(self, name, vary_on, nodelist):
        self.name, self.vary_on, self.nodelist = name, vary_on, nodelist

    def render(self, context):
        name = self.name.resolve(context)
        vary_on = tuple(expression.resolve(context) for expression in self.vary_on)

        def render_part() -> str:
            html = self.nodelist.render(context)
            if "csrfmiddlewaretoken" in html:
                # A form is the reader's own (its CSRF token, what they may do): caching it would hand it to others.
                raise template.TemplateSyntaxError(f"shared_part {name!r} holds a form; keep forms outside it")
            return html

        # Today's date is always part of the key: "overdue" and "due soon" move with it.
        return cached_html(name, (*vary_on, timezone.localdate()), render_part)


@register.tag
def shared_part(parser, token):
    """`{% shared_part "name" key... %}...{% endshared_part %}`: a part of a page cached until plan data changes
    (sendplan.page_cache), shared by every reader who gives the same key. `key...` is everything besides plan data
    that the part depends on: the record, the filters, and what the reader may do there (their rights on the
    record, or the reader themself for a page that is theirs alone). On a cache hit nothing inside is evaluated, so
    a view passes lazy values for what only the part reads. No forms that post inside: their CSRF token is the
    reader's own."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("shared_part needs a name")
    nodelist = parser.parse(("endshared_part",))
    parser.delete_first_token()
    return SharedPartNode(parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]], nodelist)


# The sheet of an area's actions (templates/actions/area_sheet.html, actions.sheet).


def _date_parts(bound_field) -> list[dict]:
    value = bound_field.value()
    values = value if isinstance(value, list) else bound_field.field.widget.decompress(value)
    return [
        {"label": label, "width": width, "name": f"{bound_field.html_name}_{i}", "value": values[i]}
        for i, (label, width) in enumerate(GovukDateWidget.parts)
    ]


def _row_ref(form) -> str:
    """The ref of the action a row shows, as it stands (or as typed in a new row): for labels and the summary."""
    action = form.sheet.by_pk.get(str(form["action"].value() or ""))
    return action.ref if action is not None else str(form["ref"].value() or "")


@register.inclusion_tag("actions/_sheet_row.html")
def sheet_row(form, n: int, sheet, show_errors: bool, stale: dict):
    """One row of the sheet: its cells (each labelled with the row and the action's ref for screen readers), the
    row's own errors (a hidden field's, or the whole row's) and, for a row refused as stale, who changed what."""
    errors = form.errors if show_errors else {}
    hidden = [name for name, field in form.fields.items() if isinstance(field.widget, forms.HiddenInput)]
    return {
        "form": form,
        "n": n,
        "ref": _row_ref(form),
        "show_errors": show_errors,
        "errors": errors,
        "row_errors": [message for name in ["__all__", *hidden] for message in errors.get(name, [])],
        "own_fields": [form[column.key] for column in sheet.columns],
        "date_parts": _date_parts(form["due_date"]),
        "stale_error": stale.get(n - 1),
        "colspan": 11 + len(sheet.columns),
    }


@register.simple_tag
def sheet_typed(form, name: str) -> str:
    """What the user typed in a sheet row's field, as people read it (the posts by name), for a stale row's
    "Yours"."""
    field = form.fields.get(name)
    if isinstance(field, forms.MultipleChoiceField):
        chosen = {str(value) for value in (form.cleaned_data.get(name) or [])}
        return "; ".join(label.rsplit(", ", 1)[0] for value, label in field.choices if value in chosen) or "(none)"
    return typed_value(form, name)


@register.filter
def post_choices(bound_field) -> list[tuple[str, str, bool]]:
    """A lead or accountable picker's choices, each with whether it is chosen (as loaded or as typed)."""
    chosen = {str(value) for value in (bound_field.value() or [])}
    return [(value, label, value in chosen) for value, label in bound_field.field.choices]


@register.simple_tag
def chosen_labels(bound_field) -> list[str]:
    chosen = {str(value) for value in (bound_field.value() or [])}
    return [label.rsplit(", ", 1)[0] for value, label in bound_field.field.choices if value in chosen]


@register.inclusion_tag("components/error_summary.html")
def sheet_error_summary(formset, stale: dict):
    """The sheet's errors, each linking to its field in its row, and each row refused as stale to what changed."""
    items = [{"anchor": "", "message": message} for message in formset.non_form_errors()]
    for index, form in enumerate(formset.forms):
        ref = _row_ref(form)
        row = f"Row {index + 1}" + (f" (action {ref})" if ref else "")
        if index in stale:
            items.append({"anchor": f"row-{index + 1}-stale", "message": f"{row}: {stale[index].message}"})
        for name, messages in form.errors.items():
            field = form.fields.get(name)
            if field is None or isinstance(field.widget, forms.HiddenInput):
                anchor = f"row-{index + 1}"
            elif isinstance(field.widget, GovukDateWidget | forms.CheckboxSelectMultiple | forms.SelectMultiple):
                anchor = f"{form[name].auto_id}_0"
            else:
                anchor = form[name].auto_id
            items.extend({"anchor": anchor, "message": f"{row}: {message}"} for message in messages)
    return {"items": items}
