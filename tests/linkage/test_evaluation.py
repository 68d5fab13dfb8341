"""Linkage metrics and the synthetic benchmark (no database)."""

from collections import Counter, defaultdict

import pytest

from vigie.linkage.evaluation import Scores, bcubed_scores, exact_key_baseline, pairwise_scores
from vigie_testing.linkage_reports import COLUMNS, generate, iter_reports, write_csv

pytestmark = pytest.mark.engine  # plain Python, no database: runs once, in the SQLite pass

# Hand-computed example. Truth: {a,b,c} {d,e} {f}; predicted: {a,b} {c,d,e,f}.
TRUTH = {"a": "T1", "b": "T1", "c": "T1", "d": "T2", "e": "T2", "f": "T3"}
PREDICTED = {"a": "P1", "b": "P1", "c": "P2", "d": "P2", "e": "P2", "f": "P2"}


def close(scores: Scores, precision: float, recall: float, f1: float) -> bool:
    return (scores.precision, scores.recall, scores.f1) == pytest.approx((precision, recall, f1))


def test_perfect_clustering_scores_one_whatever_the_labels():
    renamed = {item: f"x{label}" for item, label in TRUTH.items()}
    assert close(pairwise_scores(TRUTH, renamed), 1, 1, 1)
    assert close(bcubed_scores(TRUTH, renamed), 1, 1, 1)


def test_pairwise_hand_computed():
    # True pairs: ab ac bc de = 4. Predicted pairs: ab + 6 among cdef = 7. Shared: ab, de = 2.
    # P = 2/7, R = 2/4, F1 = 2PR/(P+R) = 4/11.
    assert close(pairwise_scores(TRUTH, PREDICTED), 2 / 7, 1 / 2, 4 / 11)


def test_bcubed_hand_computed():
    # Precision per item: a 2/2, b 2/2, c 1/4, d 2/4, e 2/4, f 1/4 -> 3.5 / 6 = 7/12.
    # Recall per item:    a 2/3, b 2/3, c 1/3, d 2/2, e 2/2, f 1/1 -> 14/3 / 6 = 7/9.
    # F1 = 2 (7/12)(7/9) / (7/12 + 7/9) = 2/3.
    assert close(bcubed_scores(TRUTH, PREDICTED), 7 / 12, 7 / 9, 2 / 3)


def test_swapping_truth_and_prediction_swaps_precision_and_recall():
    pairwise = pairwise_scores(PREDICTED, TRUTH)
    bcubed = bcubed_scores(PREDICTED, TRUTH)
    assert close(pairwise, 1 / 2, 2 / 7, 4 / 11)
    assert close(bcubed, 7 / 9, 7 / 12, 2 / 3)


def test_singletons_only():
    singletons = {item: item for item in TRUTH}
    # No predicted pair: no false merge (P = 1 by convention), no true pair found.
    assert close(pairwise_scores(TRUTH, singletons), 1, 0, 0)
    # B-cubed recall of a singleton is 1 / size of its true cluster: (3 * 1/3 + 2 * 1/2 + 1) / 6.
    assert close(bcubed_scores(TRUTH, singletons), 1, 1 / 2, 2 / 3)
    # A report absent from the prediction stands alone.
    assert pairwise_scores(TRUTH, {}) == pairwise_scores(TRUTH, singletons)
    assert bcubed_scores(TRUTH, {}) == bcubed_scores(TRUTH, singletons)


def test_all_in_one():
    one = {item: "all" for item in TRUTH}
    # 4 true pairs among C(6, 2) = 15.
    assert close(pairwise_scores(TRUTH, one), 4 / 15, 1, 2 * (4 / 15) / (4 / 15 + 1))
    # B-cubed precision: sum of squared true sizes / N^2 = (9 + 4 + 1) / 36.
    precision = 14 / 36
    assert close(bcubed_scores(TRUTH, one), precision, 1, 2 * precision / (precision + 1))


def test_truth_of_singletons_and_empty_truth():
    singletons = {item: item for item in TRUTH}
    assert close(pairwise_scores(singletons, singletons), 1, 1, 1)
    assert close(bcubed_scores(singletons, singletons), 1, 1, 1)
    assert close(pairwise_scores({}, {}), 1, 1, 1)
    assert close(bcubed_scores({}, {}), 1, 1, 1)


def test_predicted_label_equal_to_a_report_id_does_not_merge_with_missing_reports():
    truth = {"a": "T", "b": "U"}
    assert close(pairwise_scores(truth, {"a": "b"}), 1, 1, 1)  # b is missing: it stays alone


def test_metrics_scale_without_enumerating_pairs():
    n = 200_000
    truth = {f"r{i}": f"t{i // 3}" for i in range(n)}
    predicted = {f"r{i}": f"p{i // 4}" for i in range(n)}
    pairwise = pairwise_scores(truth, predicted)
    bcubed = bcubed_scores(truth, predicted)
    assert 0 < pairwise.f1 < 1 and 0 < bcubed.f1 < 1
    everything = {item: "all" for item in truth}
    assert pairwise_scores(truth, everything).recall == 1.0  # C(200000, 2) pairs, not enumerated


def test_exact_key_baseline_normalises_the_cercle():
    reports = [
        {"report_id": "1", "event_date": "2020-01-05", "admin2": "Ségou"},
        {"report_id": "2", "event_date": "2020-01-05", "admin2": " SEGOU"},
        {"report_id": "3", "event_date": "2020-01-06", "admin2": "Ségou"},
        {"report_id": "4", "event_date": "2020-01-05", "admin2": "Bankass"},
    ]
    keys = exact_key_baseline(reports)
    assert keys["1"] == keys["2"]
    assert len({keys["1"], keys["3"], keys["4"]}) == 3


@pytest.fixture(scope="module")
def generated():
    return generate(600, seed=7)


def test_generator_is_deterministic(generated):
    assert generate(600, seed=7) == generated
    assert generate(600, seed=8)[0] != generated[0]


def test_generated_reports_have_the_link_file_columns_and_a_truth(generated):
    reports, truth = generated
    assert len(set(truth.values())) == 600
    assert len(reports) == len(truth) == len({r["report_id"] for r in reports})
    for report in reports:
        assert tuple(report) == COLUMNS
        assert all(isinstance(value, str) for value in report.values())
        assert report["report_id"] in truth
        assert report["published"] >= report["event_date"]
        assert (report["latitude"] == "") == (report["geo_precision"] != "point")


def test_no_incident_is_reported_twice_by_one_source(generated):
    reports, truth = generated
    sources = defaultdict(list)
    for report in reports:
        sources[truth[report["report_id"]]].append(report["source"])
    assert all(len(s) == len(set(s)) and 1 <= len(s) <= 5 for s in sources.values())
    assert max(len(s) for s in sources.values()) > 1


def test_generated_data_is_noisy(generated):
    reports, _ = generated
    assert {r["geo_precision"] for r in reports} == {"point", "admin3", "admin2"}
    assert any(r["killed"] == "" for r in reports)
    labels = {r["event_label"] for r in reports}
    assert {"attaque", "ambush"} <= labels or len(labels) > 10


def test_exact_key_baseline_is_not_enough(generated):
    reports, truth = generated
    baseline = exact_key_baseline(reports)
    pairwise = pairwise_scores(truth, baseline)
    bcubed = bcubed_scores(truth, baseline)
    assert pairwise.f1 < 0.9 and bcubed.f1 < 0.9
    assert pairwise.precision < 1.0 and pairwise.recall < 1.0


def test_many_incidents_share_day_cercle_and_perpetrator():
    import random

    from vigie_testing.linkage_reports import _incidents

    incidents = list(_incidents(2000, random.Random(1)))
    key = Counter((i["date"], id(i["place"].cercle), i["perpetrator"]) for i in incidents)
    shared = sum(
        1 for i in incidents if key[(i["date"], id(i["place"].cercle), i["perpetrator"])] > 1
    )
    assert 0.2 < shared / len(incidents) < 0.4


def test_streaming_and_csv(tmp_path):
    import csv

    stream = iter_reports(50, seed=3)
    path = tmp_path / "reports.csv"
    write_csv(path, (report for report, _ in stream))
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and tuple(rows[0]) == COLUMNS
    assert sorted(r["report_id"] for r in rows) == sorted(generate(50, seed=3)[1])
