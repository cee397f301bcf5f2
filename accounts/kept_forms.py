"""A form posted after its session ran out is kept, and filled in again once its user signs in (docs/security.md,
decision 0030).

When accounts.middleware signs out a POST whose session has run out, the fields typed (never passwords, secrets,
tokens or files) go into the new, signed-out session with the user's id, the page the form was on and where it
posted to. Django's login() keeps a signed-out session's data, so after signing in again the page's next GET finds
the record: the middleware fills the page's form with what was typed and adds a banner saying so. The form is
filled, not submitted: the user checks it and submits again (a hidden version field comes back as typed, so an edit
someone else overtook meanwhile is still refused as stale).

The record is read only by the user it names (anyone else signing in on the same browser has it dropped unseen), is
dropped after SESSION_KEPT_FORM_MINUTES, and lives in the server-side session store, never in a cookie.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.html
from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

KEPT_FORM = "accounts_kept_form"
# Field names never kept, whatever the form: credentials and one-time codes, and the old CSRF token (the page has a
# fresh one).
NEVER_KEPT = re.compile(r"password|passwd|secret|token|csrf|otp", re.IGNORECASE)
# A bigger form is not kept (the session row would grow without limit): about a long progress update's sheet.
MOST_CHARACTERS = 200_000


def _csrf_accepted(request) -> bool:
    """Whether the expired POST carries this browser's CSRF token: another site's forged POST is not kept, or it
    could plant text in the user's form for them to submit."""
    refusal = CsrfViewMiddleware(lambda request: None).process_view(request, _keep_view, (), {})
    return refusal is None


def _keep_view(request):  # what CsrfViewMiddleware checks the POST for: a view with no exemption
    return None


def _page_of(request) -> str:
    """The page the form was on: the Referer when it is this site's (the browser sends it to its own site, see
    SECURE_REFERRER_POLICY), else the address posted to (a form that posts to its own page, as most here do)."""
    referer = request.headers.get("Referer", "")
    allowed = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    # A browser sends a full address: anything else is hand-made, and the address posted to is the safer guess.
    if not allowed or not referer.startswith(("http://", "https://")):
        return request.path
    parts = urlsplit(referer)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def fields_to_keep(request) -> list[list] | None:
    """The POST's fields worth keeping as [name, [values]] pairs, or None (a forged POST, nothing typed, too much)."""
    if not _csrf_accepted(request):
        return None
    fields = [[name, values] for name, values in request.POST.lists() if not NEVER_KEPT.search(name)]
    size = sum(len(name) + sum(len(value) for value in values) for name, values in fields)
    if not fields or size > MOST_CHARACTERS:
        return None
    return fields


def keep(request, *, user_id: int, fields: list[list], now: float) -> str:
    """Store the fields in the (signed-out) session; return the page to send the user back to after signing in."""
    page = _page_of(request)
    request.session[KEPT_FORM] = {
        "user_id": user_id,
        "page": page,
        "action": request.path,
        "fields": fields,
        "kept_at": int(now),
    }
    return page


def kept_for(request, *, now: float) -> dict | None:
    """The signed-in user's kept form, if any. A record of someone else's, or one too old, is dropped here, on the
    first request after signing in, before any page could show it."""
    kept = request.session.get(KEPT_FORM)
    if kept is None:
        return None
    too_old = now - kept.get("kept_at", 0) >= settings.SESSION_KEPT_FORM_MINUTES * 60
    if kept.get("user_id") != request.user.pk or too_old:
        del request.session[KEPT_FORM]
        return None
    return kept


def is_for(request, kept: dict) -> bool:
    return request.method == "GET" and request.path == urlsplit(kept["page"]).path


def restore(request, response, kept: dict):
    """Fill the page's form with the kept fields and add the banner, then drop the record. A page that is not an
    HTML page, or has no form posting where the kept one did (yet: a code to enter first), is left alone and the
    record waits."""
    content_type = response.get("Content-Type", "")
    if response.status_code != 200 or response.streaming or not content_type.startswith("text/html"):
        return response
    document = lxml.html.document_fromstring(response.content.decode(response.charset or "utf-8"))
    forms = [form for form in document.forms if _posts_to(form, kept)]
    if not forms:
        return response
    values = {name: list(typed) for name, typed in kept["fields"]}
    for form in forms:
        _fill(form, values)
    main = document.get_element_by_id("main-content", None)
    if main is not None:
        main.insert(0, lxml.html.fragment_fromstring(render_to_string("accounts/_kept_form_banner.html")))
    response.content = lxml.html.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>")
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    del request.session[KEPT_FORM]
    return response


def _posts_to(form, kept: dict) -> bool:
    if (form.get("method") or "get").lower() != "post":
        return False
    return urlsplit(urljoin(kept["page"], form.get("action") or kept["page"])).path == kept["action"]


def _fill(form, values: dict[str, list[str]]) -> None:
    """Put the typed values back: text, textareas and hidden fields take the value typed, boxes and options are
    ticked as they were (a box left out of the POST was unticked). Password and file inputs stay empty."""
    for element in form.xpath(".//input[@name] | .//textarea[@name] | .//select[@name]"):
        name = element.get("name")
        if NEVER_KEPT.search(name):
            continue
        typed = values.get(name)
        if element.tag == "select":
            if typed is not None:
                for option in element.xpath(".//option"):
                    chosen = option.get("value", option.text_content()) in typed
                    option.attrib.pop("selected", None)
                    if chosen:
                        option.set("selected", "selected")
            continue
        kind = (element.get("type") or "text").lower()
        if kind in ("password", "file", "submit", "button", "image", "reset"):
            continue
        if kind in ("checkbox", "radio"):
            if typed is None and kind == "radio":
                continue
            element.attrib.pop("checked", None)
            if typed is not None and element.get("value", "on") in typed:
                element.set("checked", "checked")
            continue
        if typed is None:
            continue
        # Several inputs of one name (rows of a sheet) take the typed values in order.
        value = typed.pop(0) if len(typed) > 1 else (typed[0] if typed else "")
        if element.tag == "textarea":
            element.text = value
        else:
            element.set("value", value)
