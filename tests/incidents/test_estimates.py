"""Casualty figures and grades from graded reports (plain Python)."""

import pytest

from vigie.incidents.estimates import ReportEvidence, estimate

pytestmark = pytest.mark.engine  # plain Python, no database: runs once, in the SQLite pass


def ev(
    best,
    source,
    reliability="F",
    credibility=6,
    party=False,
    civilians=None,
    combatants=None,
    kinds=(),
):
    figures = (
        {"killed_best": best, "killed_low": best, "killed_high": best} if best is not None else {}
    )
    if civilians is not None:
        figures["killed_civilian_best"] = civilians
    if combatants is not None:
        figures["killed_combatant_best"] = combatants
    return ReportEvidence(figures, source, reliability, credibility, party, frozenset(kinds))


def test_best_comes_from_the_most_reliable_tier_and_the_range_from_every_credible_report():
    result = estimate(
        [ev(30, "radio", "C"), ev(40, "un", "A"), ev(44, "ngo", "B"), ev(90, "rumour", "E")]
    )
    assert result.figures["killed_best"] == 40  # lower median of the A-B tier (40, 44)
    assert (result.figures["killed_low"], result.figures["killed_high"]) == (30, 44)  # E left out
    assert "1 report(s) not credible" in result.rule
    assert result.grade == "confirmed"


def test_never_the_sum_of_duplicate_reports():
    result = estimate([ev(10, "a"), ev(10, "b"), ev(12, "c")])
    assert result.figures["killed_best"] == 10 and result.figures["killed_high"] == 12


def test_a_party_claim_is_recorded_but_not_trusted_alone():
    alone = estimate([ev(25, "army", "B", party=True)])
    assert alone.figures["killed_best"] == 25 and alone.grade == "weak"
    assert alone.grade_reason == "only a party's own account"
    with_others = estimate([ev(25, "army", "B", party=True), ev(8, "radio", "C")])
    assert with_others.figures["killed_best"] == 8
    assert with_others.figures["killed_high"] == 25
    assert "party statements in the range only" in with_others.rule


@pytest.mark.parametrize(
    "reports, grade",
    [
        ([ev(5, "a", "C")], "weak"),
        ([ev(5, "a", "B", credibility=2)], "fair"),
        ([ev(5, "a", "C"), ev(6, "b", "D")], "fair"),
        ([ev(5, "a", "B"), ev(6, "b", "C")], "confirmed"),
        ([ev(5, "a", "C", credibility=1)], "confirmed"),
        ([ev(5, "a", "C", credibility=5), ev(5, "b", "E")], "discounted"),
        ([ev(5, "a", "B"), ev(40, "b", "B")], "contested"),  # tolls incompatible
        (
            [ev(12, "army", "B", party=True, combatants=12), ev(12, "hrw", "A", civilians=12)],
            "contested",
        ),
        (
            [ev(3, "a", "B", kinds={"state_forces"}), ev(3, "b", "B", kinds={"jihadist_group"})],
            "contested",
        ),
        ([ev(5, "a", "B"), ev(5, "a", "B")], "weak"),  # one source twice is not two sources
    ],
)
def test_grades_follow_the_written_criteria(reports, grade):
    assert estimate(reports).grade == grade
