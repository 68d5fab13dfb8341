"""One access layer: no module outside it builds a rule of who may see or do what.

The layer is vigie.core.permissions (the grants, and every "who may" question), vigie.core.querysets
(``Model.objects.visible_to(user)`` / ``restrict(user, action)``), vigie.core.published (actors,
places, sources) and vigie.core.views (404 outside the scope, 403 for a forbidden role). Everywhere
else a page, an endpoint, an export or a service asks the layer; a rule spelled again beside it is
a rule that drifts (it was spelled in eight modules once). This test reads the source and fails
when one of the signs of a rule written by hand appears outside the layer.
"""

from __future__ import annotations

import re
from pathlib import Path

import vigie

SOURCE = Path(vigie.__file__).parent

LAYER = {
    "core/permissions.py",
    "core/querysets.py",
    "core/published.py",
    "core/views.py",
}

SIGNS = {
    # The grants' own internals: what they open is asked with may(), can(), a queryset's restrict().
    "reads the grants directly": re.compile(
        r"\b(allowed_q|memberships_of|organisations_for|allowed_among|user_roles)\("
    ),
    # What a role may do is a grant (core.RoleGrant), not a name compared in code.
    "compares a role's name": re.compile(
        r"\bRole\.(MONITOR|ANALYST|INVESTIGATOR|ASSISTANCE_OFFICER|COORDINATOR|ADMIN)\b"
    ),
    # An operator is permissions.is_operator (active, signed in); setting the flag is not a rule.
    "checks is_superuser": re.compile(r"\.is_superuser\b(?!\s*=[^=])"),
    # Who sees a record by its visibility is Incident/Report.objects.visible_to or readable_by.
    "filters by visibility": re.compile(r"\b(filter|exclude|Q)\([^()]*\bvisibility(__\w+)?\s*="),
    # Scoping by organisation is restrict() (the grants, shares included), never a hand-made filter.
    "filters by organisation": re.compile(r"\borganisation(_id)?__in\b"),
    # A record outside the scope is a 404 and a forbidden action a 403: vigie.core.views.
    "defines its own forbidden page": re.compile(r"^def forbidden\("),
}

# Lines that look like a rule and are not one. Each entry: (file, sign, why).
ALLOWED = {
    (
        "accounts/commands.py",
        "checks is_superuser",
    ): "`vigie user list` prints each account's superuser flag for the operator; it decides nothing.",
}


def signs_outside_the_layer() -> list[str]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if relative in LAYER or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for sign, pattern in SIGNS.items():
                if pattern.search(code) and (relative, sign) not in ALLOWED:
                    found.append(f"{relative}:{number}: {sign}: {line.strip()}")
    return found


def test_no_module_outside_the_access_layer_builds_an_access_rule():
    assert signs_outside_the_layer() == []


def test_the_signs_are_seen_where_the_layer_writes_them():
    """The patterns match what they are meant to catch (a grep that matches nothing proves nothing)."""
    layer_text = "\n".join((SOURCE / name).read_text(encoding="utf-8") for name in LAYER)
    for sign in (
        "reads the grants directly",
        "compares a role's name",
        "checks is_superuser",
        "filters by visibility",
        "filters by organisation",
        "defines its own forbidden page",
    ):
        assert any(SIGNS[sign].search(line.split("#", 1)[0]) for line in layer_text.splitlines()), (
            sign
        )


def test_every_allowed_line_is_still_there():
    """An allowed exception that no longer happens is taken off the list."""
    for relative, sign in ALLOWED:
        text = (SOURCE / relative).read_text(encoding="utf-8")
        assert any(SIGNS[sign].search(line.split("#", 1)[0]) for line in text.splitlines()), (
            relative,
            sign,
        )
