"""Your account, the two-factor pages (enter a code, set up an authenticator app), invitations and forgotten
passwords (docs/security.md)."""

from __future__ import annotations

import math
import time
from base64 import b32encode
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login

from accounts import invites, selectors, services
from accounts.forms import CodeForm, GovukSetPasswordForm, InviteForm, PasswordResetRequestForm
from accounts.password_reset import client_address, password_reset_complete, password_reset_request, reset_user
from accounts.qr import qr_svg
from accounts.security_log import log_event
from accounts.sessions import seconds_left, session_keep_alive
from actions.models import Officer
from actions.permissions import Role, require_people_manager, user_roles
from sendplan.forms import form_status, save_form


def _next_url(request) -> str:
    """Where to go once the code is accepted: the page asked for, if it is on this site, else the start page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _require_two_factor_on() -> None:
    if not selectors.two_factor_enabled():
        raise Http404("Two-factor authentication is not used on this service")


def _accepted(request, device, event: str) -> None:
    """The session now counts as verified, under a new key: the one used before the code was entered is dead."""
    otp_login(request, device)
    request.session.cycle_key()
    log_event(event, user_id=request.user.pk)


def _refused(request, form: CodeForm, check: services.CodeCheck, stage: str) -> None:
    wait = None
    if check.wait_until is not None:
        wait = max(1, math.ceil((check.wait_until - timezone.now()).total_seconds()))
    log_event("two_factor_failed", user_id=request.user.pk, stage=stage, throttled=wait is not None)
    form.refuse(wait)


@require_GET
def account(request):
    user = request.user
    context = {
        "roles": sorted(role.value for role in user_roles(user)),
        "two_factor_enabled": selectors.two_factor_enabled(),
        "two_factor_required": selectors.two_factor_required(user),
        "device": selectors.confirmed_device(user),
        "organisation_sign_ins": user.organisation_identities.all(),
    }
    return render(request, "accounts/account.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    _require_two_factor_on()
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if selectors.confirmed_device(user) is None:
        return redirect(f"{reverse('two-factor-setup')}?{urlencode({'next': next_url})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.totp_verify(user=user, token=form.cleaned_data["code"])
        if check.ok:
            _accepted(request, check.device, "two_factor_verified")
            return redirect(next_url)
        _refused(request, form, check, stage="sign_in")
    context = {"form": form, "next": next_url}
    return render(request, "accounts/two_factor_verify.html", context, status=400 if form.errors else 200)


def _manual_key(device) -> str:
    """The key as authenticator apps take it typed in: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@never_cache  # the page shows the secret key
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    _require_two_factor_on()
    user = request.user
    next_url = _next_url(request)
    if selectors.confirmed_device(user) is not None and not user.is_verified():
        # Replacing an app needs a code from the current one: a stolen password alone must not add a thief's phone.
        return redirect(f"{reverse('two-factor-verify')}?{urlencode({'next': request.get_full_path()})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.totp_setup_confirm(user=user, token=form.cleaned_data["code"])
        if check.ok:
            _accepted(request, check.device, "two_factor_enrolled")
            messages.success(
                request, "Two-factor authentication is set up. You will be asked for a code when you sign in."
            )
            return redirect(next_url)
        _refused(request, form, check, stage="set_up")
    # Reused while unconfirmed (see totp_setup_start), so this GET changes nothing after the first visit.
    device = services.totp_setup_start(user=user)
    context = {
        "form": form,
        "next": next_url,
        "replacing": selectors.confirmed_device(user) is not None,
        "qr_code": qr_svg(device.config_url, title="QR code to scan with your authenticator app"),
        "manual_key": _manual_key(device),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=400 if form.errors else 200)


def invite_hours() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 3600


def _post_for_manager(request, pk) -> Officer:
    """The post an invitation or deactivation is about: programme managers only (403), 404 if missing."""
    require_people_manager(request.user)
    return get_object_or_404(Officer.objects.select_related("organisation", "user"), pk=pk)


@require_http_methods(["GET", "POST"])
def officer_invite(request, pk):
    """Invite the person in a post to sign in: an account with a role, and an email with a one-time link."""
    officer = _post_for_manager(request, pk)
    current_role = next(iter(sorted(user_roles(officer.user))), None) if officer.user else None
    initial = {"email": officer.email, "role": current_role or Role.SEND_LEAD.value, "version": officer.version}
    form = InviteForm(request.POST or None, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saving = save_form(
            form,
            lambda: invites.officer_invite(
                officer=officer,
                email=data["email"],
                role=data["role"],
                by=request.user,
                expected_version=data["version"],
            ),
        )
        if saving.saved:
            messages.success(
                request,
                f"Invitation sent to {saving.result.email}. The link in it works once, for {invite_hours()} hours: "
                "they sign in with their email address and the password they set.",
            )
            return redirect("officer-detail", pk=officer.pk)
        stale = saving.stale
    context = {"officer": officer, "form": form, "stale": stale, "hours": invite_hours()}
    return render(request, "accounts/officer_invite.html", context, status=form_status(form, stale))


@require_http_methods(["GET", "POST"])
def officer_deactivate(request, pk):
    """Confirm, then deactivate, the account of someone who has left: their history stays, the post stays."""
    officer = _post_for_manager(request, pk)
    refusal = invites.deactivate_errors(user=officer.user, by=request.user)
    if request.method == "POST" and not refusal:
        name = officer.user.get_full_name() or officer.user.get_username()
        invites.user_deactivate(officer=officer, by=request.user)
        messages.success(
            request,
            f"{name}'s account is deactivated: they are signed out and cannot sign in. Their updates and history "
            "stay. Hand the post over when someone new takes it on.",
        )
        return redirect("officer-detail", pk=officer.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/officer_deactivate.html", {"officer": officer, "refusal": refusal}, status=status)


@login_not_required
@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def set_password(request, uidb64, token):
    """The page an invitation links to: set a password, then sign in. No sign-in needed; a link that is garbled,
    used, run out or for a deactivated account is refused plainly (410), never an error."""
    user = invites.invited_user(uidb64, token)
    if user is None:
        return render(request, "accounts/set_password_invalid.html", status=410)
    form = GovukSetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        invites.password_set(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, f"Your password is set. Sign in with your email address, {user.get_username()}.")
        return redirect("login")
    context = {"form": form, "invited": user}
    return render(request, "accounts/set_password.html", context, status=400 if form.errors else 200)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request):
    """Ask for a link to set a new password. Whatever the address, the next page says the same; only asking too
    often is refused (429), on this page, with the address kept."""
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        asked = password_reset_request(email=form.cleaned_data["email"], address=client_address(request))
        if not asked.throttled:
            return redirect("password-reset-sent")
        context = {"form": form, "throttled": True}
        return render(request, "accounts/password_reset.html", context, status=429)
    context = {"form": form, "throttled": False}
    return render(request, "accounts/password_reset.html", context, status=400 if form.errors else 200)


@login_not_required
@require_GET
def password_reset_sent(request):
    return render(request, "accounts/password_reset_sent.html", {"hours": settings.SENDPLAN_PASSWORD_RESET_HOURS})


@login_not_required
@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request, uidb64, token):
    """The page a reset link opens: set a new password, then sign in (with a code too, for two-factor). A link
    that is garbled, used or run out says so (410) and offers a new one."""
    user = reset_user(uidb64, token)
    if user is None:
        return render(request, "accounts/password_reset_invalid.html", status=410)
    form = GovukSetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        password_reset_complete(user=user, password=form.cleaned_data["new_password1"])
        messages.success(
            request,
            f"Your password is changed, and you are signed out everywhere else. Sign in with your email address, "
            f"{user.get_username()}, and the new password.",
        )
        return redirect("login")
    context = {"form": form, "account": user}
    return render(request, "accounts/password_reset_confirm.html", context, status=400 if form.errors else 200)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def session_status(request):
    """The timeout warning's questions (static/js/app.js): GET asks how long the session has left, and is not itself
    activity (accounts.middleware leaves the session untouched); POST is "Stay signed in" and restarts the idle
    timeout. Each tab asks before it warns or signs out, so staying signed in from one tab keeps the others going.
    Open to anyone so a signed-out browser hears "signed out" rather than a redirect to the sign-in page; a session
    that has just run out is signed out by the middleware, which answers the same."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds_left": 0})
    now = time.time()
    if request.method == "POST":
        session_keep_alive(request.session, now=now)
    return JsonResponse({"signed_in": True, "seconds_left": seconds_left(request.session, now=now)})
