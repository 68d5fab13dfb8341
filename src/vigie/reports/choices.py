from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    DATASET = "dataset", _("Dataset")
    MEDIA = "media", _("Media")
    PARTNER = "partner", _("Partner organisation")
    WITNESS = "witness", _("Witness")
    OFFICIAL = "official", _("Official statement")
    NGO = "ngo", _("Non-governmental organisation")
    UN = "un", _("United Nations")


class LinkMethod(models.TextChoices):
    DATASET = "dataset", _("One dataset event")
    KEY = "key", _("Incident key given by the source file")
    LINKAGE = "linkage", _("Linkage engine")
    ANALYST = "analyst", _("Analyst")
