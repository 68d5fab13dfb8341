"""Sources and reports: each account as it came, never overwritten."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vigie.core.choices import Visibility
from vigie.core.models import ChangeLoggedModel
from vigie.core.published import NameQuerySet, signed_in
from vigie.core.querysets import ReportQuerySet
from vigie.incidents.choices import DatePrecision, EventType, SubEventType
from vigie.places.choices import GeoPrecision

from .choices import Credibility, LinkMethod, Reliability, SourceKind

# Sources the public may see named: published outlets and datasets, never a witness, a partner or
# an association whose name could put someone at risk.
PUBLIC_SOURCE_KINDS = ("dataset", "media", "official", "un")


class SourceQuerySet(NameQuerySet):
    def public_q(self, user) -> Q:
        """Published outlets and datasets for everyone; published shared sources (no organisation) for
        signed-in users too. A published partner or witness of another organisation is never listed."""
        allowed = Q(kind__in=PUBLIC_SOURCE_KINDS)
        if signed_in(user):
            allowed |= Q(organisation__isnull=True)
        return Q(published=True) & allowed


class Source(ChangeLoggedModel):
    """Where reports come from: a dataset, a radio, a partner, a witness, an official statement."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    language = models.CharField(_("language"), max_length=10, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="sources"
    )
    url = models.URLField(blank=True)
    attribution = models.TextField(
        _("attribution"),
        blank=True,
        help_text=_("The credit line a licence requires (UCDP GED: CC BY 4.0)."),
    )
    redistributable = models.BooleanField(
        default=True,
        help_text=_("Whether this source's own rows may be redistributed (ACLED's may not)."),
    )
    reliability = models.CharField(
        _("reliability"),
        max_length=1,
        choices=Reliability.choices,
        default=Reliability.F,
        help_text=_("How reliable the source has proved (A to F; F: cannot be judged yet)."),
    )
    party = models.BooleanField(
        _("party to the conflict"),
        default=False,
        help_text=_(
            "An army, a government or an armed group speaking of its own acts: recorded, not trusted alone."
        ),
    )
    published = models.BooleanField(
        _("published name"),
        default=True,
        help_text=_(
            "Off: created by an organisation's non-public report; only that organisation sees it until "
            "one of its analysts publishes it."
        ),
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    """One account of one event by one source, kept as it came.

    A newer version of the same account (an ACLED row with a newer timestamp) is a new Report that
    supersedes the previous one; the previous one stays, with ``is_current`` off.
    """

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="reports", db_index=False
    )
    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.ORGANISATION
    )
    external_id = models.CharField(_("identifier at the source"), max_length=120)
    is_current = models.BooleanField(default=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    source_timestamp = models.BigIntegerField(
        null=True, blank=True, help_text=_("The source's own version stamp.")
    )
    content_hash = models.CharField(max_length=32)

    published = models.DateField(_("published"), null=True, blank=True)
    date_start = models.DateField(_("event date"), null=True, blank=True)
    date_end = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )

    country_text = models.CharField(max_length=100, blank=True)
    admin1_text = models.CharField(max_length=200, blank=True)
    admin2_text = models.CharField(max_length=200, blank=True)
    admin3_text = models.CharField(max_length=200, blank=True)
    location_text = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    geo_precision = models.CharField(max_length=10, choices=GeoPrecision.choices, blank=True)
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )

    event_type = models.CharField(max_length=40, choices=EventType.choices, blank=True)
    sub_event_type = models.CharField(max_length=40, choices=SubEventType.choices, blank=True)
    event_label = models.CharField(max_length=300, blank=True)
    perpetrator_text = models.CharField(_("perpetrator as reported"), max_length=500, blank=True)
    target_text = models.CharField(_("target as reported"), max_length=500, blank=True)

    killed = models.PositiveIntegerField(null=True, blank=True)
    killed_low = models.PositiveIntegerField(null=True, blank=True)
    killed_high = models.PositiveIntegerField(null=True, blank=True)
    civilians_killed = models.PositiveIntegerField(null=True, blank=True)
    combatants_killed = models.PositiveIntegerField(null=True, blank=True)
    injured = models.PositiveIntegerField(null=True, blank=True)
    abducted = models.PositiveIntegerField(null=True, blank=True)

    text = models.TextField(_("text"), blank=True)
    original_source = models.CharField(
        max_length=500, blank=True, help_text=_("For dataset rows: the outlets the dataset cites.")
    )
    url = models.URLField(max_length=500, blank=True)
    language = models.CharField(max_length=10, blank=True)
    raw = models.JSONField(
        null=True,
        blank=True,
        help_text=_(
            "The row(s) as they came, values in the file's column order (the import run has the header)."
        ),
    )

    flags = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            'Marks an import put on the report: "figures_out_of_order" when the source published '
            "low, best and high out of order (kept as published in raw; the figures hold min, best, max)."
        ),
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    link_method = models.CharField(max_length=20, choices=LinkMethod.choices, blank=True)
    linked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the linkage engine last placed this report.")
    )
    credibility = models.PositiveSmallIntegerField(
        _("credibility"),
        choices=Credibility.choices,
        default=Credibility.UNKNOWN,
        help_text=_("How credible this account is (1 to 6; 6: cannot be judged)."),
    )
    # A default in the database too: the importers write rows by COPY / executemany, naming their columns.
    accepted = models.BooleanField(
        _("accepted"),
        default=True,
        db_default=True,
        help_text=_(
            "Whether the incident's figures may rest on this report: a dataset's or a reports "
            "file's rows are accepted as imported; a monitor's report once an analyst accepts it."
        ),
    )
    accepted_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    import_run = models.ForeignKey(
        "interop.ImportRun",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        db_index=False,
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-date_start", "id"]
        indexes = [models.Index(fields=["source", "external_id"])]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.source} {self.external_id}"

    def raw_rows(self) -> list[dict]:
        """The row(s) as they came, by column name; a dataset's notes are the report's text."""
        columns = self.import_run.columns if self.import_run_id else []
        rows = []
        for values in self.raw or []:
            row = dict(zip(columns, values, strict=False))
            rows.append(
                {name: (self.text if value is None else value) for name, value in row.items()}
            )
        return rows
