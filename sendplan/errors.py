"""The 500 page: in the site's design, with the request id as a reference to quote, and nothing about the failure.

Something has already gone wrong, so this page must not fail in turn: no database, no context processors (they
read the user and the session), no template tags that could raise (the static files manifest may be what broke).
"""

from django.conf import settings
from django.http import HttpResponseServerError
from django.template import loader
from django.templatetags.static import static


def _stylesheet() -> str:
    try:
        return static("sendplan.css")
    except Exception:
        # E.g. a manifest without the entry: whitenoise serves the unhashed file too.
        return f"{settings.STATIC_URL}sendplan.css"


def server_error(request):
    context = {
        "request_id": getattr(request, "request_id", ""),
        "stylesheet": _stylesheet(),
        "brand_name": settings.SENDPLAN_BRAND_NAME,
        "brand_local_area": settings.SENDPLAN_LOCAL_AREA,
    }
    return HttpResponseServerError(loader.get_template("500.html").render(context))
