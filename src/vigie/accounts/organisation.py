"""An organisation administrator's page: its members and their roles, and the records it shares.

Accounts are created by the instance's operators (`vigie user add`); an organisation administrator
gives existing accounts roles in their organisation, takes them away, and ends shares. Every change
of a membership is in the change log (core.Membership is change-logged); every end of a share too.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.core import permissions
from vigie.core.models import Membership, Organisation, Role, Share
from vigie.core.text import parse_id

from . import sharing
from .forms import MemberForm


def administered(user):
    """The organisations ``user`` administers, whose members their role may manage (the grants on
    core.membership: administrators, by default); all of them for an operator."""
    return Organisation.objects.where_may(user, Membership, "change")


def _number(value) -> int:
    return parse_id(value) or 0


def visible_types(user, organisation) -> list:
    """The types of record whose shares the page lists: those ``user`` may view in ``organisation``
    (an administrator who may not see victims does not learn which victims are shared)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    types = []
    for label in permissions.SHAREABLE_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if permissions.may(user, model, "view", organisation):
            types.append(ContentType.objects.get_for_model(model, for_concrete_model=True))
    return types


@method_decorator([never_cache, login_required], name="dispatch")
class OrganisationAdminView(View):
    def organisation(self, request):
        organisations = administered(request.user).order_by("name")
        slug = request.POST.get("organisation") or request.GET.get("organisation")
        chosen = organisations.filter(slug=slug).first() if slug else organisations.first()
        if chosen is None:
            raise Http404
        return chosen, organisations

    def get(self, request):
        organisation, organisations = self.organisation(request)
        return self.render(request, organisation, organisations, MemberForm())

    def render(self, request, organisation, organisations, form, status=200):
        memberships = (
            Membership.objects.filter(organisation=organisation)
            .select_related("user")
            .order_by("user__username", "role")
        )
        with_device = set(
            TOTPDevice.objects.filter(
                confirmed=True, user__memberships__organisation=organisation
            ).values_list("user_id", flat=True)
        )
        members: dict[int, dict] = {}
        for membership in memberships:
            entry = members.setdefault(
                membership.user_id,
                {
                    "user": membership.user,
                    "roles": [],
                    "two_factor": membership.user_id in with_device,
                },
            )
            entry["roles"].append(membership)
        shares = Share.objects.filter(
            revoked_at__isnull=True, content_type__in=visible_types(request.user, organisation)
        )
        shares = shares.select_related("content_type", "from_organisation", "to_organisation")
        return render(
            request,
            "accounts/organisation.html",
            {
                "organisation": organisation,
                "organisations": organisations,
                "members": list(members.values()),
                "form": form,
                "given": shares.filter(from_organisation=organisation),
                "received": shares.filter(to_organisation=organisation),
            },
            status=status,
        )

    def post(self, request):
        organisation, organisations = self.organisation(request)
        if "remove" in request.POST:
            return self.remove(request, organisation)
        if "end_share" in request.POST:
            return self.end_share(request, organisation)
        form = MemberForm(request.POST)
        if form.is_valid():
            account = (
                get_user_model()
                .objects.filter(username=form.cleaned_data["username"], is_active=True)
                .first()
            )
            if account is None:
                form.add_error(
                    "username",
                    _(
                        "No active account has this user name: ask your instance's operator "
                        "to create it."
                    ),
                )
            else:
                _membership, created = Membership.objects.get_or_create(
                    user=account, organisation=organisation, role=form.cleaned_data["role"]
                )
                if created:
                    messages.success(
                        request,
                        _("%(user)s is now %(role)s.")
                        % {
                            "user": account.get_username(),
                            "role": Role(form.cleaned_data["role"]).label,
                        },
                    )
                return redirect(f"{request.path}?organisation={organisation.slug}")
        return self.render(request, organisation, organisations, form, status=400)

    def remove(self, request, organisation):
        with transaction.atomic():
            membership = (
                Membership.objects.select_for_update()
                .filter(organisation=organisation, pk=_number(request.POST.get("remove")))
                .first()
            )
            if membership is None:
                raise Http404
            # The roles that may manage members (administrators, by the default grants).
            managing = permissions.roles_granted(Membership, "change")
            admins = Membership.objects.filter(organisation=organisation, role__in=managing)
            if membership.role in managing and admins.count() == 1:
                messages.error(request, _("An organisation keeps at least one administrator."))
            else:
                membership.delete()
                messages.success(
                    request,
                    _("%(user)s is no longer %(role)s.")
                    % {
                        "user": membership.user.get_username(),
                        "role": membership.get_role_display(),
                    },
                )
        return redirect(f"{request.path}?organisation={organisation.slug}")

    def end_share(self, request, organisation):
        share = (
            Share.objects.filter(
                from_organisation=organisation,
                revoked_at__isnull=True,
                content_type__in=visible_types(request.user, organisation),
                pk=_number(request.POST.get("end_share")),
            )
            .select_related("content_type")
            .first()
        )
        if share is None:
            raise Http404
        record = share.content_type.get_object_for_this_type(pk=share.object_id)
        # Ending a share only narrows access: the organisation's administrator may end any of its shares.
        sharing.revoke(record, share.to_organisation, by_name=request.user.get_username())
        messages.success(
            request,
            _("The share with %(organisation)s has ended.")
            % {"organisation": share.to_organisation},
        )
        return redirect(f"{request.path}?organisation={organisation.slug}")
