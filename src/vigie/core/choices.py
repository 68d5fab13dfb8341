from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    READ = "read", _("Read")
    SHARE = "share", _("Shared")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    ORGANISATION = "organisation", _("Organisation only")
    RESTRICTED = "restricted", _("Restricted")
