"""Remember when a session logged in: sessions end VIGIE_SESSION_HOURS later, whatever happens."""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

LOGIN_TIME_KEY = "vigie_login_at"


@receiver(user_logged_in)
def remember_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_TIME_KEY] = int(time.time())
