"""quick_widget writes the same HTML as Django's widget templates, faster."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.safestring import mark_safe

from vigie.incidents.forms import FIGURE_FIELDS, FiguresForm
from vigie.web.templatetags.vigie_web import quick_widget


class Sample(forms.Form):
    name = forms.CharField(max_length=20, help_text="A name.")
    email = forms.EmailField(
        required=False, widget=forms.EmailInput(attrs={"autocomplete": "off", "disabled": True})
    )
    site = forms.URLField(required=False, assume_scheme="https")
    count = forms.IntegerField(min_value=0, max_value=9, required=False, localize=True)
    hidden_flag = forms.IntegerField(
        required=False, widget=forms.NumberInput(attrs={"data-x": False})
    )
    marked = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"data-safe": mark_safe("a&amp;b <i>")})
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {
            "name": "Amina <b>",
            "email": "not an e-mail",
            "site": "x",
            "count": "12",
            "hidden_flag": "3",
        },
    ],
)
def test_plain_inputs_as_django_writes_them(data):
    form = Sample(data)
    if data is not None:
        form.is_valid()
    for field in form:
        assert quick_widget(field) == field.as_widget(), field.name


@pytest.mark.parametrize("data", [None, {"killed_low": "9", "killed_best": "3", "reason": ""}])
def test_the_figure_boxes_as_django_writes_them(data):
    class Incident:
        figures_override = {"killed_best": 4}

        def figure(self, name):
            return {"killed_low": 2, "killed_best": 4, "killed_high": 7}.get(name)

    form = FiguresForm(data, incident=Incident())
    if data is not None:
        assert not form.is_valid()
    for name in FIGURE_FIELDS:
        assert quick_widget(form[name]) == form[name].as_widget(), name
