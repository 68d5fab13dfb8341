"""Record numbers from user input: one parser for pages, API and commands."""

import pytest

from vigie.core.text import MAX_ID, parse_id


@pytest.mark.engine
@pytest.mark.parametrize(
    "value, expected",
    [
        ("12", 12),
        (" 7 ", 7),
        (42, 42),
        (str(MAX_ID), MAX_ID),
        ("0", None),
        ("-3", None),
        ("", None),
        (None, None),
        ("12a", None),
        ("1.5", None),
        ("³", None),
        ("١", None),
        (str(MAX_ID + 1), None),
    ],
)
def test_parse_id_takes_ascii_record_numbers_only(value, expected):
    assert parse_id(value) == expected


@pytest.mark.django_db
def test_an_odd_digit_in_an_api_path_is_not_found(client):
    assert client.get("/api/v1/incidents/\u00b3/").status_code == 404  # was a server error
    assert client.get("/api/v1/incidents/\u0661/").status_code == 404
