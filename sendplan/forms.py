from django.contrib.auth.forms import AuthenticationForm


class GovukAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # Same words whether or not the account exists, so the form does not reveal who has one.
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }


def add_service_errors(form, error) -> None:
    """Show a service's ValidationError on the form: beside its field where the form has one, else at the top.

    Services re-check the rules whoever calls them (the period may have closed since the form was shown)."""
    for name, messages in error.message_dict.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def form_status(form, stale=None) -> int:
    """409 for a refused stale edit, 400 for input with errors (shown again, as typed), 200 otherwise."""
    if stale is not None:
        return 409
    return 400 if form.errors else 200
