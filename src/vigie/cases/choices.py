from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("case status", "In progress")
    FINDINGS_RECORDED = "findings_recorded", pgettext_lazy("case status", "Findings recorded")
    REFERRED = "referred", pgettext_lazy("case status", "Referred")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")


# Where a case may go from each status. Closing always needs a reason; reopening too.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.OPEN: {CaseStatus.IN_PROGRESS, CaseStatus.CLOSED},
    CaseStatus.IN_PROGRESS: {CaseStatus.FINDINGS_RECORDED, CaseStatus.CLOSED},
    CaseStatus.FINDINGS_RECORDED: {CaseStatus.IN_PROGRESS, CaseStatus.REFERRED, CaseStatus.CLOSED},
    CaseStatus.REFERRED: {CaseStatus.IN_PROGRESS, CaseStatus.CLOSED},
    CaseStatus.CLOSED: {CaseStatus.IN_PROGRESS},
}


class RecipientKind(models.TextChoices):
    COURT = "court", _("Court or prosecutor")
    NATIONAL_COMMISSION = "national_commission", _("National human-rights commission (CNDH)")
    UN_OFFICE = "un_office", _("UN human-rights office (OHCHR, a mission's human-rights division)")
    ORGANISATION = "organisation", _("Another organisation")


class ReferralStatus(models.TextChoices):
    PREPARED = "prepared", pgettext_lazy("referral status", "Prepared")
    SENT = "sent", pgettext_lazy("referral status", "Sent")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("referral status", "Acknowledged")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "Accepted (under examination)")
    DECLINED = "declined", pgettext_lazy("referral status", "Declined")
    CONCLUDED = "concluded", pgettext_lazy("referral status", "Concluded")
