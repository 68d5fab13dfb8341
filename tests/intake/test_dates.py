"""Dates in forms: an <input type="date"> sends and shows YYYY-MM-DD whatever the browser's locale, so the
server writes and reads ISO dates in every language; dates shown as text follow the page's language."""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from vigie.cases import forms as case_forms
from vigie.core.dates import IsoDateField
from vigie.intake.forms import ReportForm
from vigie.intake.models import ReportDraft
from vigie.reports.models import Report
from vigie.victims import forms as victim_forms

from .test_report_form import ogossagou_form

pytestmark = pytest.mark.django_db

PREFIX = {"fr": "", "en": "/en"}  # French, the default language, has no prefix


def date_value(page: str, name: str) -> str | None:
    tag = re.search(rf'<input type="date" name="{name}"[^>]*>', page)
    assert tag, f'no <input type="date" name="{name}">'
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


def address(language: str, name: str, **kwargs) -> str:
    with translation.override("fr"):
        return PREFIX[language] + reverse(name, kwargs=kwargs or None)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_date_comes_back_into_its_box_as_iso_in_either_language(
    organisation, monitor, login, language
):
    client = login(monitor)
    # A date the form cannot accept yet (the report is not complete): the page comes back with the date kept.
    refused = client.post(
        address(language, "intake:report_new"),
        ogossagou_form(
            date_start="2019-01-02", date_end="2019-01-03", published="2019-01-05", source_name=""
        ),
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert (
        date_value(page, "date_start"),
        date_value(page, "date_end"),
        date_value(page, "published"),
    ) == ("2019-01-02", "2019-01-03", "2019-01-05")
    # A draft keeps it, and gives it back as it was typed.
    client.post(
        address(language, "intake:report_new"), {"action": "draft", "date_start": "2019-01-02"}
    )
    draft = ReportDraft.objects.get()
    page = client.get(address(language, "intake:draft_edit", pk=draft.pk)).content.decode()
    assert date_value(page, "date_start") == "2019-01-02"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_date_given_as_a_date_is_written_as_iso(language):
    with translation.override(language):
        form = ReportForm(
            initial={
                "date_start": datetime.date(2019, 1, 2),
                "published": datetime.date(2019, 12, 31),
            }
        )
        page = str(form["date_start"]) + str(form["published"])
    assert 'value="2019-01-02"' in page and 'value="2019-12-31"' in page and 'type="date"' in page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_server_reads_iso_dates_and_only_those(organisation, monitor, login, language):
    client = login(monitor)
    sent = client.post(
        address(language, "intake:report_new"), ogossagou_form(date_start="2019-01-02")
    )
    assert sent.status_code == 302
    assert Report.objects.get().date_start == datetime.date(2019, 1, 2)
    # 02/01/2019 is the 2nd of January in French and the 1st of February in English: refused, never guessed.
    refused = client.post(
        address(language, "intake:report_new"), ogossagou_form(date_start="02/01/2019")
    )
    assert refused.status_code == 400
    assert Report.objects.count() == 1


def test_every_date_field_of_the_forms_is_an_iso_date_field():
    found = []
    for module in (case_forms, victim_forms):
        for form_class in vars(module).values():
            if isinstance(form_class, type) and issubclass(form_class, forms.BaseForm):
                for name, field in form_class.base_fields.items():
                    if isinstance(field, forms.DateField):
                        found.append((form_class.__name__, name, type(field)))
    for name, field in ReportForm.base_fields.items():
        if isinstance(field, forms.DateField):
            found.append(("ReportForm", name, type(field)))
    assert len(found) >= 10
    assert [item for item in found if item[2] is not IsoDateField] == []


def test_the_list_of_drafts_shows_the_date_in_the_pages_language(organisation, monitor, login):
    client = login(monitor)
    client.post(address("en", "intake:report_new"), {"action": "draft", "date_start": "2019-01-02"})
    assert "02/01/2019" in client.get(address("fr", "intake:drafts")).content.decode()
    english = client.get(address("en", "intake:drafts")).content.decode()
    assert "01/02/2019" in english and "2019-01-02" not in english
