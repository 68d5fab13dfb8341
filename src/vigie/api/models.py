"""REST API."""

from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken


class ApiToken(AuthToken):
    """knox's token as the administration shows it: whose, issued and ending when, never the key.

    The record is named by the key's SHA-512 digest (in the administration's links too): a one-way hash,
    which authenticates nobody.
    """

    class Meta:
        proxy = True
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return str(
            _("API token of %(user)s, issued %(created)s")
            % {
                "user": self.user,
                "created": f"{self.created:%Y-%m-%d %H:%M}" if self.created else "-",
            }
        )
