"""Settings of the REST API (imported by vigie.settings.base)."""

REST_FRAMEWORK: dict = {}
SPECTACULAR_SETTINGS: dict = {}
