"""The download view: 404 for anyone outside the item's scope, the file as an attachment for the investigator."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from vigie.cases.demo import png_bytes
from vigie.core.models import ChangeLogEntry
from vigie.evidence.models import EvidenceItem
from vigie.evidence.services import add_evidence

pytestmark = pytest.mark.django_db

PHOTO = png_bytes(8, 6, lambda x, y: (x * 30, y * 40, 90))


@pytest.fixture
def item(case, investigator):
    return add_evidence(case, io.BytesIO(PHOTO), "Entretien_Aminata.png", {}, investigator).item


def url(item) -> str:
    return reverse("evidence:evidence_download", args=[item.pk])


def test_anonymous_visitors_get_404(item):
    response = Client().get(url(item))
    assert response.status_code == 404
    assert item.custody.filter(action="viewed").count() == 0


def test_a_member_of_another_organisation_gets_404(item, outsider):
    client = Client()
    client.force_login(outsider)
    assert client.get(url(item)).status_code == 404


def test_a_member_whose_role_grants_nothing_on_evidence_gets_404(item, analyst):
    client = Client()
    client.force_login(analyst)
    assert client.get(url(item)).status_code == 404


def test_an_item_that_does_not_exist_is_404_too(item, investigator):
    client = Client()
    client.force_login(investigator)
    assert (
        client.get(reverse("evidence:evidence_download", args=[item.pk + 1000])).status_code == 404
    )


def test_the_investigator_gets_the_file_as_an_attachment_and_the_read_is_recorded(
    item, investigator
):
    client = Client()
    client.force_login(investigator)
    response = client.get(url(item))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PHOTO
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and item.download_name in disposition
    assert "Aminata" not in disposition  # the original name can identify someone
    viewed = item.custody.get(action="viewed")
    assert viewed.actor == investigator
    reads = ChangeLogEntry.objects.filter(
        action="read",
        content_type=ContentType.objects.get_for_model(EvidenceItem),
        object_id=item.pk,
    )
    assert reads.count() == 1 and reads.get().user == investigator


def test_only_get_is_served(item, investigator):
    client = Client()
    client.force_login(investigator)
    assert client.post(url(item)).status_code == 405
