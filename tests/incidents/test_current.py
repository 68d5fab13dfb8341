"""Current incidents: one queryset method says which incidents stand on their own, and one function
follows a chain of merges."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import vigie
from vigie.incidents.models import Incident, surviving

SOURCE = Path(vigie.__file__).parent


def test_merged_incidents_are_left_out_in_one_place_only():
    """Every reader asks Incident.objects.current(); no module spells the filter again (a reader that
    forgets it counts every death twice)."""
    spelled = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(
                r"merged_into(_id)?__isnull|(filter|exclude)\([^)]*merged_into(_id)?=None", line
            ):
                spelled.append(f"{path.relative_to(SOURCE)}:{number}: {line.strip()}")
    assert len(spelled) == 1 and spelled[0].startswith("incidents/models.py:"), spelled
    assert spelled[0].endswith("return self.filter(merged_into__isnull=True)")


@pytest.mark.django_db
def test_surviving_follows_merges_and_stops_at_a_loop():
    import datetime

    day = datetime.date(2024, 1, 1)
    a, b, c = (Incident.objects.create(date_start=day, date_end=day) for _ in range(3))
    assert surviving(a) == a and surviving(None) is None
    Incident.objects.filter(pk=a.pk).update(merged_into=b)
    Incident.objects.filter(pk=b.pk).update(merged_into=c)
    a.refresh_from_db()
    assert surviving(a) == c
    assert set(Incident.objects.current().values_list("pk", flat=True)) == {c.pk}
    Incident.objects.filter(pk=c.pk).update(merged_into=a)  # a loop merge() never makes
    a.refresh_from_db()
    assert surviving(a) in {a, b, c}  # it ends
