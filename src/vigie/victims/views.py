"""The victim and assistance pages: the list (no names), the search by exact name, a victim's page
behind a purpose, recording and editing a victim with consent, withdrawing consent, assistance
(needs, referrals, services, follow-ups, closure) and the outcome report (counts only).

Access (vigie.core.permissions): the anonymous are sent to the login; a victim outside the user's
scope answers 404, and so does every victim page for a user whose roles open no victim at all (a
monitor, an analyst); a change the user's role does not allow on a victim they may see answers 403.
Assistance is for assistance officers and coordinators (investigators see victims, not their
assistance). Every change is a POST with its CSRF token and goes through vigie.victims.services.

Identifying fields are shown only during a *consultation*: the user says why they open the record
(a purpose, kept in the audit log); for CONSULTATION_MINUTES the victim's page shows them, and each
showing is a read logged with that purpose (services.read_victim). The purpose is kept in the
session, server side, with the victim's number only. No name ever goes into a URL, a page title, a
message or a log line: the search by name is a POST, its answer lists numbers.
"""

from __future__ import annotations

import io
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, TextField
from django.db.models.functions import Cast
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from vigie.core import permissions
from vigie.core.views import forbidden, object_for
from vigie.incidents.models import Incident

from . import services
from .choices import (
    AgeGroup,
    ClosureReason,
    ConsentPurpose,
    Harm,
    NeedCategory,
    NeedStatus,
    ReferralStatus,
    Sex,
)
from .forms import (
    ALL,
    ASSISTANCE_FORMS,
    RECORDING,
    ConsentForm,
    NewVictimForm,
    PurposeForm,
    ReportForm,
    SearchForm,
    VictimFilterForm,
    VictimForm,
    WithdrawForm,
    purpose_label,
)
from .models import Assistance, Consent, Victim, VictimIncident
from .reports import DIMENSIONS, UNKNOWN_REGION, assistance_outcomes

PAGE_SIZE = 50
CONSULTATION_MINUTES = 15
SESSION_KEY = "vigie_victim_consultations"
INLINE_FORMS = {
    "need_status",
    "referral_status",
    "reopen",
}  # drawn as a select and a button, not field by field
MEASURES = {
    "needs": gettext_lazy("Needs"),
    "referrals": gettext_lazy("Referrals"),
    "services": gettext_lazy("Services delivered"),
    "closed_cases": gettext_lazy("Assistance cases closed"),
}
CATEGORY_CHOICES = {
    "needs": NeedCategory,
    "referrals": ReferralStatus,
    "services": NeedCategory,
    "closed_cases": ClosureReason,
}


# -- consultations: a purpose, for a while, for one victim -------------------------------------------


def consultation(request, pk: int) -> str | None:
    """The purpose the user gave for opening victim ``pk``, while the consultation lasts."""
    entry = request.session.get(SESSION_KEY, {}).get(str(pk))
    if not entry or entry.get("until", 0) < time.time():
        return None
    return entry.get("purpose") or None


def start_consultation(request, pk: int, purpose: str) -> None:
    now = time.time()
    entries = {
        key: entry
        for key, entry in request.session.get(SESSION_KEY, {}).items()
        if entry.get("until", 0) > now
    }
    entries[str(pk)] = {"purpose": purpose, "until": now + CONSULTATION_MINUTES * 60}
    request.session[SESSION_KEY] = entries


def end_consultation(request, pk: int) -> None:
    entries = dict(request.session.get(SESSION_KEY, {}))
    if entries.pop(str(pk), None) is not None:
        request.session[SESSION_KEY] = entries


# -- helpers ---------------------------------------------------------------------------------------


def _summary_or_404(request, pk: int) -> Victim:
    """The victim without its identifying fields (not decrypted, not a read), or 404 outside the scope."""
    return object_for(
        request.user,
        Victim.objects.defer(*services.ENCRYPTED_VICTIM_FIELDS).select_related("organisation"),
        pk=pk,
    )


def _harm_labels(victim) -> list[str]:
    return [Harm(harm).label if harm in Harm.values else harm for harm in victim.harms or []]


def _detail_url(pk: int, anchor: str = "") -> str:
    return reverse("victims:victim_detail", kwargs={"pk": pk}) + (f"#{anchor}" if anchor else "")


def _may_change(user, victim) -> bool:
    return permissions.can(user, victim, "change")


# -- the list and the search -----------------------------------------------------------------------


@never_cache
@login_required
def victim_list(request):
    user = request.user
    if not permissions.may(user, Victim):
        raise Http404
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    visible_links = Prefetch(
        "incident_links",
        to_attr="visible_links",
        queryset=VictimIncident.objects.filter(
            incident__in=Incident.objects.visible_to(user).values("pk")
        )
        .select_related("incident")
        .order_by("incident__date_start", "incident_id"),
    )
    filters = VictimFilterForm(request.GET)
    search = SearchForm(request.POST if request.method == "POST" else None)
    found = None
    if request.method == "POST" and search.is_valid():
        # Each victim found is a logged read; the answer shows numbers only, and the name typed is not
        # written back into the page.
        found = services.find_by_name(
            user, search.cleaned_data["name"], f"search: {search.cleaned_data['purpose']}"
        )
        found = list(
            Victim.objects.defer(*services.ENCRYPTED_VICTIM_FIELDS)
            .visible_to(user)
            .filter(pk__in=[v.pk for v in found])
            .select_related("organisation")
            .prefetch_related(visible_links)
            .order_by("pk")
        )
        search = SearchForm()
    victims = (
        Victim.objects.defer(*services.ENCRYPTED_VICTIM_FIELDS)
        .visible_to(user)
        .select_related("organisation")
        .order_by("-created", "-id")
    )
    if filters.is_valid():
        if filters.cleaned_data["sex"]:
            victims = victims.filter(sex=filters.cleaned_data["sex"])
        if filters.cleaned_data["age_group"]:
            victims = victims.filter(age_group=filters.cleaned_data["age_group"])
        if filters.cleaned_data["harm"]:
            victims = victims.annotate(harms_text=Cast("harms", TextField())).filter(
                harms_text__contains=f'"{filters.cleaned_data["harm"]}"'
            )
    page = Paginator(victims.prefetch_related(visible_links), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for victim in [*page.object_list, *(found or [])]:
        victim.harm_labels = _harm_labels(victim)
    query = "&".join(
        f"{name}={value}"
        for name, value in (filters.cleaned_data.items() if filters.is_valid() else ())
        if value
    )
    return render(
        request,
        "victims/victim_list.html",
        {
            "page": page,
            "filters": filters,
            "search": search,
            "found": found,
            "query": query,
            "may_add": permissions.may(user, Victim, "add"),
            "may_report": permissions.may(user, Assistance),
            "several_organisations": permissions.spans_organisations(user, Victim),
        },
    )


# -- a victim's page ---------------------------------------------------------------------------------


def render_summary(request, victim: Victim, form=None, then: str = "", status: int = 200):
    """The page before a purpose is given: nothing that identifies the person."""
    links = list(
        VictimIncident.objects.filter(
            victim_id=victim.pk, incident__in=Incident.objects.visible_to(request.user).values("pk")
        )
        .select_related("incident")
        .order_by("incident__date_start")
    )
    active = sorted(
        Consent.objects.filter(victim_id=victim.pk, withdrawn_on__isnull=True).values_list(
            "purpose", flat=True
        )
    )
    return render(
        request,
        "victims/victim_summary.html",
        {
            "victim": victim,
            "harms": _harm_labels(victim),
            "links": links,
            "active_consents": [ConsentPurpose(p).label for p in active],
            "form": form or PurposeForm(),
            "then": then,
            "may_change": _may_change(request.user, victim),
            "minutes": CONSULTATION_MINUTES,
        },
        status=status,
    )


def render_victim(request, pk: int, purpose: str, bound: dict | None = None, status: int = 200):
    """The whole record, decrypted; each showing is a read logged with ``purpose``. ``bound`` holds a
    submitted form with errors to show in place: "consent", or (assistance id, kind)."""
    user = request.user
    bound = bound or {}
    victim = services.read_victim(user, pk, purpose)
    may_change = _may_change(user, victim)
    links = list(
        VictimIncident.objects.filter(victim=victim)
        .select_related("incident")
        .order_by("incident__date_start")
    )
    visible = set(
        Incident.objects.visible_to(user)
        .filter(pk__in=[link.incident_id for link in links])
        .values_list("pk", flat=True)
    )
    consents = list(
        victim.consents.select_related("recorded_by", "withdrawal_recorded_by").order_by(
            "given_on", "id"
        )
    )
    active = {consent.purpose for consent in consents if consent.active}
    cases = []
    bound_assistance = {key: form for key, form in bound.items() if isinstance(key, tuple)}
    for row in (
        Assistance.objects.visible_to(user)
        .filter(victim=victim)
        .order_by("-opened_on", "-id")
        .values_list("pk")
    ):
        assistance = services.read_assistance(user, row[0], purpose)
        changeable = permissions.can(user, assistance, "change")
        forms = {}
        if changeable:
            kinds = (
                ["reopen"]
                if assistance.closed_on
                else [k for k in ASSISTANCE_FORMS if k != "reopen"]
            )
            for kind in kinds:
                forms[kind] = bound.get((assistance.pk, kind)) or ASSISTANCE_FORMS[kind](
                    assistance=assistance
                )
        errors = []  # errors of a form that is not drawn with its fields (a status change, a closed case)
        for (assistance_pk, kind), form in bound_assistance.items():
            if assistance_pk == assistance.pk and (kind not in forms or kind in INLINE_FORMS):
                errors += [
                    str(error) for field_errors in form.errors.values() for error in field_errors
                ]
        cases.append(
            {
                "assistance": assistance,
                "errors": errors,
                "changeable": changeable and assistance.closed_on is None,
                "may_reopen": changeable and assistance.closed_on is not None,
                "forms": forms,
                "needs": list(assistance.needs.all()),
                "referrals": list(assistance.referrals.select_related("need")),
                "services": list(assistance.services.select_related("need")),
                "follow_ups": list(assistance.follow_ups.select_related("by")),
                "referral_consent": ConsentPurpose.REFERRAL in active,
            }
        )
    may_open_assistance = permissions.may(user, Assistance, "add", victim.organisation_id)
    consent_form = None
    if may_change and len(active) < len(ConsentPurpose.values):
        consent_form = bound.get("consent") or ConsentForm(active=active)
    return render(
        request,
        "victims/victim_detail.html",
        {
            "victim": victim,
            "purpose": purpose_label(purpose),
            "minutes": CONSULTATION_MINUTES,
            "may_change": may_change,
            "harms": _harm_labels(victim),
            "aliases": list(victim.aliases.order_by("pk")),
            "links": [link for link in links if link.incident_id in visible],
            "hidden_links": len(links) - len(visible),
            "consents": consents,
            "consent_form": consent_form,
            "assistance_cases": cases,
            "may_open_assistance": may_open_assistance,
            "sees_assistance": permissions.may(user, Assistance),
            "need_statuses": NeedStatus.choices,
            "referral_statuses": ReferralStatus.choices,
        },
        status=status,
    )


@never_cache
@login_required
def victim_detail(request, pk: int):
    summary = _summary_or_404(request, pk)
    if request.method == "POST":
        if "end" in request.POST:
            end_consultation(request, pk)
            messages.info(request, _("The consultation of victim %(id)d has ended.") % {"id": pk})
            return redirect("victims:victim_list")
        form = PurposeForm(request.POST)
        then = request.POST.get("then", "")
        if form.is_valid():
            start_consultation(request, pk, form.purpose_text())
            if then == "edit":
                return redirect("victims:victim_edit", pk=pk)
            return redirect("victims:victim_detail", pk=pk)
        return render_summary(request, summary, form, then=then)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    purpose = consultation(request, pk)
    if purpose is None:
        return render_summary(request, summary)
    return render_victim(request, pk, purpose)


# -- recording and editing -------------------------------------------------------------------------


@never_cache
@login_required
def victim_new(request):
    user = request.user
    if not permissions.may(user, Victim):
        raise Http404
    if not permissions.may(user, Victim, "add"):
        return forbidden(request, _("Your role does not allow you to record victims."))
    form = NewVictimForm(
        request.POST if request.method == "POST" else None,
        user=user,
        visible_incidents=Incident.objects.visible_to(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            victim = services.create_victim(
                user,
                data["organisation"],
                aliases=data["aliases"],
                incidents=form.links(),
                consents=data["consents"],
                consent_given_on=data["consent_given_on"],
                consent_given_by=data["consent_given_by"],
                **form.victim_fields(),
            )
        except services.VictimError as error:
            form.add_error(None, str(error))
        except PermissionDenied:
            return forbidden(
                request, _("Your role does not allow you to record victims in this organisation.")
            )
        else:
            start_consultation(request, victim.pk, RECORDING)
            messages.success(request, _("Victim %(id)d is recorded.") % {"id": victim.pk})
            return redirect("victims:victim_detail", pk=victim.pk)
    return render(request, "victims/victim_form.html", {"form": form, "new": True})


@never_cache
@login_required
def victim_edit(request, pk: int):
    user = request.user
    summary = _summary_or_404(request, pk)
    if not _may_change(user, summary):
        return forbidden(request, _("Your role allows you to read this record, not to change it."))
    purpose = consultation(request, pk)
    if purpose is None:
        return render_summary(request, summary, then="edit")
    victim = services.read_victim(user, pk, purpose)
    if request.method == "POST":
        form = VictimForm(request.POST, visible_incidents=Incident.objects.visible_to(user))
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.update_victim(
                        user, victim, aliases=form.cleaned_data["aliases"], **form.victim_fields()
                    )
                    for incident, relation in form.links():
                        services.link_incident(user, victim, incident, relation)
            except services.VictimError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Victim %(id)d is updated.") % {"id": pk})
                return redirect("victims:victim_detail", pk=pk)
    else:
        initial = {
            name: getattr(victim, name)
            for name in (
                "name",
                "sex",
                "age",
                "age_group",
                "civilian_status",
                "harms",
                "community",
                "region",
                "home_location",
                "contact",
                "testimony",
            )
        }
        initial["aliases"] = "\n".join(alias.name for alias in victim.aliases.order_by("pk"))
        form = VictimForm(initial=initial, visible_incidents=Incident.objects.visible_to(user))
    return render(
        request, "victims/victim_form.html", {"form": form, "new": False, "victim": victim}
    )


# -- consent ---------------------------------------------------------------------------------------


def _changing(request, pk: int):
    """The victim (summary) for a change: 404 outside the scope, 405 unless POST, 403 without the right."""
    summary = _summary_or_404(request, pk)
    if request.method != "POST":
        return summary, HttpResponseNotAllowed(["POST"])
    if not _may_change(request.user, summary):
        return summary, forbidden(
            request, _("Your role allows you to read this record, not to change it.")
        )
    return summary, None


def _active_consents(victim) -> set[str]:
    return set(
        Consent.objects.filter(victim_id=victim.pk, withdrawn_on__isnull=True).values_list(
            "purpose", flat=True
        )
    )


def _show_errors(request, victim_pk: int, form, bound: dict, anchor: str):
    """A form with errors: in place when the record is open, otherwise as a message on the summary."""
    purpose = consultation(request, victim_pk)
    if purpose is not None:
        return render_victim(request, victim_pk, purpose, bound)
    errors = [str(error) for errors in form.errors.values() for error in errors]
    messages.error(request, " ".join(errors) or _("The form has errors."))
    return redirect(_detail_url(victim_pk, anchor))


@login_required
def victim_consent(request, pk: int):
    victim, refusal = _changing(request, pk)
    if refusal:
        return refusal
    form = ConsentForm(request.POST, active=_active_consents(victim))
    if form.is_valid():
        try:
            with transaction.atomic():
                for purpose in form.cleaned_data["purposes"]:
                    services.record_consent(
                        request.user,
                        victim,
                        purpose,
                        given_on=form.cleaned_data["given_on"],
                        given_by=form.cleaned_data["given_by"],
                    )
        except services.VictimError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect(_detail_url(pk, "consent"))
    return _show_errors(request, pk, form, {"consent": form}, "consent")


@never_cache
@login_required
def victim_withdraw(request, pk: int):
    victim = _summary_or_404(request, pk)
    if not _may_change(request.user, victim):
        return forbidden(request, _("Your role allows you to read this record, not to change it."))
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    active = _active_consents(victim)
    form = WithdrawForm(request.POST if request.method == "POST" else None, active=active)
    if request.method == "POST" and form.is_valid():
        purpose = form.cleaned_data["purpose"]
        everything = purpose in (ALL, ConsentPurpose.DOCUMENTATION)
        services.withdraw_consent(
            request.user, victim, None if purpose == ALL else purpose, on=form.cleaned_data["on"]
        )
        if everything:
            end_consultation(request, pk)
            messages.success(
                request,
                _(
                    "Consent is withdrawn. The record of victim %(id)d is now hidden from everyone; "
                    "only the audit log keeps a trace that it existed."
                )
                % {"id": pk},
            )
            return redirect("victims:victim_list")
        messages.success(
            request,
            _("Consent to “%(purpose)s” is withdrawn.")
            % {"purpose": ConsentPurpose(purpose).label},
        )
        return redirect(_detail_url(pk, "consent"))
    return render(
        request,
        "victims/victim_withdraw.html",
        {
            "victim": victim,
            "form": form,
            "active": [ConsentPurpose(p).label for p in sorted(active)],
        },
    )


# -- assistance ------------------------------------------------------------------------------------


@login_required
def assistance_open(request, pk: int):
    victim = _summary_or_404(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = request.user
    if not permissions.may(user, Assistance, "add", victim.organisation_id):
        return forbidden(request, _("Your role does not allow you to open assistance cases."))
    officer = user if permissions.may(user, Assistance, "change", victim.organisation_id) else None
    try:
        assistance = services.open_assistance(user, victim, officer=officer)
    except services.VictimError as error:
        messages.error(request, str(error))
        return redirect(_detail_url(pk, "assistance"))
    messages.success(request, _("Assistance case %(id)d is open.") % {"id": assistance.pk})
    return redirect(_detail_url(pk, f"assistance-{assistance.pk}"))


def _apply(kind: str, form, assistance: Assistance, user) -> str:
    """Do what the assistance form asks; the message to show."""
    data = form.cleaned_data
    if kind == "need":
        services.add_need(
            user,
            assistance,
            data["category"],
            identified_on=data["identified_on"],
            details=data["details"],
            status=data["status"],
        )
        return _("The need is recorded.")
    if kind == "need_status":
        need = assistance.needs.filter(pk=data["need"]).first()
        if need is None:
            raise Http404
        services.set_need_status(user, need, data["status"])
        return _("The need's status is changed.")
    if kind == "referral":
        services.refer(
            user,
            assistance,
            data["provider"],
            referred_on=data["referred_on"],
            need=data["need"],
            status=data["status"],
        )
        return _("The referral is recorded.")
    if kind == "referral_status":
        referral = assistance.referrals.filter(pk=data["referral"]).first()
        if referral is None:
            raise Http404
        services.set_referral_status(user, referral, data["status"])
        return _("The referral's status is changed.")
    if kind == "service":
        services.record_service(
            user,
            assistance,
            data["category"],
            delivered_on=data["delivered_on"],
            provider=data["provider"],
            details=data["details"],
            need=data["need"],
        )
        return _("The service is recorded.")
    if kind == "follow_up":
        services.add_follow_up(user, assistance, date=data["date"], note=data["note"])
        return _("The follow-up is recorded.")
    if kind == "close":
        services.close_assistance(user, assistance, data["reason"], closed_on=data["closed_on"])
        return _("The assistance case is closed.")
    services.reopen_assistance(user, assistance)
    return _("The assistance case is open again.")


@login_required
def assistance_update(request, pk: int):
    user = request.user
    assistance = object_for(user, Assistance.objects.all(), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not permissions.can(user, assistance, "change"):
        return forbidden(
            request, _("Your role allows you to read this assistance case, not to change it.")
        )
    kind = request.POST.get("form", "")
    form_class = ASSISTANCE_FORMS.get(kind)
    anchor = f"assistance-{assistance.pk}"
    if form_class is None:
        messages.error(request, _("Unknown form."))
        return redirect(_detail_url(assistance.victim_id, anchor))
    form = form_class(request.POST, assistance=assistance)
    if form.is_valid():
        try:
            message = _apply(kind, form, assistance, user)
        except services.VictimError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, message)
            return redirect(_detail_url(assistance.victim_id, anchor))
    return _show_errors(request, assistance.victim_id, form, {(assistance.pk, kind): form}, anchor)


# -- the outcome report -------------------------------------------------------------------------------


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value)


@never_cache
@login_required
def assistance_report(request):
    user = request.user
    if not permissions.may(user, Assistance):
        raise Http404
    form = ReportForm(
        request.GET if "by" in request.GET or "start" in request.GET else None,
        initial={"by": list(DIMENSIONS)},
    )
    by, start, end = DIMENSIONS, None, None
    if form.is_bound and form.is_valid():
        by = tuple(name for name in DIMENSIONS if name in form.cleaned_data["by"])
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    report = assistance_outcomes(Assistance.objects.visible_to(user), by=by, start=start, end=end)
    if request.GET.get("format") == "csv":
        buffer = io.StringIO()
        report.write_csv(buffer)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="assistance-outcomes.csv"'
        return response
    rows = []
    for row in report.rows:
        cells = {
            "measure": MEASURES[row["measure"]],
            "category": _label(CATEGORY_CHOICES[row["measure"]], row["category"])
            if row["category"]
            else "—",
        }
        shown = []
        for name in by:
            value = row[name]
            if name == "sex":
                value = _label(Sex, value)
            elif name == "age_group":
                value = _label(AgeGroup, value)
            elif value == UNKNOWN_REGION:
                value = _("unknown")
            shown.append(value)
        cells["by"] = shown
        cells["count"] = row["count"]
        rows.append(cells)
    headers = {"region": _("Region"), "sex": _("Sex"), "age_group": _("Age group")}
    return render(
        request,
        "victims/assistance_report.html",
        {
            "form": form,
            "rows": rows,
            "by_headers": [headers[name] for name in by],
            "query": request.GET.urlencode(),
        },
    )
