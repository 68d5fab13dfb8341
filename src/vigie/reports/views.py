"""The pages of sources: the list, a source's page (its reliability changed by its organisation's
coordinators), and publishing its name.

Access: every page needs a login (the anonymous are sent to it). A record outside the user's scope
answers 404; an action the user's role does not allow, on something they may see, answers 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from vigie.core import permissions
from vigie.core.pages import capped_count, page_of, publish_page
from vigie.core.published import may_publish
from vigie.core.views import forbidden

from .choices import SourceKind
from .forms import SourceForm
from .models import Report, Source


@never_cache
@login_required
@require_safe
def source_list(request):
    user = request.user
    query = (request.GET.get("q") or "").strip()[:200]
    kind = request.GET.get("kind", "")
    sources = Source.objects.visible_to(user).select_related("organisation").order_by("name", "pk")
    if query:
        sources = sources.filter(Q(name__icontains=query) | Q(slug__icontains=query))
    if kind in SourceKind.values:
        sources = sources.filter(kind=kind)
    page = page_of(request, sources, 25)
    readable = Report.objects.filter(is_current=True).readable_by(user)
    rows = [
        {"source": source, "reports": capped_count(readable.filter(source=source))}
        for source in page.items
    ]
    return render(
        request,
        "reports/source_list.html",
        {"page": page, "rows": rows, "query": query, "kind": kind, "kinds": SourceKind.choices},
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def source_detail(request, pk: int):
    user = request.user
    source = get_object_or_404(
        Source.objects.visible_to(user).select_related("organisation"), pk=pk
    )
    # Coordinators and administrators of the source's organisation (the grants on sources); a
    # shared source (no organisation): operators only.
    may_edit = permissions.may(user, Source, "change", source.organisation_id)
    form = SourceForm(instance=source) if may_edit else None
    if request.method == "POST":
        if not may_edit:
            return forbidden(
                request,
                _(
                    "Only the coordinators and administrators of the source's organisation "
                    "change its reliability."
                ),
                back="web:incident_list",
            )
        form = SourceForm(request.POST, instance=source)
        if form.is_valid():
            form.save()
            messages.success(request, _("The source was updated."))
            return redirect("intake:source_detail", pk=source.pk)
    readable = Report.objects.filter(source=source, is_current=True).readable_by(user)
    latest = readable.order_by("-date_start", "-id").values_list("date_start", flat=True).first()
    return render(
        request,
        "reports/source_detail.html",
        {
            "source": source,
            "form": form,
            "may_edit": may_edit,
            "reports": capped_count(readable),
            "latest": latest,
            "may_publish": may_publish(user, source),
            "publish_url": reverse("intake:source_publish", args=[source.pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
def source_publish(request, pk: int):
    return publish_page(request, Source.objects, pk, "intake:source_detail")
