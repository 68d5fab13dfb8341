"""Forms of the source pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Reliability
from .models import Source


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ["reliability", "party"]
        widgets = {"reliability": forms.Select}

    reliability = forms.ChoiceField(label=_("Reliability"), choices=Reliability.choices)
