"""Vigie in a real browser (issue 5): a report sent from a phone, reviewed and merged; the language
switch; the maps; "not found" for another organisation; screenshots of the main pages.

The server runs on its own SQLite demo database (conftest.py), whatever database the rest of the
suite uses: these tests run once, in the SQLite pass of `make test`, and are skipped in the
PostgreSQL pass.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.slow,  # a browser and a server: left out of `make test-fast`
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the browser tests run once, in the SQLite pass (their server has its own demo database)",
    ),
]

# A witness's report of the Koulogon-Peul attack (2019-01-01, 36 to 39 killed in the demo's four
# reports) that the linkage engine can neither join nor ignore. The monitor types "Koulogon" and picks
# the village; the engine reads the name as typed (the commune, Koulogon Habé): same commune +1.5,
# a village in that commune +0.5, one day later +2, no perpetrator and no type of event 0, an
# incompatible toll -2, a new source 0. A score of 2 against each of the four reports, between the
# review threshold (1) and the match threshold (5): it waits in the review queue, paired with each.
WITNESS = "Témoin K-17 (navigateur)"
WITNESS_TOLL = 3

READY = """() => Array.from(document.querySelectorAll('.vigie-map, .vigie-chart'))
    .every(e => e.dataset.vigieReady === 'yes' || e.dataset.vigieReady === 'failed')"""

MARKERS = """(element) => {
    const map = element.vigieMap, bounds = map.getBounds();
    const points = JSON.parse(document.getElementById(element.dataset.pointsId).textContent)
        .filter(point => point.precision !== 'country').length;
    let markers = 0, inside = 0;
    map.eachLayer(layer => {
        if (layer instanceof L.CircleMarker) { markers += 1; if (bounds.contains(layer.getLatLng())) inside += 1; }
    });
    return {points, markers, inside};
}"""


def number(text: str) -> int | None:
    digits = re.sub(r"\D", "", text)
    return int(digits) if digits else None


def killed_figures(page) -> tuple[int | None, ...]:
    """Low, best and high of the people killed, as the incident page shows them."""
    row = page.locator("section[aria-labelledby=casualties-title] tbody tr").first
    return tuple(number(cell) for cell in row.locator("td.num").all_inner_texts())


def wait_for_graphics(page) -> None:
    page.wait_for_function(READY)


def map_markers(page) -> dict:
    element = page.locator(".vigie-map").first
    element.wait_for()
    wait_for_graphics(page)
    assert element.get_attribute("data-vigie-ready") == "yes", "the map failed to draw"
    return element.evaluate(MARKERS)


def shoot(page, folder, name: str) -> None:
    """A full-page PNG, once the maps and charts are drawn."""
    wait_for_graphics(page)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000, (
        f"{path} is empty or not a PNG"
    )


def test_a_report_from_a_phone_waits_for_review_and_an_analyst_merges_and_accepts_it(
    login, server, screenshots
):
    koulogon = server.ids["koulogon"]

    # A monitor, on a phone, reads the incident as it stands, then opens the report form from the menu.
    phone = login("monitor", phone=True)
    phone.goto(f"incidents/{koulogon}/")
    before = killed_figures(phone)
    assert before == (36, 36, 39)
    phone.locator("nav.site-nav a[href$='/reports/new/']").click()
    phone.wait_for_url(re.compile(r"/reports/new/$"))
    assert phone.locator("h1").inner_text() == "Nouveau rapport"

    form = phone.locator("main form")
    form.locator("#id_source_name").fill(WITNESS)
    form.locator("#id_date_start").fill("2019-01-02")
    # The place picker: what is typed brings the gazetteer's matches (htmx); the monitor taps the village.
    form.locator("#id_place_query").fill("Koulogon")
    village = (
        form.locator("#choices-place label.check")
        .filter(has=phone.locator("strong", has_text=re.compile(r"^Koulogon-Peul$")))
        .locator("input[type=radio]")
    )
    village.check()
    form.locator("#id_event_label").fill("témoignage d'un habitant")
    form.locator("#id_killed").fill(str(WITNESS_TOLL))
    expect(village).to_be_checked()  # not replaced by a late answer of the search
    expect(form.locator("input[name=place_for]")).to_have_value("Koulogon")
    form.locator("button[value=submit]").click()

    phone.wait_for_url(re.compile(r"/reports/\d+/status/$"))
    status = phone.locator("main .alert[role=status]")
    assert "Un analyste décidera." in status.inner_text()
    assert "warning" in status.get_attribute("class")
    new_incident = number(status.locator("a[href*='/incidents/']").get_attribute("href"))
    assert new_incident and new_incident != koulogon
    shoot(phone, screenshots, "fr-report-status-phone")

    # An analyst finds the pairs in the review queue, each with its explanation.
    desk = login("analyst")
    desk.locator("nav.site-nav a[href$='/review/']").click()
    desk.wait_for_url(re.compile(r"/review/$"))
    pairs = desk.locator("article.card").filter(has_text=WITNESS)
    assert pairs.count() == 4  # one with each of the incident's four reports
    pair = pairs.first
    assert pair.locator(f"a[href$='/incidents/{koulogon}/']").count() == 1
    assert pair.locator(f"a[href$='/incidents/{new_incident}/']").count() == 1
    score = float(pair.locator(".badge.review").inner_text().split()[-1].replace(",", "."))
    assert 1 <= score < 5
    weights = [
        float(text.replace(",", ".").replace("+", ""))
        for text in pair.locator("details table td.num").all_inner_texts()
    ]
    assert len(weights) == 7 and abs(sum(weights) - score) < 0.1
    assert max(weights) > 0 > min(weights)  # the place agrees, the toll does not
    assert pair.locator("details table meter").count() == 7
    assert re.search(r"\d+ % ", pair.inner_text())  # the odds, as a percentage
    shoot(desk, screenshots, "fr-review-queue")
    desk.goto("en/review/")
    shoot(desk, screenshots, "en-review-queue")
    desk.goto("review/")

    with desk.expect_navigation():
        desk.locator("article.card").filter(has_text=WITNESS).first.locator(
            "button[value^='merge-']"
        ).click()
    expect(desk.locator("ul.messages li.success")).to_be_visible()
    # The three other pairs now join reports of one incident: they leave the queue too.
    expect(desk.locator("article.card").filter(has_text=WITNESS)).to_have_count(0)

    # Merged, the witness's report is in the incident but counts in no figure until accepted.
    desk.goto(f"incidents/{koulogon}/")
    assert killed_figures(desk) == before
    desk.goto("review/")
    waiting = desk.locator("#to-accept tr").filter(has_text=WITNESS)
    expect(waiting).to_have_count(1)
    with desk.expect_navigation():
        waiting.locator("button[value^='accept-']").click()
    expect(desk.locator("ul.messages li.success")).to_be_visible()
    expect(desk.locator("#to-accept tr").filter(has_text=WITNESS)).to_have_count(0)

    # Accepted, the incident rests on five reports; the witness's toll widens its range.
    desk.goto(f"incidents/{koulogon}/")
    after = killed_figures(desk)
    assert after != before
    assert after[0] == WITNESS_TOLL and after[2] == before[2]
    assert desk.locator("table.reports-side-by-side thead th", has_text=WITNESS).count() == 1
    # The witness's incident was merged: its old address leads to the incident that took its report.
    desk.goto(f"incidents/{new_incident}/")
    assert desk.url.endswith(f"/incidents/{koulogon}/")


def test_the_language_switch_turns_a_french_page_into_english(open_context, server):
    page = open_context().new_page()
    page.goto("incidents/")
    assert page.locator("html").get_attribute("lang") == "fr"
    nav = page.locator("nav.site-nav")
    assert "Méthodologie" in nav.inner_text() and "Données ouvertes" in nav.inner_text()

    page.locator("form.lang-switch button[value=en]").click()
    page.wait_for_url(server.url + "en/incidents/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Methodology" in nav.inner_text() and "Open data" in nav.inner_text()
    assert "Méthodologie" not in page.locator("body").inner_text()


def test_the_language_switch_turns_an_english_page_into_french(open_context, server):
    page = open_context().new_page()
    page.goto("en/incidents/")
    nav = page.locator("nav.site-nav")
    assert "Methodology" in nav.inner_text()

    page.locator("form.lang-switch button[value=fr]").click()
    page.wait_for_url(server.url + "incidents/", timeout=5_000)  # French has no prefix
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Méthodologie" in nav.inner_text()
    assert "Methodology" not in page.locator("body").inner_text()


def test_the_dashboard_and_an_incident_show_their_markers_on_the_map(login, server):
    page = login("analyst")
    page.goto("")
    dashboard = map_markers(page)
    # Every incident with a position is drawn, inside the map: at least the demo's three with coordinates.
    assert dashboard["markers"] == dashboard["points"] >= 3
    assert dashboard["inside"] == dashboard["markers"]
    assert page.locator(".vigie-map canvas").count() >= 1

    page.goto(f"incidents/{server.ids['moura']}/")
    incident = map_markers(page)
    assert incident["markers"] == incident["points"] == 1 and incident["inside"] == 1


def test_another_organisation_gets_not_found_for_an_organisation_only_incident(
    login, server, screenshots
):
    private = server.ids["private"]
    outsider = login("outsider")
    response = outsider.goto(f"incidents/{private}/")
    assert response.status == 404
    assert re.search(r"not found|introuvable", outsider.locator("body").inner_text(), re.IGNORECASE)
    shoot(outsider, screenshots, "fr-not-found")
    outsider.goto("incidents/")
    assert outsider.locator(f"a[href$='/incidents/{private}/']").count() == 0

    member = login("analyst")
    response = member.goto(f"incidents/{private}/")
    assert response.status == 200
    assert "Bounti" in member.locator("h1").inner_text()


PAGES = [  # (user or None for the public, phone?, name, address without the language prefix)
    (None, False, "public-home", ""),
    (None, False, "login", "login/"),
    ("analyst", False, "dashboard", ""),
    ("analyst", False, "incident-list", "incidents/"),
    ("analyst", False, "incident-detail", "incidents/{koulogon}/"),
    ("analyst", False, "linkage", "review/linkage/"),
    ("monitor", True, "report-form-phone", "reports/new/"),
    ("monitor", True, "incident-detail-phone", "incidents/{koulogon}/"),
    ("investigator", False, "case", "cases/{case}/"),
    ("investigator", False, "victim-list", "victims/"),
]


def test_screenshots_of_the_main_pages_in_both_languages(login, open_context, server, screenshots):
    pages = {}
    for user, phone, name, address in PAGES:
        key = (user, phone)
        if key not in pages:
            pages[key] = login(user, phone=phone) if user else open_context(phone).new_page()
        page = pages[key]
        for language, prefix in (("fr", ""), ("en", "en/")):
            response = page.goto(prefix + address.format(**server.ids))
            assert response.status == 200, f"{prefix}{address}: {response.status}"
            assert page.locator("html").get_attribute("lang") == language
            shoot(page, screenshots, f"{language}-{name}")


# -- what a person sees on the page: widths, the menu, the filter boxes, the map's names, languages, dates --

FITS = """() => {
    const width = document.documentElement.clientWidth;
    const wrap = document.querySelector("section[aria-labelledby=casualties-title] .table-wrap");
    const links = [...document.querySelectorAll("nav.site-nav a")].map(a => {
        const box = a.getBoundingClientRect();
        return {text: a.textContent.trim(), left: box.left, right: box.right};
    });
    return {width, page: document.documentElement.scrollWidth, links,
            wrap: wrap && {client: wrap.clientWidth, scroll: wrap.scrollWidth}};
}"""


def test_on_a_phone_the_incident_page_the_menu_and_the_report_form_fit_the_screen(login, server):
    phone = login("monitor", phone=True)
    for prefix in ("", "en/"):
        for key in (
            "koulogon",
            "moura",
        ):  # Moura's figures have a row of combatants, the widest label
            phone.goto(f"{prefix}incidents/{server.ids[key]}/")
            seen = phone.evaluate(FITS)
            assert seen["page"] <= seen["width"], (
                f"{prefix}{key}: the page is wider than the screen"
            )
            # The casualty table fits in its box: nothing to scroll to, nothing cut off.
            assert seen["wrap"]["scroll"] <= seen["wrap"]["client"], (
                f"{prefix}{key}: {seen['wrap']}"
            )
            # Every menu item is on the screen (the menu wraps onto more lines instead of hiding items).
            cut = [
                link for link in seen["links"] if link["left"] < 0 or link["right"] > seen["width"]
            ]
            assert not cut and len(seen["links"]) >= 6, cut

        phone.goto(f"{prefix}reports/new/")
        source = phone.locator("#id_source")
        box, frame = (
            source.bounding_box(),
            phone.locator("fieldset").filter(has=source).bounding_box(),
        )
        assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
        assert box["x"] + box["width"] <= 360
        # A choice longer than the box ends with "…" instead of running under the arrow.
        assert source.evaluate("e => getComputedStyle(e).textOverflow") == "ellipsis"
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360


DISCLOSURE = """(summary) => {
    const style = getComputedStyle(summary);
    return {display: style.display, marker: style.listStyleType};
}"""


def test_the_filter_boxes_show_their_disclosure_triangle(login):
    page = login("investigator")
    for address in ("victims/", "incidents/"):
        page.goto(address)
        summary = page.locator("details.filters > summary")
        closed = summary.evaluate(DISCLOSURE)
        assert closed == {"display": "list-item", "marker": "disclosure-closed"}, (address, closed)
        summary.click()
        expect(page.locator("details.filters")).to_have_attribute("open", "")
        assert summary.evaluate(DISCLOSURE)["marker"] == "disclosure-open", address


LABELS = """(element) => [...element.querySelectorAll(".vigie-map-label")]
    .filter(label => label.style.opacity !== "0")  // a name being removed fades out first
    .map(label => { const box = label.getBoundingClientRect();
                    return {name: label.textContent, left: box.left, right: box.right, top: box.top, bottom: box.bottom}; })"""
ZOOM_IN = """(element) => new Promise(done => {
    element.vigieMap.once("zoomend", () => setTimeout(done, 400));
    element.vigieMap.setZoom(element.vigieMap.getZoom() + 1);
})"""


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["name"], b["name"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]


def test_region_names_on_the_map_never_overlap(login, screenshots):
    for phone in (False, True):
        page = login("analyst", phone=phone)
        page.goto("")
        element = page.locator(".vigie-map").first
        element.wait_for()
        wait_for_graphics(page)
        page.wait_for_timeout(400)  # the names left out have faded away
        labels = element.evaluate(LABELS)
        assert len(labels) >= 5, labels
        assert not overlapping(labels), overlapping(labels)
        element.evaluate(ZOOM_IN)
        zoomed = element.evaluate(LABELS)
        assert len(zoomed) >= len(labels) and not overlapping(zoomed), overlapping(zoomed)
        element.screenshot(
            path=str(screenshots / f"fr-map-zoomed-{'phone' if phone else 'desktop'}.png")
        )


def test_a_french_incident_page_gives_its_rule_and_grade_in_french(login, server):
    from vigie.incidents.estimates import GRADE_REASONS, RULE_PHRASES

    page = login("analyst")
    page.goto(f"incidents/{server.ids['koulogon']}/")
    rule = page.locator(
        "section[aria-labelledby=casualties-title] p", has_text="Règle"
    ).inner_text()
    assert "médiane des rapports indépendants les plus fiables" in rule, rule
    facts = page.locator("dl.facts").inner_text()
    assert "les bilans indépendants divergent" in facts, facts
    english = [
        re.split(r"[({]", phrase)[0].strip()
        for phrase in (*RULE_PHRASES.values(), *GRADE_REASONS.values())
    ]
    shown = [phrase for phrase in english if len(phrase) > 8 and phrase in rule + facts]
    assert not shown, shown
    page.goto(f"en/incidents/{server.ids['koulogon']}/")
    assert "median of the most reliable independent reports" in page.locator("main").inner_text()


def test_a_date_typed_in_the_form_comes_back_in_its_box_in_both_languages(login):
    phone = login("monitor", phone=True)
    for prefix in ("", "en/"):
        phone.goto(f"{prefix}reports/new/")
        form = phone.locator("main form")
        form.locator("#id_date_start").fill("2019-01-02")
        form.locator("#id_event_label").fill(f"brouillon daté {prefix or 'fr'}")
        form.locator("button[value=draft]").click()
        phone.wait_for_url(re.compile(r"/reports/drafts/\d+/$"))
        # The box shows the date again (a date written in the page's own format would leave it empty).
        assert phone.locator("#id_date_start").input_value() == "2019-01-02"
        phone.goto(f"{prefix}reports/drafts/")
        row = phone.locator("tr", has_text=f"brouillon daté {prefix or 'fr'}")
        assert ("02/01/2019" if not prefix else "01/02/2019") in row.inner_text()
