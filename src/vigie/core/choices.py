from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import vocabulary
from .vocabulary import Vocabulary


def text_choices(words: type[Vocabulary], module: str) -> type[models.TextChoices]:
    """The Django choices of a plain vocabulary: same member names, values and order, each label
    translated lazily (its msgid is the English label, marked in the vocabulary's module).
    ``module`` is the module that holds the result, so that its members pickle."""
    choices = models.TextChoices(
        words.__name__,
        [(member.name, (member.value, _(member.label))) for member in words],
        module=module,
        qualname=words.__qualname__,
    )
    choices.__doc__ = words.__doc__
    return choices


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    READ = "read", _("Read")
    SHARE = "share", _("Shared")


Visibility = text_choices(vocabulary.Visibility, __name__)
