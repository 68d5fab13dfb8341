"""The pages of intake and review: the report form and drafts, the review queue and split (the
pages of sources, actors and places are in their apps: vigie.reports, vigie.actors, vigie.places).

Access: every page needs a login (the anonymous are sent to it). A record outside the user's scope
answers 404; an action the user's role does not allow, on something they may see, answers 403. A file
sent with a report is downloaded by those who may read the report (a draft's, by its author only);
anyone else, the anonymous included, gets 404, as for evidence.
Lists are paginated without counting the whole table (vigie.core.pages.page_of).
"""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from vigie.actors.models import Actor
from vigie.core import permissions
from vigie.core.audit import record_read
from vigie.core.dates import parse_iso_date
from vigie.core.pages import capped_count, page_of
from vigie.core.views import forbidden
from vigie.incidents.models import Incident
from vigie.incidents.services import split
from vigie.places.models import Place
from vigie.reports.models import Report

from . import services
from .attachments import MAX_FILES, AttachmentError, attachment_store, receive_files
from .forms import (
    DRAFT_FIELDS,
    NEW,
    NO_PLACE,
    ReportForm,
    SplitForm,
    sources_for_intake,
)
from .models import ReportAttachment, ReportDraft
from .search import MIN_QUERY, search_actors, search_places

PICKERS = ("place", "perpetrator", "target")


# -- pickers: places and actors -------------------------------------------------------------------------


def place_options(query: str, chosen: str = "", user=None) -> list[dict]:
    places = Place.objects.visible_to(user)
    matches = (
        search_places(query, limit=6, queryset=places) if len(query.strip()) >= MIN_QUERY else []
    )
    options = []
    for match in matches:
        place = match.place
        options.append(
            {
                "value": str(place.pk),
                "label": place.name,
                "kind": place.get_kind_display(),
                "also": match.matched if match.is_alias else "",
                "context": " · ".join(p.name for p in match.hierarchy),
                "review": place.needs_review,
            }
        )
    if chosen and chosen not in {o["value"] for o in options} and chosen.isdigit():
        place = places.select_related("parent__parent__parent").filter(pk=chosen).first()
        if place is not None:
            chain, parent = [], place.parent
            while parent is not None and parent.kind != "country" and len(chain) < 4:
                chain.append(parent.name)
                parent = parent.parent
            options.insert(
                0,
                {
                    "value": str(place.pk),
                    "label": place.name,
                    "kind": place.get_kind_display(),
                    "also": "",
                    "context": " · ".join(chain),
                    "review": place.needs_review,
                },
            )
    for option in options:
        option["checked"] = option["value"] == chosen
    return options


def actor_options(query: str, chosen: str = "", user=None) -> list[dict]:
    actors = Actor.objects.visible_to(user)
    matches = (
        search_actors(query, limit=6, queryset=actors) if len(query.strip()) >= MIN_QUERY else []
    )
    options = []
    for match in matches:
        actor = match.actor
        options.append(
            {
                "value": str(actor.pk),
                "label": actor.name,
                "kind": actor.get_category_display(),
                "also": f"{match.matched} ({match.get_language_display()})"
                if match.is_alias
                else "",
                "context": actor.parent.name if actor.parent_id else "",
                "review": actor.needs_review,
            }
        )
    if chosen.isdigit() and chosen not in {o["value"] for o in options}:
        actor = actors.filter(pk=chosen).first()
        if actor is not None:
            options.insert(
                0,
                {
                    "value": str(actor.pk),
                    "label": actor.name,
                    "kind": actor.get_category_display(),
                    "also": "",
                    "context": "",
                    "review": actor.needs_review,
                },
            )
    for option in options:
        option["checked"] = option["value"] == chosen
    return options


def picker(name: str, query: str, chosen: str, user=None) -> dict:
    """What the template needs to draw the choices under a place or actor box: the places or actors
    ``user`` may see (vigie.core.published)."""
    query = (query or "").strip()
    options = (
        place_options(query, chosen, user)
        if name == "place"
        else actor_options(query, chosen, user)
    )
    return {
        "name": name,
        "query": query,
        "options": options,
        "none_value": NO_PLACE if name == "place" else NEW,
        "none_label": (
            _("None of these: keep the place as written")
            if name == "place"
            else _("None of these: a new name, as written")
        ),
        "none_checked": chosen in (NO_PLACE, NEW),
        "searched": len(query) >= MIN_QUERY,
    }


@never_cache
@login_required
@require_safe
@vary_on_headers("HX-Request")
def place_search(request):
    """Places matching ``q`` in any spelling. For HTMX: the choices of the report form; otherwise a page."""
    query = (request.GET.get("q") or request.GET.get("place_query") or "").strip()[:200]
    if request.headers.get("HX-Request"):
        return render(
            request, "intake/_choices.html", {"picker": picker("place", query, "", request.user)}
        )
    matches = search_places(query, limit=30, queryset=Place.objects.visible_to(request.user))
    return render(
        request, "intake/search.html", {"query": query, "places": matches, "kind": "place"}
    )


@never_cache
@login_required
@require_safe
@vary_on_headers("HX-Request")
def actor_search(request):
    """Actors matching ``q`` by name or alias (French, English, acronyms...)."""
    role = request.GET.get("for", "")
    role = role if role in ("perpetrator", "target") else "perpetrator"
    query = (request.GET.get("q") or request.GET.get(f"{role}_query") or "").strip()[:300]
    if request.headers.get("HX-Request"):
        return render(
            request, "intake/_choices.html", {"picker": picker(role, query, "", request.user)}
        )
    matches = search_actors(query, limit=30, queryset=Actor.objects.visible_to(request.user))
    return render(
        request, "intake/search.html", {"query": query, "actors": matches, "kind": "actor"}
    )


# -- the report form and drafts ---------------------------------------------------------------------------


def _filled(data: dict) -> dict:
    """What was typed, without the empty fields (the form's own defaults show for those)."""
    return {name: value for name, value in data.items() if value not in ("", None)}


def _typed(post) -> dict:
    data = {name: post.get(name, "") for name in DRAFT_FIELDS}
    for name in PICKERS:
        data[f"{name}_for"] = post.get(f"{name}_for", "")
    return data


def _organisation_of(post, organisations):
    value = post.get("organisation", "")
    for organisation in organisations:
        if str(organisation.pk) == value:
            return organisation
    return organisations[0]


def _render_form(request, form, draft, organisations, status=200, attachment_error=""):
    data = form.data if form.is_bound else {**form.initial}

    def value(name):
        raw = data.get(name, "")
        return "" if raw is None else str(raw)

    pickers = {
        name: picker(name, value(f"{name}_query"), value(name), request.user) for name in PICKERS
    }
    return render(
        request,
        "intake/report_form.html",
        {
            "form": form,
            "draft": draft,
            "pickers": pickers,
            "several_organisations": len(organisations) > 1,
            "attachments": list(draft.attachments.all()) if draft else [],
            "max_files": MAX_FILES,
            "attachment_error": attachment_error,
        },
        status=status,
    )


def _report_form(request, draft: ReportDraft | None):
    user = request.user
    organisations = list(services.intake_organisations(user))
    if not organisations:
        return forbidden(
            request,
            _("Your role does not allow you to add reports in any organisation."),
            back="web:incident_list",
        )
    org_queryset = services.intake_organisations(user)
    sources = sources_for_intake(user, organisations)
    if request.method != "POST":
        initial = _filled(dict(draft.data)) if draft else {}
        if draft:
            initial["organisation"] = draft.organisation_id
        form = ReportForm(initial=initial, organisations=org_queryset, sources=sources)
        return _render_form(request, form, draft, organisations)

    action = request.POST.get("action", "submit")
    if action == "delete" and draft is not None:
        services.delete_draft(draft)
        messages.success(request, _("The draft was deleted."))
        return redirect("intake:drafts")
    if action == "find":  # without JavaScript: show the places and actors matching what was typed
        form = ReportForm(
            initial=_filled(_typed(request.POST)), organisations=org_queryset, sources=sources
        )
        return _render_form(request, form, draft, organisations)
    uploads = request.FILES.getlist("attachments")
    if action == "draft":
        form = ReportForm(
            initial=_filled(_typed(request.POST)), organisations=org_queryset, sources=sources
        )
        remove = [int(v) for v in request.POST.getlist("remove_attachment") if v.isdigit()]
        try:
            checked = receive_files(uploads)
        except AttachmentError as error:
            return _render_form(
                request, form, draft, organisations, status=400, attachment_error=str(error)
            )
        draft = services.save_draft(
            draft,
            user=user,
            organisation=_organisation_of(request.POST, organisations),
            data=_typed(request.POST),
            checked=checked,
            remove_ids=remove,
        )
        messages.success(request, _("Draft saved. You can finish it later from “My drafts”."))
        return redirect("intake:draft_edit", pk=draft.pk)

    form = ReportForm(request.POST, organisations=org_queryset, sources=sources)
    if not form.is_valid():
        return _render_form(request, form, draft, organisations, status=400)
    chosen_for = {name: request.POST.get(f"{name}_for", "") for name in PICKERS}
    resolved = services.resolve(form.cleaned_data, chosen_for, user)
    for field_name, problem in resolved.problems.items():
        form.add_error(field_name, problem)
    if resolved.problems:
        return _render_form(request, form, draft, organisations, status=400)
    kept = draft.attachments.count() if draft else 0
    if kept + len(uploads) > MAX_FILES:
        return _render_form(
            request,
            form,
            draft,
            organisations,
            status=400,
            attachment_error=_("At most %(n)d files can be attached to one report.")
            % {"n": MAX_FILES},
        )
    try:
        checked = receive_files(uploads)
    except AttachmentError as error:
        return _render_form(
            request, form, draft, organisations, status=400, attachment_error=str(error)
        )
    submitted = services.submit(form.cleaned_data, resolved, user, checked, draft=draft)
    if not submitted.linked:
        messages.warning(
            request,
            _(
                "The report is saved, but it could not be linked now; it will be at the next "
                "linkage run."
            ),
        )
    return redirect("intake:report_status", pk=submitted.report.pk)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_new(request):
    return _report_form(request, None)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def draft_edit(request, pk: int):
    """A draft is its author's alone: anyone else gets 404."""
    draft = get_object_or_404(ReportDraft.objects.visible_to(request.user), pk=pk)
    return _report_form(request, draft)


@never_cache
@login_required
@require_safe
def drafts(request):
    page = page_of(
        request, ReportDraft.objects.visible_to(request.user).select_related("organisation"), 25
    )
    rows = []
    for draft in page.items:
        data = draft.data or {}
        typed = data.get("date_start") or ""  # as typed: YYYY-MM-DD, shown in the page's language
        day = parse_iso_date(typed)
        rows.append(
            {
                "draft": draft,
                "date": date_format(day, "SHORT_DATE_FORMAT") if day else typed,
                "place": data.get("place_query") or "",
                "source": data.get("source_name") or "",
                "label": data.get("event_label") or "",
            }
        )
    return render(
        request,
        "intake/drafts.html",
        {
            "page": page,
            "rows": rows,
            "may_add": services.intake_organisations(request.user).exists(),
        },
    )


@never_cache
@login_required
@require_safe
def report_status(request, pk: int):
    """Where a report went: the incident it joined, the review it waits for, or its own new incident."""
    queryset = Report.objects.visible_to(request.user).select_related(
        "source", "place", "incident", "organisation"
    )
    report = get_object_or_404(queryset, pk=pk)
    result = services.outcome(report)
    incident_visible = (
        result.incident is not None
        and Incident.objects.visible_to(request.user).filter(pk=result.incident.pk).exists()
    )
    return render(
        request,
        "intake/report_status.html",
        {
            "report": report,
            "outcome": result,
            "incident_visible": incident_visible,
            "attachments": list(report.attachments.all()),
        },
    )


def _attachment_for(user, pk: int) -> ReportAttachment:
    """The attachment, when ``user`` may read its report (or wrote its draft); Http404 otherwise."""
    attachment = ReportAttachment.objects.visible_to(user).filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


@never_cache
@require_safe
def attachment_download(request, pk: int):
    """One file sent with a report, as an attachment under a neutral name; its reading is logged."""
    attachment = _attachment_for(request.user, pk)
    try:
        handle = attachment_store().open(attachment.sha256)
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    try:
        with transaction.atomic():
            record_read(attachment, request.user, "download")
    except BaseException:
        handle.close()
        raise
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.download_name,
        content_type=attachment.media_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# -- the review queue ------------------------------------------------------------------------------------


def _field_label(name: str) -> str:
    labels = {
        "date": _("Date"),
        "distance": _("Distance"),
        "place_name": _("Place name"),
        "actor": _("Actors"),
        "type": _("Type of event"),
        "casualties": _("Casualties"),
        "same_source": _("Same source"),
    }
    return labels.get(name, name)


def explain(pair) -> dict:
    """A pair's weights as rows (largest first) with a bar length, and its posterior odds."""
    weights = {k: float(v) for k, v in (pair.weights or {}).items() if isinstance(v, int | float)}
    scale = max([8.0, *(abs(v) for v in weights.values())])
    rows = [
        {
            "name": _field_label(name),
            "weight": weight,
            "size": round(abs(weight), 2),
            "positive": weight >= 0,
            "scale": scale,
        }
        for name, weight in sorted(weights.items(), key=lambda item: -abs(item[1]))
    ]
    log_odds = max(min(pair.log_odds, 60.0), -60.0)
    probability = 1.0 / (1.0 + math.pow(2.0, -log_odds))
    odds = math.pow(2.0, log_odds)
    odds_text = (
        f"{number_format(odds, 1)} : 1" if odds >= 1 else f"1 : {number_format(1 / odds, 1)}"
    )
    return {"rows": rows, "probability": round(probability * 100), "odds": odds_text}


@never_cache
@login_required
@require_safe
def review_queue(request):
    user = request.user
    if not permissions.may(user, Incident, "change"):
        return forbidden(
            request,
            _("Only analysts, coordinators and administrators review suggested links."),
            back="web:incident_list",
        )
    pairs = (
        services.review_pairs(user)
        .select_related(
            "report_a__source",
            "report_b__source",
            "report_a__place__parent",
            "report_b__place__parent",
            "report_a__incident",
            "report_b__incident",
        )
        .order_by(F("asked_at").desc(nulls_last=True), "-score", "id")
    )
    page = page_of(request, pairs, 20)
    rows = [
        {"pair": pair, "a": pair.report_a, "b": pair.report_b, "why": explain(pair)}
        for pair in page.items
    ]
    waiting = services.reports_to_accept(user)
    to_accept = list(
        waiting.select_related("source", "place").order_by("created", "id")[:ACCEPT_SHOWN]
    )
    return render(
        request,
        "intake/review_queue.html",
        {
            "page": page,
            "rows": rows,
            "to_accept": to_accept,
            "to_accept_count": capped_count(waiting)
            if len(to_accept) == ACCEPT_SHOWN
            else len(to_accept),
        },
    )


ACCEPT_SHOWN = 50  # monitors' reports waiting for acceptance shown at once, oldest first


@never_cache
@login_required
@require_POST
def reports_accept(request):
    """Accept one report (button "accept-<id>") or the ticked ones: their incidents' figures now rest on them."""
    user = request.user
    if not permissions.may(user, Incident, "change"):
        return forbidden(
            request,
            _("Only analysts, coordinators and administrators review suggested links."),
            back="web:incident_list",
        )
    do = request.POST.get("do", "")
    _action, _sep, single = do.partition("-")
    if single:
        if not single.isdigit() or len(single) > 18:
            raise Http404
        ids = [int(single)]
    else:
        ids = sorted(
            {int(v) for v in request.POST.getlist("report") if v.isdigit() and len(v) < 19}
        )
    if not ids:
        messages.error(request, _("Tick at least one report first."))
        return redirect("intake:review_queue")
    accepted = services.accept_reports(user, ids)
    if single and not accepted:
        raise Http404
    messages.success(
        request,
        ngettext(
            "%(n)d report accepted: its incident's figures now count it.",
            "%(n)d reports accepted: their incidents' figures now count them.",
            len(accepted),
        )
        % {"n": len(accepted)},
    )
    return redirect("intake:review_queue")


@never_cache
@login_required
@require_POST
def review_decide(request):
    """Merge or reject one pair (button "merge-<id>" / "reject-<id>") or the ticked ones ("merge" / "reject").

    Each pair in its own transaction; what failed is reported. A single pair outside the user's scope: 404."""
    user = request.user
    if not permissions.may(user, Incident, "change"):
        return forbidden(
            request,
            _("Only analysts, coordinators and administrators review suggested links."),
            back="web:incident_list",
        )
    do = request.POST.get("do", "")
    action, _sep, single = do.partition("-")
    if action not in ("merge", "reject"):
        messages.error(request, _("Choose merge or reject."))
        return redirect("intake:review_queue")
    if single:
        if not single.isdigit():
            raise Http404
        ids = [int(single)]
    else:
        ids = sorted({int(v) for v in request.POST.getlist("pair") if v.isdigit() and len(v) < 19})
        if not ids:
            messages.error(request, _("Tick at least one pair first."))
            return redirect("intake:review_queue")
    if single and not services.review_pairs(user).filter(pk=ids[0]).exists():
        raise Http404
    result = services.decide(user, ids, action, reason=request.POST.get("reason", ""))
    if result.done:
        text = (
            ngettext("%(n)d pair merged.", "%(n)d pairs merged.", len(result.done))
            if action == "merge"
            else ngettext("%(n)d pair rejected.", "%(n)d pairs rejected.", len(result.done))
        )
        messages.success(request, text % {"n": len(result.done)})
    for pair_id, reason in result.failed:
        messages.error(request, _("Pair %(id)d: %(reason)s") % {"id": pair_id, "reason": reason})
    return HttpResponseRedirect(
        reverse("intake:review_queue") + (f"?{request.GET.urlencode()}" if request.GET else "")
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def split_incident(request, pk: int):
    """Take chosen reports out of an incident (vigie.incidents.services.split, logged and reversible)."""
    user = request.user
    incident = get_object_or_404(Incident.objects.visible_to(user), pk=pk)
    if not services.changeable_incidents(user).filter(pk=incident.pk).exists():
        return forbidden(
            request,
            _("Your role does not allow you to change this incident."),
            back="web:incident_list",
        )
    reports = list(
        incident.reports.filter(is_current=True)
        .readable_by(user)
        .select_related("source", "place")
        .order_by("date_start", "id")
    )
    choices = [(str(r.pk), str(r.pk)) for r in reports]
    form = SplitForm(request.POST or None, report_choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            _operation, other = split(
                incident,
                form.cleaned_data["reports"],
                user=user,
                reason=form.cleaned_data["reason"],
            )
        except ValueError as error:
            form.add_error("reports", str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d report moved to incident %(id)d.",
                    "%(n)d reports moved to incident %(id)d.",
                    len(form.cleaned_data["reports"]),
                )
                % {"n": len(form.cleaned_data["reports"]), "id": other.pk},
            )
            return redirect("intake:split", pk=incident.pk)
    chosen = set(form["reports"].value() or [])
    return render(
        request,
        "intake/split.html",
        {"incident": incident, "reports": reports, "form": form, "chosen": chosen},
        status=400 if request.method == "POST" else 200,
    )


# -- the linkage page: how analysts' answers moved the engine ---------------------------------------------


def _chart(versions) -> dict:
    """Precision and recall by round of answers as an inline SVG polyline (no script, no library)."""
    width, height, pad = 420, 160, 28
    points = [(0, versions[0].precision_before, versions[0].recall_before)] if versions else []
    points += [(v.answers, v.precision, v.recall) for v in versions]
    most = max([p[0] for p in points] + [1])

    def xy(answers, value):
        x = pad + (width - 2 * pad) * answers / most
        y = height - pad - (height - 2 * pad) * (value or 0.0)
        return f"{x:.1f},{y:.1f}"

    return {
        "width": width,
        "height": height,
        "precision": " ".join(xy(a, p) for a, p, _r in points),
        "recall": " ".join(xy(a, r) for a, _p, r in points),
        "dots": [
            {
                "x": xy(a, p).split(",")[0],
                "py": xy(a, p).split(",")[1],
                "ry": xy(a, r).split(",")[1],
            }
            for a, p, r in points
        ],
        "most": most,
        "bottom": height - pad,
        "top": pad,
        "left": pad,
        "right": width - pad,
    }


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def linkage(request):
    """The models trained from analysts' answers, how precision and recall moved with each round, the
    runs that used them, and the engine's questions about reports it already joined."""
    from vigie.incidents.choices import PairStatus
    from vigie.incidents.models import LinkageRun, LinkModelVersion, LinkPair
    from vigie.incidents.teaching import label_pair_decision

    user = request.user
    if not permissions.may(user, Incident, "change"):
        return forbidden(
            request,
            _("Only analysts, coordinators and administrators review suggested links."),
            back="web:incident_list",
        )
    readable = Report.objects.readable_by(user)
    joined = (
        LinkPair.objects.filter(asked_at__isnull=False, status=PairStatus.LINKED)
        .filter(report_a__incident__in=services.changeable_incidents(user))
        .filter(report_a__in=readable, report_b__in=readable)
        .filter(report_a__incident=F("report_b__incident"))
    )
    if request.method == "POST":
        do = request.POST.get("do", "")
        answer, _sep, pair_id = do.partition("-")
        if answer not in ("same", "different") or not pair_id.isdigit() or len(pair_id) > 18:
            raise Http404
        with transaction.atomic():
            pair = get_object_or_404(joined.select_for_update(of=("self",)), pk=int(pair_id))
            pair.status = PairStatus.CONFIRMED if answer == "same" else PairStatus.REJECTED
            pair.decided_by = user
            pair.decided_at = timezone.now()
            pair.save(update_fields=["status", "decided_by", "decided_at"])
            services.log_pair_decision(pair, PairStatus.LINKED)
            label_pair_decision(pair, answer == "same", user=user, answer=True)
        if answer == "different":
            messages.warning(
                request,
                _("Answer kept. Split the incident to take the other report out of it."),
            )
            return redirect("intake:split", pk=pair.report_a.incident_id)
        messages.success(request, _("Answer kept."))
        return redirect("intake:linkage")
    versions = list(LinkModelVersion.objects.visible_to(user).order_by("organisation_id", "number"))
    runs = list(
        LinkageRun.objects.visible_to(user)
        .select_related("model_version")
        .order_by("-started")[:10]
    )
    questions = list(
        joined.select_related("report_a__source", "report_b__source").order_by("-asked_at", "id")[
            :20
        ]
    )
    return render(
        request,
        "intake/linkage.html",
        {
            "versions": versions,
            "chart": _chart(versions) if versions else None,
            "runs": runs,
            "questions": questions,
        },
    )
