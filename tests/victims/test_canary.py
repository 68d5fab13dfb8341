"""Canaries: values planted in every personal field never reach the change log, the logs or public exports.

Every encrypted field of every model of the victims app gets its own canary (found from the
registry of encrypted fields, so a field added later is covered without changing this test). The
record then goes through what people do with it: create, update, read, search, a deleted part,
withdrawn consent; SQL statements are logged too (the debug cursor), at DEBUG level.
"""

import io
import logging

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigie.core.crypto import protected_models
from vigie.interop.exports import export_incidents
from vigie.victims import services
from vigie.victims.models import Assistance, FollowUp, Need, Service, Victim, VictimAlias

pytestmark = pytest.mark.django_db

# Text as people type it: letters with accents, apostrophes, quotes, spaces, digits, a little else.
_typed = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "Zs", "Pd", "Po"]),
    min_size=3,
    max_size=30,
)


@st.composite
def canaries(draw, count: int) -> list[str]:
    """``count`` distinct canaries: typed text around a unique token (found even if the text is escaped)."""
    return [f"{draw(_typed)}CNRY{draw(st.uuids()).hex[:12]}{draw(_typed)}" for _ in range(count)]


def victims_encrypted_fields() -> list[tuple[type, str]]:
    return [
        (p.model, f.name)
        for p in protected_models()
        if p.model._meta.app_label == "victims"
        for f in p.encrypted
    ]


def plant(objects: list, values: iter) -> dict[str, str]:
    """Put a canary in every encrypted field of each object; return {"Model.field": canary}."""
    planted = {}
    for obj in objects:
        for model, name in victims_encrypted_fields():
            if isinstance(obj, model):
                planted[f"{model.__name__}.{name}"] = value = next(values)
                setattr(obj, name, value)
        obj.save()
    return planted


def change_log_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT user_name, object_repr, prechange, postchange FROM core_changelogentry"
        )
        return repr(cursor.fetchall())


def public_exports(incident) -> str:
    texts = []
    for format_name in ("csv", "geojson", "hxl"):
        handle = io.StringIO()
        assert export_incidents(handle, format_name) >= 1
        texts.append(handle.getvalue())
    assert all(str(incident.pk) in text for text in texts)  # the victim's incident is exported
    return "\n".join(texts)


def found_in(text: str, canary: str) -> bool:
    token = canary[canary.index("CNRY") : canary.index("CNRY") + 16]
    return canary in text or token in text or canary.casefold() in text.casefold()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=canaries(40))
def test_canaries_never_leave_the_encrypted_columns(
    keys_dir, organisation, incident, officer, caplog, values
):
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")  # Django sets its own loggers to INFO
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    feed = iter(values)
    previous_debug = connection.force_debug_cursor
    connection.force_debug_cursor = True  # every SQL statement and its parameters go to the log
    try:
        victim = services.create_victim(
            officer,
            organisation,
            name=next(feed),
            aliases=[next(feed)],
            sex="male",
            age=51,
            harms=["detained", "tortured"],
            incidents=[(incident, "direct_victim")],
            consents=["documentation", "referral", "publication"],
        )
        assistance = services.open_assistance(officer, victim)
        need = services.add_need(officer, assistance, "legal", details=next(feed))
        services.refer(officer, assistance, "Clinique juridique", need=need)
        services.record_service(officer, assistance, "legal", details=next(feed), need=need)
        follow_up = services.add_follow_up(officer, assistance, note=next(feed))
        objects = [
            victim,
            *victim.aliases.all(),
            need,
            *Service.objects.filter(assistance=assistance),
            follow_up,
        ]
        planted = plant(objects, feed)
        assert set(planted) == {
            f"{model.__name__}.{name}" for model, name in victims_encrypted_fields()
        }

        services.update_victim(officer, victim, testimony=next(feed), aliases=[next(feed)])
        planted["Victim.testimony (updated)"] = Victim.objects.get(pk=victim.pk).testimony
        planted["VictimAlias.name (updated)"] = VictimAlias.objects.get(victim=victim).name
        assert services.read_victim(officer, victim.pk, "canary").name == planted["Victim.name"]
        assert [v.pk for v in services.find_by_name(officer, planted["Victim.name"], "canary")] == [
            victim.pk
        ]
        FollowUp.objects.get(pk=follow_up.pk).delete()
        services.close_assistance(officer, Assistance.objects.get(pk=assistance.pk), "needs_met")
        assert Need.objects.get(pk=need.pk).details == planted["Need.details"]
        exports = public_exports(incident)
        services.withdraw_consent(officer, victim)
    finally:
        connection.force_debug_cursor = previous_debug

    log_text = caplog.text
    assert (
        "INSERT INTO" in log_text or "insert into" in log_text.lower()
    )  # the SQL log was captured
    change_log = change_log_text()
    assert "<encrypted " in change_log  # the change log did record the writes
    for where, canary in planted.items():
        assert not found_in(change_log, canary), f"{where} in the change log"
        assert not found_in(log_text, canary), f"{where} in the log output"
        assert not found_in(exports, canary), f"{where} in a public export"
