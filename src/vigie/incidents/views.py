"""The incident list (filters, keyset pages, exports) and an incident's page (reports side by side,
the pair scores that joined them, the range and its rule, the grade, the map, the timeline, the history)."""

from __future__ import annotations

import datetime
import hashlib
import io
import tempfile

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import caches
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from vigie.core import permissions
from vigie.core.choices import ChangeAction, Visibility
from vigie.core.models import ChangeLogEntry
from vigie.core.permissions import can
from vigie.core.views import ScopedObjectMixin, object_for
from vigie.incidents.choices import EventType, Grade, PairStatus, SubEventType
from vigie.incidents.estimates import CLAIM_FIELDS
from vigie.incidents.filtersets import IncidentFilterSet
from vigie.incidents.models import Incident, LinkPair, surviving
from vigie.incidents.services import set_figures
from vigie.interop.exports import export_incidents
from vigie.interop.registry import get_export_format
from vigie.reports.models import Report

from . import geo
from .forms import FiguresForm
from .visibility import audience_key, signed_in

PAGE_SIZE = 50
# A new source or place shows in the filter form's selects within this time.
FILTER_FORM_SECONDS = 60
# Export files are written to a temporary file first (in memory up to this size, then on disk) and
# streamed from it: memory stays flat whatever the number of incidents.
EXPORT_SPOOL_BYTES = 8 * 1024 * 1024
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json; charset=utf-8",
    "hxl": "text/csv; charset=utf-8",
}
CURSOR_PARAMETERS = ("after", "before")
# What a row of the list shows: reading only these keeps a page light to fetch and to build.
LIST_FIELDS = (
    "id",
    "date_start",
    "date_end",
    "location",
    "event_type",
    "sub_event_type",
    "grade",
    "killed_low",
    "killed_best",
    "killed_high",
    "killed_civilian_best",
    "admin1__name",
    "admin2__name",
)


# -- keyset pages: no COUNT(*), no OFFSET -------------------------------------------------------------


def parse_cursor(value: str | None) -> tuple[datetime.date, int] | None:
    """A page cursor "YYYY-MM-DD_ID" (the last incident of a page), or None when absent or malformed."""
    if not value:
        return None
    day, _sep, pk = value.partition("_")
    try:
        return datetime.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def cursor_of(incident) -> str:
    return f"{incident.date_start.isoformat()}_{incident.pk}"


def keyset_page(queryset, after=None, before=None, size: int = PAGE_SIZE):
    """One page of ``queryset`` in (-date_start, -id) order, after or before a cursor; size + 1 rows are
    read to learn whether there is a next page. Returns (rows, has_newer, has_older)."""
    if before is not None:
        day, pk = before
        rows = list(
            queryset.filter(Q(date_start__gt=day) | Q(date_start=day, pk__gt=pk)).order_by(
                "date_start", "id"
            )[: size + 1]
        )
        has_newer = len(rows) > size
        rows = rows[:size]
        rows.reverse()
        return rows, has_newer, True
    ordered = queryset.order_by("-date_start", "-id")
    if after is not None:
        day, pk = after
        ordered = ordered.filter(Q(date_start__lt=day) | Q(date_start=day, pk__lt=pk))
    rows = list(ordered[: size + 1])
    return rows[:size], after is not None, len(rows) > size


def _number(value) -> str:
    """A whole number as the page's language writes it (1 234 / 1,234); small ones need no grouping."""
    return str(value) if -1000 < value < 1000 else intcomma(value)


# One row of the incident list. Written with format_html rather than a template loop: the loop's
# variable lookups and filters were a third of the list page's time (bench/RESULTS.md).
ROW = (
    '<tr><td><a href="{url}">{day}</a>{until}</td><td>{location}<br><span class="muted">{area}</span></td>'
    '<td>{event_type}<br><span class="muted">{sub_event_type}</span></td><td class="num">{killed}</td>'
    '<td class="num opt">{civilians}</td><td class="num opt">{reports}</td><td class="opt">{grade}</td></tr>\n'
)


def incident_rows(incidents, report_counts: dict[int, int]) -> str:
    """The list's table rows, escaped, in the active language."""
    if not incidents:
        return format_html('<tr><td colspan="7">{}</td></tr>', _("No incident to show."))
    event_types, sub_event_types, grades = (
        {value: str(label) for value, label in choices}
        for choices in (EventType.choices, SubEventType.choices, Grade.choices)
    )
    url = reverse("web:incident_detail", args=[2147483647])
    days: dict = {}

    def day(value) -> str:
        if value not in days:
            days[value] = date_format(value, "SHORT_DATE_FORMAT")
        return days[value]

    rows = []
    for incident in incidents:
        if incident.killed_best is not None:
            low = "?" if incident.killed_low is None else _number(incident.killed_low)
            high = "?" if incident.killed_high is None else _number(incident.killed_high)
            killed = format_html(
                "{}–<strong>{}</strong>–{}", low, _number(incident.killed_best), high
            )
        else:
            killed = "—"
        area = ", ".join(
            place.name for place in (incident.admin2, incident.admin1) if place is not None
        )
        grade = (
            format_html(
                '<span class="badge grade-{}">{}</span>',
                incident.grade,
                grades.get(incident.grade, ""),
            )
            if incident.grade
            else ""
        )
        rows.append(
            format_html(
                ROW,
                url=url.replace("2147483647", str(incident.pk)),
                day=day(incident.date_start),
                until=f" – {day(incident.date_end)}"
                if incident.date_end and incident.date_end != incident.date_start
                else "",
                location=incident.location or "?",
                area=area,
                event_type=event_types.get(incident.event_type) or "—",
                sub_event_type=sub_event_types.get(incident.sub_event_type, ""),
                killed=killed,
                civilians="—"
                if incident.killed_civilian_best is None
                else _number(incident.killed_civilian_best),
                reports=_number(report_counts.get(incident.pk, 0)),
                grade=grade,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 (each row escaped by format_html)


def _query_without(request, *names: str) -> str:
    """The query string less ``names`` and less empty fields (a plain form submits every field)."""
    query = request.GET.copy()
    for name in [*names, *(key for key, values in request.GET.lists() if not any(values))]:
        query.pop(name, None)
    return query.urlencode()


def is_partial(request) -> bool:
    """An htmx request for the results only (a history restore wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


class IncidentListView(View):
    template_name = "incidents/incident_list.html"
    partial_template_name = "incidents/_incident_results.html"

    def get(self, request, *args, **kwargs):
        user = request.user
        filterset = IncidentFilterSet(
            request.GET or None,
            queryset=Incident.objects.visible_to(user),
            request=request,
            page=True,
        )
        queryset = filterset.qs.select_related("admin1", "admin2").only(*LIST_FIELDS)
        before = parse_cursor(request.GET.get("before"))
        after = None if before else parse_cursor(request.GET.get("after"))
        incidents, has_newer, has_older = keyset_page(queryset, after=after, before=before)
        counts = dict(
            Report.objects.filter(incident_id__in=[i.pk for i in incidents], is_current=True)
            .order_by()
            .values("incident_id")
            .annotate(n=Count("id"))
            .values_list("incident_id", "n")
        )
        filters = _query_without(request, *CURSOR_PARAMETERS)
        context = {
            "filter": filterset,
            "incidents": incidents,
            "rows": incident_rows(incidents, counts),
            "filters_query": filters,
            "filtered": bool(filters),
            "newer_query": f"{filters}&before={cursor_of(incidents[0])}".lstrip("&")
            if has_newer and incidents
            else "",
            "older_query": f"{filters}&after={cursor_of(incidents[-1])}".lstrip("&")
            if has_older and incidents
            else "",
            "first_page": before is None and after is None,
            "export_links": export_links(filters, export_organisations(user)),
        }
        partial = is_partial(request)
        if not partial:
            context["filter_fields"] = filter_fields(filterset, request, filters)
        template = self.partial_template_name if partial else self.template_name
        response = TemplateResponse(request, template, context)
        patch_vary_headers(response, ["HX-Request"])
        return response


def filter_fields(filterset, request, filters_query: str) -> str:
    """The filter form's fields as HTML, kept FILTER_FORM_SECONDS for the users who see the same
    choices (same memberships, same language) and the same filters: drawing its selects (every
    cercle, every source) was a third of the list page's time."""
    key = f"vigie:web:filters:{audience_key(request.user)}:{hashlib.sha256(filters_query.encode()).hexdigest()[:32]}"
    fragments = caches["fragments"]
    html = fragments.get(key)
    if html is None:
        filterset.fill_choices()
        html = render_to_string(
            "incidents/_incident_filters.html", {"form": filterset.form}, request=request
        )
        fragments.set(key, html, FILTER_FORM_SECONDS)
    return mark_safe(html)  # noqa: S308 (drawn by our template, whose values are escaped)


# -- exports ----------------------------------------------------------------------------------------


def export_organisations(user) -> list:
    """The organisations whose members' export a user may download: those they belong to."""
    if not signed_in(user):
        return []
    from vigie.core.models import Organisation

    return list(Organisation.objects.of_member(user).order_by("name"))


def export_links(filters_query: str, organisations: list) -> list[dict]:
    """A download link per format (and per organisation, for a member of several)."""
    links = []
    for organisation in organisations or [None]:
        for format_name in EXPORT_TYPES:
            query = filters_query
            if organisation is not None and len(organisations) > 1:
                query = "&".join(
                    part for part in (query, f"organisation={organisation.pk}") if part
                )
            label = (
                format_name.upper()
                if len(organisations) <= 1
                else f"{format_name.upper()} · {organisation.name}"
            )
            url = reverse("web:incident_export", args=[format_name])
            links.append({"label": label, "url": f"{url}?{query}" if query else url})
    return links


def export_response(
    format_name: str, filename: str, *, organisation=None, queryset=None
) -> FileResponse:
    """Write an export with vigie.interop.exports (its audience rules apply) and stream it as a download."""
    spec = get_export_format(format_name)
    spool = tempfile.SpooledTemporaryFile(max_size=EXPORT_SPOOL_BYTES)
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="", write_through=True)
    export_incidents(text, format_name, organisation=organisation, queryset=queryset)
    text.flush()
    text.detach()
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}{spec.suffix}",
        content_type=EXPORT_TYPES.get(format_name, "application/octet-stream"),
    )


class IncidentExportView(View):
    """The filtered list as CSV, GeoJSON or HXL. What it holds is the export's rule for the audience:
    the public's incidents, plus, for a member, their organisation's incidents that are not restricted."""

    def get(self, request, format_name: str, *args, **kwargs):
        if format_name not in EXPORT_TYPES:
            raise Http404
        user = request.user
        organisations = export_organisations(user)
        organisation = None
        if organisations:
            wanted = request.GET.get("organisation")
            organisation = next((o for o in organisations if str(o.pk) == wanted), organisations[0])
        filterset = IncidentFilterSet(
            request.GET or None,
            queryset=Incident.objects.visible_to(user),
            request=request,
            page=True,
        )
        name = f"vigie-incidents-{format_name}-{datetime.date.today().isoformat()}"
        return export_response(format_name, name, organisation=organisation, queryset=filterset.qs)


# -- one incident -----------------------------------------------------------------------------------


def _pairs_of(user, report_ids: list[int]) -> list[dict]:
    """The pair scores that joined this incident's readable reports, and the pairs waiting for review
    with a report of another incident (only when this user may read that report and see its incident)."""
    pairs = list(
        LinkPair.objects.filter(Q(report_a_id__in=report_ids) | Q(report_b_id__in=report_ids))
        .select_related("report_a__source", "report_b__source")
        .order_by("-score")[:50]
    )
    inside_ids = set(report_ids)
    outside = {
        pair.report_b_id if pair.report_a_id in inside_ids else pair.report_a_id
        for pair in pairs
        if pair.status == PairStatus.REVIEW
    } - inside_ids
    readable_outside = (
        set(
            Report.objects.filter(
                pk__in=outside, is_current=True, incident__in=Incident.objects.visible_to(user)
            )
            .readable_by(user)
            .values_list("pk", flat=True)
        )
        if outside
        else set()
    )
    rows = []
    for pair in pairs:
        inside = pair.report_a_id in inside_ids and pair.report_b_id in inside_ids
        if not inside and not (
            pair.status == PairStatus.REVIEW
            and {pair.report_a_id, pair.report_b_id} - inside_ids <= readable_outside
        ):
            continue
        rows.append(
            {
                "pair": pair,
                "inside": inside,
                "weights": sorted(pair.weights.items(), key=lambda item: -abs(item[1])),
            }
        )
    return rows


# The incident fields as the change history names them (the change log keeps attnames).
INCIDENT_FIELD_LABELS = {
    "organisation_id": gettext_lazy("organisation"),
    "visibility": gettext_lazy("visibility"),
    "key": gettext_lazy("key"),
    "date_start": gettext_lazy("start date"),
    "date_end": gettext_lazy("end date"),
    "date_precision": gettext_lazy("date precision"),
    "place_id": gettext_lazy("place"),
    "admin0_id": gettext_lazy("country"),
    "admin1_id": gettext_lazy("region"),
    "admin2_id": gettext_lazy("cercle"),
    "admin3_id": gettext_lazy("commune"),
    "location": gettext_lazy("location"),
    "latitude": gettext_lazy("latitude"),
    "longitude": gettext_lazy("longitude"),
    "geo_precision": gettext_lazy("precision of the place"),
    "event_type": gettext_lazy("event type"),
    "sub_event_type": gettext_lazy("sub-event type"),
    "civilian_targeting": gettext_lazy("civilians targeted"),
    "casualty_split": gettext_lazy("figures by status"),
    "estimate_rule": gettext_lazy("estimate rule"),
    "grade": gettext_lazy("grade"),
    "grade_reason": gettext_lazy("why this grade"),
    "figures_override": gettext_lazy("analyst's figures"),
    "override_reason": gettext_lazy("reason for the analyst's figures"),
    "merged_into_id": gettext_lazy("merged into"),
    "needs_review": gettext_lazy("needs review"),
    "created": gettext_lazy("created"),
    **{
        f"{harm}_{bound}": format_lazy("{} ({})", harm_label, bound_label)
        for harm, harm_label in (
            ("killed", gettext_lazy("killed")),
            ("injured", gettext_lazy("injured")),
            ("abducted", gettext_lazy("abducted")),
            ("killed_civilian", gettext_lazy("civilians killed")),
        )
        for bound, bound_label in (
            ("low", gettext_lazy("low")),
            ("best", gettext_lazy("best")),
            ("high", gettext_lazy("high")),
        )
    },
}


def _field_names() -> dict[str, str]:
    """Incident fields by the names the change log keeps (attnames), with their names in the active language."""
    return {
        field.attname: str(INCIDENT_FIELD_LABELS.get(field.attname, field.attname))
        for field in Incident._meta.concrete_fields
        if field.attname not in ("id", "updated")
    }


def _short(value) -> str:
    text = "—" if value in (None, "", {}, []) else str(value)
    return text if len(text) <= 120 else text[:119] + "…"


PLACE_FIELDS = ("place_id", "admin0_id", "admin1_id", "admin2_id", "admin3_id")


def change_history(incident: Incident, limit: int = 100) -> list[dict]:
    """The change log entries of this incident (never another record's), newest first, with the
    incident fields each changed and their values before and after (places by their names)."""
    from vigie.places.models import Place

    names = _field_names()
    entries = list(
        ChangeLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Incident), object_id=incident.pk
        )
        .exclude(action=ChangeAction.READ)
        .order_by("-sequence")[:limit]
    )
    changed = []
    for entry in entries:
        before, after = entry.prechange or {}, entry.postchange or {}
        fields = [
            name
            for name in names
            if entry.action == ChangeAction.UPDATE and before.get(name) != after.get(name)
        ]
        changed.append((entry, before, after, fields))
    place_ids = {
        snapshot.get(name)
        for _e, before, after, fields in changed
        for snapshot in (before, after)
        for name in fields
        if name in PLACE_FIELDS
    }
    place_names = (
        dict(
            Place.objects.filter(
                pk__in=[pk for pk in place_ids if isinstance(pk, int)]
            ).values_list("pk", "name")
        )
        if place_ids
        else {}
    )

    def shown(name, value):
        return _short(place_names.get(value, value) if name in PLACE_FIELDS else value)

    return [
        {
            "time": entry.time,
            "who": entry.user_name,
            "action": entry.get_action_display(),
            "origin": entry.origin,
            "changes": [
                {
                    "field": names[name],
                    "name": name,
                    "before": shown(name, before.get(name)),
                    "after": shown(name, after.get(name)),
                }
                for name in fields
            ],
        }
        for entry, before, after, fields in changed
    ]


def timeline(reports, history) -> list[dict]:
    """The reports by publication date and the incident's changes, oldest first."""
    items = [
        {"date": report.published, "kind": "report", "report": report}
        for report in reports
        if report.published
    ]
    items += [
        {"date": entry["time"].date(), "time": entry["time"], "kind": "change", "entry": entry}
        for entry in history
    ]
    return sorted(items, key=lambda item: (item["date"], item["kind"] == "change"))


def casualty_table(incident: Incident) -> list[tuple[str, list]]:
    """(label, [low, best, high], is a part of the killed) for the figures the incident has."""
    rows = [
        (_("Killed"), "killed"),
        (_("civilians"), "killed_civilian"),
        (_("combatants"), "killed_combatant"),
        (_("status unknown"), "killed_unknown"),
        (_("Injured"), "injured"),
        (_("Abducted"), "abducted"),
    ]
    table = []
    for label, prefix in rows:
        values = [incident.figure(f"{prefix}_{bound}") for bound in ("low", "best", "high")]
        if prefix in ("killed", "injured") or any(value is not None for value in values):
            table.append((label, values, prefix.startswith("killed_")))
    return table


def figures_basis(incident: Incident, readable: list[Report]) -> list[dict]:
    """Every report the incident's figures rest on (vigie.incidents.services.figure_basis), as anyone
    may see it, so that a visitor can redo the estimate: the source (named when the source may be
    named to the public or the reader may read the report, else only its kind: a witness or a
    partner's monitor is never named), its grade, its dates and the figures it gave. Never its text,
    place details or files."""
    from vigie.incidents.services import figure_basis
    from vigie.reports.models import PUBLIC_SOURCE_KINDS

    open_to_reader = {report.pk for report in readable}
    rows = []
    for report in (
        figure_basis(incident).select_related("source").order_by("published", "date_start", "id")
    ):
        source = report.source
        named = report.pk in open_to_reader or (
            source.kind in PUBLIC_SOURCE_KINDS
            and source.redistributable
            and report.visibility == Visibility.PUBLIC
        )
        rows.append(
            {
                "pk": report.pk,
                "source": source.name if named else "",
                "kind": source.get_kind_display(),
                "grade": f"{source.reliability}{report.credibility}",
                "party": source.party or source.kind == "official",
                "published": report.published,
                "date_start": report.date_start,
                **{name: getattr(report, name) for name in CLAIM_FIELDS},
            }
        )
    return rows


class IncidentDetailView(ScopedObjectMixin, View):
    template_name = "incidents/incident_detail.html"

    def get_queryset(self):
        return Incident.objects.select_related("admin1", "admin2", "admin3")

    def get(self, request, pk: int, *args, **kwargs):
        # The incident ``pk`` if this user may see it and it was not merged into another.
        incident = self.get_queryset().visible_one(request.user, pk=pk)
        if incident is None:
            # A merged incident's reports live on in the one that took them, if this user may see it.
            target = surviving(Incident.objects.filter(pk=pk).first())
            if (
                target is not None
                and target.pk != pk
                and Incident.objects.visible_to(request.user).filter(pk=target.pk).exists()
            ):
                return redirect("web:incident_detail", pk=target.pk)
            raise Http404
        form = FiguresForm(incident=incident) if can(request.user, incident, "change") else None
        return self.render(request, incident, form)

    def render(self, request, incident: Incident, form, status: int = 200):
        user = request.user
        reports = (
            incident.reports.filter(is_current=True)
            .select_related("source", "place")
            .order_by("published", "id")
            .readable_list(user)
        )
        # Who changed the incident: for the members of its organisation (and operators), not for
        # the public nor for partners it was shared with.
        sees_history = permissions.may(user, Incident, "view", incident.organisation_id)
        history = change_history(incident) if sees_history else []
        points = geo.points_for([incident])
        basis = figures_basis(incident, reports)
        counted = {row["pk"] for row in basis}
        context = {
            "incident": incident,
            "actor_links": shown_actor_links(user, incident),
            "reports": reports,
            "basis": basis,
            "counted": counted,
            "show_texts": signed_in(user),
            "violations": incident.violations.all(),
            "pairs": _pairs_of(user, [report.pk for report in reports]),
            "casualties": casualty_table(incident),
            "history": history,
            "show_history": sees_history,
            "timeline": timeline(reports, history),
            "points": points,
            "map_attributes": geo.map_attributes() if points else {},
            "figures_form": form,
        }
        return TemplateResponse(request, self.template_name, context, status=status)


def shown_actor_links(user, incident: Incident) -> list:
    """The incident's actors as the page names them: without an unpublished name in a public incident
    for a reader outside the name's organisation (vigie.incidents.api.references.name_withheld)."""
    from vigie.core.published import name_organisations
    from vigie.incidents.api.references import name_withheld

    organisations = name_organisations(user)
    return [
        link
        for link in incident.actor_links.select_related("actor")
        if not name_withheld(
            incident, link.actor.published, link.actor.organisation_id, organisations
        )
    ]


class IncidentFiguresView(IncidentDetailView):
    """An analyst's figures with a reason (POST): analysts, coordinators and administrators of the
    incident's organisation (vigie.core.permissions, action "change")."""

    http_method_names = ["get", "post"]
    action = "change"

    def get(self, request, pk: int, *args, **kwargs):
        """The form is on the incident's page (a 404 for an incident this user may not see)."""
        incident = object_for(request.user, self.get_queryset(), pk=pk)
        return redirect(reverse("web:incident_detail", args=[incident.pk]) + "#figures")

    def post(self, request, pk: int, *args, **kwargs):
        incident = self.get_object()  # 404 outside the user's scope, 403 unless they may change it
        form = FiguresForm(request.POST, incident=incident)
        if form.is_valid():
            try:
                set_figures(
                    incident, form.figures(), form.cleaned_data.get("reason", ""), user=request.user
                )
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                if form.figures():
                    messages.success(
                        request, _("The figures were set; the change log keeps the reason.")
                    )
                else:
                    messages.success(request, _("The figures computed from the reports are back."))
                return redirect("web:incident_detail", pk=incident.pk)
        return self.render(request, incident, form, status=400)
