from django.conf import settings
from django.urls import reverse

from actions.permissions import user_roles

# Which navigation item each page belongs to, by URL name.
_SECTIONS = {
    "my-actions": "my-actions",
    "plan-list": "plan-list",
    "plan-detail": "plan-list",
    "area-detail": "plan-list",
    "action-list": "action-list",
    "action-detail": "action-list",
    "action-update": "my-actions",
    "dashboard-index": "dashboard-index",
    "dashboard": "dashboard-index",
    "board-list": "board-list",
    "board-detail": "board-list",
    "meeting-detail": "board-list",
    "report-index": "report-index",
    "report-list": "report-index",
    "report-detail": "report-index",
}


def brand(request):
    return {
        "brand_name": settings.SENDPLAN_BRAND_NAME,
        "brand_local_area": settings.SENDPLAN_LOCAL_AREA,
    }


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_items": []}
    match = getattr(request, "resolver_match", None)
    current = _SECTIONS.get(match.url_name if match else "", "")
    items = [
        ("my-actions", "My actions"),
        ("dashboard-index", "Dashboard"),
        ("board-list", "Boards"),
        ("report-index", "Reports"),
        ("plan-list", "Plans"),
        ("action-list", "All actions"),
    ]
    nav = [{"href": reverse(name), "label": label, "active": name == current} for name, label in items]
    if request.user.is_staff:
        nav.append({"href": reverse("admin:index"), "label": "Manage", "active": False})
    # The header's search box, for those the search page serves (a role); the roles are read once per request and
    # most views have read them already.
    return {"nav_items": nav, "can_search": bool(user_roles(request.user))}
