"""The report form refuses an event dated before the deployment's earliest date or after today."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from vigie.incidents.models import Incident
from vigie.reports.models import Report

from .test_report_form import ogossagou_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["date_start", "date_end"])
def test_a_date_before_the_earliest_is_refused_with_the_limit(organisation, monitor, login, field):
    form = (
        ogossagou_form(**{field: "1800-01-01"})
        if field == "date_start"
        else ogossagou_form(date_end="1800-01-01")
    )
    response = login(monitor).post(reverse("intake:report_new"), form)
    assert response.status_code == 400
    assert "the earliest date this deployment accepts" in response.content.decode()
    assert not Report.objects.exists() and not Incident.objects.exists()


def test_the_earliest_date_is_a_setting(organisation, monitor, login, settings):
    settings.VIGIE_EARLIEST_DATE = datetime.date(2012, 1, 1)
    response = login(monitor).post(
        reverse("intake:report_new"), ogossagou_form(date_start="2011-12-31")
    )
    assert (
        response.status_code == 400
        and "the earliest date this deployment accepts" in response.content.decode()
    )
    response = login(monitor).post(
        reverse("intake:report_new"), ogossagou_form(date_start="2012-01-01")
    )
    assert response.status_code == 302
    assert Report.objects.count() == 1


def test_a_date_after_today_is_refused(organisation, monitor, login):
    later = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = login(monitor).post(reverse("intake:report_new"), ogossagou_form(date_start=later))
    assert response.status_code == 400
    assert "The date of the event is in the future." in response.content.decode()
    assert not Report.objects.exists()
