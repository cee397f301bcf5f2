from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from actions.locking import StaleEditError


class GovukAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # Same words whether or not the account exists, so the form does not reveal who has one.
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }


def add_service_errors(form, error) -> None:
    """Show a service's ValidationError on the form: beside its field where the form has one, else at the top.

    Services re-check the rules whoever calls them (the period may have closed since the form was shown)."""
    # A refusal of the whole record (the report is no longer a draft) has no field names: it goes at the top.
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for name, messages in by_field.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


@dataclass
class Saving:
    """How a service's write of a valid form went: `saved` (with the service's `result`), or refused, either as a
    stale edit (`stale`, shown beside what the user typed: 409) or by a rule (its messages already on the form)."""

    saved: bool
    result: Any = None
    stale: StaleEditError | None = None


def save_form(form, save: Callable[[], Any]) -> Saving:
    """Call `save` (a service writing what `form` holds) the way every form page does: a stale edit is kept to
    show, a rule the service refuses goes on the form beside its field (add_service_errors)."""
    try:
        result = save()
    except StaleEditError as error:
        return Saving(saved=False, stale=error)
    except ValidationError as error:
        add_service_errors(form, error)
        return Saving(saved=False)
    return Saving(saved=True, result=result)


def form_status(form, stale=None, parts=()) -> int:
    """409 for a refused stale edit, 400 for input with errors (in the form or any of its `parts`: what other apps
    add to it), shown again as typed, 200 otherwise.

    Every form view renders its refusal through here, so here a refused stale edit's form also moves on to the
    version saved now: the user has been shown the other changes beside theirs, and submitting again saves
    (docs/decisions/0010-stale-edit-recovery.md)."""
    if stale is not None:
        carry_current_version(form, stale)
        return 409
    return 400 if form.errors or any(part.errors for part in parts) else 200


def carry_current_version(form, stale, field: str = "version") -> None:
    """Put the version saved now into the bound form's hidden `field`, keeping everything else the user typed."""
    if stale.current_version is None or not form.is_bound or field not in form.fields:
        return
    data = form.data.copy()  # a request's QueryDict is immutable
    data[form.add_prefix(field)] = str(stale.current_version)
    form.data = data
