from django.db import models
from django.utils.translation import pgettext_lazy


class CustodyAction(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("custody action", "Received")
    VIEWED = "viewed", pgettext_lazy("custody action", "Viewed")
    COPIED = "copied", pgettext_lazy("custody action", "Copied")
    DERIVED = "derived", pgettext_lazy("custody action", "Derived (a working copy was made)")
    EXPORTED = "exported", pgettext_lazy("custody action", "Exported")
    TRANSFERRED = "transferred", pgettext_lazy("custody action", "Transferred")
    VERIFIED = "verified", pgettext_lazy("custody action", "Verified against its hash")
