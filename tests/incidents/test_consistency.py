"""The parts fit inside the whole: for every incident and every harm, low <= best <= high, and the
civilian, combatant and unknown parts fit inside the total at each level (docs/methodology.md)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigie.incidents.choices import CASUALTY_FIGURES, HARMS, STATUSES
from vigie.incidents.estimates import (
    CLAIM_FIELDS,
    RELIABILITY,
    ReportEvidence,
    claims_to_casualties,
    estimate,
    fit,
    inconsistencies,
)

figure = st.one_of(st.none(), st.integers(min_value=0, max_value=600))

# A report's own claims as a source gives them (a reports file, the intake form), None where not given.
claims = st.fixed_dictionaries({name: figure for name in CLAIM_FIELDS})

# Incident-style figures as any source could give them, split included and out of order.
raw_figures = st.dictionaries(
    st.sampled_from(CASUALTY_FIGURES), st.integers(min_value=0, max_value=600)
)


@st.composite
def reports(draw):
    figures = draw(st.one_of(claims.map(claims_to_casualties), raw_figures))
    return ReportEvidence(
        figures=figures,
        source=draw(st.sampled_from(["", "radio", "un", "army", "ngo", "witness"])),
        reliability=draw(st.sampled_from(RELIABILITY)),
        credibility=draw(st.integers(min_value=1, max_value=6)),
        party=draw(st.booleans()),
        perpetrator_kinds=frozenset(
            draw(st.sets(st.sampled_from(["state_forces", "jihadist_group"])))
        ),
    )


@pytest.mark.engine
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(reports(), max_size=8))
def test_every_estimate_keeps_the_rule(evidence):
    figures = estimate(evidence).figures
    assert inconsistencies(figures) == []
    for harm in HARMS:  # nothing invented: a figure is known only when some credible report gave it
        if figures[f"{harm}_best"] is not None:
            assert any(r.credible for r in evidence)


@pytest.mark.engine
@settings(max_examples=400, deadline=None)
@given(raw_figures)
def test_fit_keeps_the_rule_and_leaves_consistent_figures_alone(figures):
    fitted = fit(figures)
    assert inconsistencies(fitted) == []
    assert fit(fitted) == fitted
    for harm in HARMS:  # the whole is never inflated by parts that overflow it
        for level in ("low", "best", "high"):
            name = f"{harm}_{level}"
            if figures.get(name) is not None:
                assert fitted[name] <= max(
                    figures.get(f"{harm}_{other}") or 0 for other in ("low", "best", "high")
                )
    if not inconsistencies(figures):
        assert fitted == figures


@pytest.mark.engine
@settings(max_examples=400, deadline=None)
@given(raw_figures, raw_figures, st.data())
def test_an_analysts_figures_are_kept_and_the_computed_ones_fitted_around_them(
    computed, analyst, data
):
    from vigie.incidents.services import with_override

    # Any figures an analyst could mean together: some of a set that keeps the rule.
    meant = fit(analyst)
    chosen = data.draw(st.sets(st.sampled_from(sorted(meant)))) if meant else set()
    override = {name: meant[name] for name in chosen}
    final = with_override(fit(computed), override)
    assert all(final[name] == value for name, value in override.items())
    assert inconsistencies(final) == []


def claim(killed=None, low=None, high=None, civilians=None, combatants=None):
    return claims_to_casualties(
        {
            "killed": killed,
            "killed_low": low,
            "killed_high": high,
            "civilians_killed": civilians,
            "combatants_killed": combatants,
        }
    )


@pytest.mark.engine
def test_parts_from_other_reports_than_the_whole_are_fitted_inside_it():
    # Moura: 300 killed (best) by the independent sources, the army's 203 "terrorists" killed.
    moura = estimate(
        [
            ReportEvidence(claim(300, civilians=300), "hrw", "B"),
            ReportEvidence(claim(500, civilians=500), "local", "C"),
            ReportEvidence(claim(203, civilians=0, combatants=203), "fama", "C", party=True),
        ]
    ).figures
    assert (
        moura["killed_civilian_best"] + (moura["killed_combatant_best"] or 0)
        <= moura["killed_best"]
        == 300
    )
    # Binedama: 26 killed at the lowest, a report of 37 civilians alone.
    binedama = estimate(
        [
            ReportEvidence(claim(26, 26, 29), "a", "B"),
            ReportEvidence(claim(29), "b", "B"),
            ReportEvidence(claim(37, civilians=37), "c", "C"),
        ]
    ).figures
    assert binedama["killed_civilian_low"] <= binedama["killed_low"] == 26
    assert inconsistencies(moura) == inconsistencies(binedama) == []


@pytest.mark.engine
def test_a_broken_rule_is_named():
    problems = inconsistencies(
        {
            "killed_low": 40,
            "killed_best": 30,
            "killed_civilian_best": 20,
            "killed_combatant_best": 15,
            "injured_unknown_high": 9,
            "injured_high": 3,
        }
    )
    assert problems == [
        "killed: the low (40) is above the best estimate (30)",
        "civilian killed 20 + combatant killed 15 (best estimate) is more than killed (30, best estimate)",
        "unknown injured (9, high) above injured (3, high)",
    ]


@pytest.mark.engine
@pytest.mark.parametrize("status", STATUSES)
def test_each_part_alone_never_exceeds_the_whole(status):
    figures = fit(
        {
            "abducted_low": 1,
            "abducted_best": 2,
            "abducted_high": 3,
            f"abducted_{status}_low": 5,
            f"abducted_{status}_best": 6,
            f"abducted_{status}_high": 7,
        }
    )
    assert [figures[f"abducted_{status}_{level}"] for level in ("low", "best", "high")] == [1, 2, 3]


@pytest.mark.django_db
def test_the_demo_incidents_keep_the_rule_and_an_inconsistent_override_is_refused():
    from vigie.demo.loader import load_demo
    from vigie.incidents.models import Incident
    from vigie.incidents.services import set_figures

    load_demo()
    incidents = {incident.location: incident for incident in Incident.objects.current()}
    for incident in incidents.values():
        figures = {name: incident.figure(name) for name in CASUALTY_FIGURES}
        assert inconsistencies(figures) == [], incident.location
    binedama, moura, diallassagou = (
        incidents["Binedama"],
        incidents["Moura"],
        incidents["Diallassagou"],
    )
    assert binedama.killed_civilian_low <= binedama.killed_low
    assert (
        moura.killed_civilian_best + (moura.figure("killed_combatant_best") or 0)
        <= moura.killed_best
    )
    assert (
        diallassagou.killed_civilian_low
        <= diallassagou.killed_civilian_best
        <= diallassagou.killed_civilian_high
    )

    with pytest.raises(
        ValueError,
        match=r"civilian killed 300 \+ combatant killed 203 \(best estimate\) is more "
        r"than killed \(300, best estimate\)",
    ):
        set_figures(
            moura,
            {"killed_best": 300, "killed_civilian_best": 300, "killed_combatant_best": 203},
            "the army's count beside the UN's",
        )
    moura.refresh_from_db()
    assert not moura.figures_override
    # Figures that fit are kept, and the computed ones fitted inside them.
    set_figures(moura, {"killed_best": 500, "killed_combatant_best": 200}, "a later count")
    moura.refresh_from_db()
    figures = {name: moura.figure(name) for name in CASUALTY_FIGURES}
    assert figures["killed_best"] == 500 and figures["killed_combatant_best"] == 200
    assert inconsistencies(figures) == []


@pytest.mark.django_db
def test_imported_incidents_keep_the_rule(acled_file, ucdp_file):
    from vigie.incidents.models import Incident
    from vigie.interop.loader import run_import

    run_import("acled", acled_file(300))
    run_import("ucdp", ucdp_file(200))
    incidents = list(Incident.objects.current())
    assert len(incidents) > 300
    for incident in incidents:
        figures = {name: incident.figure(name) for name in CASUALTY_FIGURES}
        assert inconsistencies(figures) == [], (incident.pk, figures)
