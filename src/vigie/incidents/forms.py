"""Forms of the web pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vigie.incidents.choices import CASUALTY_FIELDS

# The analyst's figures the page offers, by row: (label, field prefix).
FIGURE_ROWS = (
    (_("Killed"), "killed"),
    (_("Civilians killed"), "killed_civilian"),
    (_("Injured"), "injured"),
    (_("Abducted"), "abducted"),
)
BOUNDS = (("low", _("low")), ("best", _("best")), ("high", _("high")))
FIGURE_FIELDS = [f"{prefix}_{bound}" for _label, prefix in FIGURE_ROWS for bound, _b in BOUNDS]
assert set(FIGURE_FIELDS) <= set(CASUALTY_FIELDS)


class FiguresForm(forms.Form):
    """An analyst's casualty figures for an incident (vigie.incidents.services.set_figures).

    An empty box keeps the figure computed from the reports; a reason is required, and "go back to the
    computed figures" removes every figure the analyst set."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why these figures replace the ones computed from the reports (kept in the change log)."
        ),
    )
    clear = forms.BooleanField(
        label=_("Go back to the figures computed from the reports"), required=False
    )

    def __init__(self, *args, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        for row_label, prefix in FIGURE_ROWS:
            for bound, bound_label in BOUNDS:
                name = f"{prefix}_{bound}"
                computed = incident.figure(name) if incident is not None else None
                attributes = {
                    "inputmode": "numeric",
                    "style": "max-width:6rem",
                    "aria-label": f"{row_label}, {bound_label}",
                    "placeholder": "" if computed is None else str(computed),
                }
                self.fields[name] = forms.IntegerField(
                    label=bound_label,
                    required=False,
                    min_value=0,
                    max_value=10_000_000,
                    widget=forms.NumberInput(attrs=attributes),
                )
        order = [*FIGURE_FIELDS, "reason", "clear"]
        self.order_fields(order)
        if incident is not None and not self.is_bound:
            self.initial.update(
                {
                    name: value
                    for name, value in (incident.figures_override or {}).items()
                    if name in FIGURE_FIELDS
                }
            )

    def rows(self):
        """The figure fields by row, for the template: (label, [bound fields low, best, high])."""
        return [
            (label, [self[f"{prefix}_{bound}"] for bound, _b in BOUNDS])
            for label, prefix in FIGURE_ROWS
        ]

    def figures(self) -> dict[str, int]:
        if self.cleaned_data.get("clear"):
            return {}
        return {
            name: self.cleaned_data[name]
            for name in FIGURE_FIELDS
            if self.cleaned_data.get(name) is not None
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("clear"):
            return cleaned
        for _label, prefix in FIGURE_ROWS:
            low, best, high = (
                cleaned.get(f"{prefix}_{bound}") for bound in ("low", "best", "high")
            )
            given = [value for value in (low, best, high) if value is not None]
            if given != sorted(given):
                self.add_error(
                    f"{prefix}_best" if best is not None else f"{prefix}_high",
                    _("Low, best and high must go up: low ≤ best ≤ high."),
                )
        if not any(cleaned.get(name) is not None for name in FIGURE_FIELDS):
            raise forms.ValidationError(
                _("Give at least one figure, or tick the box to go back to the computed figures.")
            )
        if not (cleaned.get("reason") or "").strip():
            self.add_error(
                "reason", _("Give the reason for these figures: it is kept in the change log.")
            )
        return cleaned
