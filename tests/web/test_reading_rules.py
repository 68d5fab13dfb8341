"""The incident page decides some reads from the grants it holds (``Report.objects.readable_list``,
vigie.core.permissions.allowed_among): each answer is the one the database's rule gives
(``readable_by``), for every user and every incident, shares included."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from vigie.core.models import Share
from vigie.core.permissions import allowed_among, restrict
from vigie.incidents.models import Incident
from vigie.reports.models import Report

pytestmark = pytest.mark.django_db


def _share(world, record) -> None:
    from django.contrib.contenttypes.models import ContentType

    Share.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        from_organisation=world.alpha,
        to_organisation=world.beta,
        granted_by=world.users["awa"],
    )


def test_readable_reports_and_visible_incidents_as_the_database_says(world):
    _share(world, world.incidents["sevare"])
    _share(world, world.incidents["sevare"].reports.get())
    users = [AnonymousUser(), *world.users.values()]
    for user in users:
        for incident in Incident.objects.all():
            reports = incident.reports.filter(is_current=True).order_by("published", "id")
            by_database = list(reports.readable_by(user))
            assert reports.select_related("source").readable_list(user) == by_database, (
                str(user),
                incident.location,
            )
        for model in (Incident, Report):
            for action in ("view", "change"):
                objects = list(model.objects.order_by("pk"))
                expected = (
                    set(restrict(model.objects.all(), user, action).values_list("pk", flat=True))
                    if user.is_authenticated
                    else set()
                )
                assert {obj.pk for obj in allowed_among(user, objects, action)} == expected, (
                    str(user),
                    model,
                    action,
                )
    # The page's rule for an incident: the grants', or else public or shared (visible_to).
    for user in users:
        visible = set(Incident.objects.visible_to(user).values_list("pk", flat=True))
        assert visible >= {
            obj.pk for obj in allowed_among(user, Incident.objects.filter(merged_into=None))
        }
