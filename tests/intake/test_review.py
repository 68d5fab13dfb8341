"""The review queue: suggested links with their explanation; merge, reject, bulk triage, split; all logged."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from vigie.core.models import ChangeLogEntry, Role
from vigie.incidents.models import Incident, LinkOperation, LinkPair
from vigie.reports.models import Report, Source

pytestmark = pytest.mark.django_db

WEIGHTS = {
    "date": 2.0,
    "distance": 1.5,
    "place_name": 1.0,
    "actor": -1.2,
    "type": 0.5,
    "casualties": 0.3,
    "same_source": 0.0,
}


def incident_with_report(
    organisation,
    source_name: str,
    *,
    killed=5,
    location="Boni",
    perpetrator="JNIM",
    visibility="organisation",
    day=datetime.date(2024, 3, 2),
):
    source, _ = Source.objects.get_or_create(
        slug=f"{organisation.slug}-{source_name.lower().replace(' ', '-')}",
        defaults={"name": source_name, "kind": "media", "organisation": organisation},
    )
    incident = Incident.objects.create(
        organisation=organisation,
        visibility=visibility,
        date_start=day,
        date_end=day,
        location=location,
        event_type="violence_against_civilians",
    )
    report = Report.objects.create(
        source=source,
        organisation=organisation,
        visibility=visibility,
        external_id=f"{source_name}-{incident.pk}",
        content_hash="0" * 32,
        date_start=day,
        location_text=location,
        perpetrator_text=perpetrator,
        killed=killed,
        incident=incident,
    )
    return incident, report


def review_pair(organisation, a_name="Studio Tamani", b_name="RFI", score=3.2, **kwargs):
    _, a = incident_with_report(organisation, a_name, **kwargs)
    _, b = incident_with_report(organisation, b_name, killed=7, perpetrator="GSIM")
    low, high = sorted((a, b), key=lambda r: r.pk)
    return LinkPair.objects.create(
        report_a=low,
        report_b=high,
        score=score,
        log_odds=score - 5.0,
        weights=WEIGHTS,
        status="review",
    )


def test_the_queue_shows_each_pair_with_its_explanation(organisation, analyst, login):
    weak = review_pair(organisation, "Radio A", "Radio B", score=1.5)
    strong = review_pair(organisation, score=4.0)
    page = login(analyst).get(reverse("intake:review_queue"))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.index(f"pair-{strong.pk}") < text.index(f"pair-{weak.pk}")  # best score first
    assert "Studio Tamani" in text and "RFI" in text and "JNIM" in text and "GSIM" in text
    assert "score 4.0" in text and "odds 1 : 2.0 (33 % the same)" in text  # log-odds -1: odds 1:2
    assert "Place name" in text and "+2.0" in text and "-1.2" in text and "<meter" in text
    assert len(page.content) < 100_000


def test_merge_joins_the_two_incidents_and_is_logged(organisation, analyst, login):
    pair = review_pair(organisation)
    a, b = pair.report_a, pair.report_b
    client = login(analyst)
    response = client.post(
        reverse("intake:review_decide"), {"do": f"merge-{pair.pk}", "reason": "same attack"}
    )
    assert response.status_code == 302
    a.refresh_from_db(), b.refresh_from_db(), pair.refresh_from_db()
    assert a.incident_id == b.incident_id
    assert pair.status == "confirmed" and pair.decided_by == analyst
    operation = LinkOperation.objects.get(action="merge")
    assert operation.user == analyst and operation.reason == "same attack"
    assert ChangeLogEntry.objects.filter(object_repr=f"pair {pair.pk}", user=analyst).exists()
    queue = client.get(reverse("intake:review_queue")).content.decode()
    assert "1 pair merged." in queue and f"pair-{pair.pk}" not in queue


def test_reject_removes_the_pair_from_the_queue_and_is_logged(organisation, analyst, login):
    pair = review_pair(organisation)
    client = login(analyst)
    client.post(reverse("intake:review_decide"), {"do": f"reject-{pair.pk}"})
    pair.refresh_from_db()
    assert pair.status == "rejected" and pair.decided_by == analyst and pair.decided_at is not None
    assert pair.report_a.incident_id != pair.report_b.incident_id
    entry = ChangeLogEntry.objects.get(object_repr=f"pair {pair.pk}")
    assert entry.prechange == {"status": "review"} and entry.postchange["status"] == "rejected"
    assert entry.user == analyst
    assert f"pair-{pair.pk}" not in client.get(reverse("intake:review_queue")).content.decode()


def test_bulk_triage_processes_each_pair_and_reports_failures(
    organisation, other_organisation, analyst, login
):
    mine = [review_pair(organisation, f"Radio {i}", f"Journal {i}") for i in range(3)]
    theirs = review_pair(other_organisation, "Their radio", "Their paper")
    client = login(analyst)
    response = client.post(
        reverse("intake:review_decide"),
        {"do": "reject", "pair": [p.pk for p in mine[:2]] + [theirs.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "2 pairs rejected." in text
    assert (
        f"Pair {theirs.pk}: not found, or already decided" in text
    )  # said, but nothing of it shown
    assert "Their radio" not in text
    statuses = dict(LinkPair.objects.values_list("pk", "status"))
    assert statuses[mine[0].pk] == statuses[mine[1].pk] == "rejected"
    assert statuses[mine[2].pk] == "review" and statuses[theirs.pk] == "review"
    merged = client.post(
        reverse("intake:review_decide"), {"do": "merge", "pair": [mine[2].pk]}, follow=True
    )
    assert "1 pair merged." in merged.content.decode()


def test_a_failed_merge_leaves_the_others_done(organisation, analyst, login):
    first = review_pair(organisation, "Radio A", "Radio B")
    second = review_pair(organisation, "Radio C", "Radio D")
    # the second pair's incident was merged away meanwhile: its reports moved, the pair is now inside one incident
    second.report_b.incident.reports.update(incident=second.report_a.incident)
    response = login(analyst).post(
        reverse("intake:review_decide"), {"do": "merge", "pair": [first.pk, second.pk]}, follow=True
    )
    text = response.content.decode()
    assert "1 pair merged." in text and f"Pair {second.pk}:" in text
    first.report_a.refresh_from_db(), first.report_b.refresh_from_db()
    assert first.report_a.incident_id == first.report_b.incident_id


def test_a_monitor_may_not_review(organisation, monitor, login):
    pair = review_pair(organisation)
    client = login(monitor)
    assert client.get(reverse("intake:review_queue")).status_code == 403
    assert (
        client.post(reverse("intake:review_decide"), {"do": f"merge-{pair.pk}"}).status_code == 403
    )
    pair.refresh_from_db()
    assert pair.status == "review" and not LinkOperation.objects.exists()


def test_another_organisations_pair_is_not_found(organisation, other_organisation, member, login):
    pair = review_pair(organisation)
    outsider = member(Role.ANALYST, other_organisation)
    client = login(outsider)
    assert f"pair-{pair.pk}" not in client.get(reverse("intake:review_queue")).content.decode()
    for do in (f"merge-{pair.pk}", f"reject-{pair.pk}"):
        assert client.post(reverse("intake:review_decide"), {"do": do}).status_code == 404
    pair.refresh_from_db()
    assert pair.status == "review"


def test_a_restricted_incident_stays_out_of_an_analysts_queue(organisation, analyst, member, login):
    pair = review_pair(organisation, visibility="restricted")
    assert (
        f"pair-{pair.pk}" not in login(analyst).get(reverse("intake:review_queue")).content.decode()
    )
    coordinator = member(Role.COORDINATOR, organisation)
    assert (
        f"pair-{pair.pk}" in login(coordinator).get(reverse("intake:review_queue")).content.decode()
    )


def test_split_takes_reports_out_and_a_merge_then_split_restores(organisation, analyst, login):
    pair = review_pair(organisation)
    client = login(analyst)
    client.post(reverse("intake:review_decide"), {"do": f"merge-{pair.pk}"})
    pair.report_a.refresh_from_db()
    incident = pair.report_a.incident
    moved = [r.pk for r in incident.reports.all() if r.pk != pair.report_a.pk]
    if incident.reports.count() != 2 or not moved:
        pytest.fail("the merge did not join the two reports")
    page = client.get(reverse("intake:split", kwargs={"pk": incident.pk}))
    assert page.status_code == 200 and "Studio Tamani" in page.content.decode()
    response = client.post(
        reverse("intake:split", kwargs={"pk": incident.pk}),
        {"reports": moved, "reason": "two attacks"},
    )
    assert response.status_code == 302
    assert LinkOperation.objects.filter(action="split", user=analyst, reason="two attacks").exists()
    pair.report_a.refresh_from_db(), pair.report_b.refresh_from_db()
    assert pair.report_a.incident_id != pair.report_b.incident_id


def test_split_refuses_to_empty_an_incident(organisation, analyst, login):
    incident, report = incident_with_report(organisation, "Radio A")
    response = login(analyst).post(
        reverse("intake:split", kwargs={"pk": incident.pk}), {"reports": [report.pk]}
    )
    assert response.status_code == 400
    assert "a split leaves at least one report in the incident" in response.content.decode()
    assert not LinkOperation.objects.exists()


def test_split_is_403_for_a_monitor_and_404_outside(
    organisation, other_organisation, monitor, member, login
):
    incident, _ = incident_with_report(organisation, "Radio A")
    url = reverse("intake:split", kwargs={"pk": incident.pk})
    assert login(monitor).get(url).status_code == 403  # sees the incident, may not change it
    assert login(member(Role.ANALYST, other_organisation)).get(url).status_code == 404


def test_the_queue_in_french(organisation, analyst, login, settings):
    from pathlib import Path

    from django.utils import translation
    from django.utils.translation import trans_real

    from vigie.core.i18n import compile_catalogues

    compile_catalogues(Path(settings.LOCALE_PATHS[0]))
    trans_real._translations = {}
    trans_real._default = None
    review_pair(organisation, score=6.0)
    with translation.override("fr"):
        url = reverse("intake:review_queue")
    text = login(analyst).get(url).content.decode()
    assert '<html lang="fr">' in text and "File de vérification" in text
    assert (
        "cote 2,0 : 1 (67 % de chances d&#x27;être le même)" in text
        or "cote 2,0 : 1 (67 % de chances d'être le même)" in text
    )
    assert "Fusionner" in text and "Nom du lieu" in text
