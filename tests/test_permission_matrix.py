"""Every URL x every role x GET/POST -> the expected status, and no database change when refused.

Rows: (url name, method, {role or group of roles: status}). READERS are the roles that read every plan.
A URL added without rows here fails test_every_url_is_in_the_matrix.
"""

import pytest
from django.contrib import admin
from django.urls import get_resolver, reverse

from actions.models import Action, ProgressUpdate

READERS = ["alice", "bob", "manager", "chair", "member", "comms", "pcf", "adviser"]
READ_ONLY = ["chair", "member", "comms", "pcf", "adviser"]
ALL = [*READERS, "nobody", "anonymous"]


def expect(default=None, **by_role):
    """Status per role: readers get `default`, 'nobody' (no role) 403, anonymous a redirect to log in."""
    table = {role: default for role in READERS}
    table.update(nobody=403, anonymous=302)
    for role, status in by_role.items():
        table[role] = status
    return table


VALID_UPDATE = {"rag": "amber", "progress": "Matrix progress", "impact": "", "version": "1"}

MATRIX = [
    # url name, args key, method, expectations
    ("home", None, "GET", expect(302)),
    ("my-actions", None, "GET", expect(200)),
    ("plan-list", None, "GET", expect(200)),
    ("plan-detail", "plan", "GET", expect(200)),
    ("area-detail", "area", "GET", expect(200)),
    ("action-list", None, "GET", expect(200)),
    ("action-detail", "alice_action", "GET", expect(200)),
    ("action-detail", "colleague_action", "GET", expect(200)),
    ("action-update", "alice_action", "GET", expect(403, alice=200, manager=200, bob=404)),
    ("action-update", "alice_action", "POST", expect(403, alice=302, manager=302, bob=404)),
    ("action-update", "bob_action", "POST", expect(403, bob=302, manager=302, alice=404)),
    ("action-update", "colleague_action", "POST", expect(403, manager=302, alice=404, bob=404)),
    ("action-update", "shared_action", "GET", expect(403, alice=200, bob=200, manager=200)),
    # GET-only pages refuse other methods.
    ("my-actions", None, "POST", expect(405, nobody=405)),
    ("action-list", None, "POST", expect(405, nobody=405)),
    ("action-detail", "alice_action", "POST", expect(405, nobody=405)),
    # Signing in and out.
    ("login", None, "GET", {**{r: 302 for r in READERS}, "nobody": 302, "anonymous": 200}),
    ("logout", None, "POST", {**{r: 302 for r in READERS}, "nobody": 302, "anonymous": 302}),
]

ARGS = {
    "plan": lambda w: [w.plan.slug],
    "area": lambda w: [w.area.pk],
    "alice_action": lambda w: [w.alice_action.pk],
    "bob_action": lambda w: [w.bob_action.pk],
    "colleague_action": lambda w: [w.colleague_action.pk],
    "shared_action": lambda w: [w.shared_action.pk],
}
ROLE_USERS = {"manager": "manager", "chair": "chair", "member": "member", "comms": "comms", "pcf": "pcf"}


def login(client, world, role):
    if role != "anonymous":
        client.force_login(world.user(ROLE_USERS.get(role, role)))


def database_state():
    return (
        ProgressUpdate.objects.count(),
        list(Action.objects.order_by("pk").values_list("version", "current_rag")),
    )


CASES = [(name, key, method, role, table[role]) for name, key, method, table in MATRIX for role in ALL]


@pytest.mark.parametrize(("name", "key", "method", "role", "status"), CASES)
def test_matrix(client, world, name, key, method, role, status):
    login(client, world, role)
    url = reverse(name, args=ARGS[key](world) if key else None)
    before = database_state()
    response = client.get(url) if method == "GET" else client.post(url, VALID_UPDATE)
    assert response.status_code == status, response.content[:500]
    if status == 302 and role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if method == "POST" and status != 302 or (method == "POST" and name != "action-update"):
        assert database_state() == before


# The plan's own models. User accounts and groups stay with superusers: a programme manager who could edit
# users could make themselves a superuser.
ADMIN_MODELS = [model._meta for model in admin.site._registry if model._meta.app_label == "actions"]


def admin_urls(world):
    urls = [reverse("admin:index")]
    for meta in ADMIN_MODELS:
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        instance = meta.model._default_manager.first()
        if instance is not None:
            urls.append(reverse(f"{prefix}_change", args=[instance.pk]))
            urls.append(reverse(f"{prefix}_history", args=[instance.pk]))
    return urls


@pytest.mark.parametrize("role", ALL)
def test_admin_is_for_programme_managers_only(client, world, role):
    from actions.models import Finding, Outcome

    # One row of each model so change and history pages exist.
    Finding.objects.create(area=world.area, ref="1.1", text="Finding")
    Outcome.objects.create(area=world.area, ref="a", text="Outcome")
    login(client, world, role)
    urls = admin_urls(world)
    assert len(urls) > 20
    for url in urls:
        response = client.get(url)
        if role == "manager":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
            assert "/login/" in response["Location"]
    user_admin = client.get(reverse("admin:auth_user_changelist"))
    assert user_admin.status_code == (403 if role == "manager" else 302)


def test_every_url_is_in_the_matrix():
    covered = {name for name, *_ in MATRIX}
    named = {pattern.name for pattern in get_resolver().url_patterns if getattr(pattern, "name", None)}
    for pattern in get_resolver().url_patterns:
        for sub in getattr(pattern, "url_patterns", []):
            if getattr(sub, "name", None) and not str(pattern.pattern).startswith("admin/"):
                named.add(sub.name)
    assert named - covered == set()
