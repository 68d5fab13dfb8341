"""Admin of victims and assistance cases (the admin site opens to operators only, vigie.accounts).

Lists go through vigie.core.permissions.restrict and show no identifying field: a victim is listed
by number, sex, age group, status and region; nothing encrypted is even loaded for a list (the
encrypted columns are deferred). The identifying fields appear only on a record's own page, and
opening it is logged as a read. Search is by exact name through the blind index. A victim whose
consent was withdrawn is not here at all. Aliases, incident links and consents are edited inside
the victim's page; needs, referrals, services and follow-ups inside the assistance case's page.
"""

from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from vigie.core import permissions
from vigie.core.audit import record_read
from vigie.core.crypto import blind_digests, is_encrypted
from vigie.core.models import Organisation

from .models import (
    Assistance,
    Consent,
    FollowUp,
    Need,
    Referral,
    Service,
    Victim,
    VictimAlias,
    VictimIncident,
)


def _encrypted_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if is_encrypted(f)]


class ScopedAdmin(admin.ModelAdmin):
    """Querysets through permissions.restrict; outside the scope, a 404; opening a record is a logged read."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return permissions.restrict(queryset, request.user, "view")

    def _allowed(self, request, action: str, obj=None) -> bool:
        if obj is not None:
            return permissions.can(request.user, obj, action)
        return permissions.may(request.user, self.model, action)

    def has_module_permission(self, request):
        return self._allowed(request, "view")

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, "view", obj)

    def has_add_permission(self, request):
        return self._allowed(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, "delete", obj)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", None) == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                record_read(obj, request.user, "admin")
        return response

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not permissions.is_operator(request.user):
            kwargs["queryset"] = Organisation.objects.where_may(request.user, self.model, "add")
        elif db_field.name == "victim" and not permissions.is_operator(request.user):
            kwargs["queryset"] = Victim.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PartInline(admin.TabularInline):
    """Records inside a victim's or a case's page: allowed when the page's record is."""

    extra = 0

    def _allowed(self, request, action: str, obj=None) -> bool:
        if obj is not None:
            return permissions.can(request.user, obj, action)
        return permissions.is_operator(request.user)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, "view", obj)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request, "change", obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, "change", obj)


class VictimAliasInline(PartInline):
    model = VictimAlias
    fields = ("name",)


class VictimIncidentInline(PartInline):
    model = VictimIncident
    raw_id_fields = ("incident",)
    fields = ("incident", "relation")


class ConsentInline(PartInline):
    model = Consent
    fields = (
        "purpose",
        "given_on",
        "given_by",
        "recorded_by",
        "withdrawn_on",
        "withdrawal_recorded_by",
    )
    raw_id_fields = ("recorded_by", "withdrawal_recorded_by")


@admin.register(Victim)
class VictimAdmin(ScopedAdmin):
    list_display = (
        "__str__",
        "organisation",
        "sex",
        "age_group",
        "civilian_status",
        "region",
        "created",
    )
    list_filter = ("organisation", "sex", "age_group", "civilian_status")
    # The search box looks the exact name up through the blind index (get_search_results).
    search_fields = ("name_index",)
    search_help_text = _("Exact name (case and accents aside)")
    raw_id_fields = ("region", "recorded_by")
    readonly_fields = ("created", "updated")
    inlines = [VictimAliasInline, VictimIncidentInline, ConsentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*_encrypted_fields(Victim))

    def get_search_results(self, request, queryset, search_term):
        search_term = (search_term or "").strip()
        if not search_term:
            return queryset, False
        digests = blind_digests(search_term)
        if not digests:
            return queryset.none(), False
        aliases = VictimAlias.objects.filter(name_index__in=digests).values("victim_id")
        return queryset.filter(name_index__in=digests) | queryset.filter(pk__in=aliases), False


class NeedInline(PartInline):
    model = Need
    fields = ("category", "identified_on", "status", "details")


class ReferralInline(PartInline):
    model = Referral
    fields = ("need", "provider", "referred_on", "status", "status_on")


class ServiceInline(PartInline):
    model = Service
    fields = ("need", "category", "provider", "delivered_on", "details")


class FollowUpInline(PartInline):
    model = FollowUp
    fields = ("date", "note", "by")
    raw_id_fields = ("by",)


@admin.register(Assistance)
class AssistanceAdmin(ScopedAdmin):
    list_display = ("__str__", "victim", "organisation", "opened_on", "closed_on", "closure_reason")
    list_filter = ("organisation", "closure_reason")
    raw_id_fields = ("victim", "officer")
    inlines = [NeedInline, ReferralInline, ServiceInline, FollowUpInline]

    def get_queryset(self, request):
        # The victim shown in the list is its number: none of its encrypted fields are loaded.
        return (
            super()
            .get_queryset(request)
            .select_related("victim", "organisation")
            .defer(*(f"victim__{name}" for name in _encrypted_fields(Victim)))
        )

    def save_model(self, request, obj, form, change):
        obj.organisation_id = obj.victim.organisation_id
        super().save_model(request, obj, form, change)
