"""The forms of the case pages: open a case, move its status, findings, referrals, tasks and deadlines.

The forms check the shape of what was typed; vigie.cases.services checks the rest (who may, which
status may follow which) and says why it refuses.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from vigie.core import permissions
from vigie.core.dates import IsoDateField
from vigie.core.models import Membership, Organisation
from vigie.core.text import parse_id

from .choices import ALLOWED_TRANSITIONS, CaseStatus, RecipientKind, ReferralStatus
from .models import Case

MAX_INCIDENTS = 50


def case_workers(organisations):
    """Members of ``organisations`` whose role may work on cases (who may lead one)."""
    return list(permissions.members_who_may(organisations, Case, "change").order_by("username"))


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def parse_ids(text: str) -> list[int]:
    """Record numbers typed as "12, 15 19" (a leading # is allowed)."""
    ids = []
    for part in re.split(r"[\s,;]+", text or ""):
        part = part.strip().lstrip("#")
        if not part:
            continue
        number = parse_id(part)
        if number is None:
            raise forms.ValidationError(
                _("“%(value)s” is not an incident number."), params={"value": part[:20]}
            )
        ids.append(number)
    return ids


class CaseForm(forms.Form):
    """Open a case. Incidents come from the numbers typed and from the boxes ticked in the search."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation"), empty_label=None
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=60,
        help_text=_(
            "Your organisation's own code for the case, e.g. INV-2024-003. Never a person's name."
        ),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_(
            "A short neutral title: a place and a date. Never a victim's or a witness's name."
        ),
    )
    lead_investigator = UserChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label=_("Lead investigator"),
        empty_label=_("(none yet)"),
    )
    incident_ids = forms.CharField(
        label=_("Incident numbers"),
        required=False,
        max_length=500,
        help_text=_(
            "The numbers of the incidents the case is about, separated by commas (e.g. 12, 15)."
        ),
    )
    incident = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.MultipleHiddenInput
    )
    query = forms.CharField(
        label=_("Search the incidents you can see"),
        required=False,
        max_length=100,
        help_text=_("A place, or an incident number."),
    )

    def __init__(self, *args, user, visible_incidents, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.visible_incidents = visible_incidents
        organisations = Organisation.objects.where_may(user, Case, "add").order_by("name")
        self.fields["organisation"].queryset = organisations
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]
        workers = case_workers(list(organisations))
        self.fields["lead_investigator"].queryset = get_user_model().objects.filter(
            pk__in=[u.pk for u in workers]
        )
        if user in workers:
            self.fields["lead_investigator"].initial = user
        # Any number may be ticked: what is not visible is refused in clean().
        self.fields["incident"].choices = [(value, value) for value in self._ticked_values()]

    def _ticked_values(self) -> list[int]:
        if not self.is_bound:
            return []
        values = []
        for value in (
            self.data.getlist(self.add_prefix("incident")) if hasattr(self.data, "getlist") else []
        ):
            if (number := parse_id(value)) is not None:
                values.append(number)
        return values

    def clean_incident_ids(self):
        return parse_ids(self.cleaned_data.get("incident_ids", ""))

    def clean(self):
        cleaned = super().clean()
        wanted = list(
            dict.fromkeys([*cleaned.get("incident_ids", []), *cleaned.get("incident", [])])
        )
        if len(wanted) > MAX_INCIDENTS:
            raise forms.ValidationError(
                _("A case can be opened on at most %(n)d incidents at once."),
                params={"n": MAX_INCIDENTS},
            )
        found = {incident.pk: incident for incident in self.visible_incidents.filter(pk__in=wanted)}
        missing = [str(pk) for pk in wanted if pk not in found]
        if missing:
            self.add_error(
                "incident_ids",
                _("No incident you can see has the number %(numbers)s.")
                % {"numbers": ", ".join(missing)},
            )
        cleaned["incidents"] = [found[pk] for pk in wanted if pk in found]
        lead = cleaned.get("lead_investigator")
        organisation = cleaned.get("organisation")
        if (
            lead is not None
            and organisation is not None
            and not permissions.may(lead, Case, "change", organisation)
        ):
            self.add_error(
                "lead_investigator",
                _("The lead investigator must work on cases in this organisation."),
            )
        return cleaned


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=CaseStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to close or reopen a case. Encrypted."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status and status not in ALLOWED_TRANSITIONS[self.case.status]:
            raise forms.ValidationError(
                _("This case cannot go from “%(current)s” to “%(new)s”."),
                params={
                    "current": CaseStatus(self.case.status).label,
                    "new": CaseStatus(status).label,
                },
            )
        if (
            status
            and (status == CaseStatus.CLOSED or self.case.status == CaseStatus.CLOSED)
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", _("Say why: closing or reopening a case needs a reason."))
        return cleaned


class FindingsForm(forms.Form):
    findings = forms.CharField(
        label=_("Findings"),
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Encrypted in the database; the change log records only that they changed."),
    )


class ReferralForm(forms.Form):
    recipient_kind = forms.ChoiceField(label=_("Referred to"), choices=RecipientKind.choices)
    recipient_name = forms.CharField(
        label=_("Institution"),
        max_length=200,
        help_text=_("e.g. Tribunal de grande instance de la Commune III de Bamako, or OHCHR."),
    )
    referred_on = IsoDateField(label=_("Date"))
    reference = forms.CharField(label=_("Their reference"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=ReferralStatus.choices, initial=ReferralStatus.SENT
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Encrypted."),
    )


class ReferralStatusForm(forms.Form):
    referral = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=ReferralStatus.choices)


class TaskForm(forms.Form):
    title = forms.CharField(
        label=_("Task or deadline"),
        max_length=200,
        help_text=_("No names here: put them in the notes, which are encrypted."),
    )
    due_on = IsoDateField(label=_("Due on"))
    is_deadline = forms.BooleanField(
        label=_("Hard deadline (set by a court or a statute)"), required=False
    )
    assigned_to = UserChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label=_("Assigned to"),
        empty_label=_("(nobody)"),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Encrypted."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(organisation_id=case.organisation_id).values("user_id")
        self.fields["assigned_to"].queryset = (
            get_user_model().objects.filter(pk__in=members, is_active=True).order_by("username")
        )


class TaskDoneForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput)


# -- evidence (the upload form is on the case page; vigie.evidence.views receives it) -----------------

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EvidenceForm(forms.Form):
    """Capture metadata of a file; the file itself is read by the view (``file``), hashed as it arrives.

    Values are passed as typed to vigie.evidence.services.add_evidence, whose checks say which field
    is wrong and why; only the place is looked up here (a gazetteer code or an exact name)."""

    captured_at = forms.CharField(
        label=_("Captured at"),
        required=False,
        widget=DATETIME,
        help_text=_("When the photograph, recording or document was made."),
    )
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=200,
        help_text=_("Where it was captured: a place name or its gazetteer code."),
    )
    latitude = forms.CharField(
        label=_("Latitude"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    longitude = forms.CharField(
        label=_("Longitude"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    device = forms.CharField(
        label=_("Device"),
        required=False,
        max_length=200,
        help_text=_("The camera, phone or recorder (make and model)."),
    )
    collected_by = forms.CharField(
        label=_("Collected by"),
        required=False,
        max_length=2000,
        help_text=_("Who collected it, and how to reach them. Encrypted."),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=2000,
        help_text=_(
            "Where it was found: a web address, a channel, a person or an office. Encrypted."
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What it shows. Encrypted."),
    )
    note = forms.CharField(
        label=_("Note on receipt"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "How it reached you, e.g. “handed over on an SD card in a sealed envelope”. Encrypted."
        ),
    )

    def __init__(self, *args, organisation_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id

    def clean_place(self):
        text = self.cleaned_data.get("place", "").strip()
        if not text:
            return None
        from vigie.intake.search import search_places
        from vigie.places.models import Place

        # The published places and the case's organisation's own (vigie.core.published): another
        # organisation's unpublished place is not found.
        places = Place.objects.available_to(self.organisation_id)
        by_code = places.filter(code=text).first()
        if by_code is not None:
            return by_code
        exact = [
            match.place for match in search_places(text, limit=8, queryset=places) if match.exact
        ]
        if len(exact) == 1:
            return exact[0]
        if not exact:
            raise forms.ValidationError(
                _("No place of the gazetteer is called “%(name)s”."), params={"name": text[:60]}
            )
        raise forms.ValidationError(
            _("Several places are called “%(name)s”; give the code of one: %(codes)s."),
            params={"name": text[:60], "codes": ", ".join(p.code for p in exact)},
        )

    def metadata(self) -> dict:
        data = self.cleaned_data
        metadata = {
            name: data.get(name, "")
            for name in (
                "captured_at",
                "latitude",
                "longitude",
                "device",
                "collected_by",
                "source",
                "description",
                "note",
            )
        }
        metadata["captured_place"] = data.get("place")
        return metadata


class DerivedEvidenceForm(EvidenceForm):
    transformation = forms.CharField(
        label=_("How the copy was made"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. “faces blurred”, “transcript of minutes 2 to 5”. Encrypted."),
    )

    field_order = ["transformation"]
