"""Merge and split: logged, and a merge followed by its split restores the previous state exactly."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import bare_incident
from vigie.core.models import ChangeLogEntry
from vigie.incidents.choices import PairStatus
from vigie.incidents.models import Incident, LinkOperation, LinkPair
from vigie.incidents.services import merge, refresh_from_reports, set_figures, split
from vigie.reports.models import Report, Source

pytestmark = pytest.mark.django_db


def reported_incident(day: int, tolls: list[int | None], *, kinds=("media",)) -> Incident:
    """An incident of 2023-01-``day`` with one report per toll, its figures computed from them."""
    incident = bare_incident(day=datetime.date(2023, 1, day), location=f"village {day}")
    for n, toll in enumerate(tolls):
        source, _ = Source.objects.get_or_create(
            slug=f"s{day}-{n}",
            defaults={
                "name": f"Source {day}-{n}",
                "kind": kinds[n % len(kinds)],
                "reliability": "BCF"[n % 3],
            },
        )
        Report.objects.create(
            source=source,
            external_id=f"{day}-{n}",
            content_hash="x",
            incident=incident,
            date_start=incident.date_start,
            date_end=incident.date_start,
            killed=toll,
            credibility=(2, 3, 6)[n % 3],
        )
    return refresh_from_reports(incident)


def state():
    incidents = {
        i.pk: {k: v for k, v in i.snapshot().items() if k != "updated"}
        for i in Incident.objects.all()
    }
    reports = dict(Report.objects.values_list("pk", "incident_id"))
    return incidents, reports


def test_merge_moves_reports_recomputes_and_is_logged():
    a, b = reported_incident(3, [10, 12]), reported_incident(4, [30])
    before_log = ChangeLogEntry.objects.count()
    operation = merge(a, b, reason="same massacre")
    a.refresh_from_db(), b.refresh_from_db()
    assert b.merged_into == a and a.reports.count() == 3
    assert a.killed_low == 10 and a.killed_high == 30
    assert a.date_start == datetime.date(2023, 1, 3) and a.date_end == datetime.date(2023, 1, 4)
    assert operation.report_ids == sorted(
        b.reports.model.objects.filter(incident=a, external_id__startswith="4-").values_list(
            "pk", flat=True
        )
    )
    logged = ChangeLogEntry.objects.filter(sequence__gt=before_log).values_list(
        "content_type__model", flat=True
    )
    assert "linkoperation" in logged and "incident" in logged


def test_a_split_that_is_not_an_undo_makes_a_new_incident():
    a = reported_incident(5, [10, 12, 14])
    moved = list(a.reports.order_by("pk").values_list("pk", flat=True)[:1])
    operation, other = split(a, moved, reason="two attacks")
    assert other.pk != a.pk and list(other.reports.values_list("pk", flat=True)) == moved
    assert operation.action == "split" and a.reports.count() == 2


def test_split_refuses_what_it_cannot_do():
    a, b = reported_incident(6, [1, 2]), reported_incident(7, [3])
    with pytest.raises(ValueError, match="not all in this incident"):
        split(a, list(b.reports.values_list("pk", flat=True)))
    with pytest.raises(ValueError, match="at least one report"):
        split(a, list(a.reports.values_list("pk", flat=True)))
    with pytest.raises(ValueError, match="into itself"):
        merge(a, a)


def test_the_analysts_figures_need_a_reason_and_are_logged():
    a = reported_incident(8, [10, 20])
    with pytest.raises(ValueError, match="need a reason"):
        set_figures(a, {"killed_best": 15}, "")
    set_figures(a, {"killed_best": 15}, "hospital list of names")
    a.refresh_from_db()
    assert a.killed_best == 15 and a.estimate_rule.startswith("analyst's figures: hospital list")
    entry = (
        ChangeLogEntry.objects.filter(object_id=a.pk, content_type__model="incident")
        .order_by("-sequence")
        .first()
    )
    assert entry.prechange["killed_best"] == 10 and entry.postchange["killed_best"] == 15
    set_figures(a, {}, "")
    a.refresh_from_db()
    assert a.killed_best == 10


def test_merge_confirms_the_review_pair_and_split_rejects_it():
    a, b = reported_incident(9, [10]), reported_incident(10, [11])
    ra, rb = a.reports.get(), b.reports.get()
    pair = LinkPair.objects.create(
        report_a=ra, report_b=rb, score=3, log_odds=-1, weights={}, status=PairStatus.REVIEW
    )
    merge(a, b)
    pair.refresh_from_db()
    assert pair.status == PairStatus.CONFIRMED
    split(a, [rb.pk])
    pair.refresh_from_db()
    assert pair.status == PairStatus.REJECTED


tolls = st.lists(st.one_of(st.none(), st.integers(0, 200)), min_size=1, max_size=4)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=tolls, second=tolls, third=tolls, override=st.booleans())
def test_a_merge_then_its_split_restores_the_previous_state_exactly(first, second, third, override):
    Report.objects.all().delete()
    Incident.objects.filter(merged_into__isnull=False).update(merged_into=None)
    LinkOperation.objects.all().delete()
    Incident.objects.all().delete()
    a = reported_incident(11, first, kinds=("media", "official"))
    b = reported_incident(12, second, kinds=("un",))
    reported_incident(13, third)
    if override:
        set_figures(a, {"killed_best": 7}, "names counted")
        a.refresh_from_db()
    before = state()
    operation = merge(a, b, reason="same event")
    assert state() != before
    _split, revived = split(a, operation.report_ids, reason="two events after all")
    assert revived.pk == b.pk
    assert state() == before
    operation.refresh_from_db()
    assert operation.undone_by_id == _split.pk
