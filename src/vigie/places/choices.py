from vigie.core.choices import text_choices

from . import vocabulary
from .vocabulary import ADMIN_LEVEL, KIND_AT_LEVEL  # noqa: F401  (importable from here as before)

PlaceKind = text_choices(vocabulary.PlaceKind, __name__)
GeoPrecision = text_choices(vocabulary.GeoPrecision, __name__)
