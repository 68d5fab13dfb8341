"""The report form (phone first), the source's reliability form and the split form."""

from __future__ import annotations

import json

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigie.core.dates import IsoDateField, event_date_error
from vigie.core.models import Organisation
from vigie.incidents.choices import SUB_EVENT_PARENT, DatePrecision, EventType, SubEventType
from vigie.reports.choices import SourceKind
from vigie.reports.models import Source

# What a draft keeps: every field of the form, as typed.
DRAFT_FIELDS = (
    "organisation",
    "source",
    "source_name",
    "source_kind",
    "date_start",
    "date_end",
    "date_precision",
    "published",
    "place_query",
    "place",
    "latitude",
    "longitude",
    "perpetrator_query",
    "perpetrator",
    "target_query",
    "target",
    "event_type",
    "sub_event_type",
    "event_label",
    "killed",
    "civilians_killed",
    "combatants_killed",
    "injured",
    "abducted",
    "text",
    "url",
)
NEW = "new"  # the value of the "a new name, as written" choice of an actor
NO_PLACE = "none"  # the value of the "none of these: keep the place as written" choice
MAX_COUNT = 2**31 - 1


def _blank(choices) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


def _count(label):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_COUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
    )


class ReportForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    source = forms.ModelChoiceField(
        label=_("Source"),
        queryset=Source.objects.none(),
        required=False,
        empty_label=_("— a new source (give its name below) —"),
    )
    source_name = forms.CharField(
        label=_("New source: name"),
        max_length=200,
        required=False,
        help_text=_(
            "A radio, a partner, a witness (never their real name), an official statement… "
            "A source of your organisation with the same name is reused."
        ),
    )
    source_kind = forms.ChoiceField(
        label=_("New source: kind"),
        required=False,
        initial=SourceKind.WITNESS,
        choices=[c for c in SourceKind.choices if c[0] != SourceKind.DATASET],
    )

    date_start = IsoDateField(label=_("Date of the event"))
    date_end = IsoDateField(label=_("Last day (for several days)"), required=False)
    date_precision = forms.ChoiceField(
        label=_("How precise is the date?"),
        choices=DatePrecision.choices,
        initial=DatePrecision.DAY,
    )
    published = IsoDateField(
        label=_("Reported on"), required=False, help_text=_("When the source told it (optional).")
    )

    place_query = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("Village, commune or cercle, in any spelling."),
    )
    place = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )

    perpetrator_query = forms.CharField(
        label=_("Perpetrator"),
        max_length=300,
        required=False,
        help_text=_("As reported; pick the actor from the list when it is known."),
    )
    perpetrator = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    target_query = forms.CharField(label=_("Target or victims"), max_length=300, required=False)
    target = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    event_type = forms.ChoiceField(
        label=_("Type of event"), required=False, choices=_blank(EventType.choices)
    )
    sub_event_type = forms.ChoiceField(
        label=_("Sub-type"), required=False, choices=_blank(SubEventType.choices)
    )
    event_label = forms.CharField(
        label=_("In a few words"),
        max_length=300,
        required=False,
        help_text=_("For example: attack on the weekly market."),
    )

    killed = _count(_("Killed"))
    civilians_killed = _count(_("of whom civilians"))
    combatants_killed = _count(_("of whom combatants"))
    injured = _count(_("Injured"))
    abducted = _count(_("Abducted or disappeared"))

    text = forms.CharField(
        label=_("Account"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, as the source tells it."),
    )
    url = forms.URLField(
        label=_("Web address"), required=False, max_length=500, assume_scheme="https"
    )

    def __init__(self, *args, organisations=None, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
            first_two = list(organisations[:2])
            if len(first_two) == 1:
                self.only_organisation = first_two[0]
                self.fields["organisation"].initial = first_two[0].pk
                self.fields["organisation"].required = False
                self.fields["organisation"].widget = forms.HiddenInput()
        if sources is not None:
            self.fields["source"].queryset = sources
        # HTMX (when the browser runs it) shows matching entries while the monitor types.
        for name in ("place_query", "perpetrator_query", "target_query"):
            picker = name.removesuffix("_query")
            attrs = {
                "autocomplete": "off",
                "spellcheck": "false",
                "hx-trigger": "input changed delay:400ms, search",
                "hx-target": f"#choices-{picker}",
                "hx-sync": "this:replace",
                "style": "flex:1 1 12rem;width:auto",
            }
            if picker == "place":
                attrs["hx-get"] = reverse("intake:place_search")
            else:
                attrs["hx-get"] = reverse("intake:actor_search")
                attrs["hx-vals"] = json.dumps({"for": picker})
            self.fields[name].widget.attrs.update(attrs)
            self.fields[name].widget.input_type = "search"

    only_organisation = None

    def clean_organisation(self):
        return self.cleaned_data.get("organisation") or self.only_organisation

    def clean_text(self):
        return _printable(self.cleaned_data["text"])

    def clean(self):
        data = super().clean()
        source, name = data.get("source"), (data.get("source_name") or "").strip()
        if source and name:
            self.add_error(
                "source_name", _("Choose an existing source or give a new name, not both.")
            )
        elif not source and not name and "source" not in self.errors:
            self.add_error("source", _("Choose a source or give the name of a new one."))
        organisation = data.get("organisation")
        if (
            source
            and organisation is not None
            and not Source.objects.available_to(organisation.pk).filter(pk=source.pk).exists()
        ):
            # one organisation's unpublished source is not put into another's report
            self.add_error("source", _("This source is not one of the chosen organisation's."))
        if name and not data.get("source_kind"):
            self.add_error("source_kind", _("Say what kind of source it is."))
        start, end = data.get("date_start"), data.get("date_end")
        for name in ("date_start", "date_end"):
            problem = event_date_error(data.get(name))
            if problem:
                self.add_error(name, problem)
        if start and end and end < start:
            self.add_error("date_end", _("The last day is before the first."))
        sub_event, event = data.get("sub_event_type"), data.get("event_type")
        if sub_event and event and SUB_EVENT_PARENT[sub_event] != event:
            self.add_error("sub_event_type", _("This sub-type belongs to another type of event."))
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not (
            "latitude" in self.errors or "longitude" in self.errors
        ):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        killed = data.get("killed")
        parts = [
            data.get(n)
            for n in ("civilians_killed", "combatants_killed")
            if data.get(n) is not None
        ]
        if killed is not None and sum(parts) > killed:
            self.add_error(
                "civilians_killed", _("Civilians and combatants add up to more than the killed.")
            )
        for name, keep in (("place", NO_PLACE), ("perpetrator", NEW), ("target", NEW)):
            value = (data.get(name) or "").strip()
            if value and value != keep and not (value.isdigit() and len(value) < 19):
                self.add_error(f"{name}_query", _("Choose from the list again."))
        return data


def _printable(text: str) -> str:
    if "\x00" in text:
        raise forms.ValidationError(_("The text contains a NUL character."))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise forms.ValidationError(
            _("The text contains characters that cannot be stored.")
        ) from None
    return text


SOURCES_LISTED = 200


def sources_for_intake(user, organisations):
    """The sources a monitor may report from: their organisations' own and the shared ones (no datasets),
    the first SOURCES_LISTED by name (a new name equal to an existing source's reuses it)."""
    first = (
        Source.objects.visible_to(user)
        .held_by_or_shared(organisations)
        .exclude(kind=SourceKind.DATASET)
        .order_by("name", "pk")
        .values_list("pk", flat=True)[:SOURCES_LISTED]
    )
    return Source.objects.filter(pk__in=list(first)).order_by("name", "pk")


class SplitForm(forms.Form):
    reports = forms.MultipleChoiceField(
        label=_("Reports to take out"), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("Why"), max_length=500, required=False)

    def __init__(self, *args, report_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reports"].choices = report_choices
