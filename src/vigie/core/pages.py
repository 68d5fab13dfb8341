"""What the signed-in pages of several apps share: pages of a list without COUNT(*),
a count that stops at a cap, and the page that publishes a name (vigie.core.published).

Lists are paginated without counting the whole table (one row more than a page tells if there is a
next page).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from vigie.core.published import may_publish, publish
from vigie.core.views import forbidden

COUNT_CAP = 10_000  # report counts stop here ("10000+"): a source may have a million rows


# -- pagination without COUNT(*) ------------------------------------------------------------------------


@dataclass
class Page:
    items: list
    number: int
    has_next: bool
    query: str  # the request's other parameters, for the links

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1


def page_of(request, queryset, size: int) -> Page:
    try:
        number = min(max(int(request.GET.get("page", "1")), 1), 100_000)
    except ValueError:
        number = 1
    start = (number - 1) * size
    items = list(queryset[start : start + size + 1])
    query = urlencode([(k, v) for k, values in request.GET.lists() if k != "page" for v in values])
    return Page(items[:size], number, len(items) > size, query)


def capped_count(queryset) -> str:
    n = queryset[: COUNT_CAP + 1].count()
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


# -- publishing a name -------------------------------------------------------------------------------------


def publish_page(request, queryset, pk: int, detail: str):
    """Publish an unpublished name the user may see (vigie.core.published.publish, in the change log):
    404 outside their scope, 403 when their role may not publish it."""
    obj = get_object_or_404(queryset.visible_to(request.user), pk=pk)
    if request.method != "POST":  # after the lookup: outside one's scope the address does not exist
        return HttpResponseNotAllowed(["POST"])
    if not obj.published:
        if not may_publish(request.user, obj):
            return forbidden(
                request,
                _("Only an analyst of the organisation that recorded this name publishes it."),
                back="web:incident_list",
            )
        publish(obj, request.user)
        messages.success(request, _("The name is published: everyone may see it now."))
    return redirect(detail, pk=obj.pk)
