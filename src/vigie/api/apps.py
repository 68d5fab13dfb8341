from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "vigie.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self):
        from .tokens import connect_signals

        connect_signals()
