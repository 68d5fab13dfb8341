"""The words of an actor's name give its category, and fields that list several actors are split
(vigie.actors.classify, an engine: no database)."""

import pytest

from vigie.actors.classify import (
    category_from_acled_inter,
    category_from_ucdp_side,
    keyword_category,
    split_actor_names,
)


@pytest.mark.engine
def test_words_and_lists():
    assert keyword_category("Supporters of Jamaat-e-Islami") == "political_militia"
    assert (
        category_from_acled_inter("Supporters of Jamaat-e-Islami", 3, "Bangladesh")
        == "political_militia"
    )
    assert category_from_ucdp_side("Jamaat-e-Islami", "Bangladesh") == "political_militia"
    assert keyword_category("Islamic State (Sahel)") == "jihadist_group"
    assert split_actor_names("GATIA, MSA") == ["GATIA", "MSA"]
    assert split_actor_names("Government of Mali") == ["Government of Mali"]
    assert split_actor_names("Military Forces of Mali (2021-)") == [
        "Military Forces of Mali (2021-)"
    ]
    assert split_actor_names("Military Forces of Mali (2012-2013, 2021-); Wagner Group") == [
        "Military Forces of Mali (2012-2013, 2021-)",
        "Wagner Group",
    ]
    assert split_actor_names("Government of Congo, Democratic Republic of") == [
        "Government of Congo, Democratic Republic of"
    ]
    assert split_actor_names("MNLA, HCUA; MAA, MNLA") == ["MNLA", "HCUA", "MAA"]
