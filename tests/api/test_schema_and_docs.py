"""The OpenAPI schema and the interactive docs, served from our own static files."""

from __future__ import annotations

import pytest

from .conftest import api_client

pytestmark = pytest.mark.django_db


def test_the_schema_describes_the_api_with_problems_and_bearer_keys(api_shops: object) -> None:
    schema = api_client("acme.localhost", None).get("/api/v1/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/orders/", "/api/v1/checkins/", "/api/v1/events/{id}/availability/"} <= set(
        schema["paths"]
    )
    create = schema["paths"]["/api/v1/orders/"]["post"]
    assert "application/problem+json" in create["responses"]["409"]["content"]
    assert any(parameter["name"] == "Idempotency-Key" for parameter in create["parameters"])
    assert schema["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
    assert "/api/v1/tenants/" not in schema["paths"]  # the platform's API is on the platform host only
    platform = api_client("localhost", None).get("/api/v1/schema/?format=json").json()
    assert "/api/v1/tenants/" in platform["paths"] and "/api/v1/orders/" not in platform["paths"]


def test_the_docs_load_swagger_ui_from_our_own_static_files(api_shops: object) -> None:
    client = api_client("acme.localhost", None)
    page = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    assert (
        client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200
    )
    assert "redoc" in client.get("/api/v1/redoc/").content.decode().lower()
