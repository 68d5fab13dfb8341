"""Sessions that end, and the two-factor step before anything else."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve

from . import twofactor
from .signals import LOGIN_TIME_KEY

# Pages open to a logged-in user who has not yet given a second factor.
EXEMPT_VIEWS = {
    "login",
    "logout",
    "set_language",
    "accounts:two_factor_enrol",
    "accounts:two_factor_verify",
}

TWO_FACTOR_FIRST = "Two-factor login is required first: log in on the web pages and give your code."


def _exempt(request) -> bool:
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    try:
        return resolve(request.path_info).view_name in EXEMPT_VIEWS
    except Resolver404:
        return False


def _redirect(request, view_name: str, api_detail: str, api_status: int = 403):
    """To a page (with the way back in ``next``); an API call gets JSON instead."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": api_detail}, status=api_status)
    return HttpResponseRedirect(
        f"{resolve_url(view_name)}?{urlencode({'next': request.get_full_path()})}"
    )


class AccountProtectionMiddleware:
    """After authentication: end sessions older than VIGIE_SESSION_HOURS; then, for a user who has a
    two-factor device or must have one, allow nothing but the login and two-factor pages until the
    session is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        logged_in_at = request.session.get(LOGIN_TIME_KEY)
        if logged_in_at is None:
            request.session[LOGIN_TIME_KEY] = int(time.time())
        elif time.time() - logged_in_at > settings.VIGIE_SESSION_HOURS * 3600:
            logout(request)
            return _redirect(
                request, settings.LOGIN_URL, "Your session has expired: log in again.", 401
            )
        if not user.is_verified() and not _exempt(request):
            if twofactor.has_device(user):
                return _redirect(request, "accounts:two_factor_verify", TWO_FACTOR_FIRST)
            if twofactor.is_required(user):
                return _redirect(request, "accounts:two_factor_enrol", TWO_FACTOR_FIRST)
        return self.get_response(request)
