"""The address a login attempt comes from, for django-axes' throttling."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The connection's address; behind VIGIE_PROXY_COUNT reverse proxies, the address the first of
    them saw (each proxy appends one address to X-Forwarded-For; the ones before could be forged)."""
    proxies = getattr(settings, "VIGIE_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The page shown while a user name and address are locked out (HTTP 429)."""
    from django.shortcuts import render

    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(
        request,
        "accounts/locked_out.html",
        {"cooloff_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
