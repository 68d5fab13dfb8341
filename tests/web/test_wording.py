"""An incident's rule and grade reason, stored in English (exports, API), shown in the page's language."""

import html
import re

import pytest
from babel.messages.pofile import read_po
from django.utils import translation

from vigie.incidents import wording
from vigie.incidents.estimates import GRADE_REASONS, RULE_PHRASES, ReportEvidence, estimate

from .test_translations import PACKAGE

pytestmark = pytest.mark.usefixtures("catalogues")

FIGURES = {"killed_best": 12, "killed_low": 12, "killed_high": 12}


def french_catalogue() -> dict[tuple[str, str | None], str]:
    catalogue = {}
    for path in sorted((PACKAGE / "locale" / "fr" / "LC_MESSAGES").glob("*.po")):
        with open(path, "rb") as handle:
            for message in read_po(handle, locale="fr"):
                if message.id and message.string:
                    catalogue.setdefault((message.id, message.context), message.string)
    return catalogue


def test_every_phrase_of_a_rule_or_a_grade_reason_has_a_french_template_with_the_same_numbers():
    catalogue = french_catalogue()
    for english, translated in (
        (RULE_PHRASES, wording.RULE_TRANSLATIONS),
        (GRADE_REASONS, wording.GRADE_REASON_TRANSLATIONS),
    ):
        assert set(english) == set(translated)
        for key, phrase in english.items():
            template = translated[key]
            # The English template reads as the stored phrase: English pages show what is stored.
            assert re.sub(r"\{(\w+)\}", r"%(\1)s", phrase) == template, key
            french = catalogue.get((template, None))
            assert french, (
                f"no French for {template!r} (src/vigie/locale/fr/LC_MESSAGES/incidents.po)"
            )
            assert sorted(re.findall(r"%\((\w+)\)s", french)) == sorted(
                re.findall(r"\{(\w+)\}", phrase)
            ), key


def test_a_computed_rule_and_reason_read_in_french_and_stay_in_english_elsewhere():
    result = estimate(
        [
            ReportEvidence(FIGURES, source="radio", reliability="B", credibility=2),
            ReportEvidence({"killed_best": 40}, source="ngo", reliability="C", credibility=3),
            ReportEvidence(
                {"killed_best": 3}, source="army", reliability="C", credibility=3, party=True
            ),
            ReportEvidence({"killed_best": 500}, source="rumour", reliability="E", credibility=5),
        ]
    )
    assert result.rule == (
        "median of the most reliable independent reports (2 of 4); party statements in the "
        "range only; range from the lowest to the highest credible report; "
        "1 report(s) not credible, left out"
    )
    assert result.grade_reason == "independent tolls disagree (12 to 40)"
    with translation.override("fr"):
        assert wording.rule_text(result.rule) == (
            "médiane des rapports indépendants les plus fiables (2 sur 4)\u00a0; déclarations des parties dans la "
            "fourchette seulement\u00a0; fourchette allant du plus bas au plus haut des rapports crédibles\u00a0; "
            "1 rapport(s) non crédible(s), écarté(s)"
        )
        assert (
            wording.grade_reason_text(result.grade_reason)
            == "les bilans indépendants divergent (de 12 à 40)"
        )
        # An analyst's reason is theirs, as typed; a text that is no known phrase is shown as stored.
        assert (
            wording.rule_text("analyst's figures: liste de l'hôpital; 5 % de doute")
            == "chiffres fixés par un analyste : liste de l'hôpital; 5 % de doute"
        )
        assert wording.grade_reason_text("checked by hand") == "checked by hand"
    with translation.override("en"):
        assert wording.rule_text(result.rule) == result.rule
        assert wording.grade_reason_text(result.grade_reason) == result.grade_reason


@pytest.mark.django_db
def test_the_french_incident_page_shows_the_rule_and_reason_in_french(client, world):
    client.force_login(world.users["awa"])
    sevare = world.incidents["sevare"]
    result = estimate(
        [
            ReportEvidence(FIGURES, source="radio", reliability="B", credibility=2),
            ReportEvidence({"killed_best": 14}, source="ngo", reliability="C", credibility=3),
        ]
    )
    sevare.estimate_rule, sevare.grade_reason = (
        result.rule,
        result.grade_reason,
    )  # as refresh_from_reports stores them
    sevare.save()
    french = html.unescape(client.get(f"/incidents/{sevare.pk}/").content.decode())
    assert (
        "Règle : médiane des rapports indépendants les plus fiables (2 sur 2)\u00a0; fourchette allant du plus "
        "bas au plus haut des rapports crédibles"
    ) in french
    assert "2 sources indépendantes, dont au moins une fiable (A-B)" in french
    assert "median of the most reliable" not in french and "independent sources" not in french
    # The casualty table's headings: short, so that the table fits a phone.
    assert re.search(r'class="num"[^>]*>basse</th>.*>meilleure</th>.*>haute</th>', french)
    english = html.unescape(client.get(f"/en/incidents/{sevare.pk}/").content.decode())
    assert f"Rule: {result.rule}" in english and result.grade_reason in english
    # The API keeps the stored English text.
    api = client.get(f"/api/v1/incidents/{sevare.pk}/", HTTP_ACCEPT="application/json").json()
    assert api["estimate_rule"] == result.rule
