from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.core.choices import text_choices

from . import vocabulary

ActorCategory = text_choices(vocabulary.ActorCategory, __name__)
ActorRole = text_choices(vocabulary.ActorRole, __name__)


class AliasLanguage(models.TextChoices):
    FR = "fr", _("French")
    EN = "en", _("English")
    ACRONYM = "acronym", _("Acronym")
    ACLED = "acled", _("ACLED spelling")
    UCDP = "ucdp", _("UCDP spelling")
    LOCAL = "local", _("Local language")
    IMPORT = "import", _("Seen in an import")
