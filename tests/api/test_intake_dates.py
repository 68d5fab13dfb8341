"""POST /api/v1/reports/ refuses an event dated before the deployment's earliest date or after today."""

import datetime

import pytest

from vigie.reports.models import Report

from .test_intake import GOOD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "change, field",
    [
        ({"date_start": "1800-01-01"}, "date_start"),
        ({"date_start": "1959-12-31"}, "date_start"),
        ({"date_end": "1800-01-01", "date_start": "1799-12-31"}, "date_start"),
        (
            {"date_start": (datetime.date.today() + datetime.timedelta(days=5)).isoformat()},
            "date_start",
        ),
        (
            {"date_end": (datetime.date.today() + datetime.timedelta(days=5)).isoformat()},
            "date_end",
        ),
    ],
)
def test_dates_out_of_the_period_are_refused(world, change, field):
    before = Report.objects.count()
    response = world.client("ana").post("/api/v1/reports/", {**GOOD, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Report.objects.count() == before


def test_the_earliest_date_names_its_limit_and_follows_the_setting(world, settings):
    response = world.client("ana").post(
        "/api/v1/reports/", {**GOOD, "date_start": "1800-01-01"}, format="json"
    )
    assert "1960" in response.json()["date_start"][0]  # the limit, in the answer's language
    settings.VIGIE_EARLIEST_DATE = datetime.date(1900, 1, 1)
    response = world.client("ana").post(
        "/api/v1/reports/", {**GOOD, "date_start": "1950-06-01"}, format="json"
    )
    assert response.status_code == 201, response.content
