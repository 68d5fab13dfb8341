"""The assistance outcome report counts without identifying anyone."""

import csv
import datetime
import io

import pytest
from click.testing import CliRunner

from vigie import cli
from vigie.places.models import Place
from vigie.victims import services
from vigie.victims.models import Assistance
from vigie.victims.reports import SUPPRESSED, assistance_outcomes

pytestmark = pytest.mark.django_db


def regions():
    return list(Place.objects.filter(kind="region", parent__code="MLI").order_by("code")[:2])


def make_case(
    organisation,
    region,
    sex,
    age,
    *,
    needs=("medical",),
    referral_status=None,
    service=None,
    closed=False,
    name="Person",
):
    victim = services.create_victim(
        None,
        organisation,
        name=name,
        sex=sex,
        age=age,
        region=region,
        testimony=f"TESTIMONY OF {name}",
        consents=["documentation", "referral"],
    )
    assistance = services.open_assistance(None, victim, opened_on=datetime.date(2024, 2, 1))
    for category in needs:
        services.add_need(
            None,
            assistance,
            category,
            identified_on=datetime.date(2024, 2, 2),
            details=f"DETAILS OF {name}",
        )
    if referral_status:
        referral = services.refer(
            None, assistance, "Hôpital régional", referred_on=datetime.date(2024, 2, 3)
        )
        services.set_referral_status(None, referral, referral_status)
    if service:
        services.record_service(None, assistance, service, delivered_on=datetime.date(2024, 2, 10))
    if closed:
        services.close_assistance(
            None, assistance, "needs_met", closed_on=datetime.date(2024, 3, 1)
        )
    return assistance


@pytest.fixture
def caseload(keys_dir, organisation):
    mopti, other = regions()
    for i in range(6):  # six adult women in one region: a cell large enough to show
        make_case(
            organisation,
            mopti,
            "female",
            30 + i,
            needs=("medical", "psychosocial"),
            referral_status="completed",
            service="medical",
            closed=i < 5,
            name=f"Woman Number {i}",
        )
    for i in range(2):  # two men: too few to show
        make_case(organisation, mopti, "male", 40, needs=("legal",), name=f"Man Number {i}")
    # one girl elsewhere with six needs of one kind: six needs, but one person
    make_case(organisation, other, "female", 12, needs=("material",) * 6, name="Girl Number 1")
    return mopti, other


def cell(report, measure, category, **where):
    matches = [
        row
        for row in report.rows
        if row["measure"] == measure
        and row["category"] == category
        and all(row[key] == value for key, value in where.items())
    ]
    assert len(matches) <= 1
    return matches[0]["count"] if matches else None


def test_counts_by_region_sex_and_age_group_with_small_cells_suppressed(caseload):
    mopti, other = caseload
    report = assistance_outcomes()
    women = {"region": mopti.name, "sex": "female", "age_group": "adult"}
    assert cell(report, "needs", "medical", **women) == 6
    assert cell(report, "needs", "psychosocial", **women) == 6
    assert cell(report, "referrals", "completed", **women) == 6
    assert cell(report, "services", "medical", **women) == 6
    assert cell(report, "closed_cases", "needs_met", **women) == 5
    assert (
        cell(report, "needs", "legal", region=mopti.name, sex="male", age_group="adult")
        == SUPPRESSED
    )
    # Six needs of one girl: the cell is about one person, so it is suppressed too.
    assert (
        cell(report, "needs", "material", region=other.name, sex="female", age_group="child")
        == SUPPRESSED
    )
    for row in report.rows:
        assert row["count"] == SUPPRESSED or row["count"] >= 5
        assert set(row) == {"measure", "category", "region", "sex", "age_group", "count"}


def test_the_report_holds_no_name_no_free_text(caseload):
    handle = io.StringIO()
    assistance_outcomes(by=["region"]).write_csv(handle)
    text = handle.getvalue()
    assert "Number" not in text and "TESTIMONY" not in text and "DETAILS" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0].keys() == {"measure", "category", "region", "count"}
    by_region = {(r["measure"], r["category"], r["region"]): r["count"] for r in rows}
    assert by_region[("needs", "medical", caseload[0].name)] == "6"
    assert by_region[("needs", "legal", caseload[0].name)] == "<5"


def test_the_report_honours_scope_period_and_withdrawal(caseload, organisation, other_organisation):
    assert (
        assistance_outcomes(
            Assistance.objects.restrict(None).filter(organisation=other_organisation)
        ).rows
        == []
    )
    assert not [r for r in assistance_outcomes(end=datetime.date(2024, 1, 31)).rows]
    assert [r["measure"] for r in assistance_outcomes(start=datetime.date(2024, 2, 20)).rows] == [
        "closed_cases"
    ]
    victim = services.find_by_name(None, "Woman Number 0", "test")[0]
    services.withdraw_consent(None, victim)
    women = {"region": caseload[0].name, "sex": "female", "age_group": "adult"}
    assert cell(assistance_outcomes(), "needs", "medical", **women) == 5
    with pytest.raises(ValueError, match="cannot count by"):
        assistance_outcomes(by=["ethnicity"])


def test_the_report_command_writes_csv(caseload, tmp_path):
    output = tmp_path / "outcomes.csv"
    outcome = CliRunner().invoke(
        cli.main, ["victims", "report", "--organisation", "amdh", "--by", "sex", "-o", str(output)]
    )
    assert outcome.exit_code == 0, outcome.output
    rows = list(csv.DictReader(output.open()))
    assert {"measure": "needs", "category": "medical", "sex": "female", "count": "6"} in rows
    bad = CliRunner().invoke(cli.main, ["victims", "report", "--start", "yesterday"])
    assert bad.exit_code == 2 and "not a date" in bad.output


def test_the_csv_has_no_cell_a_spreadsheet_runs_as_a_formula(keys_dir, organisation, tmp_path):
    from tests.formulas import MALICIOUS, assert_no_formula

    region = regions()[0]
    Place.objects.filter(pk=region.pk).update(name=MALICIOUS["hyperlink"])
    region.refresh_from_db()
    for i in range(5):
        make_case(organisation, region, "female", 30 + i, name=f"Woman Number {i}")
    handle = io.StringIO(newline="")
    assistance_outcomes(by=["region"]).write_csv(handle)
    assert_no_formula(handle.getvalue(), MALICIOUS["hyperlink"])
    output = tmp_path / "outcomes.csv"
    outcome = CliRunner().invoke(
        cli.main, ["victims", "report", "--by", "region", "-o", str(output)]
    )
    assert outcome.exit_code == 0, outcome.output
    assert_no_formula(output.read_bytes().decode("utf-8"), MALICIOUS["hyperlink"])
