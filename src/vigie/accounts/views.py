"""Account pages: two-factor login (status, enrolment, verification, removal) and sharing a record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from vigie.core.models import Organisation
from vigie.core.permissions import get_or_404
from vigie.core.text import parse_id

from . import sharing, twofactor
from .forms import CodeForm, DisableForm, ShareForm


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


protected = [never_cache, login_required]


@method_decorator(protected, name="dispatch")
class TwoFactorView(View):
    """The user's account: memberships and the state of their two-factor login."""

    def get(self, request):
        return render(
            request,
            "accounts/two_factor.html",
            {
                "has_device": twofactor.has_device(request.user),
                "required": twofactor.is_required(request.user),
                "verified": request.user.is_verified(),
                "memberships": request.user.memberships.select_related("organisation").order_by(
                    "organisation__name"
                ),
            },
        )


@method_decorator(protected, name="dispatch")
class EnrolView(View):
    """Show a new secret (QR code and text) and confirm it with a code from the app."""

    def dispatch(self, request, *args, **kwargs):
        # Replacing a device needs a session verified with the old one: a stolen password is not enough.
        if twofactor.has_device(request.user) and not request.user.is_verified():
            return redirect(
                f"{reverse('accounts:two_factor_verify')}?next={reverse('accounts:two_factor_enrol')}"
            )
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, form):
        device = twofactor.pending_device(request.user)
        return render(
            request,
            "accounts/two_factor_enrol.html",
            {
                "form": form,
                "qr_svg": twofactor.qr_svg(device),
                "secret": twofactor.secret_text(device),
                "required": twofactor.is_required(request.user),
                "next": _next_url(request, ""),
            },
        )

    def get(self, request):
        return self.render(request, CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            device = twofactor.pending_device(request.user)
            if twofactor.confirm(device, form.cleaned_data["code"]):
                otp_login(request, device)
                messages.success(
                    request,
                    _(
                        "Two-factor login is on: from now on, you will give a code after your password."
                    ),
                )
                return HttpResponseRedirect(_next_url(request, reverse("accounts:two_factor")))
            form.add_error(
                "code",
                _("This code does not match. Check the time on your phone and try the next code."),
            )
        return self.render(request, form)


@method_decorator(protected, name="dispatch")
class VerifyView(View):
    """The second step of a login: a code from the user's app."""

    def get(self, request):
        if not twofactor.has_device(request.user):
            return HttpResponseRedirect(_next_url(request, reverse("accounts:two_factor")))
        return render(
            request,
            "accounts/two_factor_verify.html",
            {"form": CodeForm(), "next": _next_url(request, "")},
        )

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            device = twofactor.verify(request.user, form.cleaned_data["code"])
            if device is not None:
                otp_login(request, device)
                return HttpResponseRedirect(_next_url(request, reverse("web:incident_list")))
            form.add_error(
                "code",
                _(
                    "This code is not valid. Wait for the next one; after several failures, "
                    "each new try must wait longer."
                ),
            )
        return render(
            request,
            "accounts/two_factor_verify.html",
            {"form": form, "next": _next_url(request, "")},
            status=200,
        )


@method_decorator(protected, name="dispatch")
class DisableView(View):
    """Remove the user's two-factor device, with their password and a current code."""

    def get(self, request):
        if not twofactor.has_device(request.user):
            return redirect("accounts:two_factor")
        return render(
            request,
            "accounts/two_factor_disable.html",
            {"form": DisableForm(), "required": twofactor.is_required(request.user)},
        )

    def post(self, request):
        form = DisableForm(request.POST)
        if form.is_valid():
            if not request.user.check_password(form.cleaned_data["password"]):
                form.add_error("password", _("This is not your password."))
            elif twofactor.verify(request.user, form.cleaned_data["code"]) is None:
                form.add_error("code", _("This code is not valid."))
            else:
                twofactor.remove_devices(request.user)
                messages.success(request, _("Two-factor login is off."))
                return redirect("accounts:two_factor")
        return render(
            request,
            "accounts/two_factor_disable.html",
            {"form": form, "required": twofactor.is_required(request.user)},
        )


@method_decorator(protected, name="dispatch")
class ShareView(View):
    """Share one record with another organisation, or end a share. Outside the user's scope: 404."""

    def get_object(self, request, model: str, pk: int):
        try:
            model_class = sharing.shareable_model(model)
        except sharing.SharingError:
            raise Http404 from None
        return get_or_404(model_class._default_manager.all(), request.user, "share", pk=pk)

    def render(self, request, obj, form):
        return render(
            request,
            "accounts/share.html",
            {
                "object": obj,
                "type_name": obj._meta.verbose_name,
                "form": form,
                "shares": sharing.shares_of(obj).order_by("to_organisation__name"),
            },
        )

    def get(self, request, model: str, pk: int):
        obj = self.get_object(request, model, pk)
        return self.render(request, obj, ShareForm(owner_id=obj.organisation_id))

    def post(self, request, model: str, pk: int):
        obj = self.get_object(request, model, pk)
        revoke_from = request.POST.get("revoke")
        if revoke_from:
            organisation = (
                get_object_or_404(Organisation, pk=parse_id(revoke_from))
                if parse_id(revoke_from)
                else None
            )
            if organisation is None:
                raise Http404
            sharing.revoke(obj, organisation, by=request.user)
            messages.success(
                request,
                _("The share with %(organisation)s has ended.") % {"organisation": organisation},
            )
            return redirect(request.path)
        form = ShareForm(request.POST, owner_id=obj.organisation_id)
        if form.is_valid():
            sharing.share(
                obj,
                form.cleaned_data["organisation"],
                by=request.user,
                allow_change=form.cleaned_data["allow_change"],
                note=form.cleaned_data["note"],
            )
            messages.success(
                request,
                _("Shared with %(organisation)s.")
                % {"organisation": form.cleaned_data["organisation"]},
            )
            return redirect(request.path)
        return self.render(request, obj, form)
