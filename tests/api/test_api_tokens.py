"""Programme managers make a token for a service account (shown once, only its hash kept) and revoke it, on the
API tokens page; `manage.py create_api_token` prints one; the admin lists them without the secret."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from api.models import ApiToken
from api.services import token_hash
from tests.api.conftest import ApiClient


@pytest.fixture
def manager(world):
    client = Client()
    client.force_login(world.manager)
    return client


def test_a_manager_makes_a_token_shown_once_and_revokes_it(world, manager):
    response = manager.post("/api-tokens/", {"user": world.adviser.pk, "name": "Power BI board pack"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("sp_") and secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    assert (token.name, token.user, token.created_by) == ("Power BI board pack", world.adviser, world.manager)
    assert token.token_hash == token_hash(secret) and secret not in str(vars(token))
    assert ApiClient(secret).get("/api/v1/plans/").status_code == 200
    page = manager.get("/api-tokens/").content.decode()
    assert "Power BI board pack" in page and secret not in page and f"sp_{token.prefix}" in page

    assert manager.post(f"/api-tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == world.manager and token.is_revoked
    assert ApiClient(secret).get("/api/v1/plans/").status_code == 401
    # Revoking again changes nothing.
    revoked_at = token.revoked_at
    manager.post(f"/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at == revoked_at


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"user": "", "name": ""},
        {"user": "abc", "name": "x"},
        {"user": "999999999999999999999", "name": "x"},
        {"user": "nobody-pk", "name": "x"},
        {"user": "adviser-pk", "name": "x" * 101},
        {"user": "adviser-pk", "name": "   "},
    ],
)
def test_bad_posts_are_refused_with_what_was_typed_kept(world, manager, data):
    ids = {"nobody-pk": world.nobody.pk, "adviser-pk": world.adviser.pk}
    data = {key: ids.get(value, value) for key, value in data.items()}
    response = manager.post("/api-tokens/", data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert response.context["secret"] is None
    assert not ApiToken.objects.exists()


def test_only_programme_managers_reach_the_page(world):
    client = Client()
    client.force_login(world.adviser)
    assert client.get("/api-tokens/").status_code == 403
    assert client.post("/api-tokens/", {"user": world.adviser.pk, "name": "Mine"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_the_command_prints_a_token(world):
    out = io.StringIO()
    call_command("create_api_token", "ada", "--name", "Adviser's Power BI", stdout=out, stderr=io.StringIO())
    secret = out.getvalue().strip()
    assert ApiToken.objects.get().token_hash == token_hash(secret)
    assert ApiClient(secret).get("/api/v1/plans/").status_code == 200
    with pytest.raises(CommandError, match="no role"):
        call_command("create_api_token", "nora", "--name", "x", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="No account"):
        call_command("create_api_token", "nosuch", "--name", "x", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_admin_lists_tokens_without_the_secret(world, admin_client):
    call_command("create_api_token", "ada", "--name", "Board pack", stdout=io.StringIO(), stderr=io.StringIO())
    token = ApiToken.objects.get()
    page = admin_client.get("/admin/api/apitoken/").content.decode()
    assert "Board pack" in page and "ada" in page
    assert token.token_hash not in admin_client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
