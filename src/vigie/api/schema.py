"""The OpenAPI schema's conventions, applied to every operation (drf-spectacular).

- A serializer may name, in ``Meta.optional_fields``, fields it leaves out of some answers (the
  members-only part of an incident, absent for the public): the schema does not require them.
- Error answers are documented: 400 where a request carries parameters or a body, 401 and 403
  (credentials), 404 on a record's own URL.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """An error: what went wrong, in words."""

    detail = serializers.CharField(help_text="What went wrong.")


BAD_REQUEST = {
    "type": "object",
    "description": "Each wrong field or parameter (or `detail`, `non_field_errors`) with its messages.",
    "additionalProperties": {},
}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The API token (vigie.api.tokens) in the schema: `Authorization: Token <key>`."""

    target_class = "vigie.api.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An API token (`vigie token create`), sent as `Authorization: Token <key>`. It "
            "ends after a set number of days; where two-factor login is required of the "
            "user's role, it works only while the user has an authenticator.",
        }


class VigieAutoSchema(AutoSchema):
    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        optional = set(getattr(getattr(serializer, "Meta", None), "optional_fields", ()))
        if optional and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in optional]
            if not schema["required"]:
                del schema["required"]
        return schema

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter.get("in") == "path" and parameter.get("name") == "id":
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = "The record's id."
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        has_parameters = bool(
            self._get_filter_parameters()
            or self._get_pagination_parameters()
            or self.get_override_parameters()
        )
        if has_parameters or self.method in ("POST", "PUT", "PATCH"):
            responses.setdefault("400", self._get_response_for_code(BAD_REQUEST, "400"))
        responses.setdefault("401", self._get_response_for_code(ErrorSerializer, "401"))
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            responses.setdefault("403", self._get_response_for_code(ErrorSerializer, "403"))
        if "{" in self.path:
            responses.setdefault("404", self._get_response_for_code(ErrorSerializer, "404"))
        for code, text in (
            ("400", "The request is wrong; nothing was changed."),
            (
                "401",
                "The credentials are wrong (an unknown token), or missing where they are needed.",
            ),
            (
                "403",
                "Not allowed (a write without the right role, or a session without its CSRF token).",
            ),
            ("404", "No such record within your scope."),
        ):
            if code in responses and not responses[code].get("description"):
                responses[code]["description"] = text
        return responses


def generate_schema_text() -> str:
    """The OpenAPI schema as YAML, in English: what `vigie manage spectacular --lang en` writes."""
    from django.utils import translation
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiYamlRenderer

    with translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        return OpenApiYamlRenderer().render(schema, renderer_context={}).decode("utf-8")
