"""Session timeouts, two-factor enforcement and refused-authorisation logging, as middleware (docs/security.md).

Order in MIDDLEWARE: after AuthenticationMiddleware, django_otp's OTPMiddleware and MessageMiddleware (these read
request.user.is_verified() and add messages).
"""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse

from accounts import kept_forms, selectors
from accounts.security_log import log_event
from accounts.sessions import expiry_message, session_expiry, session_touch
from accounts.signals import EXPIRED_ATTRIBUTE


def _with_next(url_name: str, request) -> str:
    """The page's address with ?next= the page asked for (GET only: a POST cannot be replayed after signing in),
    written as Django's own sign-in redirect writes it."""
    url = reverse(url_name)
    if request.method == "GET":
        query = QueryDict(mutable=True)
        query["next"] = request.get_full_path()
        url += "?" + query.urlencode(safe="/")
    return url


class SessionTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_MINUTES without a request, or SESSION_MAX_HOURS after signing in.

    A form posted after the session ran out is kept and, once its user signs in again, its page is shown filled in
    (accounts/kept_forms.py). The timeout warning's status request (session-status) is answered in JSON, and its
    GET is not activity: a tab asking how long is left must not keep the session going."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            asking_time_left = request.path == reverse("session-status")
            reason = session_expiry(request.session, now=now)
            if reason is not None and asking_time_left:
                # Not signed out here: the warning then reloads its page, or posts the form typed into so it is kept,
                # and that request signs out (with the notice) as any other would.
                return JsonResponse({"signed_in": False, "seconds_left": 0})
            if reason is not None:
                return self._sign_out(request, reason, now=now)
            if not (asking_time_left and request.method == "GET"):
                session_touch(request.session, now=now)
            kept = kept_forms.kept_for(request, now=now)
            if kept is not None and kept_forms.is_for(request, kept):
                return kept_forms.restore(request, self.get_response(request), kept)
        return self.get_response(request)

    def _sign_out(self, request, reason: str, *, now: float):
        user_id = request.user.pk
        log_event("session_expired", user_id=user_id, reason=reason)
        setattr(request, EXPIRED_ATTRIBUTE, True)
        # Read before logout() flushes the session: the CSRF check of the expired POST needs this browser's token.
        kept = kept_forms.fields_to_keep(request) if request.method == "POST" else None
        logout(request)  # flushes the session: its key no longer exists in the store
        messages.info(request, expiry_message(reason))
        if kept is not None:
            page = kept_forms.keep(request, user_id=user_id, fields=kept, now=now)
            query = QueryDict(mutable=True)
            query["next"] = page
            return redirect(reverse("login") + "?" + query.urlencode(safe="/"))
        return redirect(_with_next("login", request))


# Pages a user who still owes a code may reach: the code pages themselves and signing out.
TWO_FACTOR_PAGES = frozenset({"two-factor-verify", "two-factor-setup", "logout", "admin:logout"})


class TwoFactorMiddleware:
    """With SENDPLAN_TWO_FACTOR on, a user whose role needs two-factor, or who chose it, and who has not entered a
    code this session is sent to enter one (or to set up an app first) from every page, the admin included.

    Exempt: the code pages, signing out, and pages that need no sign-in (the public Local Offer pages, health
    check, sign-in), whose views are marked login_not_required. Static files are served before Django's views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not selectors.two_factor_enabled():
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_PAGES:
            return None
        if selectors.confirmed_device(user) is not None:
            return redirect(_with_next("two-factor-verify", request))
        if selectors.two_factor_required(user):
            return redirect(_with_next("two-factor-setup", request))
        return None


class SecurityEventMiddleware:
    """Logs every refused authorisation (a view raising PermissionDenied, answered 403) with the user and path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
            log_event("authorisation_refused", user_id=user_id, path=request.path, method=request.method)
        return None
