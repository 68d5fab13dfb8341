from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "vigie.accounts"
    label = "accounts"
    verbose_name = _("Accounts and access")

    def ready(self) -> None:
        from vigie.core import permissions  # noqa: F401  (connects the grant cache's signals)

        from . import signals  # noqa: F401
