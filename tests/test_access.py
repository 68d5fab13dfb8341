"""The access test: every route of the project, tried by everyone, leaks nothing.

Every URL pattern (pages, API, accounts, evidence, admin...) is found by walking the URL resolver,
and must be classified in ROUTES below: a new route that is not in the table fails the test, so no
route is ever left uncovered. Each route is filled with the ids of real records of organisation A
(an incident, its report and witness source, a case, a piece of evidence, a victim, an assistance
case), whose text fields carry marker strings, and requested:

- anonymously: 404, a redirect to a login page, or 401/403 (API); never A's data;
- by a member of organisation B in every role: 404 for A's records (never 403), never A's data;
- by each role of A: what the grants say (vigie.core.permissions.DEFAULT_GRANTS, read here as the
  oracle, independently of the grants table that the code reads), and never the markers of a type
  of record the role may not see;
- by an operator (superuser): no error.

No answer may be a server error. Writes (POST, PUT, PATCH, DELETE) by outsiders to A's records are
refused and change nothing.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories
from vigie.core.models import ChangeLogEntry, Organisation, Role
from vigie.core.permissions import DEFAULT_GRANTS

pytestmark = pytest.mark.django_db

ROLES = [str(role) for role in Role]

# Kinds of route.
PUBLIC = "public"  # anyone; `ok` lists the statuses expected of everyone
LOGIN = (
    "login"  # any signed-in user; the anonymous are sent to log in (or get 401/403 from the API)
)
OBJECT = (
    "object"  # one of A's records in the path: 404 for outsiders, for A's roles what `needs` says
)
LIST = (
    "list"  # a list anyone (or any signed-in user, `login=True`) may open: only what each may see
)
ADMIN = "admin"  # the Django admin: operators only


@dataclass(frozen=True)
class Literal:
    """A path parameter's value as written (not a record's id)."""

    text: str


@dataclass(frozen=True)
class Route:
    kind: str
    params: dict = field(
        default_factory=dict
    )  # path parameter -> record key (see World) or a Literal
    needs: tuple = ()  # OBJECT: (model label, action) pairs an A role needs; () = any membership of A
    ok: frozenset = frozenset({200})  # statuses for those allowed
    login: bool = False  # LIST: the anonymous are refused
    shows: str | None = None  # OBJECT: the marker key that an allowed answer must contain
    owner: str | None = None  # OBJECT: the one user (World.users key) to whom the record is open
    query: str = ""  # a query string the route needs (the same for everyone)


def _ok(*codes):
    return frozenset(codes)


VIEW_INCIDENT = (("incidents.incident", "view"),)
VIEW_REPORT = (("reports.report", "view"),)
VIEW_CASE = (("cases.case", "view"),)
VIEW_EVIDENCE = (("evidence.evidenceitem", "view"),)
VIEW_VICTIM = (("victims.victim", "view"),)
CHANGE_CASE = (("cases.case", "change"),)
CHANGE_VICTIM = (("victims.victim", "change"),)
CSV = Literal("csv")

# Every route, by name ("namespace:name"); unnamed routes by "namespace:<pattern>". The admin's routes
# (one set per registered model) are all the admin's: "admin:*".
ROUTES: dict[str, Route] = {
    # -- Django and accounts ------------------------------------------------------------------------
    "set_language": Route(PUBLIC, ok=_ok(200, 204, 302)),
    "login": Route(PUBLIC, ok=_ok(200, 302)),
    "logout": Route(PUBLIC, ok=_ok(405)),  # POST only
    "accounts:two_factor": Route(LOGIN),
    "accounts:two_factor_enrol": Route(LOGIN),
    "accounts:two_factor_verify": Route(LOGIN, ok=_ok(200, 302)),  # without a device: sent back
    "accounts:two_factor_disable": Route(LOGIN, ok=_ok(200, 302)),
    "accounts:share": Route(
        OBJECT,
        params={"model": Literal("incident"), "pk": "incident"},
        needs=(("incidents.incident", "share"),),
    ),
    # An organisation administrator's page (members, shares): their own organisation only; 404 to others.
    "accounts:organisation_admin": Route(LIST, login=True, ok=_ok(200, 404)),
    # -- web pages ------------------------------------------------------------------------------------
    "web:dashboard": Route(LIST),
    "web:public_home": Route(LIST),
    "web:incident_list": Route(LIST),
    "web:incident_list_all": Route(LIST),
    "web:incident_export": Route(LIST, params={"format_name": CSV}),
    "web:incident_detail": Route(
        OBJECT, params={"pk": "incident"}, needs=VIEW_INCIDENT, shows="incident"
    ),
    # POST (change) restores the computed figures; a GET sends those who see the incident to its page.
    "web:incident_figures": Route(
        OBJECT, params={"pk": "incident"}, needs=VIEW_INCIDENT, ok=_ok(302)
    ),
    "web:methodology": Route(PUBLIC),
    "web:open_data": Route(PUBLIC),
    "web:open_data_download": Route(
        PUBLIC, params={"format_name": CSV}, ok=_ok(200, 404)
    ),  # 404: not published yet
    # -- intake, review, reference pages ----------------------------------------------------------------
    "intake:report_new": Route(LOGIN, ok=_ok(200, 403)),  # 403: no role that adds reports
    "intake:drafts": Route(LOGIN),
    "intake:draft_edit": Route(OBJECT, params={"pk": "draft"}, owner="A:monitor"),
    "intake:report_status": Route(OBJECT, params={"pk": "report"}, needs=VIEW_REPORT),
    # A file sent with a report: for those who may read the report, as the report's own page.
    "intake:attachment_download": Route(
        OBJECT, params={"pk": "attachment"}, needs=VIEW_REPORT, shows="attachment_file"
    ),
    "intake:place_search": Route(LOGIN),
    "intake:actor_search": Route(LOGIN),
    "intake:review_queue": Route(
        LIST, login=True, ok=_ok(200, 403)
    ),  # 403: a role that does not review
    "intake:review_decide": Route(LOGIN, ok=_ok(405)),  # POST only
    "intake:reports_accept": Route(LOGIN, ok=_ok(405)),  # POST only
    # What the answers taught the engine: for those who review (403 to other roles).
    "intake:linkage": Route(LIST, login=True, ok=_ok(200, 403)),
    "intake:split": Route(
        OBJECT, params={"pk": "incident"}, needs=(("incidents.incident", "change"),)
    ),
    "intake:source_list": Route(LIST, login=True),
    "intake:source_detail": Route(
        OBJECT, params={"pk": "source"}, needs=VIEW_REPORT, shows="source"
    ),
    "intake:actor_list": Route(LOGIN),
    "intake:place_list": Route(LOGIN),
    # Names from A's non-public reports (vigie.core.published): for those who may read A's reports
    # until an analyst publishes them; publishing is a POST (a GET is refused once the name is found).
    "intake:actor_detail": Route(
        OBJECT, params={"pk": "private_actor"}, needs=VIEW_REPORT, shows="private_actor"
    ),
    "intake:place_detail": Route(
        OBJECT, params={"pk": "private_place"}, needs=VIEW_REPORT, shows="private_place"
    ),
    "intake:actor_publish": Route(
        OBJECT, params={"pk": "private_actor"}, needs=VIEW_REPORT, ok=_ok(405)
    ),
    "intake:place_publish": Route(
        OBJECT, params={"pk": "private_place"}, needs=VIEW_REPORT, ok=_ok(405)
    ),
    "intake:source_publish": Route(
        OBJECT, params={"pk": "private_source"}, needs=VIEW_REPORT, ok=_ok(405)
    ),
    # -- evidence -------------------------------------------------------------------------------------
    "evidence:evidence_download": Route(
        OBJECT, params={"pk": "evidence"}, needs=VIEW_EVIDENCE, shows="evidence_file"
    ),
    "evidence:evidence_detail": Route(
        OBJECT, params={"pk": "evidence"}, needs=VIEW_EVIDENCE, shows="evidence"
    ),
    "evidence:evidence_verify": Route(
        OBJECT, params={"pk": "evidence"}, needs=VIEW_EVIDENCE, ok=_ok(405)
    ),  # POST
    "evidence:evidence_derive": Route(
        OBJECT, params={"pk": "evidence"}, needs=(("evidence.evidenceitem", "add"),)
    ),
    # A role that sees the case but may not add or export its evidence (an organisation administrator)
    # may be told so (403): see expected().
    "evidence:evidence_add": Route(
        OBJECT, params={"case_pk": "case"}, needs=VIEW_CASE + (("evidence.evidenceitem", "add"),)
    ),
    "evidence:evidence_bundle": Route(
        OBJECT, params={"case_pk": "case"}, needs=VIEW_CASE + VIEW_EVIDENCE
    ),
    # -- cases (vigie.cases.views): 404 for a role that opens no case; changes are POST only ----------
    "cases:case_list": Route(LIST, login=True, ok=_ok(200, 404)),
    "cases:case_new": Route(LOGIN, ok=_ok(200, 403, 404)),  # 403: may read cases, not open them
    "cases:case_detail": Route(OBJECT, params={"pk": "case"}, needs=VIEW_CASE, shows="case"),
    "cases:case_status": Route(OBJECT, params={"pk": "case"}, needs=VIEW_CASE, ok=_ok(405)),
    "cases:case_findings": Route(OBJECT, params={"pk": "case"}, needs=VIEW_CASE, ok=_ok(405)),
    "cases:case_referral_add": Route(OBJECT, params={"pk": "case"}, needs=VIEW_CASE, ok=_ok(405)),
    "cases:case_referral_status": Route(
        OBJECT, params={"pk": "case"}, needs=VIEW_CASE, ok=_ok(405)
    ),
    "cases:case_task_add": Route(OBJECT, params={"pk": "case"}, needs=VIEW_CASE, ok=_ok(405)),
    "cases:case_task_done": Route(OBJECT, params={"pk": "case"}, needs=VIEW_CASE, ok=_ok(405)),
    # -- victims (vigie.victims.views): 404 for a role that sees no victim; a victim's page shows
    # nothing identifying before a purpose is given (a POST), so no `shows` here --------------------------
    "victims:victim_list": Route(LIST, login=True, ok=_ok(200, 404)),
    "victims:victim_new": Route(LOGIN, ok=_ok(200, 403, 404)),
    "victims:assistance_report": Route(LIST, login=True, ok=_ok(200, 404)),
    "victims:victim_detail": Route(OBJECT, params={"pk": "victim"}, needs=VIEW_VICTIM),
    "victims:victim_edit": Route(
        OBJECT, params={"pk": "victim"}, needs=VIEW_VICTIM, ok=_ok(200, 403)
    ),
    "victims:victim_consent": Route(
        OBJECT, params={"pk": "victim"}, needs=VIEW_VICTIM, ok=_ok(405)
    ),
    "victims:victim_withdraw": Route(
        OBJECT, params={"pk": "victim"}, needs=VIEW_VICTIM, ok=_ok(200, 403)
    ),
    "victims:assistance_open": Route(
        OBJECT, params={"pk": "victim"}, needs=VIEW_VICTIM, ok=_ok(405)
    ),
    "victims:assistance_update": Route(
        OBJECT, params={"pk": "assistance"}, needs=(("victims.assistance", "view"),), ok=_ok(405)
    ),
    # -- REST API -------------------------------------------------------------------------------------
    "api:api-root": Route(PUBLIC),
    "api:schema": Route(PUBLIC),
    "api:incident-list": Route(LIST),
    "api:incident-detail": Route(
        OBJECT, params={"pk": "incident"}, needs=VIEW_INCIDENT, shows="incident"
    ),
    "api:report-list": Route(LIST, login=True),
    "api:report-detail": Route(OBJECT, params={"pk": "report"}, needs=VIEW_REPORT, shows="report"),
    "api:source-list": Route(LIST),
    "api:source-detail": Route(OBJECT, params={"pk": "source"}, needs=VIEW_REPORT, shows="source"),
    "api:actor-list": Route(LIST),
    "api:actor-detail": Route(
        OBJECT, params={"pk": "private_actor"}, needs=VIEW_REPORT, shows="private_actor"
    ),
    "api:place-list": Route(LIST),
    "api:place-detail": Route(
        OBJECT, params={"pk": "private_place"}, needs=VIEW_REPORT, shows="private_place"
    ),
    # POST only (the API answers a GET before looking the name up): see tests/test_published_names.py
    "api:actor-publish": Route(LOGIN, params={"pk": "private_actor"}, ok=_ok(405)),
    "api:place-publish": Route(LOGIN, params={"pk": "private_place"}, ok=_ok(405)),
    "api:source-publish": Route(LOGIN, params={"pk": "private_source"}, ok=_ok(405)),
    "api:organisation-list": Route(LIST, login=True),
    "api:organisation-detail": Route(OBJECT, params={"pk": "organisation"}),
    "api:case-list": Route(LIST, login=True),
    "api:case-detail": Route(OBJECT, params={"pk": "case"}, needs=VIEW_CASE, shows="case"),
    "api:evidence-list": Route(LIST, login=True),
    "api:evidence-detail": Route(
        OBJECT, params={"pk": "evidence"}, needs=VIEW_EVIDENCE, shows="evidence"
    ),
    "api:victim-list": Route(LIST, login=True),
    "api:victim-detail": Route(
        OBJECT,
        params={"pk": "victim"},
        needs=VIEW_VICTIM,
        shows="victim",
        query="purpose=access+test",
    ),
    "api:<api/^.*$>": Route(PUBLIC, ok=_ok(404)),  # anything else under /api/: a JSON 404
    # -- the admin ------------------------------------------------------------------------------------
    "admin:*": Route(ADMIN),
}

# Marker strings planted in A's records, and the type of record whose viewers may see each.
MARKERS = {
    "incident": ("Zx-incident-canary-4417", "incidents.incident"),
    "report": ("Zx-report-canary-5521", "reports.report"),
    "source": ("Zx-witness-canary-6630", "reports.report"),
    "case": ("Zx-case-canary-7742", "cases.case"),
    "case_findings": ("Zx-findings-canary-8853", "cases.case"),
    "evidence": ("Zx-evidence-canary-9964", "evidence.evidenceitem"),
    "evidence_file": ("Zx-evidence-file-canary-1075", "evidence.evidenceitem"),
    "victim": ("Zx-victim-canary-2186", "victims.victim"),
    "victim_testimony": ("Zx-testimony-canary-3297", "victims.victim"),
    "assistance": ("Zx-assistance-canary-4308", "victims.assistance"),
    "draft": ("Zx-draft-canary-5419", None),  # a monitor's draft report: its author's alone
    "attachment_file": (
        "Zx-attachment-file-canary-6524",
        "reports.report",
    ),  # a file sent with the report
    # Names typed into A's non-public report (a target, a village, a radio): seen as A's reports are.
    # "Aa" first: they would lead any list sorted by name that leaked them.
    "private_actor": ("Aa Zx-target-canary-7311", "reports.report"),
    "private_place": ("Aa Zx-village-canary-7422", "reports.report"),
    "private_source": ("Aa Zx-radio-canary-7533", "reports.report"),
}


def may(role: str, needs) -> bool:
    """What the default grants give ``role`` (the oracle)."""
    return all(action in DEFAULT_GRANTS.get(label, {}).get(role, ()) for label, action in needs)


# -- the routes ------------------------------------------------------------------------------------------


@dataclass
class Found:
    key: str  # the table key
    name: str | None  # "namespace:name" to reverse, when named
    pattern: str  # the full pattern, for unnamed routes and messages
    namespace: str


def _pattern_text(pattern) -> str:
    text = str(pattern)
    return "" if type(pattern).__name__ == "LocalePrefixPattern" else text


def walk(patterns=None, prefix: str = "", namespace: str = ""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + _pattern_text(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            full = prefix + _pattern_text(entry.pattern)
            name = f"{namespace}:{entry.name}".strip(":") if entry.name else None
            if namespace == "admin" or namespace.startswith("admin:"):
                key = "admin:*"
            else:
                key = name or f"{namespace}:<{full}>"
            yield Found(key, name, full, namespace)


def all_routes() -> list[Found]:
    return list(walk())


def test_the_table_names_each_route_once():
    """A key written twice in ROUTES would silently keep the last line only."""
    import ast
    from collections import Counter
    from pathlib import Path

    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    table = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "ROUTES"
    )
    twice = [key for key, n in Counter(k.value for k in table.keys).items() if n > 1]
    assert not twice, f"ROUTES names these routes more than once: {twice}"


def test_the_table_covers_every_route_and_only_routes_that_exist():
    found = {route.key for route in all_routes()}
    unclassified = sorted(found - set(ROUTES))
    assert not unclassified, (
        f"routes missing from tests/test_access.py ROUTES (say who may open them): {unclassified}"
    )
    stale = sorted(set(ROUTES) - found)
    assert not stale, f"ROUTES lists routes that no longer exist: {stale}"
    assert len([r for r in all_routes() if r.key == "admin:*"]) > 20  # the admin is walked too


# -- organisation A's records ------------------------------------------------------------------------------


class World:
    """Organisations A and B, one user per role in each, an operator, and A's records with markers."""

    def __init__(self):
        self.a = Organisation.objects.create(slug="org-a", name="Organisation A")
        self.b = Organisation.objects.create(slug="org-b", name="Organisation B")
        self.users = {"anonymous": None, **factories.every_role({"A": self.a, "B": self.b})}
        self.records: dict[str, object] = {}
        self.problems_building: list[str] = []
        for builder in (
            self._incident,
            self._report,
            self._case,
            self._evidence,
            self._victim,
            self._draft,
            self._attachment,
            self._reference,
        ):
            try:
                builder()
            except (LookupError, ImportError) as error:  # an app whose models are not written yet
                self.problems_building.append(f"{builder.__name__}: {error}")

    def marker(self, key: str) -> str:
        return MARKERS[key][0]

    def _incident(self):
        from vigie.incidents.models import Incident

        self.records["incident"] = Incident.objects.create(
            organisation=self.a,
            visibility="organisation",
            location=self.marker("incident"),
            date_start=datetime.date(2024, 3, 2),
            date_end=datetime.date(2024, 3, 2),
            event_type="violence_against_civilians",
        )

    def _report(self):
        from vigie.reports.models import Report, Source

        source = Source.objects.create(
            slug="org-a-witness-1",
            name=self.marker("source"),
            kind="witness",
            organisation=self.a,
            redistributable=False,
        )
        self.records["source"] = source
        self.records["report"] = Report.objects.create(
            source=source,
            organisation=self.a,
            visibility="organisation",
            external_id="w-1",
            content_hash="0" * 32,
            date_start=datetime.date(2024, 3, 2),
            text=self.marker("report"),
            location_text=self.marker("report"),
            incident=self.records["incident"],
        )

    def _case(self):
        apps.get_model("cases", "Case")
        from vigie.cases import services

        case = services.open_case(
            self.a, "INV-1", self.marker("case"), None, incidents=[self.records["incident"]]
        )
        services.record_findings(case, self.marker("case_findings"), None)
        self.records["case"] = case

    def _evidence(self):
        apps.get_model("evidence", "EvidenceItem")
        from vigie.evidence.services import add_evidence

        content = f"statement {self.marker('evidence_file')}\n".encode()
        intake = add_evidence(
            self.records["case"],
            io.BytesIO(content),
            f"{self.marker('evidence')}.txt",
            {"description": self.marker("evidence")},
            None,
        )
        self.records["evidence"] = intake.item

    def _victim(self):
        apps.get_model("victims", "Victim")
        from vigie.victims import services

        victim = services.create_victim(
            None,
            self.a,
            name=self.marker("victim"),
            testimony=self.marker("victim_testimony"),
            incidents=[(self.records["incident"], "direct_victim")],
            consents=["documentation"],
        )
        assistance = services.open_assistance(None, victim)
        services.add_need(None, assistance, "medical", details=self.marker("assistance"))
        self.records["victim"], self.records["assistance"] = victim, assistance

    def _draft(self):
        draft_model = apps.get_model("intake", "ReportDraft")
        self.records["draft"] = draft_model.objects.create(
            organisation=self.a,
            author=self.users["A:monitor"],
            data={"event_label": self.marker("draft"), "source_name": self.marker("draft")},
        )

    def _attachment(self):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import transaction

        from vigie.intake.attachments import attach, put, receive_files

        content = f"witness statement {self.marker('attachment_file')}\n".encode()
        checked = receive_files(
            [SimpleUploadedFile("statement.txt", content, content_type="text/plain")]
        )
        with transaction.atomic():
            (self.records["attachment"],) = attach(
                checked,
                organisation=self.a,
                user=self.users["A:monitor"],
                report=self.records["report"],
            )
            put(checked)

    def _reference(self):
        from vigie.actors.models import Actor
        from vigie.incidents.models import IncidentActor
        from vigie.places.models import Place
        from vigie.reports.models import Source

        self.records["place"] = Place.objects.filter(needs_review=False).order_by("pk").first()
        self.records["actor"] = Actor.objects.filter(needs_review=False).order_by("pk").first()
        self.records["organisation"] = self.a
        cercle = Place.objects.filter(kind="cercle").order_by("pk").first()
        self.records["private_place"] = Place.objects.create(
            code=f"{cercle.code}.private-7422",
            kind="locality",
            name=self.marker("private_place"),
            parent=cercle,
            needs_review=True,
            organisation=self.a,
            published=False,
        )
        self.records["private_actor"] = Actor.objects.create(
            key="private-7311",
            name=self.marker("private_actor"),
            category="civilians",
            needs_review=True,
            organisation=self.a,
            published=False,
        )
        IncidentActor.objects.create(
            incident=self.records["incident"],
            actor=self.records["private_actor"],
            side=2,
            role="target",
        )
        self.records["private_source"] = Source.objects.create(
            slug="org-a-radio-7533",
            name=self.marker("private_source"),
            kind="media",
            organisation=self.a,
            published=False,
        )

    # -- filling routes --

    def value(self, key):
        if isinstance(key, Literal):
            return key.text
        record = self.records.get(key)
        if record is None:
            raise LookupError(
                f"no {key} record could be made ({'; '.join(self.problems_building) or 'see World'})"
            )
        return record.pk

    def admin_kwargs(self, found: Found) -> dict:
        """Values for an admin route's parameters: A's record of the route's model when there is one."""
        kwargs = {}
        for name in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", found.pattern):
            name = name[0] or name[1]
            if name == "object_id":
                kwargs[name] = str(self._admin_object_id(found.pattern))
            elif name == "content_type_id":
                from django.contrib.contenttypes.models import ContentType

                kwargs[name] = ContentType.objects.get_for_model(self.records["incident"]).pk
            elif name == "app_label":
                kwargs[name] = re.search(r"\(\?P<app_label>(\w+)", found.pattern).group(1)
            elif name == "url":
                kwargs[name] = "no/such/page/"
            else:
                kwargs[name] = "1"
        return kwargs

    def _admin_object_id(self, pattern: str):
        match = re.match(r"admin/(\w+)/(\w+)/", pattern)
        if match is None:  # admin/r/<content_type_id>/<object_id>/
            return self.records["incident"].pk
        model = apps.get_model(match.group(1), match.group(2))
        for record in self.records.values():
            if type(record) is model:
                return record.pk
        manager = getattr(model, "all_objects", model._default_manager)
        first = manager.order_by("pk").values_list("pk", flat=True).first()
        return first if first is not None else 1


def url_for(world: World, found: Found, route: Route) -> str:
    if route.kind == ADMIN:
        kwargs = world.admin_kwargs(found)
    else:
        kwargs = {name: world.value(key) for name, key in route.params.items()}
    if found.name:
        return reverse(found.name, kwargs=kwargs or None) + (
            f"?{route.query}" if route.query else ""
        )
    path = found.pattern
    for name, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(value), path)
    path = re.sub(r"[\^$]", "", path).replace(".*", "no/such/endpoint/").replace("\\", "")
    return "/" + path


@pytest.fixture
def world(settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    return World()


# -- the checks ------------------------------------------------------------------------------------------


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    return (
        data.decode("utf-8", errors="replace")
        + " "
        + " ".join(f"{k}: {v}" for k, v in response.items())
    )


def is_login_redirect(response) -> bool:
    if response.status_code not in (301, 302):
        return False
    location = response["Location"]
    return any(location.startswith(reverse(name)) for name in ("login", "admin:login"))


def is_admin_index_redirect(response) -> bool:
    """The admin's logout, for someone not logged in: to the admin's index, which sends to the login."""
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


def hidden_markers(who: str) -> list[str]:
    """The markers ``who`` must never receive."""
    if who == "operator":
        return []
    if who == "A:monitor":  # the draft's author
        return [
            text
            for text, label in MARKERS.values()
            if label and not may("monitor", ((label, "view"),))
        ]
    if who.startswith("A:"):
        role = who[2:]
        return [
            text
            for text, label in MARKERS.values()
            if not label or not may(role, ((label, "view"),))
        ]
    return [text for text, _label in MARKERS.values()]


def expected(route: Route, who: str, api: bool):
    """A predicate on the answer for ``who`` and a description of what was expected."""
    login_refusal = {401, 403} if api else set()

    def refused_or_login(response):
        return (
            response.status_code == 404
            or is_login_redirect(response)
            or response.status_code in login_refusal
        )

    if who == "operator":
        if route.kind == ADMIN:
            return (lambda r: r.status_code < 500), "no error"
        if route.owner:
            return (
                lambda r: r.status_code in route.ok | {404}
            ), f"one of {sorted(route.ok | {404})}"
        return (lambda r: r.status_code in route.ok), f"one of {sorted(route.ok)}"
    if route.kind == PUBLIC:
        return (lambda r: r.status_code in route.ok), f"one of {sorted(route.ok)}"
    if route.kind == ADMIN:
        if (
            who == "anonymous"
        ):  # to the login, or (logging out) to the index, which sends to the login
            return (
                lambda r: is_login_redirect(r) or is_admin_index_redirect(r)
            ), "a redirect to the login"
        return (lambda r: r.status_code == 404), "404"
    if route.kind == LOGIN:
        if who == "anonymous":
            return (
                lambda r: is_login_redirect(r) or r.status_code in login_refusal
            ), "a redirect to the login"
        return (lambda r: r.status_code in route.ok), f"one of {sorted(route.ok)}"
    if route.kind == LIST:
        if who == "anonymous" and route.login:
            return refused_or_login, "a refusal or a redirect to the login"
        if who == "anonymous":
            return (
                lambda r: (
                    r.status_code in route.ok
                    or is_login_redirect(r)
                    or r.status_code in login_refusal
                )
            ), "the list or a redirect to the login"
        return (lambda r: r.status_code in route.ok), f"one of {sorted(route.ok)}"
    # OBJECT
    if who == "anonymous":
        return refused_or_login, "404 or a redirect to the login"
    if who.startswith("B:"):
        return (lambda r: r.status_code == 404), "404"
    if route.owner:
        if who == route.owner:
            return (lambda r: r.status_code in route.ok), f"one of {sorted(route.ok)}"
        return (lambda r: r.status_code == 404), "404"
    role = who[2:]
    if may(role, route.needs):
        return (lambda r: r.status_code in route.ok), f"one of {sorted(route.ok)}"
    if route.needs and may(role, ((route.needs[0][0], "view"),)):
        # The role sees the record in the path but may not do this with it: a refusal may say so.
        return (lambda r: r.status_code in (403, 404)), "403 or 404"
    return (lambda r: r.status_code == 404), "404"


def client_for(world: World, who: str) -> Client:
    client = Client(raise_request_exception=False)
    if world.users[who] is not None:
        client.force_login(world.users[who])
    return client


@pytest.mark.slow  # every route as every persona: 40 s, most of the fast lane's budget
def test_no_route_leaks(world):
    routes = all_routes()
    clients = {who: client_for(world, who) for who in world.users}
    problems = []
    for found in routes:
        route = ROUTES.get(found.key)
        if route is None:
            continue  # test_the_table_covers_every_route_and_only_routes_that_exist names it
        try:
            url = url_for(world, found, route)
        except LookupError as error:
            problems.append(f"{found.key}: cannot fill the route: {error}")
            continue
        api = url.startswith("/api/")
        for who, client in clients.items():
            response = client.get(url, HTTP_ACCEPT="application/json" if api else "text/html")
            if response.status_code >= 500:
                problems.append(f"{found.key} {url} as {who}: server error {response.status_code}")
                continue
            check, wanted = expected(route, who, api)
            if not check(response):
                where = f" -> {response['Location']}" if response.has_header("Location") else ""
                problems.append(
                    f"{found.key} {url} as {who}: {response.status_code}{where}, expected {wanted}"
                )
            body = body_of(response)
            leaked = [marker for marker in hidden_markers(who) if marker in body]
            if leaked:
                problems.append(f"{found.key} {url} as {who}: the answer contains {leaked}")
            if (
                route.kind == OBJECT
                and route.shows
                and who.startswith("A:")
                and response.status_code == 200
                and world.marker(route.shows) not in body
            ):
                problems.append(
                    f"{found.key} {url} as {who}: allowed, but the record's content is not there"
                )
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def _state(world: World) -> list:
    """What outsiders' writes must not change: A's records as stored, and the change log's writes."""
    rows = []
    for key, record in sorted(world.records.items()):
        if record is None or not hasattr(record, "_meta"):
            continue
        manager = getattr(type(record), "all_objects", type(record)._default_manager)
        rows.append((key, list(manager.filter(pk=record.pk).values())))
    writes = ChangeLogEntry.objects.exclude(action="read").count()
    return [rows, writes]


@pytest.mark.slow  # every record route as every outsider
def test_outsiders_cannot_write_to_a_records(world):
    clients = {
        who: client_for(world, who)
        for who in world.users
        if who == "anonymous" or who.startswith("B:")
    }
    before = _state(world)
    problems = []
    for found in all_routes():
        route = ROUTES.get(found.key)
        if route is None or route.kind not in (OBJECT, ADMIN):
            continue
        try:
            url = url_for(world, found, route)
        except LookupError as error:
            problems.append(f"{found.key}: cannot fill the route: {error}")
            continue
        api = url.startswith("/api/")
        methods = ("post", "put", "patch", "delete") if api else ("post",)
        for who, client in clients.items():
            for method in methods:
                if api:
                    response = getattr(client, method)(
                        url, data="{}", content_type="application/json"
                    )
                else:
                    response = client.post(url, {})
                refused = (
                    response.status_code in (401, 403, 404, 405)
                    or is_login_redirect(response)
                    or is_admin_index_redirect(response)
                )
                if not refused:
                    problems.append(f"{method.upper()} {url} as {who}: {response.status_code}")
                leaked = [marker for marker in hidden_markers(who) if marker in body_of(response)]
                if leaked:
                    problems.append(
                        f"{method.upper()} {url} as {who}: the answer contains {leaked}"
                    )
    assert not problems, "\n".join(problems)
    assert _state(world) == before, (
        "an outsider's request changed A's records or wrote to the change log"
    )


def test_a_public_incident_shows_outsiders_none_of_its_private_reports(world):
    """Publishing an incident must not publish the organisation's own witness report behind it."""
    from vigie.reports.models import Report, Source

    incident = world.records["incident"]
    incident.visibility = "public"
    incident.location = "Boni"
    incident.save()
    outlet = Source.objects.create(
        slug="public-radio", name="Radio publique", kind="media", redistributable=True
    )
    Report.objects.create(
        source=outlet,
        organisation=world.a,
        visibility="public",
        external_id="r-1",
        content_hash="1" * 32,
        date_start=datetime.date(2024, 3, 2),
        incident=incident,
    )
    # nor the names it carries that A has not published (a victim's name as the target)
    private = [world.marker("report"), world.marker("source"), world.marker("private_actor")]
    for who in ["anonymous", *(f"B:{role}" for role in ROLES)]:
        client = client_for(world, who)
        for url in (
            reverse("web:incident_detail", kwargs={"pk": incident.pk}),
            reverse("api:incident-detail", kwargs={"pk": incident.pk}),
        ):
            response = client.get(url)
            assert response.status_code == 200, (url, who)
            body = body_of(response)
            assert "Boni" in body
            assert not [marker for marker in private if marker in body], (url, who)
