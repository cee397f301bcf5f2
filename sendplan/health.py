"""/healthz for load balancers and uptime checks: is this app server up and can it reach its database?

No login (a probe has none), GET or HEAD only (some load balancers probe with HEAD), never
cached, and it says nothing about the instance beyond ok/unavailable.
It is exempt from the HTTPS redirect (settings.SECURE_REDIRECT_EXEMPT) because load balancers probe over plain http.
"""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger("sendplan.health")


def database_reachable() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # The error's class only: its text can hold the database host and user.
        logger.warning("healthz_database_unavailable", extra={"error": type(error).__name__})
        return False
    return True


@login_not_required
@require_safe
def healthz(request):
    if database_reachable():
        response = JsonResponse({"status": "ok"})
    else:
        response = JsonResponse({"status": "unavailable"}, status=503)
    # A cached "ok" would hide an outage from the next probe.
    response["Cache-Control"] = "no-store"
    return response
