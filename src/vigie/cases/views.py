"""The case pages: the list of cases, a case's page (incidents, status, findings, referrals, tasks and
deadlines, evidence and its custody), and opening a case.

Access (vigie.core.querysets, vigie.core.views): the anonymous are sent to the login; a case outside the user's
scope answers 404, and so do the case pages for a user whose roles open no case at all; a change
the user's role does not allow on a case they may see answers 403. Every change is a POST with its
CSRF token and goes through vigie.cases.services. Every opening of a case's page is a logged read.

Findings, status reasons and the notes of referrals and tasks (encrypted, they may name people) are
shown only to those who may change the case (investigators and coordinators of its organisation),
not to those who may only read it (organisation administrators).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from vigie.core import permissions
from vigie.core.audit import record_read
from vigie.core.text import parse_id
from vigie.core.views import forbidden, object_for
from vigie.evidence.models import CustodyEvent, EvidenceItem
from vigie.evidence.store import default_store, human_size
from vigie.incidents.models import Incident

from . import services
from .choices import ALLOWED_TRANSITIONS, CaseStatus
from .forms import (
    CaseForm,
    EvidenceForm,
    FindingsForm,
    ReferralForm,
    ReferralStatusForm,
    StatusForm,
    TaskDoneForm,
    TaskForm,
)
from .models import Case, CaseTask, Referral

PAGE_SIZE = 50
CUSTODY_ON_CASE_PAGE = 30
NEEDS_REASON = {CaseStatus.CLOSED}


# -- the list ---------------------------------------------------------------------------------------


@never_cache
@login_required
def case_list(request):
    user = request.user
    if not permissions.may(user, Case):
        raise Http404
    today = timezone.localdate()
    cases = (
        Case.objects.visible_to(user)
        .defer("findings", "status_reason")
        .select_related("organisation", "lead_investigator")
        .annotate(
            overdue=Count(
                "tasks",
                filter=Q(tasks__done_on__isnull=True, tasks__due_on__lt=today),
                distinct=True,
            ),
            next_due=Min("tasks__due_on", filter=Q(tasks__done_on__isnull=True)),
            incident_count=Count("incidents", distinct=True),
        )
        .order_by("-opened_on", "-id")
    )
    status = request.GET.get("status", "")
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    else:
        status = ""
    only_overdue = request.GET.get("overdue") == "1"
    if only_overdue:
        cases = cases.filter(overdue__gt=0)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(
        f"{k}={v}" for k, v in (("status", status), ("overdue", "1" if only_overdue else "")) if v
    )
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "statuses": CaseStatus.choices,
            "status": status,
            "only_overdue": only_overdue,
            "query": query,
            "may_open": permissions.may(user, Case, "add"),
            "today": today,
        },
    )


# -- opening a case ---------------------------------------------------------------------------------


def search_incidents(user, query: str, limit: int = 20):
    query = (query or "").strip()
    if not query:
        return []
    incidents = Incident.objects.visible_to(user).select_related("admin1", "admin2")
    number = parse_id(query.lstrip("#"))
    if number is not None:
        incidents = incidents.filter(pk=number)
    else:
        incidents = incidents.filter(
            Q(location__icontains=query)
            | Q(admin1__name__icontains=query)
            | Q(admin2__name__icontains=query)
            | Q(admin3__name__icontains=query)
        )
    return list(incidents.order_by("-date_start", "-id")[:limit])


@never_cache
@login_required
def case_new(request):
    user = request.user
    if not permissions.may(user, Case):
        raise Http404
    if not permissions.may(user, Case, "add"):
        return forbidden(request, _("Your role does not allow you to open cases."))
    visible = Incident.objects.visible_to(user)
    if request.method == "POST":
        form = CaseForm(request.POST, user=user, visible_incidents=visible)
        searching = request.POST.get("do") == "search"
    else:
        initial = {}
        wanted = request.GET.get("incident", "")
        if (number := parse_id(wanted)) is not None and visible.filter(pk=number).exists():
            initial["incident_ids"] = wanted
        form = CaseForm(initial=initial, user=user, visible_incidents=visible)
        searching = False
    ticked: list[int] = []
    if form.is_bound:
        ticked = [n for n in map(parse_id, request.POST.getlist("incident")) if n is not None]
    results = search_incidents(user, request.POST.get("query", "")) if searching else []
    if form.is_bound and not searching and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_case(
                data["organisation"],
                data["reference"],
                data["title"],
                user,
                incidents=data["incidents"],
                lead_investigator=data["lead_investigator"],
            )
        except services.CaseError as error:
            form.add_error(None, str(error))
        except PermissionDenied:
            return forbidden(
                request, _("Your role does not allow you to open cases in this organisation.")
            )
        else:
            messages.success(
                request, _("Case %(reference)s is open.") % {"reference": case.reference}
            )
            return redirect("cases:case_detail", pk=case.pk)
    shown = {incident.pk for incident in results}
    kept = [
        incident
        for incident in visible.filter(pk__in=ticked).order_by("-date_start")
        if incident.pk not in shown
    ]
    candidates = [(incident, incident.pk in ticked) for incident in [*kept, *results]]
    return render(
        request,
        "cases/case_form.html",
        {
            "form": form,
            "candidates": candidates,
            "searched": searching,
        },
    )


# -- a case's page ----------------------------------------------------------------------------------


def _case_or_404(request, pk: int) -> Case:
    return object_for(
        request.user, Case.objects.select_related("organisation", "lead_investigator"), pk=pk
    )


def _transition_forms(case: Case) -> list[dict]:
    options = []
    for status in CaseStatus.values:
        if status in ALLOWED_TRANSITIONS[case.status]:
            needs_reason = status in NEEDS_REASON or case.status == CaseStatus.CLOSED
            options.append(
                {
                    "status": status,
                    "label": CaseStatus(status).label,
                    "needs_reason": needs_reason,
                    "form": StatusForm(
                        initial={"status": status}, case=case, prefix=f"to-{status}"
                    ),
                }
            )
    return options


def render_case(request, case: Case, bound: dict | None = None, status: int = 200):
    """The case's page; ``bound`` holds a submitted form with errors, by its name, to show in place."""
    user = request.user
    bound = bound or {}
    record_read(case, user, "case page")
    may_change = permissions.can(user, case, "change")
    today = timezone.localdate()
    linked = list(case.incidents.all().values_list("pk", flat=True))
    incidents = list(
        Incident.objects.visible_to(user)
        .filter(pk__in=linked)
        .select_related("admin1", "admin2")
        .order_by("date_start", "id")
    )
    evidence_scope = permissions.may(user, EvidenceItem, "view", case.organisation_id)
    items, custody = [], []
    if evidence_scope:
        items = list(
            EvidenceItem.objects.filter(case=case)
            .visible_to(user)
            .defer("original_filename", "description", "collected_by", "source", "transformation")
            .order_by("pk")
        )
        custody = list(
            CustodyEvent.objects.filter(item__in=[item.pk for item in items])
            .defer("note")
            .order_by("-time", "-id")[:CUSTODY_ON_CASE_PAGE]
        )
    transitions = _transition_forms(case) if may_change else []
    status_errors = []
    if "status" in bound:
        submitted = bound["status"]
        matching = [
            option
            for option in transitions
            if option["status"] == submitted.data.get(submitted.add_prefix("status"))
        ]
        for option in matching:
            option["form"] = submitted
        if not matching:  # a move that is not offered: its errors go above the buttons
            status_errors = [str(error) for errors in submitted.errors.values() for error in errors]
    tasks = list(case.tasks.select_related("assigned_to").order_by("done_on", "due_on", "id"))
    if not may_change:
        for task in tasks:
            task.notes = ""
    referrals = list(case.referrals.order_by("-referred_on", "-id"))
    may_add_evidence = permissions.may(user, EvidenceItem, "add", case.organisation_id)
    context = {
        "case": case,
        "may_change": may_change,
        "incidents": incidents,
        "hidden_incidents": len(linked) - len(incidents),
        "transitions": transitions,
        "status_errors": status_errors,
        "findings_form": bound.get("findings")
        or (FindingsForm(initial={"findings": case.findings}) if may_change else None),
        "referrals": referrals,
        "referral_form": bound.get("referral")
        or (ReferralForm(initial={"referred_on": today}) if may_change else None),
        "referral_status_choices": Referral._meta.get_field("status").choices,
        "tasks": tasks,
        "today": today,
        "task_form": bound.get("task")
        or (TaskForm(initial={"due_on": today}, case=case) if may_change else None),
        "evidence_scope": evidence_scope,
        "items": items,
        "custody": custody,
        "evidence_form": bound.get("evidence") or (EvidenceForm() if may_add_evidence else None),
        "may_add_evidence": may_add_evidence,
        "max_size": human_size(default_store().max_bytes) if may_add_evidence else "",
    }
    return render(request, "cases/case_detail.html", context, status=status)


@never_cache
@login_required
def case_detail(request, pk: int):
    case = _case_or_404(request, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return render_case(request, case)


def _changing(request, pk: int):
    """The case for a change: 404 outside the scope, then 405 unless POST, then 403 without the right."""
    case = _case_or_404(request, pk)
    if request.method != "POST":
        return case, HttpResponseNotAllowed(["POST"])
    if not permissions.can(request.user, case, "change"):
        return case, forbidden(
            request, _("Your role allows you to read this case, not to change it.")
        )
    return case, None


def _back(case: Case, anchor: str):
    return redirect(reverse("cases:case_detail", kwargs={"pk": case.pk}) + f"#{anchor}")


@login_required
def case_status(request, pk: int):
    case, refusal = _changing(request, pk)
    if refusal:
        return refusal
    status = request.POST.get("status") or next(
        (
            request.POST[key]
            for key in request.POST
            if key.startswith("to-") and key.endswith("-status")
        ),
        "",
    )
    form = StatusForm(
        request.POST, case=case, prefix=f"to-{status}" if status in CaseStatus.values else None
    )
    if form.is_valid():
        try:
            services.change_status(
                case, form.cleaned_data["status"], request.user, form.cleaned_data["reason"]
            )
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The case is now “%(status)s”.") % {"status": case.get_status_display()}
            )
            return _back(case, "status")
    return render_case(request, case, {"status": form})


@login_required
def case_findings(request, pk: int):
    case, refusal = _changing(request, pk)
    if refusal:
        return refusal
    form = FindingsForm(request.POST)
    if form.is_valid():
        try:
            services.record_findings(case, form.cleaned_data["findings"], request.user)
        except services.CaseError as error:
            form.add_error("findings", str(error))
        else:
            messages.success(request, _("The findings are recorded."))
            return _back(case, "findings")
    return render_case(request, case, {"findings": form})


@login_required
def case_referral_add(request, pk: int):
    case, refusal = _changing(request, pk)
    if refusal:
        return refusal
    form = ReferralForm(request.POST)
    if form.is_valid():
        try:
            services.add_referral(case, request.user, **form.cleaned_data)
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The referral is recorded."))
            return _back(case, "referrals")
    return render_case(request, case, {"referral": form})


@login_required
def case_referral_status(request, pk: int):
    case, refusal = _changing(request, pk)
    if refusal:
        return refusal
    form = ReferralStatusForm(request.POST)
    if form.is_valid():
        referral = case.referrals.filter(pk=form.cleaned_data["referral"]).first()
        if referral is None:
            raise Http404
        try:
            services.set_referral_status(referral, form.cleaned_data["status"], request.user)
        except services.CaseError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The referral's status is changed."))
    else:
        messages.error(request, _("Choose a status for the referral."))
    return _back(case, "referrals")


@login_required
def case_task_add(request, pk: int):
    case, refusal = _changing(request, pk)
    if refusal:
        return refusal
    form = TaskForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.add_task(case, request.user, **form.cleaned_data)
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The task is added."))
            return _back(case, "tasks")
    return render_case(request, case, {"task": form})


@login_required
def case_task_done(request, pk: int):
    case, refusal = _changing(request, pk)
    if refusal:
        return refusal
    form = TaskDoneForm(request.POST)
    task = (
        CaseTask.objects.filter(case=case, pk=form.cleaned_data["task"]).first()
        if form.is_valid()
        else None
    )
    if task is None:
        raise Http404
    if task.done_on is None:
        services.complete_task(task, request.user)
        messages.success(request, _("The task is marked done."))
    return _back(case, "tasks")
