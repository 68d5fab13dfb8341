"""Fields every app's serializers share: a choice that may be empty, a web address, and an
incident named by another record (shown only to those who may read it)."""

from __future__ import annotations

from rest_framework import serializers


def blank_choice(choices, **kwargs) -> serializers.ChoiceField:
    """A read-only choice that may be empty (the schema then allows "")."""
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True, **kwargs)


def web_address() -> serializers.CharField:
    """A URL, or "" when there is none (so not declared with the "uri" format, which "" breaks)."""
    return serializers.CharField(read_only=True, help_text="A web address, or empty.")


# -- incidents named by other records ----------------------------------------------------------------------

INCIDENT_ID_HELP = "The incident's id; null when you may not read that incident."


def shown_incident(context: dict, pk: int | None) -> int | None:
    """``pk`` if the caller may read that incident (the view's vigie.core.querysets.ReadableIncidents), else
    None; without that context (a serializer used outside a view) never an id: closed by default."""
    readable = context.get("readable_incidents")
    return None if readable is None or pk is None else readable.shown(pk)


class IncidentIdField(serializers.IntegerField):
    """An incident named by another record: its id only if the caller may read the incident, else null.

    A report, a case or a victim readable by the caller may name another organisation's incident or a
    restricted one: its id would tell that the incident exists and what it is linked to."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", INCIDENT_ID_HELP)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return shown_incident(self.context, getattr(value, "pk", value))


class IncidentIdListField(serializers.ListField):
    """Incidents named by another record: the ids of those the caller may read (the others left out)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("child", serializers.IntegerField())
        kwargs.setdefault(
            "help_text", "The ids of the incidents that you may read (the others are left out)."
        )
        super().__init__(**kwargs)

    def to_representation(self, data):
        items = data.all() if hasattr(data, "all") else data
        shown = (shown_incident(self.context, getattr(item, "pk", item)) for item in items)
        return [pk for pk in shown if pk is not None]
