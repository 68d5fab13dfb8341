"""Admin of cases. Non-superusers see only what vigie.core.permissions lets them see; anything else
answers 404. Status changes go through vigie.cases.services (`vigie case status`), which enforces the
allowed transitions, so the status is read-only here."""

from django.contrib import admin
from django.http import Http404

from vigie.core import permissions
from vigie.core.audit import record_read
from vigie.core.models import Organisation

from .models import Case, CaseTask, Referral


class ScopedAdmin(admin.ModelAdmin):
    """Querysets through permissions.restrict; an object outside the scope is a 404, not a redirect."""

    #: the path from this model to the record whose permissions apply ("" for the model itself)
    scope_through = ""
    scope_model = None
    #: log a read when someone opens the change page of one record
    record_reads = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if permissions.is_operator(request.user):
            return queryset
        if not self.scope_through:
            return permissions.restrict(queryset, request.user, "view")
        allowed = permissions.restrict(
            self.scope_model._default_manager.all(), request.user, "view"
        )
        return queryset.filter(**{f"{self.scope_through}__in": allowed})

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if (
            self.record_reads
            and request.method == "GET"
            and getattr(response, "status_code", None) == 200
        ):
            obj = self.get_object(request, object_id)
            if obj is not None:
                record_read(obj, request.user, "admin")
        return response

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not permissions.is_operator(request.user):
            if db_field.name == "organisation":
                kwargs["queryset"] = Organisation.objects.where_may(request.user, self.model, "add")
            elif db_field.name == "case":
                kwargs["queryset"] = permissions.restrict(
                    Case.objects.all(), request.user, "change"
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "incidents" and not permissions.is_operator(request.user):
            from vigie.incidents.models import Incident

            kwargs["queryset"] = Incident.objects.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReferralInline(admin.TabularInline):
    model = Referral
    fields = ("recipient_kind", "recipient_name", "referred_on", "reference", "status")
    extra = 0
    can_delete = False


class CaseTaskInline(admin.TabularInline):
    model = CaseTask
    fields = ("title", "due_on", "is_deadline", "assigned_to", "done_on")
    extra = 0
    can_delete = False


@admin.register(Case)
class CaseAdmin(ScopedAdmin):
    list_display = ("reference", "title", "status", "opened_on", "closed_on", "organisation")
    list_filter = ("status",)
    search_fields = ("reference", "title")
    readonly_fields = ("status", "closed_on", "status_reason")
    raw_id_fields = ("incidents", "alleged_perpetrators")
    filter_horizontal = ("team",)
    record_reads = True
    inlines = [ReferralInline, CaseTaskInline]

    def get_readonly_fields(self, request, obj=None):
        # A case never moves to another organisation: its evidence and referrals belong to the same one.
        return (*self.readonly_fields, "organisation") if obj is not None else self.readonly_fields

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            obj.organisation_id = form.instance.organisation_id
            obj.save()
        formset.save_m2m()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(ScopedAdmin):
    list_display = ("case", "recipient_kind", "recipient_name", "referred_on", "status")
    list_filter = ("recipient_kind", "status")
    scope_through, scope_model = "case", Case
    exclude = ("organisation",)

    def save_model(self, request, obj, form, change):
        obj.organisation_id = obj.case.organisation_id
        super().save_model(request, obj, form, change)


@admin.register(CaseTask)
class CaseTaskAdmin(ScopedAdmin):
    list_display = ("case", "title", "due_on", "is_deadline", "done_on")
    list_filter = ("is_deadline",)
    scope_through, scope_model = "case", Case
    exclude = ("organisation",)

    def save_model(self, request, obj, form, change):
        obj.organisation_id = obj.case.organisation_id
        super().save_model(request, obj, form, change)
