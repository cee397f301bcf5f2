"""The OpenAPI document at /api/v1/openapi.json is valid OpenAPI 3 and describes every table."""

from django.test import Client
from openapi_spec_validator import validate

from tests.api.test_api_access import TABLES


def test_the_openapi_document_is_valid_and_lists_every_table(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert set(document["paths"]) == {f"/api/v1/{table}/" for table in TABLES}
    actions = document["paths"]["/api/v1/actions/"]["get"]
    assert {p["name"] for p in actions["parameters"]} == {"plan", "period", "as_at", "limit", "offset"}
    assert {"200", "400", "401", "403", "404"} <= set(actions["responses"])
    assert document["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
