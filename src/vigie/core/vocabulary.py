"""Closed lists of words with their English labels, in plain Python (no Django).

The engines (estimates, importers, linkage) and a notebook use these; each app's ``choices.py``
builds its Django ``TextChoices`` from them with ``vigie.core.choices.text_choices`` (same names,
same values, the labels translated). A vocabulary member is a ``str``: ``Visibility.PUBLIC ==
"public"``, and ``Visibility.PUBLIC.label`` is its English label.
"""

from __future__ import annotations

import enum


def gettext_noop(message: str) -> str:
    """Marks a label for translation without translating it: makemessages finds the literal, and the
    Django choices translate it when shown (their msgid is this English text)."""
    return message


_ = gettext_noop


class Vocabulary(enum.StrEnum):
    """A word list: members are their value (a str) and carry an English ``label``."""

    label: str

    def __new__(cls, value: str, label: str) -> Vocabulary:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, English label) pairs, in order."""
        return [(member.value, member.label) for member in cls]


class Visibility(Vocabulary):
    PUBLIC = "public", _("Public")
    ORGANISATION = "organisation", _("Organisation only")
    RESTRICTED = "restricted", _("Restricted")
