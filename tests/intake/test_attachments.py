"""Files sent with a report: the evidence checks (empty, too large, kind from the bytes), nothing stored half."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vigie.incidents.models import Incident
from vigie.intake.attachments import attachment_store
from vigie.intake.models import ReportAttachment, ReportDraft
from vigie.reports.models import Report

from .test_report_form import ogossagou_form

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def send(client, *files, **changes):
    return client.post(
        reverse("intake:report_new"),
        {
            **ogossagou_form(date_start="2024-02-10", place_query="Boni", **changes),
            "attachments": list(files),
        },
    )


def test_a_photograph_is_stored_by_its_hash_with_the_report(organisation, monitor, login):
    response = send(
        login(monitor), SimpleUploadedFile("IMG_0042 Moussa.png", PNG, content_type="image/png")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = ReportAttachment.objects.get()
    assert attachment.report == Report.objects.get() and attachment.draft is None
    assert (
        attachment.sha256 == hashlib.sha256(PNG).hexdigest()
        and attachment.media_type == "image/png"
    )
    assert attachment_store().path_for(attachment.sha256).read_bytes() == PNG
    assert attachment.original_filename == "IMG_0042 Moussa.png"
    from django.db import connection

    with connection.cursor() as cursor:  # the name may identify someone: encrypted at rest
        cursor.execute(
            "SELECT original_filename FROM intake_reportattachment WHERE id = %s", [attachment.pk]
        )
        assert "Moussa" not in cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg"),
            "the file is empty (0 bytes)",
        ),
        (
            SimpleUploadedFile(
                "page.txt", b"<html><script>alert(1)</script></html>", content_type="text/plain"
            ),
            "it is markup (HTML, SVG or XML), which is not accepted",
        ),
        (
            SimpleUploadedFile(
                "tool.exe",
                b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",
                content_type="application/octet-stream",
            ),
            "this kind of file is not accepted",
        ),
    ],
)
def test_a_bad_file_refuses_the_report_and_stores_nothing(
    organisation, monitor, login, upload, message, _attachments_dir
):
    good = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    response = send(login(monitor), good, upload)
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text, text[text.find("errorlist") - 200 : text.find("errorlist") + 400]
    assert (
        not Report.objects.exists()
        and not Incident.objects.exists()
        and not ReportAttachment.objects.exists()
    )
    assert stored_files(_attachments_dir) == []


def test_a_file_over_the_limit_is_refused(organisation, monitor, login, settings, _attachments_dir):
    settings.VIGIE_EVIDENCE_MAX_BYTES = 50
    response = send(login(monitor), SimpleUploadedFile("photo.png", PNG, content_type="image/png"))
    assert response.status_code == 400
    assert "the file is larger than the limit of 50 bytes" in response.content.decode()
    assert not Report.objects.exists() and stored_files(_attachments_dir) == []


def test_a_bad_file_refuses_the_draft_too(organisation, monitor, login, _attachments_dir):
    response = login(monitor).post(
        reverse("intake:report_new"),
        {"action": "draft", "text": "à finir", "attachments": [SimpleUploadedFile("e.jpg", b"")]},
    )
    assert response.status_code == 400 and "the file is empty" in response.content.decode()
    assert not ReportDraft.objects.exists() and stored_files(_attachments_dir) == []


def test_files_kept_with_a_draft_go_with_the_report(organisation, monitor, login):
    client = login(monitor)
    client.post(
        reverse("intake:report_new"),
        {"action": "draft", "text": "à finir", "attachments": [SimpleUploadedFile("a.png", PNG)]},
    )
    draft = ReportDraft.objects.get()
    attachment = ReportAttachment.objects.get()
    assert attachment.draft == draft and attachment.report is None
    page = client.get(reverse("intake:draft_edit", kwargs={"pk": draft.pk})).content.decode()
    assert "a.png" in page and 'name="remove_attachment"' in page
    response = client.post(
        reverse("intake:draft_edit", kwargs={"pk": draft.pk}),
        ogossagou_form(date_start="2024-02-10", place_query="Boni"),
    )
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.report == Report.objects.get() and attachment.draft is None
    assert not ReportDraft.objects.exists()


def test_removing_a_drafts_file_deletes_what_nothing_else_uses(
    organisation, monitor, login, _attachments_dir
):
    client = login(monitor)
    client.post(
        reverse("intake:report_new"),
        {"action": "draft", "attachments": [SimpleUploadedFile("a.png", PNG)]},
    )
    draft, attachment = ReportDraft.objects.get(), ReportAttachment.objects.get()
    assert len(stored_files(_attachments_dir)) == 1
    client.post(
        reverse("intake:draft_edit", kwargs={"pk": draft.pk}),
        {"action": "draft", "remove_attachment": [attachment.pk]},
    )
    assert not ReportAttachment.objects.exists() and stored_files(_attachments_dir) == []


def _downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_member_downloads_a_reports_file_from_its_page_and_an_outsider_gets_not_found(
    organisation, other_organisation, monitor, member, login, client
):
    from vigie.core.models import ChangeLogEntry, Role

    assert (
        send(
            login(monitor), SimpleUploadedFile("IMG_0042 Moussa.png", PNG, content_type="image/png")
        ).status_code
        == 302
    )
    report, attachment = Report.objects.get(), ReportAttachment.objects.get()
    address = reverse("intake:attachment_download", kwargs={"pk": attachment.pk})

    # The report's page links the file (by a neutral label, not its original name)...
    analyst = login(member(Role.ANALYST, organisation))
    page = analyst.get(reverse("intake:report_status", kwargs={"pk": report.pk})).content.decode()
    assert f'href="{address}"' in page and "Moussa" not in page
    # ...and a member of the organisation who may read the report downloads it, under a neutral name.
    response = analyst.get(address)
    assert response.status_code == 200
    assert _downloaded(response) == PNG
    assert response["Content-Type"] == "image/png"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"attachment-{attachment.pk}-" in disposition
    assert "Moussa" not in disposition
    assert (
        response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    )
    assert ChangeLogEntry.objects.filter(
        action="read", object_id=attachment.pk, object_repr=f"reportattachment {attachment.pk}"
    ).exists()

    # Anyone else is told the file does not exist: another organisation, whatever its role, and the anonymous.
    for role in (Role.MONITOR, Role.ANALYST, Role.COORDINATOR, Role.ADMIN):
        outsider = login(member(role, other_organisation))
        answer = outsider.get(address)
        assert answer.status_code == 404, role
        assert PNG not in answer.content
    assert client.get(address).status_code == 404
    assert (
        analyst.get(
            reverse("intake:attachment_download", kwargs={"pk": attachment.pk + 1000})
        ).status_code
        == 404
    )


def test_a_drafts_file_is_its_authors_alone(organisation, monitor, member, login):
    from vigie.core.models import Role

    author = login(monitor)
    author.post(
        reverse("intake:report_new"),
        {"action": "draft", "attachments": [SimpleUploadedFile("a.png", PNG)]},
    )
    draft, attachment = ReportDraft.objects.get(), ReportAttachment.objects.get()
    address = reverse("intake:attachment_download", kwargs={"pk": attachment.pk})
    page = author.get(reverse("intake:draft_edit", kwargs={"pk": draft.pk})).content.decode()
    assert f'href="{address}"' in page
    assert _downloaded(author.get(address)) == PNG
    # Even a coordinator of the same organisation: a draft is nobody else's.
    assert login(member(Role.COORDINATOR, organisation)).get(address).status_code == 404
