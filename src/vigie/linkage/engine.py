"""Which reports describe the same incident: a Fellegi–Sunter linkage engine in plain Python.

Each candidate pair of reports gets one weight per field, a log-likelihood ratio set by hand
(roughly log2 of P(agreement | same incident) / P(agreement | different incidents)) or learned from
the reports; the pair's score is their sum. Pairs scoring at least `match_threshold` are joined
(best first, never putting two reports of one source in one incident); pairs between
`review_threshold` and `match_threshold` are kept in `LinkResult.pairs` for an analyst to review.

Work grows about linearly with the number of reports: only reports that share a spatial block
(their cercle) and whose date windows come within three days of each other are compared.

This module is the engine's public face (`link`, `score_pair`, `Linker` and the records); the work
is split in modules behind it:

* `vigie.linkage.interface`: the records (`LinkReport`, `PairScore`, `LinkResult`) and `LinkerBackend`,
  the interface that the local backend (`Linker`) and the Spark one (`vigie.linkage.spark`) share;
* `vigie.linkage.comparisons`: each report resolved once, and the comparison level of each field
  of a pair (every weight is documented where it is set there);
* `vigie.linkage.training`: the model (`Model`, `HAND`) and `estimate`, its weights learned by EM;
* `vigie.linkage.clustering`: blocking, and how scored pairs become incidents (`Linker`).
"""

from __future__ import annotations

from collections.abc import Sequence

from .clustering import AVERAGE_LINK_LOG_ODDS, BLOCK_DAYS, PAIR_FLOOR, Linker
from .comparisons import (
    ACTOR_COALITION,
    ACTOR_INCOMPATIBLE,
    ACTOR_MILITIA_CONFUSION,
    ACTOR_RIVALS,
    ACTOR_SAME,
    ACTOR_SAME_CATEGORY_VAGUE,
    ACTOR_SIBLING,
    CASUALTIES_BOTH_NONE,
    CASUALTIES_COMPATIBLE,
    CASUALTIES_EQUAL,
    CASUALTIES_INCOMPATIBLE,
    DATE_FAR,
    DATE_WEIGHTS,
    FIELDS,
    GAZETTEER_SLACK_KM,
    NEAR_SLACK_KM,
    PUBLISHED_BEFORE_EVENT,
    PUBLISHED_SLACK_DAYS,
    SAME_CERCLE,
    SAME_SOURCE_UPDATE_WEIGHT,
    SAME_SOURCE_WEIGHT,
    TYPE_DIFFERENT,
    TYPE_GENERIC,
    TYPE_RELATED,
    TYPE_SAME,
    casualties_compatible,
    event_type,
    haversine_km,
    resolve,
    resolve_actors,
    similarity,
)
from .interface import LinkerBackend, LinkReport, LinkResult, PairScore
from .reference import Reference, default_reference
from .training import (
    HAND,
    LEARNED_FIELDS,
    MATCH_LOG_ODDS,
    MATCH_THRESHOLD,
    MIN_PAIRS_TO_LEARN,
    REVIEW_LOG_ODDS,
    REVIEW_THRESHOLD,
    SHRINKAGE_PAIRS,
    WEIGHT_BOUNDS,
    Model,
    estimate,
    score,
)

__all__ = [
    "LinkReport",
    "PairScore",
    "LinkResult",
    "LinkerBackend",
    "Linker",
    "Model",
    "HAND",
    "estimate",
    "link",
    "score_pair",
    "event_type",
    "resolve_actors",
    # the weights and thresholds, documented where they are set
    "FIELDS",
    "MATCH_THRESHOLD",
    "REVIEW_THRESHOLD",
    "PAIR_FLOOR",
    "BLOCK_DAYS",
    "AVERAGE_LINK_LOG_ODDS",
    "MATCH_LOG_ODDS",
    "REVIEW_LOG_ODDS",
    "SHRINKAGE_PAIRS",
    "LEARNED_FIELDS",
    "MIN_PAIRS_TO_LEARN",
    "WEIGHT_BOUNDS",
    "DATE_WEIGHTS",
    "DATE_FAR",
    "PUBLISHED_BEFORE_EVENT",
    "PUBLISHED_SLACK_DAYS",
    "GAZETTEER_SLACK_KM",
    "NEAR_SLACK_KM",
    "SAME_CERCLE",
    "ACTOR_SAME",
    "ACTOR_SIBLING",
    "ACTOR_SAME_CATEGORY_VAGUE",
    "ACTOR_COALITION",
    "ACTOR_MILITIA_CONFUSION",
    "ACTOR_RIVALS",
    "ACTOR_INCOMPATIBLE",
    "TYPE_SAME",
    "TYPE_GENERIC",
    "TYPE_RELATED",
    "TYPE_DIFFERENT",
    "CASUALTIES_EQUAL",
    "CASUALTIES_COMPATIBLE",
    "CASUALTIES_BOTH_NONE",
    "CASUALTIES_INCOMPATIBLE",
    "SAME_SOURCE_WEIGHT",
    "SAME_SOURCE_UPDATE_WEIGHT",
    "casualties_compatible",
    "haversine_km",
    "similarity",
]


def score_pair(
    a: LinkReport, b: LinkReport, *, reference: Reference | None = None, model: Model = HAND
) -> PairScore:
    """The score of two reports, whether or not blocking would compare them (for explanations)."""
    ref = reference or default_reference()
    if a.report_id == b.report_id:
        raise ValueError(f"duplicate report_id: {a.report_id!r}")
    first, second = sorted((a, b), key=lambda r: (r.event_date, str(r.report_id)))
    cercles = ref.cercles()
    x = resolve(first, ref, cercles, index=0)
    y = resolve(second, ref, cercles, index=1)
    return score(x, y, ref, model)


def link(
    reports: Sequence[LinkReport],
    *,
    reference: Reference | None = None,
    model: Model | None = None,
    learn: bool = True,
) -> LinkResult:
    """Group reports into incidents.

    Candidate pairs come from blocking (same cercle, date windows within BLOCK_DAYS); each is
    scored field by field with ``model`` (default: learned from these reports by `estimate`,
    or the hand model when ``learn`` is false or there are too few pairs). Pairs whose posterior
    odds reach 1:1 are joined best first, unless the merge would put two reports of one source in
    one incident or the average of all pairs across the two groups falls below
    AVERAGE_LINK_LOG_ODDS. Pairs from the review threshold up are returned, best first; those below
    the match threshold form the review queue. Incidents are labelled I000001, I000002... in the
    order of their earliest report (event date, then report id); the result does not depend on the
    order of the input.
    """
    linker = Linker(reference=reference, model=model)
    return linker.add(reports, learn=learn)
