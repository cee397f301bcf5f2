import pytest
from django.test import Client

from api.services import api_token_create


def token_for(user, name="Power BI"):
    return api_token_create(user=user, name=name, by=None)[1]


class ApiClient:
    """A client that sends a token, never a session."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params):
        return self.client.get(path, params, headers=self.headers)


@pytest.fixture
def api_as():
    def as_user(user, name="Power BI"):
        return ApiClient(token_for(user, name))

    return as_user
