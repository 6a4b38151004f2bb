"""Source classes (primary, secondary, user): the snapshot says which figures are official
extractions, the assessment rests on those by default, and nothing from a page quoting a figure
is ever shown as Eurostat's.

Expected values are read off the extraction files by hand (``shared/data/found-2026-12``,
``tools/found-2026-12-eupact/found.csv``), never computed by the code under test.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from eupact.assessment import assess_year
from eupact.assessment.data import Figure, Observation, Observations, rate_if_as_good
from eupact.assessment.gather import routes_from_snapshot
from eupact.cli.main import app
from eupact.data.coverage import coverage
from eupact.data.provenance import Source
from eupact.data.snapshot import load_snapshot

SECONDARY = "secondary (a page quoting the figure): "


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def snapshot():
    return load_snapshot()


@pytest.fixture(scope="module")
def primary_only():
    return assess_year(2025)


def _sources(snapshot):
    for series in snapshot.series:
        yield series.source
        yield from series.value_sources.values()


def test_every_source_has_a_class_and_a_primary_one_says_what_was_extracted(snapshot):
    classes = {s.source_class for s in _sources(snapshot)}
    assert classes == {"primary", "secondary"}
    for source in _sources(snapshot):
        if source.source_class != "primary":
            continue
        assert source.dataset, source
        assert source.retrieved, source  # the extraction date
        assert source.package
        if source.file == "primary_extractions.csv" and source.origin:
            assert source.filter, source
            assert source.origin[0].startswith("https://github.com/"), source


def test_no_secondary_value_is_shown_as_eurostat(snapshot):
    for source in _sources(snapshot):
        if source.source_class == "secondary":
            assert source.shown_release.startswith(SECONDARY)
            assert not source.release.startswith("Eurostat dissemination API")
    out = cli("data", "show", "asylum_applicants_first_time", "--format", "json")
    assert out.exit_code == 0, out.output
    for row in json.loads(out.stdout)["data"]["rows"]:
        if row["class"] == "secondary":
            assert row["release"].startswith(SECONDARY), row
        else:
            assert row["class"] == "primary" and "Eurostat dissemination API" in row["release"]


def test_resources_declare_their_class(snapshot):
    classes = snapshot.source_classes
    assert classes["primary_extractions"] == "primary"
    assert classes["frontex_routes_monthly"] == "primary"
    assert classes["population"] == "primary" and classes["gdp"] == "primary"
    for name in ("published_figures", "eu_aggregates", "frontex_routes", "indicators_2024_partial"):
        assert classes[name] == "secondary", name


def test_first_time_applicants_2024_are_primary_for_every_state(snapshot):
    """The issue asks for at least 12 of 27 from primary sources; the two extractions give 27."""
    row = next(
        r
        for r in coverage(snapshot, ["asylum_applicants_first_time"]).summary()
        if r["period"] == "2024"
    )
    assert row["primary"] == 27 and row["none"] == 0
    cell = coverage(snapshot).cell("asylum_applicants_first_time", "2024", "EL")
    # EL 2024: 68,995 (Oscarbellosido/Economia dades.json, migr_asyappctza); also on pages
    assert cell.source_class == "primary" and cell.value == 68995
    assert "secondary" in cell.classes
    # CY 2024: 6,750 (jjdlg361/real_estate_migration, migr_asyappctzm summed over 12 months)
    assert coverage(snapshot).cell("asylum_applicants_first_time", "2024", "CY").value == 6750


def test_routes_come_from_frontex_monthly_file(snapshot):
    """Calendar years summed from Frontex's monthly file (12 months each), by hand with awk:
    Eastern Borders 5,748 (2023) and 17,260 (2024); Central Mediterranean 158,026 and 66,855."""
    routes = {(r.route, r.year): r for r in routes_from_snapshot(snapshot)}
    assert routes[("Eastern Land Border", 2023)].crossings == 5748
    assert routes[("Eastern Land Border", 2024)].crossings == 17260
    assert routes[("Central Mediterranean", 2023)].crossings == 158026
    assert routes[("Central Mediterranean", 2024)].crossings == 66855
    assert routes[("Total (all routes)", 2024)].crossings == 240021
    assert all(r.source.source_class == "primary" for r in routes.values())
    # the press figures would come back only when allowed, and only where the file has no
    # year: it has 2023 and 2024 for every route the press gave, so none survives
    allowed = routes_from_snapshot(snapshot, allow_secondary=True)
    assert {(r.route, r.year) for r in allowed} == set(routes)


def _obs(cls: str, value: float) -> Observation:
    source = Source("d", "t", "u", "2024", f"release {cls}", "", "f", "c", source_class=cls)  # type: ignore[arg-type]
    return Observation("s", "DE", 1, 12, "2024", value, source)


def test_precedence_user_then_primary_then_secondary():
    obs = Observations()
    obs.admit([_obs("secondary", 3), _obs("primary", 2), _obs("user", 1)], allow_secondary=True)
    assert obs.exact[("s", "DE", 1, 12)].value == 1
    obs = Observations()
    obs.admit([_obs("secondary", 3), _obs("primary", 2)], allow_secondary=True)
    assert obs.exact[("s", "DE", 1, 12)].value == 2
    obs = Observations()
    obs.admit([_obs("secondary", 3)], allow_secondary=False)
    assert not obs.exact and [o.value for o in obs.set_aside] == [3]
    assert obs.set_aside_for(["s"], "DE")[0].value == 3
    assert obs.set_aside_for(["s"], "FR") == []


def test_the_default_assessment_uses_no_secondary_figure(primary_only):
    assert primary_only.data.allow_secondary is False
    assert "secondary" not in primary_only.data.observations.resting_on()
    for result in primary_only.states.values():
        assert result.resting_on("secondary") == ()
        for det in result.determinations.values():
            for outcome in det.outcomes:
                for figure in outcome.figures:
                    assert all(s.source_class != "secondary" for s in figure.sources)
    doc = primary_only.as_dict()
    assert doc["secondary_figures_admitted"] is False
    assert doc["states"]["EL"]["rules_resting_on_secondary"] == []


def test_a_missing_figure_names_its_series_and_the_secondary_one_set_aside(primary_only):
    text = "\n".join(primary_only.states["CY"].reasons())
    assert "no figure for 2024-07/2025-06 in the series dublin_requests_outgoing" in text
    assert "a secondary figure exists but is not used without --allow-secondary" in text
    # a rule with the state's figure but no EU total says why the states' sum cannot stand in
    text = "\n".join(primary_only.states["CZ"].reasons())
    assert "the states' sum stands in only when every state has a figure" in text
    assert "lacking EL" in text


def test_with_secondary_the_rules_resting_on_them_are_named():
    a = assess_year(2025, allow_secondary=True)
    # France's outgoing Dublin requests are held only from pages quoting Eurostat
    assert "assessment.at_risk.unauthorised_movements" in a.states["FR"].resting_on("secondary")
    assert a.states["FR"].label == "at risk"
    assert any("Rules resting on secondary figures (pages)" in r for r in a.states["FR"].reasons())
    assert a.as_dict()["states"]["FR"]["rules_resting_on_secondary"]
    # without them the rule has no figure, and France is not found at risk
    assert assess_year(2025).states["FR"].label == "none"


def test_arrivals_of_italy_and_spain_are_primary_and_decide_pressure(primary_only):
    """Italy's sea arrivals 2024: 66,317 (Ministry of the Interior's cruscotto as extracted by
    ondata/liberiamoli-tutti); Spain's from UNHCR's data portal. On primary figures alone the
    four states of the decision are under pressure."""
    assert set(primary_only.in_category("under_pressure")) == {"CY", "EL", "ES", "IT"}
    cell = coverage(load_snapshot()).cell("sea_arrivals_national", "2024", "IT")
    assert cell.source_class == "primary" and cell.value == 66317


def test_a_secondary_rate_never_displaces_a_primary_count():
    def fig(cls: str) -> Figure:
        source = Source("d", "t", "u", "2024", "r", "", "f", "c", source_class=cls)  # type: ignore[arg-type]
        return Figure(1.0, "2024", (source,))

    assert rate_if_as_good(fig("secondary"), fig("primary")) is None
    assert rate_if_as_good(fig("primary"), fig("primary")) is not None
    assert rate_if_as_good(fig("secondary"), None) is not None
    assert rate_if_as_good(fig("user"), fig("primary")) is not None


def test_cli_coverage(snapshot):
    out = cli("data", "coverage", "--format", "csv")
    assert out.exit_code == 0, out.output
    header = out.stdout.splitlines()[0]
    assert header.startswith("indicator,period,primary,user,secondary_only,none,of")
    assert "asylum_applicants_first_time,2024,27,0,0,0,27" in out.stdout
    out = cli("data", "coverage", "--indicator", "asylum_applicants_first_time", "-f", "json")
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)["coverage"]["rows"]
    el = next(r for r in rows if r["geo"] == "EL")
    assert el["2024"] == "P" and el["2024-Q3"] == "·"  # the quarterly extraction lacks EL
    out = cli("data", "coverage", "--cells", "-f", "csv")
    assert out.exit_code == 0 and "asylum_applicants_first_time,2024,EL,primary" in out.stdout
    out = cli("data", "coverage", "--indicator", "asylum_aplicants")
    assert out.exit_code == 2 and "not in the snapshot" in out.output


def test_assess_cli_says_what_it_rests_on():
    out = cli("assess", "2025", "--format", "json")
    assert out.exit_code == 0, out.output
    out = cli("assess", "2025", "--allow-secondary", "--explain", "ES")
    assert out.exit_code == 0 and "Rules resting on secondary figures" in out.stdout
