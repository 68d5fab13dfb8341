"""Keyset ("cursor") pagination: every page costs the same, on the first page or the ten-thousandth.

A page is read with ``WHERE (date_start, id) < (last date, last id) ORDER BY date_start DESC, id DESC
LIMIT n``: no OFFSET (which reads every skipped row) and no COUNT (which reads every row). The
cursor is an opaque token holding the ordering and the key of the row it starts after.

A view lists its orderings in ``keyset_orderings`` (name -> fields, the last one unique, none of
them nullable) and names the default in ``keyset_default``.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param

MAX_PAGE_SIZE = 200


def _encode_value(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"
    max_page_size = MAX_PAGE_SIZE

    # -- the view's orderings --------------------------------------------------------------------
    @staticmethod
    def orderings(view) -> dict[str, tuple[str, ...]]:
        return getattr(view, "keyset_orderings", None) or {"-id": ("-id",)}

    def default_ordering(self, view) -> str:
        return getattr(view, "keyset_default", None) or next(iter(self.orderings(view)))

    # -- reading the request ---------------------------------------------------------------------
    def _page_size(self, request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value in (None, ""):
            return api_settings.PAGE_SIZE or 50
        try:
            size = int(value)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def _ordering(self, request, view) -> str:
        name = request.query_params.get(self.ordering_query_param) or self.default_ordering(view)
        if name not in self.orderings(view):
            raise ValidationError(
                {
                    self.ordering_query_param: [
                        _("Unknown ordering; choose one of: %(choices)s.")
                        % {"choices": ", ".join(self.orderings(view))}
                    ]
                }
            )
        return name

    def _decode_cursor(self, request, model, ordering: str, fields: tuple[str, ...]):
        token = request.query_params.get(self.cursor_query_param)
        if not token:
            return None
        invalid = ValidationError(
            {
                self.cursor_query_param: [
                    _(
                        "Invalid cursor: use the next or previous link of an answer, with the same ordering."
                    )
                ]
            }
        )
        try:
            data = json.loads(
                base64.urlsafe_b64decode(token.encode("ascii") + b"=" * (-len(token) % 4))
            )
            name, raw_values, reverse = data["o"], data["k"], data["r"]
        except (ValueError, UnicodeError, binascii.Error, KeyError, TypeError):
            raise invalid from None
        if (
            name != ordering
            or not isinstance(raw_values, list)
            or len(raw_values) != len(fields)
            or not isinstance(reverse, bool)
        ):
            raise invalid
        values = []
        for field_name, raw in zip(fields, raw_values, strict=True):
            field = model._meta.get_field(field_name.lstrip("-"))
            try:
                value = field.to_python(raw)
            except (DjangoValidationError, TypeError, ValueError):
                raise invalid from None
            if value is None or (isinstance(value, int) and not -(2**63) <= value < 2**63):
                raise invalid
            values.append(value)
        return values, reverse

    def _encode_cursor(self, ordering: str, values: list, reverse: bool) -> str:
        data = json.dumps(
            {"o": ordering, "k": [_encode_value(v) for v in values], "r": reverse},
            separators=(",", ":"),
        )
        return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")

    # -- the query --------------------------------------------------------------------------------
    @staticmethod
    def _beyond(fields: tuple[str, ...], values: list, reverse: bool) -> Q:
        """Rows strictly after ``values`` in the order of ``fields`` (before them when ``reverse``)."""
        condition = Q()
        equal = Q()
        for field, value in zip(fields, values, strict=True):
            name = field.lstrip("-")
            descending = field.startswith("-") != reverse
            condition |= equal & Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
            equal &= Q(**{name: value})
        # The bound on the first field alone lets the database walk its index from there.
        first = fields[0].lstrip("-")
        descending = fields[0].startswith("-") != reverse
        return Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]}) & condition

    @staticmethod
    def _flip(field: str) -> str:
        return field[1:] if field.startswith("-") else f"-{field}"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self._page_size(request)
        self.ordering = self._ordering(request, view)
        fields = self.orderings(view)[self.ordering]
        cursor = self._decode_cursor(request, queryset.model, self.ordering, fields)
        values, reverse = cursor if cursor else (None, False)
        queryset = queryset.order_by(*(self._flip(f) for f in fields) if reverse else fields)
        if values is not None:
            queryset = queryset.filter(self._beyond(fields, values, reverse))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        page = rows[: self.page_size]
        if reverse:
            page.reverse()

        def key(obj) -> list:
            return [getattr(obj, field.lstrip("-")) for field in fields]

        self.next_cursor = self.previous_cursor = None
        if not reverse:
            if more:
                self.next_cursor = self._encode_cursor(self.ordering, key(page[-1]), False)
            if values is not None:
                self.previous_cursor = self._encode_cursor(
                    self.ordering, key(page[0]) if page else values, True
                )
        else:
            if more:
                self.previous_cursor = self._encode_cursor(self.ordering, key(page[0]), True)
            self.next_cursor = self._encode_cursor(
                self.ordering, key(page[-1]) if page else values, False
            )
        return page

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        url = replace_query_param(url, self.cursor_query_param, cursor)
        return url

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self._link(self.next_cursor),
                "previous": self._link(self.previous_cursor),
                "results": data,
            }
        )

    # -- the schema -------------------------------------------------------------------------------
    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page, or null on the last one."},
                "previous": {**link, "description": "The previous page, or null on the first one."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        parameters = [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: the opaque value given in the next or previous link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Number of results per page (default {api_settings.PAGE_SIZE}, "
                f"at most {self.max_page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
        orderings = list(self.orderings(view))
        if len(orderings) > 1:
            parameters.append(
                {
                    "name": self.ordering_query_param,
                    "required": False,
                    "in": "query",
                    "description": f"Order of the results (default {self.default_ordering(view)}); "
                    "a minus sign means descending.",
                    "schema": {"type": "string", "enum": orderings},
                }
            )
        return parameters
