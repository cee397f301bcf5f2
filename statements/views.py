from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from actions.permissions import can_manage_plans, require_plan_manager
from sendplan.forms import form_status, save_form
from statements import selectors
from statements.formatting import statement_html
from statements.forms import StatementForm
from statements.models import Statement
from statements.services import statement_edit


def _kind(kind: str) -> str:
    if kind not in Statement.Kind.values:
        raise Http404("No such page")
    return kind


@login_not_required
@require_GET
def statement_page(request, kind):
    """The accessibility statement, privacy notice or cookies page: public, the same for everyone."""
    statement = selectors.statement_for(kind)
    context = {
        "statement": statement,
        "body": statement_html(statement.body),
        "last_updated": selectors.last_updated(statement),
        "can_edit": can_manage_plans(request.user),
        # Anonymous visitors get the public pages' header, as on the Local Offer pages.
        "public": not request.user.is_authenticated,
    }
    return render(request, "statements/statement.html", context)


@require_http_methods(["GET", "POST"])
def statement_edit_view(request, kind):
    """Change a public page's text, with a preview before saving."""
    require_plan_manager(user=request.user, why="Only the programme manager changes the public pages' text.")
    statement = selectors.statement_for(_kind(kind))
    form = StatementForm(
        request.POST if request.method == "POST" else None,
        initial={"body": statement.body, "version": statement.version},
    )
    stale = preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = statement_html(form.cleaned_data["body"])
        else:
            saving = save_form(
                form,
                lambda: statement_edit(
                    kind=kind,
                    body=form.cleaned_data["body"],
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                ),
            )
            if saving.saved:
                messages.success(request, f"{statement.get_kind_display()} saved. The page shows your text now.")
                return redirect(f"statement-{kind}")
            stale = saving.stale
    context = {
        "statement": statement,
        "form": form,
        "stale": stale,
        "preview": preview,
        "history": selectors.statement_history(statement),
    }
    return render(request, "statements/statement_edit.html", context, status=form_status(form, stale))
