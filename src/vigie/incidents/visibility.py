"""What the pages share: who is signed in, and the key of a cached fragment by its audience.

Who may see what is the access layer's (vigie.core.querysets: ``Incident.objects.visible_to``,
``Report.objects.readable_by``; vigie.core.permissions): no page spells a rule of its own.
"""

from __future__ import annotations

from django.utils.translation import get_language

from vigie.core import permissions


def signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def audience_key(user) -> str:
    """A cache key part shared by exactly the users who see the same incidents
    (``permissions.audience``), in the same language."""
    return f"{permissions.audience(user)}:{get_language() or ''}"
