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


class Reliability(models.TextChoices):
    """Source reliability (NATO/Admiralty system)."""

    A = "A", _("A: completely reliable")
    B = "B", _("B: usually reliable")
    C = "C", _("C: fairly reliable")
    D = "D", _("D: not usually reliable")
    E = "E", _("E: unreliable")
    F = "F", _("F: reliability cannot be judged")


class Credibility(models.IntegerChoices):
    """Information credibility (NATO/Admiralty system)."""

    CONFIRMED = 1, _("1: confirmed by other sources")
    PROBABLE = 2, _("2: probably true")
    POSSIBLE = 3, _("3: possibly true")
    DOUBTFUL = 4, _("4: doubtful")
    IMPROBABLE = 5, _("5: improbable")
    UNKNOWN = 6, _("6: truth cannot be judged")
