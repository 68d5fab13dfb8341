"""Settings, read from the environment.

Pick a module with DJANGO_SETTINGS_MODULE: ``vigie.settings.development`` (the default of the
``vigie`` command), ``vigie.settings.production`` or ``vigie.settings.test``. Everything else comes
from environment variables, documented in docs/configuration.md.
"""
