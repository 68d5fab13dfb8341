"""The gazetteer: countries, regions, cercles, communes and localities, with their other spellings."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.core.models import ChangeLoggedModel
from vigie.core.published import ImportedNameQuerySet
from vigie.core.text import normalize_name

from .choices import ADMIN_LEVEL, PlaceKind


class Place(ChangeLoggedModel):
    code = models.CharField(_("code"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=PlaceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    pcode = models.CharField(_("OCHA p-code"), max_length=20, blank=True)
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_("Created from an imported name that the gazetteer did not know."),
    )
    note = models.CharField(max_length=300, blank=True)
    external_id = models.CharField(
        _("dataset identifier"),
        max_length=60,
        blank=True,
        db_index=True,
        help_text=_("The place's key in the dataset it came from (geoBoundaries, GeoNames)."),
    )
    notable = models.BooleanField(
        _("notable"),
        default=False,
        help_text=_(
            "A town, a seat or a village of the hand-made gazetteer: of several places of one name, "
            "the notable one is meant."
        ),
    )
    boundary = models.TextField(
        _("boundary"),
        blank=True,
        help_text=_("The area's outline: a GeoJSON polygon in longitude and latitude."),
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="places",
        verbose_name=_("organisation"),
        help_text=_(
            "The organisation whose report named this place first (empty: the gazetteer or a dataset)."
        ),
    )
    published = models.BooleanField(
        _("published name"),
        default=True,
        help_text=_(
            "Off: named in an organisation's non-public report; only that organisation sees it until "
            "one of its analysts publishes it."
        ),
    )

    objects = ImportedNameQuerySet.as_manager()

    changelog_exclude = ("boundary",)  # hundreds of points, from a shipped file

    class Meta:
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["kind", "name"])]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> int:
        return ADMIN_LEVEL[self.kind]


class PlaceAlias(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    normalized = models.CharField(max_length=200, db_index=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "normalized"], name="place_alias_unique")
        ]
        verbose_name = _("other spelling")
        verbose_name_plural = _("other spellings")

    def save(self, *args, **kwargs):
        self.normalized = normalize_name(self.name)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name
