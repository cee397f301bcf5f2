"""Reading an area's sheet as a browser would post it back: the page's own form, as loaded, to change and post."""

from django import forms
from django.urls import reverse

from sendplan.fields import GovukDateWidget


def sheet_url(area) -> str:
    return reverse("area-sheet", args=[area.pk])


def form_data(formset) -> dict:
    """What the page's form posts as it stands: the management form and every row's fields (a date as its three
    boxes, a picker as the list of its ticked posts)."""
    data = {
        f"{formset.prefix}-TOTAL_FORMS": str(formset.total_form_count()),
        f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
        f"{formset.prefix}-MIN_NUM_FORMS": "0",
        f"{formset.prefix}-MAX_NUM_FORMS": "1000",
    }
    for form in formset.forms:
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            if isinstance(field.widget, GovukDateWidget):
                parts = value if isinstance(value, list) else field.widget.decompress(value)
                for i, part in enumerate(parts):
                    data[f"{bound.html_name}_{i}"] = "" if part is None else str(part)
            elif isinstance(field, forms.MultipleChoiceField):
                data[bound.html_name] = [str(v) for v in value or []]
            elif field.disabled:
                continue  # a disabled select posts nothing
            else:
                data[bound.html_name] = "" if value is None else str(value)
    return data


def loaded_sheet(client, area) -> dict:
    response = client.get(sheet_url(area))
    assert response.status_code == 200
    return form_data(response.context["formset"])


def row_of(data: dict, ref: str) -> str:
    """The prefix ("form-2") of the row showing action `ref`."""
    for key, value in data.items():
        if key.endswith("-ref") and value == ref:
            return key.removesuffix("-ref")
    raise AssertionError(f"no row for {ref}")


def first_blank_row(data: dict) -> str:
    total = int(data["form-TOTAL_FORMS"])
    for i in range(total):
        if not data.get(f"form-{i}-action") and not data.get(f"form-{i}-ref"):
            return f"form-{i}"
    raise AssertionError("no blank row")
