"""The demo's investigation: a case on one demo incident, with evidence made on the fly.

Everything here is invented for the demo (no real person, no real file): a small photograph drawn
in code, a transcript of a fictional field interview, a redacted working copy of the photograph,
their chain of custody, findings, a deadline and a referral to the national human-rights commission.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import struct
import zlib

from django.db import transaction
from django.utils import timezone

from vigie.core.context import change_context, current_change_context

DEMO_CASE_REFERENCE = "DEMO-INV-001"

TRANSCRIPT = """\
Transcription d'entretien (données fictives de démonstration)

Date de l'entretien : voir les métadonnées de capture.
Lieu : à l'écart du village, à la demande du témoin.
Témoin : T-01 (identité conservée séparément, chiffrée).

Le témoin déclare avoir entendu des tirs vers 6 heures, puis vu des hommes armés
entrer dans le marché. Il dit avoir reconnu des véhicules sans plaques. Il n'a pas
vu de blessés lui-même ; d'autres habitants lui ont parlé de plusieurs morts.

Cette transcription est un exemple : aucune personne réelle n'y est décrite.
"""


def png_bytes(width: int, height: int, pixel) -> bytes:
    """A truecolour PNG, written with zlib and struct only; ``pixel(x, y)`` gives (r, g, b)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(
        b"\x00" + bytes(c for x in range(width) for c in pixel(x, y)) for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _scene(x: int, y: int) -> tuple[int, int, int]:
    """A market at dawn: sky, a sandy ground, three stalls, one of them burnt."""
    if y < 20:
        return (200 - y * 3, 170 - y * 2, 120 + y)
    for left, colour in ((8, (150, 90, 40)), (30, (35, 30, 30)), (52, (160, 100, 50))):
        if left <= x < left + 14 and 22 <= y < 38:
            return colour
    return (190, 160, 110) if (x + y) % 7 else (175, 145, 100)


def _redacted(x: int, y: int) -> tuple[int, int, int]:
    """The same scene with the right-hand stall (where a face would be) blacked out."""
    return (0, 0, 0) if 50 <= x < 68 and 18 <= y < 42 else _scene(x, y)


@transaction.atomic
def load_demo(organisation, incidents, user):
    """Create the demo case (once) on the first of ``incidents``, led by ``user``; return it."""
    from vigie.cases.choices import CaseStatus, RecipientKind, ReferralStatus
    from vigie.cases.models import Case
    from vigie.cases.services import (
        add_referral,
        add_task,
        change_status,
        open_case,
        record_findings,
    )
    from vigie.core.permissions import may
    from vigie.evidence.services import add_evidence, derive_evidence, verify_item

    existing = Case.objects.filter(organisation=organisation, reference=DEMO_CASE_REFERENCE).first()
    if existing is not None:
        return existing
    incidents = list(incidents)[:1]
    # The demo's user leads the case and acts in it when their roles allow it; otherwise the operator acts.
    lead = user if user is not None and may(user, Case, "change", organisation) else None
    actor = lead
    context = current_change_context()
    outer = (
        change_context(user_name="vigie demo", origin="cli")
        if context.user_id is None and not context.user_name
        else contextlib.nullcontext()
    )
    with outer:
        case = open_case(
            organisation,
            DEMO_CASE_REFERENCE,
            "Attaque du marché (démonstration)",
            actor,
            incidents=incidents,
            lead_investigator=lead,
        )
        change_status(case, CaseStatus.IN_PROGRESS, actor)
        captured = timezone.now() - datetime.timedelta(days=30)
        place = getattr(incidents[0], "place", None) if incidents else None
        photo = add_evidence(
            case,
            io.BytesIO(png_bytes(72, 48, _scene)),
            "IMG_0042.png",
            {
                "captured_at": captured,
                "captured_place": place,
                "device": "Tecno Spark 10 (demo)",
                "collected_by": "Moniteur M-07 (demo), joignable par la coordination",
                "description": "Le marché après l'attaque (image de démonstration)",
                "note": "remis sur carte SD, sous enveloppe scellée",
            },
            actor,
        ).item
        transcript = add_evidence(
            case,
            io.BytesIO(TRANSCRIPT.encode("utf-8")),
            "entretien_T-01.txt",
            {
                "captured_at": captured + datetime.timedelta(days=2),
                "captured_place": place,
                "collected_by": "Enquêtrice E-02 (demo)",
                "description": "Transcription d'un entretien fictif",
            },
            actor,
        ).item
        derive_evidence(
            photo,
            io.BytesIO(png_bytes(72, 48, _redacted)),
            "IMG_0042_redacted.png",
            "Zone du visage masquée en noir (rectangle 18 x 24 px) pour publication",
            actor,
        )
        for item in (photo, transcript):
            verify_item(item, actor)
        record_findings(
            case,
            "Constats (démonstration) : des tirs au marché au lever du jour ; les récits concordent "
            "sur l'arrivée d'hommes armés en véhicules sans plaques.",
            actor,
        )
        change_status(case, CaseStatus.FINDINGS_RECORDED, actor)
        add_task(
            case,
            actor,
            title="Réponse attendue de la CNDH",
            due_on=timezone.localdate() + datetime.timedelta(days=30),
            is_deadline=True,
        )
        add_referral(
            case,
            actor,
            recipient_kind=RecipientKind.NATIONAL_COMMISSION,
            recipient_name="Commission nationale des droits de l'homme (CNDH)",
            reference="DEMO/2024/17",
            status=ReferralStatus.ACKNOWLEDGED,
            notes="Dossier transmis en main propre (démonstration).",
        )
        change_status(case, CaseStatus.REFERRED, actor)
    return case
