"""The forms of the victim and assistance pages.

They check the shape of what was typed; vigie.victims.services checks the rest (who may, consent to
referral, closed cases) and says why it refuses, never repeating an identifying value.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.cases.forms import parse_ids
from vigie.core.dates import IsoDateField
from vigie.core.models import Organisation
from vigie.places.models import Place

from .choices import (
    AgeGroup,
    CivilianStatus,
    ClosureReason,
    ConsentGiver,
    ConsentPurpose,
    Harm,
    NeedCategory,
    NeedStatus,
    ReferralStatus,
    Relation,
    Sex,
)
from .models import Victim

# Why a record is opened: the key (and the words typed for "other") go to the audit log.
PURPOSES = [
    ("assistance", _("Assistance: needs, referrals, services, follow-up")),
    ("investigation", _("An investigation or a case")),
    ("verification", _("Checking or correcting the record")),
    ("consent", _("Recording consent or its withdrawal")),
    ("other", _("Other (say which below)")),
]

RECORDING = "recording"  # the purpose given for the person who has just recorded the victim


def purpose_label(text: str) -> str:
    """A purpose as stored ("assistance", "other: a court's request") in the reader's language."""
    key, _sep, detail = (text or "").partition(": ")
    labels = {**dict(PURPOSES), RECORDING: _("Recording the person")}
    label = str(labels.get(key, key))
    return f"{label}: {detail}" if detail else label


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Purpose of this consultation"), choices=PURPOSES, widget=forms.RadioSelect
    )
    detail = forms.CharField(
        label=_("In a few words"),
        required=False,
        max_length=150,
        help_text=_("Required for “other”. Kept in the audit log: never write a name here."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("purpose") == "other" and not cleaned.get("detail", "").strip():
            self.add_error("detail", _("Say what the consultation is for."))
        return cleaned

    def purpose_text(self) -> str:
        purpose, detail = self.cleaned_data["purpose"], self.cleaned_data.get("detail", "").strip()
        return f"{purpose}: {detail}" if detail else purpose


class SearchForm(forms.Form):
    name = forms.CharField(
        label=_("Exact name"),
        max_length=300,
        help_text=_(
            "The full name or another name, spelt as recorded (case and accents do not "
            "matter). Part of a name finds nothing."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    purpose = forms.ChoiceField(label=_("Purpose of the search"), choices=PURPOSES)


class VictimFilterForm(forms.Form):
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", _("All")), *Sex.choices])
    age_group = forms.ChoiceField(
        label=_("Age group"), required=False, choices=[("", _("All")), *AgeGroup.choices]
    )
    harm = forms.ChoiceField(
        label=_("Harm suffered"), required=False, choices=[("", _("All")), *Harm.choices]
    )


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class VictimForm(forms.Form):
    """A victim's record (new or edited). Identifying fields are encrypted by the model."""

    name = forms.CharField(
        label=_("Name"),
        max_length=300,
        help_text=_("Encrypted. Found again only by its exact spelling."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    aliases = forms.CharField(
        label=_("Other names"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
        help_text=_("One per line. Encrypted."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    age = forms.IntegerField(
        label=_("Age"),
        required=False,
        min_value=0,
        max_value=130,
        help_text=_("In years, if known; otherwise choose an age group."),
    )
    age_group = forms.ChoiceField(
        label=_("Age group"), choices=AgeGroup.choices, initial=AgeGroup.UNKNOWN
    )
    civilian_status = forms.ChoiceField(
        label=_("Civilian status"), choices=CivilianStatus.choices, initial=CivilianStatus.UNKNOWN
    )
    harms = forms.MultipleChoiceField(
        label=_("Harm suffered"),
        choices=Harm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    community = forms.CharField(
        label=_("Community or ethnic group"),
        required=False,
        max_length=1000,
        help_text=_("Encrypted."),
    )
    region = RegionChoiceField(
        label=_("Region where the person lives"),
        required=False,
        queryset=Place.objects.none(),
        empty_label=_("(unknown)"),
        help_text=_("The region only, never the place: it is used in reports."),
    )
    home_location = forms.CharField(
        label=_("Exact home location"),
        required=False,
        max_length=1000,
        help_text=_("Encrypted. Village, quarter, coordinates."),
    )
    contact = forms.CharField(
        label=_("Contact"),
        required=False,
        max_length=1000,
        help_text=_("Encrypted. Telephone, address or intermediary."),
    )
    testimony = forms.CharField(
        label=_("Testimony"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Encrypted."),
    )
    incident_ids = forms.CharField(
        label=_("Incident numbers"),
        required=False,
        max_length=500,
        help_text=_("The incidents the person is linked to, separated by commas."),
    )
    relation = forms.ChoiceField(
        label=_("Relation to these incidents"),
        choices=Relation.choices,
        initial=Relation.DIRECT_VICTIM,
    )

    def __init__(self, *args, visible_incidents, **kwargs):
        super().__init__(*args, **kwargs)
        self.visible_incidents = visible_incidents
        # published regions only (vigie.core.published): an organisation's unpublished name is not offered
        self.fields["region"].queryset = Place.objects.filter(
            kind="region", published=True
        ).order_by("name")

    def clean_aliases(self) -> list[str]:
        return list(
            dict.fromkeys(
                line.strip()
                for line in self.cleaned_data.get("aliases", "").splitlines()
                if line.strip()
            )
        )

    def clean_incident_ids(self):
        ids = parse_ids(self.cleaned_data.get("incident_ids", ""))
        found = {incident.pk: incident for incident in self.visible_incidents.filter(pk__in=ids)}
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise forms.ValidationError(
                _("No incident you can see has the number %(numbers)s."),
                params={"numbers": ", ".join(missing)},
            )
        return [found[pk] for pk in dict.fromkeys(ids)]

    def victim_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "name",
                "sex",
                "age",
                "civilian_status",
                "harms",
                "community",
                "region",
                "home_location",
                "contact",
                "testimony",
            )
        }
        if data.get("age") is None:
            fields["age_group"] = data["age_group"]
        return fields

    def links(self) -> list[tuple]:
        return [
            (incident, self.cleaned_data["relation"])
            for incident in self.cleaned_data["incident_ids"]
        ]


class NewVictimForm(VictimForm):
    organisation = forms.ModelChoiceField(queryset=None, label=_("Organisation"), empty_label=None)
    consents = forms.MultipleChoiceField(
        label=_("The person consents to"),
        choices=ConsentPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Consent to documentation is needed to keep a record at all."),
    )
    consent_given_on = IsoDateField(label=_("Consent given on"), initial=timezone.localdate)
    consent_given_by = forms.ChoiceField(
        label=_("Consent given by"), choices=ConsentGiver.choices, initial=ConsentGiver.VICTIM
    )

    field_order = ["organisation"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.where_may(
            user, Victim, "add"
        ).order_by("name")

    def clean_consents(self):
        consents = self.cleaned_data.get("consents", [])
        if ConsentPurpose.DOCUMENTATION not in consents:
            raise forms.ValidationError(
                _("Without consent to documentation, the person cannot be recorded.")
            )
        return consents

    def clean_consent_given_on(self):
        given_on = self.cleaned_data["consent_given_on"]
        if given_on > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return given_on


class ConsentForm(forms.Form):
    purposes = forms.MultipleChoiceField(
        label=_("Purposes"), choices=ConsentPurpose.choices, widget=forms.CheckboxSelectMultiple
    )
    given_on = IsoDateField(label=_("Given on"), initial=timezone.localdate)
    given_by = forms.ChoiceField(
        label=_("Given by"), choices=ConsentGiver.choices, initial=ConsentGiver.VICTIM
    )

    def __init__(self, *args, active=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purposes"].choices = [
            (key, label) for key, label in ConsentPurpose.choices if key not in active
        ]


ALL = "all"


class WithdrawForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Consent withdrawn for"), widget=forms.RadioSelect)
    on = IsoDateField(label=_("Withdrawn on"), initial=timezone.localdate)
    confirm = forms.BooleanField(
        label=_(
            "I have checked: the person (or the one who consented for them) withdrew this consent."
        )
    )

    def __init__(self, *args, active=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [
            (ALL, _("Everything (the record is hidden from everyone)")),
            *[(key, label) for key, label in ConsentPurpose.choices if key in active],
        ]

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return on


# -- assistance ------------------------------------------------------------------------------------


class NeedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_category_display()} ({obj.identified_on:%Y-%m-%d})"


class AssistanceForm(forms.Form):
    """An assistance form; the view dispatches on ``form`` (its ``kind``)."""

    kind = ""
    prefixed = (
        True  # the forms of several assistance cases share a page: their fields need distinct ids
    )

    def __init__(self, *args, assistance, **kwargs):
        if self.prefixed:
            kwargs.setdefault("prefix", f"a{assistance.pk}-{self.kind}")
        super().__init__(*args, **kwargs)
        self.assistance = assistance
        if isinstance(self.fields.get("need"), forms.ModelChoiceField):
            self.fields["need"].queryset = assistance.needs.all()


class NeedForm(AssistanceForm):
    kind = "need"
    category = forms.ChoiceField(label=_("Need"), choices=NeedCategory.choices)
    identified_on = IsoDateField(label=_("Identified on"), initial=timezone.localdate)
    status = forms.ChoiceField(
        label=_("Status"), choices=NeedStatus.choices, initial=NeedStatus.OPEN
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Encrypted."),
    )


class NeedStatusForm(AssistanceForm):
    kind = "need_status"
    prefixed = False  # one small form per need, drawn by the template
    need = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices)


class ReferralForm(AssistanceForm):
    kind = "referral"
    provider = forms.CharField(
        label=_("Provider"),
        max_length=200,
        help_text=_("The organisation or service the person is referred to."),
    )
    need = NeedChoiceField(
        label=_("For the need"), queryset=None, required=False, empty_label=_("(none)")
    )
    referred_on = IsoDateField(label=_("Referred on"), initial=timezone.localdate)
    status = forms.ChoiceField(
        label=_("Status"), choices=ReferralStatus.choices, initial=ReferralStatus.REFERRED
    )


class ReferralStatusForm(AssistanceForm):
    kind = "referral_status"
    prefixed = False
    referral = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=ReferralStatus.choices)


class ServiceForm(AssistanceForm):
    kind = "service"
    category = forms.ChoiceField(label=_("Service"), choices=NeedCategory.choices)
    need = NeedChoiceField(
        label=_("For the need"), queryset=None, required=False, empty_label=_("(none)")
    )
    provider = forms.CharField(label=_("Provider"), required=False, max_length=200)
    delivered_on = IsoDateField(label=_("Delivered on"), initial=timezone.localdate)
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Encrypted."),
    )


class FollowUpForm(AssistanceForm):
    kind = "follow_up"
    date = IsoDateField(label=_("Date"), initial=timezone.localdate)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Encrypted."),
    )


class CloseForm(AssistanceForm):
    kind = "close"
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=ClosureReason.choices)
    closed_on = IsoDateField(label=_("Closed on"), initial=timezone.localdate)


class ReopenForm(AssistanceForm):
    kind = "reopen"


ASSISTANCE_FORMS = {
    form.kind: form
    for form in (
        NeedForm,
        NeedStatusForm,
        ReferralForm,
        ReferralStatusForm,
        ServiceForm,
        FollowUpForm,
        CloseForm,
        ReopenForm,
    )
}


class ReportForm(forms.Form):
    by = forms.MultipleChoiceField(
        label=_("Count by"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("region", _("Region")), ("sex", _("Sex")), ("age_group", _("Age group"))],
    )
    start = IsoDateField(label=_("From"), required=False)
    end = IsoDateField(label=_("To"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The end of the period is before its start."))
        return cleaned
