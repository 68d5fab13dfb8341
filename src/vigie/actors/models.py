"""Actors with their category, their parent group and their names in several languages."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.core.models import ChangeLoggedModel
from vigie.core.published import ImportedNameQuerySet
from vigie.core.text import normalize_name

from .choices import ActorCategory, AliasLanguage


class Actor(ChangeLoggedModel):
    key = models.SlugField(_("key"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=300)
    category = models.CharField(_("category"), max_length=30, choices=ActorCategory.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The group this one is part of (Katiba Macina is part of JNIM)."),
    )
    country = models.CharField(
        _("country"), max_length=3, blank=True, help_text=_("ISO 3166 alpha-3")
    )
    active = models.CharField(_("years active"), max_length=40, blank=True)
    description_en = models.TextField(blank=True)
    description_fr = models.TextField(blank=True)
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_("Created from an imported name that the dictionary did not know."),
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actors",
        verbose_name=_("organisation"),
        help_text=_(
            "The organisation whose report named this actor first (empty: the dictionary or a dataset)."
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

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")

    def __str__(self) -> str:
        return self.name


class ActorAlias(models.Model):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    normalized = models.CharField(max_length=300, unique=True, editable=False)
    language = models.CharField(
        max_length=10, choices=AliasLanguage.choices, default=AliasLanguage.EN
    )

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")

    def save(self, *args, **kwargs):
        self.normalized = normalize_name(self.name)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name
