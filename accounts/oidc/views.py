"""Sign in with your organisation: the start and return of the OpenID Connect flow, signing out of the provider
too, and the programme managers' page of sign-ins that wait for a link (docs/security.md)."""

from __future__ import annotations

import re
import time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LogoutView
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login

from accounts import selectors as two_factor
from accounts.models import OrganisationIdentity
from accounts.oidc import client, selectors, services
from accounts.oidc.client import Flow, SignInRefused
from accounts.oidc.forms import IdentityDecisionForm
from accounts.security_log import log_event
from accounts.views import _next_url
from actions.permissions import require_plan_manager
from sendplan.forms import form_status, save_form

FLOWS = "accounts_oidc_flows"  # state -> what the return needs to check the provider's answer
SIGNED_IN_WITH = "accounts_oidc_signed_in_with"  # the provider and ID token, for signing out of the provider
SIGNED_OUT = "accounts_oidc_signed_out"  # after signing out: the provider's name and sign-out address
# A sign-in not finished within ten minutes is refused on return; a few at once (several tabs) are kept.
FLOW_SECONDS = 600
MAX_FLOWS = 5
# Refusals that are the provider's or the network's fault, not the person's: 502, and "try again later".
UNREACHABLE = {"discovery", "token_exchange"}
MANAGERS_ONLY = "Only programme managers link organisation sign-ins to accounts."
# The refusal page's heading per reason; any other reason (a token that fails a check, a lost state, the person
# cancelling at the provider) is "You could not be signed in".
HEADINGS = {
    "unlinked": "Your sign-in is waiting for a programme manager",
    "domain": "You cannot sign in with this account",
    "refused": "Your sign-in was refused",
    "inactive": "Your account is deactivated",
    "no_second_factor": "Your organisation did not check a second factor",
    "discovery": "{name} cannot be reached",
    "token_exchange": "{name} cannot be reached",
}


def _provider_or_404(key: str):
    provider = selectors.provider(key)
    if provider is None:
        raise Http404("No such organisation sign-in")
    return provider


def _redirect_uri(request, key: str) -> str:
    """Where the provider sends the person back: the address registered with it (docs/deployment.md)."""
    return request.build_absolute_uri(reverse("organisation-sign-in-callback", args=[key]))


def _refused(request, provider, refusal: SignInRefused):
    log_event(
        "organisation_sign_in_refused",
        user_id=refusal.user_id,
        provider=provider.key,
        reason=refusal.reason,
        detail=refusal.detail[:80],
        identity_id=refusal.identity_id,
    )
    if refusal.reason in UNREACHABLE:
        status = 502
    elif refusal.reason in {"state", "provider_error"}:
        status = 400
    else:
        status = 403
    heading = HEADINGS.get(refusal.reason, "You could not be signed in").format(name=provider.name)
    context = {
        "provider": provider,
        "reason": refusal.reason,
        "heading": heading,
        "domains": sorted(provider.allowed_domains),
    }
    return render(request, "accounts/organisation_refused.html", context, status=status)


@login_not_required
@never_cache
@require_GET
def organisation_sign_in(request, key):
    """Send the person to their organisation's sign-in page, remembering the state, nonce and PKCE verifier."""
    provider = _provider_or_404(key)
    flow = Flow.new()
    try:
        url = client.authorization_url(provider, flow=flow, redirect_uri=_redirect_uri(request, key))
    except SignInRefused as refusal:
        return _refused(request, provider, refusal)
    now = time.time()
    flows = {
        state: saved
        for state, saved in request.session.get(FLOWS, {}).items()
        if isinstance(saved, dict) and now - saved.get("started", 0) < FLOW_SECONDS
    }
    kept = sorted(flows.items(), key=lambda item: item[1]["started"])[-(MAX_FLOWS - 1) :]
    request.session[FLOWS] = {
        **dict(kept),
        flow.state: {
            "provider": key,
            "nonce": flow.nonce,
            "verifier": flow.code_verifier,
            "next": _next_url(request),
            "started": now,
        },
    }
    return redirect(url)


def _returned_flow(request, key: str) -> tuple[Flow, str]:
    """The flow this return belongs to (used up: a code comes back once), and the page to go to after."""
    state = request.GET.get("state", "")
    flows = request.session.get(FLOWS, {})
    saved = flows.pop(state, None) if state else None
    request.session[FLOWS] = flows
    if not isinstance(saved, dict) or saved.get("provider") != key:
        raise SignInRefused("state", "unknown state")
    if time.time() - saved.get("started", 0) >= FLOW_SECONDS:
        raise SignInRefused("state", "sign-in took too long")
    error = request.GET.get("error", "")
    if error:
        # The provider's own error code (access_denied when the person cancelled); kept short and plain for the log.
        raise SignInRefused("provider_error", re.sub(r"[^a-z_]", "", error.lower())[:40])
    if not request.GET.get("code"):
        raise SignInRefused("provider_error", "no code")
    return Flow(state=state, nonce=saved["nonce"], code_verifier=saved["verifier"]), saved["next"]


@login_not_required
@never_cache
@require_GET
def organisation_sign_in_callback(request, key):
    """The provider's answer: swap the code for an ID token, check it, find the account, sign in. The organisation's
    multi-factor check counts as the second factor when the token says so; a role that needs one and has neither
    it nor an authenticator app is refused."""
    provider = _provider_or_404(key)
    try:
        flow, next_url = _returned_flow(request, key)
        redirect_uri = _redirect_uri(request, key)
        id_token = client.exchange_code(provider, code=request.GET["code"], flow=flow, redirect_uri=redirect_uri)
        claims = client.verify_id_token(provider, id_token, nonce=flow.nonce)
        user = services.organisation_sign_in(provider=provider, claims=claims)
        organisation_mfa = two_factor.two_factor_enabled() and provider.second_factor_checked(claims)
        if (
            two_factor.two_factor_enabled()
            and not organisation_mfa
            and two_factor.two_factor_required(user)
            and two_factor.confirmed_device(user) is None
        ):
            raise SignInRefused("no_second_factor", user_id=user.pk)
    except SignInRefused as refusal:
        return _refused(request, provider, refusal)
    # Read by the user_logged_in receiver (accounts.signals), so the one login_succeeded line says how.
    request.accounts_sign_in = {"provider": provider.key, "organisation_mfa": organisation_mfa}
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if organisation_mfa:
        otp_login(request, services.organisation_mfa_device(user=user, provider=provider))
    request.session[SIGNED_IN_WITH] = {"provider": provider.key, "id_token": id_token}
    return redirect(next_url)


class SignOutView(LogoutView):
    """Django's sign-out (POST only; the session is deleted). After an organisation sign-in it then offers the
    provider's own sign-out, on the signed-out page: the app cannot end the provider's session itself."""

    def post(self, request, *args, **kwargs):
        signed_in_with = request.session.get(SIGNED_IN_WITH)
        response = super().post(request, *args, **kwargs)
        provider = selectors.provider(signed_in_with.get("provider", "")) if signed_in_with else None
        if provider is None:
            return response
        url = client.end_session_url(
            provider,
            id_token=signed_in_with.get("id_token", ""),
            post_logout_redirect_uri=request.build_absolute_uri(reverse("login")),
        )
        request.session[SIGNED_OUT] = {"name": provider.name, "url": url}
        return redirect("signed-out")


@login_not_required
@require_GET
def signed_out(request):
    signed_out_of = request.session.get(SIGNED_OUT)
    if request.user.is_authenticated or not isinstance(signed_out_of, dict):
        return redirect("login")
    return render(
        request,
        "accounts/signed_out.html",
        {"provider_name": signed_out_of.get("name", ""), "url": signed_out_of.get("url")},
    )


@require_GET
def organisation_sign_ins(request):
    """The sign-ins that wait for a programme manager, and the latest decisions."""
    require_plan_manager(request.user, MANAGERS_ONLY)
    context = {"pending": selectors.pending_identities(), "decided": selectors.recent_decisions()}
    return render(request, "accounts/organisation_sign_ins.html", context)


@require_http_methods(["GET", "POST"])
def organisation_sign_in_decide(request, pk):
    """Link a waiting sign-in to an account, or refuse it. One decided already (by someone else, while this page
    was open) is shown as decided: a POST then answers 409 and changes nothing."""
    require_plan_manager(request.user, MANAGERS_ONLY)
    identity = get_object_or_404(OrganisationIdentity.objects.select_related("user", "decided_by"), pk=pk)
    if identity.status != OrganisationIdentity.Status.PENDING:
        status = 409 if request.method == "POST" else 200
        return render(request, "accounts/organisation_sign_in_decide.html", {"identity": identity}, status=status)
    # Bound for every POST, an empty one included: it is told what is missing.
    data = request.POST if request.method == "POST" else None
    form = IdentityDecisionForm(data, identity=identity, initial={"version": identity.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["decision"] == "link":
            saving = save_form(
                form,
                lambda: services.identity_link(
                    identity=identity, user=data["user"], by=request.user, expected_version=data["version"]
                ),
            )
        else:
            saving = save_form(
                form,
                lambda: services.identity_refuse(identity=identity, by=request.user, expected_version=data["version"]),
            )
        if saving.saved:
            who = identity.name or identity.email
            if data["decision"] == "link":
                account = data["user"].get_full_name() or data["user"].get_username()
                messages.success(request, f"{who} can now sign in with {identity.provider_name} as {account}.")
            else:
                messages.success(request, f"Sign-in refused: {who} is told so if they try again.")
            return redirect("organisation-sign-ins")
        stale = saving.stale
    context = {"identity": identity, "form": form, "stale": stale}
    return render(request, "accounts/organisation_sign_in_decide.html", context, status=form_status(form, stale))


def sign_in_buttons_context(next_url: str) -> dict:
    """For the sign-in page: one link per provider, each keeping the page asked for."""
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return {
        "organisation_providers": [
            {"name": provider.name, "url": reverse("organisation-sign-in", args=[provider.key]) + query}
            for provider in selectors.providers()
        ]
    }
