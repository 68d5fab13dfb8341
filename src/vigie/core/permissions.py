"""Who may do what, scoped by organisation. One place for pages, API, exports, files and search.

Every record that needs protection (incident, case, evidence, victim, assistance) belongs to an
organisation (its ``organisation`` field). A user may act on a record when one of their
memberships in that organisation has a role that grants the action on that kind of record, or when
the record was explicitly shared with one of their organisations (and their role there grants the
action on that kind of record). Nothing else: closed by default. Outside a user's scope a record
does not exist for them (404, never 403).

Grants are data (core.RoleGrant, as NetBox's constrained object permissions): a role, a type of
record, actions, optional constraints. They are seeded from DEFAULT_GRANTS and DEFAULT_CONSTRAINTS
by a migration and can be changed per instance (in the admin, by an operator).

This module, vigie.core.querysets (``Model.objects.visible_to(user)`` / ``restrict(user, action)``,
which every reader of a scoped record asks) and vigie.core.published are the access layer: no other
module builds an access rule (tests/test_access_layer.py), and no other module compares role names:
what a role may do is a grant, asked here.

Interface (stable):
    may(user, model, action="view", organisation=ANY) -> bool: may ``user`` ``action`` some record of
        ``model`` (in ``organisation``, when given)? The question behind a button, a link, a form.
    spans_organisations(user, model, action="view") -> bool: in more than one organisation?
    members_who_may(organisations, model, action="view") -> the users whose role there grants it
    restrict(queryset, user, action="view") -> queryset narrowed to what user may `action`
    can(user, obj, action="view") -> bool
    get_or_404(queryset, user, action="view", **lookup) -> obj, or Http404
    organisations_for(user, model, action="view") -> set of organisation ids
    allowed_q(user, model, action="view") -> Q (what restrict filters by; to combine with other rules)
    allowed_among(user, objects, action="view") -> the objects of a list that user may action
    is_operator(user) -> bool (an active superuser: the instance's operator, who sees everything)
    require(user, obj, action) -> None, or Http404 (out of scope) / PermissionDenied (role forbids)
    require_in_organisation(user, model, organisation, action="add") -> None, or PermissionDenied
    member_organisations(user) -> set of the ids of user's organisations (any role)
    roles_granted(model, action) -> the roles a grant of any organisation allows ``action`` on ``model``
    requires_second_factor(user) -> bool (operators and the roles that touch sensitive records)
    audience(user) -> str, equal for exactly the users who see the same records (a cache key)
Actions: view, add, change, delete, share.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404

from .models import Action, Membership, Role, RoleGrant, Share

ACTIONS: tuple[str, ...] = tuple(Action.values)
# What a share can carry: viewing always, changing when the share allows it; never more.
SHAREABLE_ACTIONS = {Action.VIEW: None, Action.CHANGE: "allow_change"}

# The seed of the grants table (migration core 0004); keys are "app_label.model".
_ALL = {"view", "add", "change", "delete", "share"}
DEFAULT_GRANTS: dict[str, dict[str, set[str]]] = {
    "incidents.incident": {
        Role.MONITOR: {"view", "add"},
        Role.ANALYST: {"view", "add", "change"},
        Role.INVESTIGATOR: {"view"},
        Role.ASSISTANCE_OFFICER: {"view"},
        Role.COORDINATOR: _ALL,
        Role.ADMIN: _ALL,
    },
    # The reports behind incidents (the API lists an organisation's own): as incidents.
    "reports.report": {
        Role.MONITOR: {"view", "add"},
        Role.ANALYST: {"view", "add", "change"},
        Role.INVESTIGATOR: {"view"},
        Role.ASSISTANCE_OFFICER: {"view"},
        Role.COORDINATOR: _ALL,
        Role.ADMIN: _ALL,
    },
    "cases.case": {
        Role.INVESTIGATOR: {"view", "add", "change"},
        Role.COORDINATOR: _ALL,
        Role.ADMIN: {"view"},
    },
    "evidence.evidenceitem": {
        Role.INVESTIGATOR: {"view", "add", "change"},
        Role.COORDINATOR: _ALL,
    },
    "victims.victim": {
        Role.INVESTIGATOR: {"view", "add", "change"},
        Role.ASSISTANCE_OFFICER: {"view", "add", "change"},
        Role.COORDINATOR: _ALL,
    },
    "victims.assistance": {
        Role.ASSISTANCE_OFFICER: {"view", "add", "change"},
        Role.COORDINATOR: _ALL,
    },
    # Managing an organisation's members (its administration page): its administrators.
    "core.membership": {
        Role.ADMIN: {"view", "add", "change", "delete"},
    },
    # Editing an organisation's own sources (name, kind, redistribution): coordinators and
    # administrators. A source shared by every organisation (none of its own): operators only.
    "reports.source": {
        Role.COORDINATOR: {"change"},
        Role.ADMIN: {"change"},
    },
}
# The records that can be shared with another organisation (vigie.accounts.sharing).
SHAREABLE_MODELS: tuple[str, ...] = (
    "incidents.incident",
    "reports.report",
    "cases.case",
    "evidence.evidenceitem",
    "victims.victim",
    "victims.assistance",
)
# Two-factor login (where VIGIE_REQUIRE_2FA asks for it): the roles granted anything on these records,
# and coordinators and administrators whatever their grants.
SENSITIVE_MODELS = ("victims.victim", "victims.assistance", "evidence.evidenceitem", "cases.case")
ALWAYS_SECOND_FACTOR_ROLES = {Role.COORDINATOR, Role.ADMIN}
# Constraints seeded with those grants: a "restricted" incident or report is for its
# organisation's coordinators and administrators only.
_NOT_RESTRICTED = {"visibility__in": ["public", "organisation"]}
DEFAULT_CONSTRAINTS: dict[str, dict[str, dict | list]] = {
    label: {
        Role.MONITOR: _NOT_RESTRICTED,
        Role.ANALYST: _NOT_RESTRICTED,
        Role.INVESTIGATOR: _NOT_RESTRICTED,
        Role.ASSISTANCE_OFFICER: _NOT_RESTRICTED,
    }
    for label in ("incidents.incident", "reports.report")
}


def seed_default_grants(grant_model=RoleGrant, labels=None) -> int:
    """Write DEFAULT_GRANTS (those of ``labels``, when given) into the grants table (the migration
    passes its historical model). A role that holds a grant on a label already keeps it as it is."""
    existing = set(grant_model.objects.filter(organisation=None).values_list("model", "role"))
    rows = [
        grant_model(
            role=str(role),
            model=label,
            actions=sorted(actions),
            constraints=DEFAULT_CONSTRAINTS.get(label, {}).get(role),
            description="default",
        )
        for label, roles in DEFAULT_GRANTS.items()
        for role, actions in roles.items()
        if (labels is None or label in labels) and (label, str(role)) not in existing
    ]
    grant_model.objects.bulk_create(rows)
    return len(rows)


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _model(model):
    """A model, given as itself or as "app_label.Model"."""
    if isinstance(model, str):
        from django.apps import apps

        return apps.get_model(model)
    return model


def check_action(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}: one of {', '.join(ACTIONS)}")


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_operator(user) -> bool:
    """An active superuser: the instance's operator (admin site, every organisation's records)."""
    return _active(user) and user.is_superuser


# -- the grants of one user, cached on the user object (one request), renewed when grants change --

_generation = 0


@receiver(post_save, sender=RoleGrant)
@receiver(post_delete, sender=RoleGrant)
@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def _grants_changed(**kwargs) -> None:
    global _generation
    _generation += 1


def memberships_of(user) -> list[tuple[int, str]]:
    """``user``'s (organisation id, role) pairs, read once per request (cached on the user object, as
    the grants are, and renewed when memberships change)."""
    if not _active(user):
        return []
    cached = getattr(user, "_vigie_memberships", None)
    if cached is not None and cached[0] == _generation:
        return cached[1]
    generation = _generation
    memberships = sorted(
        Membership.objects.filter(user_id=user.pk).values_list("organisation_id", "role")
    )
    try:
        user._vigie_memberships = (generation, memberships)
    except AttributeError:  # an object that takes no attributes: no cache
        pass
    return memberships


def _user_grants(user) -> dict[tuple[str, str], list[tuple[int, object]]]:
    """(model label, action) -> [(organisation id, constraints or None)] for ``user``."""
    cached = getattr(user, "_vigie_grants", None)
    if cached is not None and cached[0] == _generation:
        return cached[1]
    generation = _generation
    memberships = memberships_of(user)
    table: dict[tuple[str, str], list[tuple[int, object]]] = defaultdict(list)
    if memberships:
        grants = RoleGrant.objects.filter(
            enabled=True, role__in={role for _, role in memberships}
        ).values_list("role", "model", "actions", "constraints", "organisation_id")
        for grant_role, label, actions, constraints, grant_organisation in grants:
            for organisation_id, role in memberships:
                if role != grant_role or grant_organisation not in (None, organisation_id):
                    continue
                for action in actions or ():
                    table[(label, action)].append((organisation_id, constraints))
    table = dict(table)
    try:
        user._vigie_grants = (generation, table)
    except AttributeError:  # an object that takes no attributes: no cache
        pass
    return table


def user_roles(user) -> set[str]:
    """The roles ``user`` holds in any organisation."""
    if not _active(user):
        return set()
    return {role for _organisation_id, role in memberships_of(user)}


def member_organisations(user) -> set[int]:
    """The organisations ``user`` belongs to, in any role."""
    return {organisation_id for organisation_id, _role in memberships_of(user)}


def roles_granted(model, action: str) -> set[str]:
    """The roles that an enabled grant (of any organisation) allows ``action`` on ``model``."""
    check_action(action)
    label = _label(_model(model))
    return {
        str(role)
        for role, actions in RoleGrant.objects.filter(enabled=True, model=label).values_list(
            "role", "actions"
        )
        if action in (actions or ())
    }


def requires_second_factor(user) -> bool:
    """Whether ``user`` is one who must log in with a second factor where it is required: an
    operator, a coordinator or an administrator, or a role granted anything on a sensitive record."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    granted = RoleGrant.objects.filter(enabled=True, model__in=SENSITIVE_MODELS).values_list(
        "role", "actions"
    )
    sensitive = {str(role) for role in ALWAYS_SECOND_FACTOR_ROLES} | {
        role for role, actions in granted if actions
    }
    return bool(user_roles(user) & sensitive)


def audience(user) -> str:
    """A key shared by exactly the users who see the same records: the same memberships
    (organisation and role: a role's grants decide what it sees). Grants and shares are per role
    and organisation, so equal memberships see equal records."""
    import hashlib

    if not _active(user):
        return "public"
    if user.is_superuser:
        return "all"
    digest = hashlib.sha256(repr(memberships_of(user)).encode()).hexdigest()[:24]
    return f"m{digest}"


# -- constraints ---------------------------------------------------------------------------------


def _substitute(value, user_id):
    if value == "$user":
        return user_id
    if isinstance(value, list):
        return [_substitute(item, user_id) for item in value]
    return value


def constraint_q(constraints, user_id) -> Q:
    """A grant's constraints as a Q: a dictionary of lookups (all must match) or a list of them (any)."""
    if constraints is None:
        return Q()
    alternatives = constraints if isinstance(constraints, list) else [constraints]
    if not alternatives:
        return Q()
    combined = Q(pk__in=[])
    for lookups in alternatives:
        if not isinstance(lookups, dict):
            raise ValueError(
                "constraints must be a dictionary of lookups or a list of dictionaries"
            )
        combined |= Q(**{key: _substitute(value, user_id) for key, value in lookups.items()})
    return combined


# -- the interface ---------------------------------------------------------------------------------


def organisations_for(user, model, action: str = "view") -> set[int]:
    """The organisations in which ``user`` may ``action`` records of ``model`` (their constraints apart)."""
    check_action(action)
    if not _active(user):
        return set()
    return {
        organisation_id
        for organisation_id, _ in _user_grants(user).get((_label(model), action), ())
    }


ANY = object()  # ``may``'s organisation: any one


def may(user, model, action: str = "view", organisation=ANY) -> bool:
    """Whether ``user`` may ``action`` records of ``model`` (a model or "app_label.Model"): in some
    organisation, or in ``organisation`` (an organisation or its id; None: a record of no
    organisation, which only an operator may act on). Operators may everything. The question a
    page asks before it offers a page, a link or a button; the record itself is asked with ``can``."""
    check_action(action)
    if is_operator(user):
        return True
    if organisation is None:
        return False
    try:
        model = _model(model)
    except LookupError:  # an app this instance does not have
        return False
    organisations = organisations_for(user, model, action)
    if organisation is ANY:
        return bool(organisations)
    return getattr(organisation, "pk", organisation) in organisations


def members_who_may(organisations, model, action: str = "view"):
    """The active users whose role in one of ``organisations`` grants ``action`` on ``model`` (who
    may lead a case, be an assistance officer), by their memberships alone: being an operator makes
    no one a member."""
    from django.contrib.auth import get_user_model

    check_action(action)
    grants = list(
        RoleGrant.objects.filter(enabled=True, model=_label(_model(model))).values_list(
            "role", "actions", "organisation_id"
        )
    )
    allowed = Q(pk__in=[])
    for organisation in organisations:
        organisation_id = getattr(organisation, "pk", organisation)
        roles = sorted(
            {
                str(role)
                for role, actions, granted_in in grants
                if action in (actions or ()) and granted_in in (None, organisation_id)
            }
        )
        if roles:
            allowed |= Q(memberships__organisation_id=organisation_id, memberships__role__in=roles)
    return get_user_model().objects.filter(is_active=True).filter(allowed).distinct()


def spans_organisations(user, model, action: str = "view") -> bool:
    """Whether ``user`` may ``action`` records of ``model`` in more than one organisation (an
    operator: always): a list then names each record's organisation."""
    check_action(action)
    return is_operator(user) or len(organisations_for(user, _model(model), action)) > 1


def allowed_q(user, model, action: str = "view") -> Q:
    """The records of ``model`` that ``user`` may ``action``, as a filter (superusers: everything)."""
    check_action(action)
    nothing = Q(pk__in=[])
    if not _active(user):
        return nothing
    if user.is_superuser:
        return Q()
    entries = _user_grants(user).get((_label(model), action))
    if not entries:
        return nothing
    if not any(field.name == "organisation" for field in model._meta.concrete_fields):
        raise TypeError(
            f"{_label(model)} has no organisation field: vigie.core.permissions cannot scope it"
        )
    unconstrained = {
        organisation_id for organisation_id, constraints in entries if constraints is None
    }
    constrained: dict[int, list] = defaultdict(list)
    for organisation_id, constraints in entries:
        if organisation_id not in unconstrained:
            constrained[organisation_id].append(constraints)
    share_flag = SHAREABLE_ACTIONS.get(action, False)

    def held_by(organisation_ids) -> Q:
        own = Q(organisation_id__in=organisation_ids)
        if share_flag is False:
            return own
        from django.contrib.contenttypes.models import ContentType

        shares = Share.objects.filter(
            content_type=ContentType.objects.get_for_model(model, for_concrete_model=True),
            to_organisation_id__in=organisation_ids,
            revoked_at__isnull=True,
        )
        if share_flag:
            shares = shares.filter(**{share_flag: True})
        return own | Q(pk__in=shares.values("object_id"))

    allowed = held_by(sorted(unconstrained)) if unconstrained else nothing
    for organisation_id, alternatives in sorted(constrained.items()):
        matching = nothing
        for constraints in alternatives:
            matching |= constraint_q(constraints, user.pk)
        allowed |= held_by([organisation_id]) & matching
    return allowed


def restrict(queryset, user, action: str = "view"):
    """Narrow ``queryset`` to the records ``user`` may ``action``; never widen it."""
    if is_operator(user):
        check_action(action)
        return queryset
    return queryset.filter(allowed_q(user, queryset.model, action))


def can(user, obj, action: str = "view") -> bool:
    """Whether ``user`` may ``action`` ``obj``. For a record not yet saved, by its organisation only."""
    if obj.pk is None:
        check_action(action)
        if is_operator(user):
            return True
        return getattr(obj, "organisation_id", None) in organisations_for(user, type(obj), action)
    if _granted_in_own_organisation(user, obj, action):
        return True
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def allowed_among(user, objects, action: str = "view") -> list:
    """The ``objects`` (saved records of one model) that ``user`` may ``action``, in their order: those
    a grant in their own organisation allows are known at once, the others are asked of the database
    in one query (shares, other lookups), as ``restrict`` would answer."""
    objects = list(objects)
    if not objects:
        return []
    check_action(action)
    if is_operator(user):
        return objects
    undecided = [obj.pk for obj in objects if not _granted_in_own_organisation(user, obj, action)]
    allowed_by_database = set()
    if undecided:
        model = type(objects[0])
        allowed_by_database = set(
            restrict(model._default_manager.filter(pk__in=undecided), user, action).values_list(
                "pk", flat=True
            )
        )
    return [obj for obj in objects if obj.pk in allowed_by_database or obj.pk not in undecided]


def _granted_in_own_organisation(user, obj, action: str) -> bool:
    """Whether a grant of ``user``'s role in ``obj``'s organisation allows ``action`` on it, when its
    constraints are plain lookups that can be read on ``obj`` itself (field, field__in). A "no" here
    is not an answer: shares and other lookups are for the database (``can`` asks it then)."""
    if not _active(user) or user.is_superuser:
        return False
    organisation_id = getattr(obj, "organisation_id", None)
    return any(
        granted_organisation == organisation_id and _constraints_hold(obj, constraints, user.pk)
        for granted_organisation, constraints in _user_grants(user).get(
            (_label(type(obj)), action), ()
        )
    )


def _constraints_hold(obj, constraints, user_id) -> bool:
    """Whether ``obj`` matches a grant's constraints, read as constraint_q reads them: none (or an
    empty list) allow everything; an empty dictionary allows nothing."""
    if constraints is None or constraints == []:
        return True
    alternatives = constraints if isinstance(constraints, list) else [constraints]
    return any(
        isinstance(lookups, dict)
        and lookups
        and all(_holds(obj, key, value, user_id) for key, value in lookups.items())
        for lookups in alternatives
    )


def _holds(obj, lookup: str, value, user_id) -> bool:
    name, _sep, operator = lookup.partition("__")
    if operator not in ("", "exact", "in"):
        return False  # not readable here: the database decides
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:  # the database decides, and fails loudly there
        return False
    if field.is_relation and not field.many_to_one:
        return False
    actual = getattr(obj, field.attname)
    value = _substitute(value, user_id)
    return actual in value if operator == "in" else actual == value


def get_or_404(queryset, user, action: str = "view", **lookup):
    check_action(action)
    try:
        return restrict(queryset, user, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None


def require(user, obj, action: str) -> None:
    """For services: Http404 when ``obj`` is outside the user's scope, PermissionDenied when they may
    see it but not ``action`` it. ``user`` None is the operator at the server's shell (the CLI)."""
    if user is None:
        return
    if not can(user, obj, "view"):
        raise Http404
    if action != "view" and not can(user, obj, action):
        raise PermissionDenied


def require_in_organisation(user, model, organisation, action: str = "add") -> None:
    """For services creating a record: PermissionDenied unless ``user`` may ``action`` ``model``
    records in ``organisation`` (``user`` None: the operator at the shell)."""
    if user is None or is_operator(user):
        return
    if organisation.pk not in organisations_for(user, model, action):
        raise PermissionDenied
