"""The page django-axes shows when a username has had too many failed sign-ins (AXES_LOCKOUT_CALLABLE).

It is the same for every username, whether or not an account has it: axes counts failures for unknown usernames
too, so the page cannot tell anyone which accounts exist. Status 429 (Too Many Requests) with Retry-After, not
403: nothing is forbidden to this person, they are asked to slow down, and a 403 would read as a refused
permission in the logs.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    cool_off_seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(
        request,
        "accounts/locked_out.html",
        {"cool_off_minutes": cool_off_seconds // 60},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(cool_off_seconds)
    return response
