from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "vigie.intake"
    label = "intake"
    verbose_name = _("Intake and review")

    def ready(self) -> None:
        from . import search  # noqa: F401  (clears the search indexes when places or actors change)
