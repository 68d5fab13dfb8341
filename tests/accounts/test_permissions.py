"""Permissions are data: the grants table decides, seeded from DEFAULT_GRANTS, narrowed by constraints."""

import pytest

from vigie.core.models import Membership, Role, RoleGrant
from vigie.core.permissions import (
    DEFAULT_GRANTS,
    allowed_q,
    can,
    get_or_404,
    organisations_for,
    restrict,
)
from vigie.incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_the_grants_table_is_seeded_with_the_default_grants():
    seeded = {
        (g.model, g.role): set(g.actions) for g in RoleGrant.objects.filter(organisation=None)
    }
    expected = {
        (label, str(role)): actions
        for label, roles in DEFAULT_GRANTS.items()
        for role, actions in roles.items()
    }
    assert seeded == expected


def test_roles_see_their_organisations_records_only(
    organisation_a, organisation_b, make_user, make_incident
):
    incident_a, incident_b = make_incident(organisation_a), make_incident(organisation_b)
    analyst_a = make_user("analyst-a", organisation_a, Role.ANALYST)
    assert list(restrict(Incident.objects.all(), analyst_a)) == [incident_a]
    assert can(analyst_a, incident_a, "change") and not can(analyst_a, incident_a, "delete")
    assert not can(analyst_a, incident_b)
    assert organisations_for(analyst_a, Incident, "add") == {organisation_a.pk}
    with pytest.raises(Exception) as raised:
        get_or_404(Incident.objects.all(), analyst_a, pk=incident_b.pk)
    assert type(raised.value).__name__ == "Http404"


def test_restricted_incidents_are_for_coordinators_and_admins_by_default(
    organisation_a, make_user, make_incident
):
    restricted = make_incident(organisation_a, visibility="restricted")
    assert not can(make_user("monitor", organisation_a, Role.MONITOR), restricted)
    assert (
        not Incident.objects.visible_to(make_user("analyst", organisation_a, Role.ANALYST))
        .filter(pk=restricted.pk)
        .exists()
    )
    coordinator = make_user("coordinator", organisation_a, Role.COORDINATOR)
    assert (
        can(coordinator, restricted)
        and Incident.objects.visible_to(coordinator).filter(pk=restricted.pk).exists()
    )


def test_changing_a_grant_changes_access_without_code(
    organisation_a, organisation_b, make_user, make_incident
):
    incident = make_incident(organisation_a)
    monitor = make_user("monitor", organisation_a, Role.MONITOR)
    assert can(monitor, incident)
    grant = RoleGrant.objects.get(role=Role.MONITOR, model="incidents.incident", organisation=None)
    grant.enabled = False
    grant.save()
    assert not can(monitor, incident)  # the same user object: its cached grants were renewed
    assert not Incident.objects.visible_to(monitor).filter(pk=incident.pk).exists()
    # A grant for one organisation's monitors only.
    RoleGrant.objects.create(
        role=Role.MONITOR, model="incidents.incident", actions=["view"], organisation=organisation_b
    )
    assert not can(monitor, incident)
    RoleGrant.objects.create(
        role=Role.MONITOR,
        model="incidents.incident",
        actions=["view"],
        organisation=organisation_a,
        constraints={"location": "Sévaré"},
    )
    assert can(monitor, incident)
    assert not can(monitor, make_incident(organisation_a, location="Mopti"))


def test_constraints_can_name_the_user(organisation_a, make_user, make_incident):
    RoleGrant.objects.filter(role=Role.ANALYST, model="incidents.incident").update(
        constraints=[{"key": "$user"}, {"location": "Gao"}]
    )
    analyst = make_user("analyst", organisation_a, Role.ANALYST)
    own = make_incident(organisation_a, key=str(analyst.pk))
    in_gao = make_incident(organisation_a, location="Gao")
    other = make_incident(organisation_a, key="someone else")
    visible = set(restrict(Incident.objects.all(), analyst).values_list("pk", flat=True))
    assert visible == {own.pk, in_gao.pk} and other.pk not in visible


def test_a_membership_change_takes_effect_on_the_same_user_object(
    organisation_a, make_user, make_incident
):
    incident = make_incident(organisation_a)
    user = make_user("newcomer")
    assert not can(user, incident)
    Membership.objects.create(user=user, organisation=organisation_a, role=Role.MONITOR)
    assert can(user, incident)


def test_inactive_users_anonymous_and_unknown_actions(organisation_a, make_user, make_incident):
    from django.contrib.auth.models import AnonymousUser

    incident = make_incident(organisation_a)
    user = make_user("gone", organisation_a, Role.COORDINATOR)
    user.is_active = False
    assert not can(user, incident)
    assert not restrict(Incident.objects.all(), AnonymousUser()).exists()
    with pytest.raises(ValueError, match="unknown action"):
        allowed_q(user, Incident, "publish")


def test_a_bad_constraint_is_refused_when_the_grant_is_validated():
    from django.core.exceptions import ValidationError

    grant = RoleGrant(
        role=Role.MONITOR,
        model="incidents.incident",
        actions=["view"],
        constraints={"no_such_field": 1},
    )
    with pytest.raises(ValidationError, match="constraints"):
        grant.full_clean()
    with pytest.raises(ValidationError, match="actions"):
        RoleGrant(role=Role.MONITOR, model="incidents.incident", actions=["fly"]).full_clean()
    with pytest.raises(ValidationError, match="model"):
        RoleGrant(role=Role.MONITOR, model="nothing.here", actions=["view"]).full_clean()


def test_can_answers_as_the_database_for_every_role_visibility_and_action(
    organisation_a, organisation_b, make_user, make_incident
):
    """can() answers some questions from the grants it holds (vigie.core.permissions); the answer is
    always the one the database gives for the same rule."""
    RoleGrant.objects.create(
        role=Role.MONITOR,
        model="incidents.incident",
        actions=["change"],
        organisation=organisation_a,
        constraints=[{"location__in": ["Gao", "Mopti"]}, {"key": "$user"}],
    )
    # Degenerate constraints, read as the database reads them: an empty dictionary allows nothing.
    RoleGrant.objects.create(
        role=Role.INVESTIGATOR,
        model="incidents.incident",
        actions=["change"],
        organisation=organisation_a,
        constraints=[{}],
    )
    RoleGrant.objects.create(
        role=Role.ASSISTANCE_OFFICER,
        model="incidents.incident",
        actions=["delete"],
        organisation=organisation_a,
        constraints={},
    )
    incidents = [
        make_incident(organisation, visibility=visibility, location=location)
        for organisation in (organisation_a, organisation_b)
        for visibility in ("public", "organisation", "restricted")
        for location in ("Sévaré", "Gao")
    ]
    users = [
        make_user(f"{role}-{organisation.slug}", organisation, role)
        for organisation in (organisation_a, organisation_b)
        for role in Role.values
    ]
    incidents.append(make_incident(organisation_a, key=str(users[0].pk)))
    for user in users:
        for incident in incidents:
            for action in ("view", "add", "change", "delete", "share"):
                by_database = restrict(
                    Incident.objects.filter(pk=incident.pk), user, action
                ).exists()
                assert can(user, incident, action) == by_database, (
                    user.username,
                    incident.visibility,
                    action,
                )
