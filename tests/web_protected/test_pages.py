"""Every page of cases, evidence and victims: it opens for a role allowed to see it, in French and in
English; it does not exist (404) for a member of another organisation, nor for a role that the
grants keep away from it; the anonymous are sent to the login; an action the role does not allow on
a record it may see answers 403."""

import pytest
from django.urls import reverse
from django.utils import translation

from vigie.cases.models import Case, Referral
from vigie.core.models import ChangeLogEntry

from .conftest import ROLES, open_record

pytestmark = pytest.mark.django_db


def pages(world) -> list[tuple[str, dict, str, str, str]]:
    """(URL name, kwargs, who opens it, a text of the page in English, the same in French)."""
    case, item, victim = {"pk": world.case.pk}, {"pk": world.item.pk}, {"pk": world.victim.pk}
    return [
        ("cases:case_list", {}, "A:investigator", "Open a case", "Ouvrir un dossier"),
        (
            "cases:case_new",
            {},
            "A:investigator",
            "Search the incidents you can see",
            "Chercher parmi les incidents que vous voyez",
        ),
        ("cases:case_detail", case, "A:investigator", "Tasks and deadlines", "Tâches et échéances"),
        (
            "evidence:evidence_detail",
            item,
            "A:investigator",
            "Chain of custody",
            "Chaîne de possession",
        ),
        (
            "evidence:evidence_add",
            {"case_pk": world.case.pk},
            "A:investigator",
            "Add evidence to case",
            "Ajouter une preuve au dossier",
        ),
        (
            "evidence:evidence_derive",
            item,
            "A:coordinator",
            "Never edit an original",
            "Ne modifiez jamais un original",
        ),
        (
            "evidence:evidence_bundle",
            {"case_pk": world.case.pk},
            "A:investigator",
            "Download the bundle",
            "Télécharger le lot",
        ),
        (
            "victims:victim_list",
            {},
            "A:assistance_officer",
            "Find a person by name",
            "Trouver une personne par son nom",
        ),
        (
            "victims:victim_new",
            {},
            "A:assistance_officer",
            "Record a victim",
            "Enregistrer une victime",
        ),
        (
            "victims:victim_detail",
            victim,
            "A:investigator",
            "Why do you open this record?",
            "Pourquoi ouvrez-vous cette fiche ?",
        ),
        (
            "victims:victim_withdraw",
            victim,
            "A:assistance_officer",
            "Record the withdrawal",
            "Enregistrer le retrait",
        ),
        (
            "victims:assistance_report",
            {},
            "A:coordinator",
            "Assistance outcomes",
            "Résultats de l’assistance",
        ),
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_page_opens_for_an_allowed_role_in_both_languages(world, catalogues, language):
    for name, kwargs, who, english, french in pages(world):
        with translation.override(language):
            url = reverse(name, kwargs=kwargs)
        response = world.client(who).get(url)
        assert response.status_code == 200, (name, who, response.status_code)
        text = response.content.decode()
        assert (english if language == "en" else french) in text, (name, language)
        assert f'<html lang="{language}"' in text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_open_record_and_its_edit_form_in_both_languages(world, catalogues, language):
    client = world.client("A:assistance_officer")
    with translation.override(language):
        detail = reverse("victims:victim_detail", kwargs={"pk": world.victim.pk})
        edit = reverse("victims:victim_edit", kwargs={"pk": world.victim.pk})
    open_record(client, world.victim.pk)
    page = client.get(detail).content.decode()
    assert ("Services delivered" if language == "en" else "Services fournis") in page
    assert (
        "Open an assistance case" if language == "en" else "Ouvrir un dossier d’assistance"
    ) in page
    form = client.get(edit).content.decode()
    assert ("What happened" if language == "en" else "Ce qui s") in form


def every_url(world) -> list[str]:
    case, item, victim = {"pk": world.case.pk}, {"pk": world.item.pk}, {"pk": world.victim.pk}
    names = {
        "cases": [
            ("case_detail", case),
            ("case_status", case),
            ("case_findings", case),
            ("case_referral_add", case),
            ("case_referral_status", case),
            ("case_task_add", case),
            ("case_task_done", case),
        ],
        "evidence": [
            ("evidence_detail", item),
            ("evidence_download", item),
            ("evidence_verify", item),
            ("evidence_derive", item),
            ("evidence_add", {"case_pk": world.case.pk}),
            ("evidence_bundle", {"case_pk": world.case.pk}),
        ],
        "victims": [
            ("victim_detail", victim),
            ("victim_edit", victim),
            ("victim_consent", victim),
            ("victim_withdraw", victim),
            ("assistance_open", victim),
            ("assistance_update", {"pk": world.assistance.pk}),
        ],
    }
    return [
        reverse(f"{app}:{name}", kwargs=kwargs)
        for app, routes in names.items()
        for name, kwargs in routes
    ]


@pytest.mark.slow  # a walk over every route as every role (the full suite runs it)
def test_members_of_another_organisation_get_404_for_every_record_in_every_role(world, english):
    for role in ROLES:
        client = world.client(f"B:{role}")
        for url in every_url(world):
            assert client.get(url).status_code == 404, (url, role)
            # The download (GET only) refuses every POST before looking at the item.
            assert client.post(url, {}).status_code == (405 if "/download/" in url else 404), (
                url,
                role,
            )


def test_roles_without_grants_get_404(world, english):
    victim_urls = [url for url in every_url(world) if "/victims/" in url] + [
        reverse("victims:victim_list"),
        reverse("victims:victim_new"),
        reverse("victims:assistance_report"),
    ]
    case_urls = [url for url in every_url(world) if "/victims/" not in url] + [
        reverse("cases:case_list"),
        reverse("cases:case_new"),
    ]
    for role in ("A:monitor", "A:analyst"):
        client = world.client(role)
        for url in victim_urls + case_urls:
            assert client.get(url).status_code == 404, (url, role)
    # An organisation administrator reads cases, but no victim, no evidence, no assistance.
    admin = world.client("A:admin")
    for url in victim_urls + [reverse("evidence:evidence_detail", kwargs={"pk": world.item.pk})]:
        assert admin.get(url).status_code == 404, url
    # An investigator sees the victim, not the assistance.
    investigator = world.client("A:investigator")
    assert (
        investigator.get(
            reverse("victims:victim_detail", kwargs={"pk": world.victim.pk})
        ).status_code
        == 200
    )
    assert (
        investigator.post(
            reverse("victims:assistance_update", kwargs={"pk": world.assistance.pk}),
            {"form": "follow_up"},
        ).status_code
        == 404
    )
    assert investigator.get(reverse("victims:assistance_report")).status_code == 404


def test_the_anonymous_are_sent_to_the_login(world, english):
    client = world.client(None)
    login = reverse("login")
    for url in [*every_url(world), reverse("cases:case_list"), reverse("victims:victim_list")]:
        response = client.get(url)
        if "/download/" in url:
            assert response.status_code == 404  # the download has always answered the anonymous so
            continue
        assert response.status_code == 302 and response["Location"].startswith(login), url


def test_an_action_the_role_may_not_take_on_a_visible_case_is_403_and_changes_nothing(
    world, english
):
    admin = world.client("A:admin")  # may read the case, not change it, nor touch its evidence
    writes = ChangeLogEntry.objects.exclude(action="read").count()
    case = world.case
    assert admin.get(reverse("cases:case_detail", kwargs={"pk": case.pk})).status_code == 200
    assert (
        admin.post(
            reverse("cases:case_findings", kwargs={"pk": case.pk}), {"findings": "Rien"}
        ).status_code
        == 403
    )
    assert (
        admin.post(
            reverse("cases:case_status", kwargs={"pk": case.pk}),
            {"to-in_progress-status": "in_progress"},
        ).status_code
        == 403
    )
    assert (
        admin.post(
            reverse("cases:case_referral_add", kwargs={"pk": case.pk}),
            {
                "recipient_kind": "court",
                "recipient_name": "TGI",
                "referred_on": "2024-04-01",
                "status": "sent",
            },
        ).status_code
        == 403
    )
    assert (
        admin.get(reverse("evidence:evidence_add", kwargs={"case_pk": case.pk})).status_code == 403
    )
    assert (
        admin.get(reverse("evidence:evidence_bundle", kwargs={"case_pk": case.pk})).status_code
        == 403
    )
    assert admin.get(reverse("cases:case_new")).status_code == 403
    case.refresh_from_db()
    assert case.findings == "" and case.status == "open" and not Referral.objects.exists()
    assert ChangeLogEntry.objects.exclude(action="read").count() == writes


def test_the_case_list_shows_only_what_the_user_may_see(world, english):
    from vigie.cases.services import open_case

    open_case(world.beta, "BETA-1", "Dossier de Beta", world.users["B:investigator"])
    page = world.client("A:investigator").get(reverse("cases:case_list")).content.decode()
    assert "INV-2024-001" in page and "BETA-1" not in page
    page = world.client("B:investigator").get(reverse("cases:case_list")).content.decode()
    assert "BETA-1" in page and "INV-2024-001" not in page
    assert Case.objects.count() == 2
