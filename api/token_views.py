"""The programme manager's API tokens page: make a token for a service account (shown once) and revoke one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from actions.permissions import require_plan_manager
from api.forms import ApiTokenForm
from api.models import ApiToken
from api.selectors_tokens import api_tokens
from api.services import api_token_create, api_token_revoke

MANAGERS_ONLY = "Only the programme manager makes and revokes API tokens."


@require_http_methods(["GET", "POST"])
def token_list(request):
    """The tokens and the form for a new one. A new token is shown on the page that answers the POST, once: it is
    not stored, so it cannot be shown again (revoke it and make another if it is lost)."""
    require_plan_manager(request.user, MANAGERS_ONLY)
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    created = secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created, secret = api_token_create(
                    user=form.cleaned_data["user"], name=form.cleaned_data["name"], by=request.user
                )
                form = ApiTokenForm()
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    for message in messages_:
                        form.add_error(field if field in form.fields else None, message)
        if not created:
            status = 400
    context = {"form": form, "tokens": api_tokens(), "created": created, "secret": secret}
    response = render(request, "api/tokens.html", context, status=status)
    if secret:
        response["Cache-Control"] = "no-store"  # the token must not be kept by the browser or a proxy
    return response


@require_POST
def token_revoke(request, pk):
    require_plan_manager(request.user, MANAGERS_ONLY)
    token = get_object_or_404(ApiToken, pk=pk)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, f"The token “{token.name}” is revoked: it no longer reads anything.")
    return redirect("api-tokens")
