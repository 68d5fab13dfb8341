"""Kinds of places, their administrative levels and how precisely a place is known: plain Python
(see vigie.core.vocabulary); the Django choices are built from them in choices.py."""

from __future__ import annotations

from vigie.core.vocabulary import Vocabulary
from vigie.core.vocabulary import gettext_noop as _


class PlaceKind(Vocabulary):
    COUNTRY = "country", _("Country")
    REGION = "region", _("Region")
    CERCLE = "cercle", _("Cercle")
    COMMUNE = "commune", _("Commune")
    LOCALITY = "locality", _("Locality")


# Administrative level of each kind: admin0 (country) to admin3 (commune); localities sit below.
ADMIN_LEVEL = {"country": 0, "region": 1, "cercle": 2, "commune": 3, "locality": 4}
KIND_AT_LEVEL = {level: kind for kind, level in ADMIN_LEVEL.items()}


class GeoPrecision(Vocabulary):
    """How precisely a place is known, from a point to a whole country."""

    EXACT = "exact", _("Exact location")
    NEAR = "near", _("Near a locality (within about 25 km)")
    ADMIN3 = "admin3", _("Commune")
    ADMIN2 = "admin2", _("Cercle")
    ADMIN1 = "admin1", _("Region")
    COUNTRY = "country", _("Country")
