"""What the filter sets of every app share: lists of references separated by commas ("any of"),
given by id or by a code, and several choices at once."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _

from vigie.core.text import parse_id

MAX_LIST = 50


class ReferenceListField(forms.CharField):
    """A comma-separated list of references (ids or codes), at most MAX_LIST of them."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        items = [item.strip() for item in value.split(",") if item.strip()]
        if not items:
            return None
        if len(items) > MAX_LIST:
            raise forms.ValidationError(_("Give at most %(count)s values.") % {"count": MAX_LIST})
        return items


class ReferenceListFilter(filters.CharFilter):
    field_class = ReferenceListField


class ChoiceInFilter(filters.BaseInFilter, filters.ChoiceFilter):
    """Any of several choices, separated by commas."""


def split_references(items: list[str]) -> tuple[list[int], list[str]]:
    numbers = [(item, parse_id(item)) for item in items]
    return [n for _item, n in numbers if n is not None], [item for item, n in numbers if n is None]


def by_id_or(field_names: tuple[str, ...], items: list[str]) -> Q:
    """Rows whose id, or one of ``field_names``, is among ``items``."""
    ids, names = split_references(items)
    condition = Q(pk__in=ids)
    for name in field_names:
        if names:
            condition |= Q(**{f"{name}__in": names})
    return condition
