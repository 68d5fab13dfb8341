"""Settings of the REST API (imported by vigie.settings.base)."""

API_DESCRIPTION = """\
The REST API of Vigie, an observatory of harm to civilians.

**Authentication.** Send a token in the `Authorization` header: `Authorization: Token <key>`.
An administrator creates a user's token with `vigie token create USERNAME`; it is shown once (only
its hash is kept) and ends after `VIGIE_API_TOKEN_DAYS` days (30 by default). Where two-factor login
is required of the user's role, a token is issued, and accepted, only while the user has an
authenticator; replacing the authenticator ends the user's tokens. A browser session
(the web login) works too; writes with a session need the CSRF token. Without either, you read
what the public may see: published incidents without any personal data, the gazetteer, the actor
dictionary and the public sources.

**Scope.** A member of an organisation also reads that organisation's incidents, reports and
sources, as the web pages show them. A record outside your scope answers 404, never 403.

**Pagination.** Lists are paged by cursor: each answer has `results`, `next` and `previous`
(full URLs, or null). Follow `next` to read on; `page_size` sets the number of results (at most
200). Lists give no total count: counting a million incidents would cost more than the page.

**Filters.** Values separated by commas mean "any of": `event_type=battles,riots`.
"""

REST_FRAMEWORK: dict = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "vigie.api.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON only: the browsable API renders forms whose choices would list records unfiltered.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "vigie.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "vigie.api.schema.VigieAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNICODE_JSON": True,
}

SPECTACULAR_SETTINGS: dict = {
    "TITLE": "Vigie API",
    "DESCRIPTION": API_DESCRIPTION,
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SORT_OPERATION_PARAMETERS": True,
    "ENUM_NAME_OVERRIDES": {
        "VisibilityEnum": "vigie.core.choices.Visibility",
        "DatePrecisionEnum": "vigie.incidents.choices.DatePrecision",
        "EventTypeEnum": "vigie.incidents.choices.EventType",
        "SubEventTypeEnum": "vigie.incidents.choices.SubEventType",
        "ViolationEnum": "vigie.incidents.choices.ViolationType",
        "GeoPrecisionEnum": "vigie.places.choices.GeoPrecision",
        "PlaceKindEnum": "vigie.places.choices.PlaceKind",
        "ActorCategoryEnum": "vigie.actors.choices.ActorCategory",
        "ActorRoleEnum": "vigie.actors.choices.ActorRole",
        "SourceKindEnum": "vigie.reports.choices.SourceKind",
        "LinkMethodEnum": "vigie.reports.choices.LinkMethod",
        "RoleEnum": "vigie.core.models.Role",
        "GradeEnum": "vigie.incidents.choices.Grade",
        "ReliabilityEnum": "vigie.reports.choices.Reliability",
        "CredibilityEnum": "vigie.reports.choices.Credibility",
        "CaseStatusEnum": "vigie.cases.choices.CaseStatus",
        "CaseReferralStatusEnum": "vigie.cases.choices.ReferralStatus",
        "RecipientKindEnum": "vigie.cases.choices.RecipientKind",
        "CustodyActionEnum": "vigie.evidence.choices.CustodyAction",
        "SexEnum": "vigie.victims.choices.Sex",
        "AgeGroupEnum": "vigie.victims.choices.AgeGroup",
        "CivilianStatusEnum": "vigie.victims.choices.CivilianStatus",
        "HarmEnum": "vigie.victims.choices.Harm",
        "RelationEnum": "vigie.victims.choices.Relation",
        "ConsentPurposeEnum": "vigie.victims.choices.ConsentPurpose",
        "ConsentGiverEnum": "vigie.victims.choices.ConsentGiver",
    },
}
