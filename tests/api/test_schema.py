"""The committed OpenAPI schema (docs/openapi.yaml) is the one the code generates."""

from pathlib import Path

from drf_spectacular.validation import validate_schema

from vigie.api.schema import generate_schema_text

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
REGENERATE = "vigie manage spectacular --lang en --validate --file docs/openapi.yaml"


def test_the_committed_schema_is_the_generated_one():
    generated = generate_schema_text()
    committed = COMMITTED.read_text(encoding="utf-8")
    assert committed == generated, (
        f"docs/openapi.yaml is out of date with the API: regenerate it with `{REGENERATE}` "
        "(from the repository's root), read the difference and commit it with the change"
    )


def test_the_schema_is_valid_openapi_and_documents_authentication_and_pagination():
    import yaml

    schema = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    validate_schema(schema)
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}
    assert "Authorization: Token" in schema["info"]["description"]
    incidents = schema["paths"]["/api/v1/incidents/"]["get"]
    assert {p["name"] for p in incidents["parameters"]} >= {
        "cursor",
        "page_size",
        "ordering",
        "date_from",
        "admin1",
    }
    assert schema["components"]["schemas"]["PaginatedIncidentList"]["required"] == [
        "next",
        "previous",
        "results",
    ]
