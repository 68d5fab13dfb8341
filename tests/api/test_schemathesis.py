"""Schemathesis against the live WSGI application, over every operation of the committed schema:
as the public and with the tokens of two organisations' members, no answer is a server error and
every answer (its status, content type and body) conforms to the schema.

Each operation gets MAX_EXAMPLES generated requests (valid ones and deliberately wrong ones), each
sent four times: anonymous, a monitor and an investigator of alpha, an analyst of beta. Half of the
generated ids are replaced by ids that exist, so that detail answers are read, not only 404s.
"""

import os
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from vigie.actors.models import Actor
from vigie.cases.models import Case
from vigie.core.models import Organisation
from vigie.evidence.models import EvidenceItem
from vigie.incidents.models import Incident
from vigie.places.models import Place
from vigie.reports.models import Report, Source
from vigie.victims.models import Victim

pytestmark = pytest.mark.slow  # hundreds of generated requests: left out of `make test-fast`

MAX_EXAMPLES = 15
COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MODELS = {
    "incidents": Incident,
    "reports": Report,
    "sources": Source,
    "actors": Actor,
    "places": Place,
    "organisations": Organisation,
    "cases": Case,
    "evidence": EvidenceItem,
    "victims": Victim,
}

schema = schemathesis.openapi.from_dict(yaml.safe_load(COMMITTED.read_text(encoding="utf-8")))
schema.config.generation.update(max_examples=MAX_EXAMPLES, with_security_parameters=False)

application = get_wsgi_application()


@pytest.fixture
def same_connection():
    """The application runs inside the test's transaction: Django must not close the connection at the
    end of each request (its test client does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def existing_ids(world, protected):
    return {
        name: list(model.objects.order_by("pk").values_list("pk", flat=True)[:50])
        for name, model in MODELS.items()
    }


@pytest.mark.django_db
@schema.parametrize()
# Random on a developer's machine, to find new failures; the same examples in CI (CI=true), so that a
# rare failure found elsewhere does not block an unrelated change (one was seen once in ~20 runs and
# not reproduced since; its output names the request).
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api(case, world, existing_ids, same_connection):
    path_id = (case.path_parameters or {}).get("id")
    if isinstance(path_id, int) and path_id % 2 == 0:
        ids = existing_ids[case.path.split("/")[3]]
        case.path_parameters["id"] = ids[(path_id // 2) % len(ids)]
    for who in (None, "ana", "ines", "binta"):
        headers = {"Authorization": f"Token {world.tokens[who]}"} if who else {}
        case.call_and_validate(app=application, headers=headers, checks=CHECKS)
