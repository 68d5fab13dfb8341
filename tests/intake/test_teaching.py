"""Analysts teach the engine: each merge, rejection and split of the review queue is a labelled pair;
`vigie linkage train` keeps numbered models that the next `vigie link` uses and names; the engine asks
its questions in the review queue; the linkage page shows how precision and recall moved."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.urls import reverse
from django.utils import translation

from vigie.cli import main
from vigie.core.models import ChangeLogEntry, Role
from vigie.incidents.choices import PairStatus
from vigie.incidents.models import LabelledPair, LinkageRun, LinkModelVersion, LinkPair
from vigie.incidents.services import link_database, split
from vigie.incidents.teaching import answers_of, backfill, train

from .test_review import review_pair

pytestmark = pytest.mark.django_db

FIELDS = {"date", "distance", "place_name", "actor", "type", "casualties", "same_source"}


def test_a_merge_in_the_review_queue_is_a_labelled_pair_and_is_logged(organisation, analyst, login):
    pair = review_pair(organisation)
    login(analyst).post(reverse("intake:review_decide"), {"do": f"merge-{pair.pk}"})
    label = LabelledPair.objects.get()
    assert (label.report_a_id, label.report_b_id) == (pair.report_a_id, pair.report_b_id)
    assert label.match is True and label.origin == "merge" and label.user == analyst
    assert label.organisation == organisation and label.pair == pair
    assert set(label.levels) == FIELDS and label.log_odds is not None
    assert label.model_version is None  # no model trained yet: the engine's own
    assert ChangeLogEntry.objects.filter(
        content_type__model="labelledpair", object_id=label.pk, user=analyst
    ).exists()


def test_a_rejection_is_a_labelled_pair_saying_two_incidents(organisation, analyst, login):
    pair = review_pair(organisation)
    login(analyst).post(reverse("intake:review_decide"), {"do": f"reject-{pair.pk}"})
    label = LabelledPair.objects.get()
    assert label.match is False and label.origin == "reject"


def test_a_split_labels_the_reports_it_separates(organisation, analyst, login):
    pair = review_pair(organisation)
    client = login(analyst)
    client.post(reverse("intake:review_decide"), {"do": f"merge-{pair.pk}"})
    pair.refresh_from_db()
    incident = pair.report_a.incident
    moved = pair.report_b_id if pair.report_b.incident_id == incident.pk else pair.report_a_id
    split(incident, [moved], user=analyst, reason="two attacks")
    labels = LabelledPair.objects.order_by("id")
    assert [(label.match, label.origin) for label in labels] == [(True, "merge"), (False, "split")]
    # the latest answer about a pair is the one trained from
    assert [a.match for a in answers_of(organisation.pk)] == [False]


def test_backfill_labels_the_decisions_taken_before_answers_were_stored(organisation):
    confirmed = review_pair(organisation, "Radio A", "Radio B")
    rejected = review_pair(organisation, "Radio C", "Radio D")
    LinkPair.objects.filter(pk=confirmed.pk).update(status=PairStatus.CONFIRMED)
    LinkPair.objects.filter(pk=rejected.pk).update(status=PairStatus.REJECTED)
    assert backfill() == 2 and backfill() == 0
    assert dict(LabelledPair.objects.values_list("pair_id", "match")) == {
        confirmed.pk: True,
        rejected.pk: False,
    }


def test_train_keeps_numbered_models_that_the_next_run_uses_and_names(demo, analyst, login):
    assert train(demo) is None  # nothing to learn from yet
    pairs = list(LinkPair.objects.filter(status__in=[PairStatus.LINKED, PairStatus.REVIEW]))[:12]
    for pair in pairs:  # an analyst's verdicts: linked pairs confirmed, the others rejected
        LinkPair.objects.filter(pk=pair.pk).update(
            status=PairStatus.CONFIRMED if pair.status == PairStatus.LINKED else PairStatus.REJECTED
        )
    result = CliRunner().invoke(main, ["linkage", "train", "--organisation", demo.slug])
    assert result.exit_code == 0, result.output
    first = LinkModelVersion.objects.get()
    assert first.number == 1 and first.answers == len(pairs) and first.organisation == demo
    assert f"model 1, trained on {len(pairs)} answers" in result.output
    assert set(first.parameters["weights"]) <= FIELDS and "prior" in first.parameters
    assert 0.0 <= first.precision <= 1.0 and 0.0 <= first.recall_before <= 1.0
    second = train(demo, user=analyst)
    assert second.number == 2 and second.trained_by == analyst
    run = link_database(organisation=demo, relink=True)
    assert run.model_version == second
    assert LinkageRun.objects.filter(model_version=second).count() == 1

    page = login(analyst).get(reverse("intake:linkage"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "model 2, trained on" in text and "<svg" in text and "<polyline" in text
    assert text.count("<tr><td>model ") == 2  # one row per round of answers
    with translation.override("fr"):
        french = login(analyst).get(reverse("intake:linkage")).content.decode()
    assert "Précision et rappel" in french and "modèle 2, entraîné sur" in french


def test_the_engine_asks_its_questions_in_the_review_queue(demo, analyst, login):
    result = CliRunner().invoke(
        main, ["linkage", "questions", "--organisation", demo.slug, "--count", "8"]
    )
    assert result.exit_code == 0, result.output
    asked = LinkPair.objects.filter(asked_at__isnull=False)
    assert 0 < asked.count() <= 8
    assert result.output.count("\n") == asked.count() + 1  # a header, then one line per question
    client = login(analyst)
    in_queue = asked.filter(status=PairStatus.REVIEW).first()
    if in_queue is not None:
        queue = client.get(reverse("intake:review_queue")).content.decode()
        assert "question from the engine" in queue and f"pair-{in_queue.pk}" in queue
        client.post(reverse("intake:review_decide"), {"do": f"reject-{in_queue.pk}"})
        assert LabelledPair.objects.get(pair=in_queue).origin == "answer"
    joined = asked.filter(status=PairStatus.LINKED).first()
    if joined is not None:
        page = client.get(reverse("intake:linkage")).content.decode()
        assert f"question-{joined.pk}" in page
        response = client.post(reverse("intake:linkage"), {"do": f"same-{joined.pk}"})
        assert response.status_code == 302
        joined.refresh_from_db()
        assert joined.status == PairStatus.CONFIRMED
        label = LabelledPair.objects.get(pair=joined)
        assert label.match is True and label.origin == "answer" and label.user == analyst
    assert in_queue is not None or joined is not None


def test_the_linkage_page_is_for_analysts(organisation, member, login):
    monitor = member(Role.MONITOR, organisation)
    assert login(monitor).get(reverse("intake:linkage")).status_code == 403
    analyst = member(Role.ANALYST, organisation)
    page = login(analyst).get(reverse("intake:linkage"))
    assert page.status_code == 200
    assert "No model has been trained from answers yet" in page.content.decode()
