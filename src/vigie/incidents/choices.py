"""Incident types (ACLED's event and sub-event types), human-rights violation categories, precisions.

The words and their English labels are plain Python in vocabulary.py (the engines use them without
Django); here they become Django choices, and the review workflow's own choices are added.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.core.choices import text_choices

from . import vocabulary
from .vocabulary import (  # noqa: F401  (the vocabulary, importable from here as before)
    BOUNDS,
    CASUALTY_FIELDS,
    CASUALTY_FIGURES,
    HARMS,
    SPLIT_FIGURES,
    STATUSES,
    SUB_EVENT_PARENT,
    casualty_field_names,
)

EventType = text_choices(vocabulary.EventType, __name__)
SubEventType = text_choices(vocabulary.SubEventType, __name__)
ViolationType = text_choices(vocabulary.ViolationType, __name__)
DatePrecision = text_choices(vocabulary.DatePrecision, __name__)
Grade = text_choices(vocabulary.Grade, __name__)


class PairStatus(models.TextChoices):
    LINKED = "linked", _("Joined by the engine")
    REVIEW = "review", _("Waiting for review")
    CONFIRMED = "confirmed", _("Joined by an analyst")
    REJECTED = "rejected", _("Rejected by an analyst")


class LinkAction(models.TextChoices):
    MERGE = "merge", _("Merge")
    SPLIT = "split", _("Split")
