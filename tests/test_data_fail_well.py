"""`eupact data update` and `data import` fail well.

Without a network the update ends within seconds naming the cause — tried against real sockets:
a closed local port (connection refused), an unresolvable name (DNS), and a local server that
accepts and never answers (timeout). Offline with nothing cached it names what is missing; when
nothing changed it writes no version. An import refuses unknown indicators (suggesting the
closest), periods outside the data's years, wrong headers, foreign geo codes, unbounded or
negative values and formula-like text, row by row, writing nothing; its figures are the user's,
never Eurostat's. The template imports nothing untouched.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import respx
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from eupact.cli.main import app
from eupact.data.eurostat.client import BASE_URL, Budget, EurostatClient, NetworkFailure
from eupact.data.imports import PERIOD_YEARS, import_figures, known_indicators, period_span
from eupact.data.snapshot import load_snapshot
from eupact.data.template import EXAMPLE
from eupact.data.update import update_snapshot
from eupact.errors import EupactError

from .test_data_update import GEOS, cube, population_cube

FIXTURES = Path(__file__).parent / "fixtures" / "data_import"
LIMIT_S = 10.0  # the bar: a network failure ends in under 10 s


# --- real sockets ---------------------------------------------------------------------------


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[tuple[int, list[socket.socket]]]:
    """A local server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            accepted.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    yield int(server.getsockname()[1]), accepted
    server.close()
    for conn in accepted:
        conn.close()


def update_cli(tmp_path: Path, *args: str, url: str | None = None) -> tuple[object, float]:
    env = {"EUPACT_CACHE_DIR": str(tmp_path / "cache")}
    if url:
        env["EUPACT_EUROSTAT_URL"] = url
    start = time.monotonic()
    result = CliRunner().invoke(
        app, ["data", "update", "--out", str(tmp_path / "v"), *args], env=env
    )
    return result, time.monotonic() - start


def no_version(tmp_path: Path) -> bool:
    folder = tmp_path / "v"
    return not folder.exists() or not any(p for p in folder.iterdir() if not p.name.startswith("."))


def test_connection_refused_ends_in_seconds_naming_host_and_port(tmp_path, closed_port):
    result, took = update_cli(tmp_path, url=f"http://127.0.0.1:{closed_port}/data")
    print(f"connection refused: {took:.2f} s")
    assert result.exit_code == 2, result.output
    assert took < LIMIT_S
    assert "connection refused" in result.stderr
    assert f"127.0.0.1 port {closed_port}" in result.stderr
    assert "no new snapshot version was written" in result.stderr
    assert no_version(tmp_path)


def test_unresolvable_host_ends_in_seconds_as_a_dns_failure(tmp_path):
    result, took = update_cli(tmp_path, url="http://nonexistent.invalid/data")
    print(f"DNS failure: {took:.2f} s")
    assert result.exit_code == 2, result.output
    assert took < LIMIT_S
    assert "DNS failure" in result.stderr and "nonexistent.invalid" in result.stderr
    assert no_version(tmp_path)


def test_a_server_that_never_answers_ends_in_seconds_after_one_request(tmp_path, silent_server):
    port, accepted = silent_server
    result, took = update_cli(tmp_path, url=f"http://127.0.0.1:{port}/data")
    print(f"timeout: {took:.2f} s")
    assert result.exit_code == 2, result.output
    assert took < LIMIT_S
    assert "timeout" in result.stderr
    assert "accepted the connection but sent no answer within 5 s" in result.stderr
    assert len(accepted) == 1  # no retry, and no other dataset tried
    assert no_version(tmp_path)


def test_the_first_answer_timeout_is_a_parameter(tmp_path, silent_server):
    port, _ = silent_server
    result, took = update_cli(tmp_path, "--timeout", "1", url=f"http://127.0.0.1:{port}/data")
    assert result.exit_code == 2
    assert "no answer within 1 s" in result.stderr
    assert took < 4


def test_network_failure_is_classified_by_the_client(closed_port):
    with (
        EurostatClient(use_cache=False, base_url=f"http://127.0.0.1:{closed_port}") as client,
        pytest.raises(NetworkFailure) as exc,
    ):
        client.fetch("demo_pjan", geo="DE")
    assert (exc.value.kind, exc.value.host, exc.value.fatal) == ("refused", "127.0.0.1", True)
    [problem] = exc.value.problems
    assert problem.field == "host" and "demo_pjan" in problem.location


class _Busy(BaseHTTPRequestHandler):
    """Answers every request with HTTP 503 after a short pause."""

    pause = 0.0

    def do_GET(self) -> None:
        time.sleep(self.pause)
        body = json.dumps({"error": [{"status": 503, "id": 0, "label": "busy"}]}).encode()
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def busy_server() -> Iterator[tuple[ThreadingHTTPServer, type[_Busy]]]:
    handler = type("Busy", (_Busy,), {"pause": 0.0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, handler
    server.shutdown()
    server.server_close()


def test_a_server_answering_errors_fails_each_dataset_and_writes_nothing(tmp_path, busy_server):
    server, _ = busy_server
    url = f"http://127.0.0.1:{server.server_address[1]}"
    client = EurostatClient(tmp_path / "c", base_url=url, max_attempts=2, sleep=lambda _s: None)
    with client, pytest.raises(EupactError) as exc:
        update_snapshot(client, out_root=tmp_path / "v", indicators=("population", "gdp"))
    assert "no figure could be fetched; no new snapshot version written" in str(exc.value)
    assert "after 2 attempt(s): last HTTP 503: busy" in str(exc.value)
    assert no_version(tmp_path)


def test_the_run_stops_when_its_time_budget_is_spent(tmp_path, busy_server):
    server, handler = busy_server
    handler.pause = 0.3
    url = f"http://127.0.0.1:{server.server_address[1]}"
    budget = Budget(total=0.5)
    client = EurostatClient(tmp_path / "c", base_url=url, budget=budget, sleep=lambda _s: None)
    start = time.monotonic()
    with client, pytest.raises(NetworkFailure) as exc:
        update_snapshot(client, out_root=tmp_path / "v")
    assert time.monotonic() - start < 2
    assert exc.value.kind == "budget"
    assert "time budget of 0.5 s is spent" in str(exc.value)


# --- offline and unchanged --------------------------------------------------------------------


def test_offline_with_nothing_cached_names_what_is_missing(tmp_path):
    result, took = update_cli(tmp_path, "--offline")
    print(f"offline, nothing cached: {took:.2f} s")
    assert result.exit_code == 2, result.output
    assert took < LIMIT_S
    assert "none of the 12 datasets is in the cache" in result.stderr
    assert "field 'population' = 'demo_pjan" in result.stderr
    assert str(tmp_path / "cache") in result.stderr
    assert no_version(tmp_path)


def base_population_cube() -> dict:
    """demo_pjan answering exactly the shipped snapshot's figures."""
    snap = load_snapshot()
    years = ["2023", "2024", "2025"]
    values = {
        ("A", "NR", "TOTAL", "T", g, y): snap.find("population", f"{y}-01-01")[g]
        for g in GEOS
        for y in years
    }
    dims = [
        ("freq", ["A"]),
        ("unit", ["NR"]),
        ("age", ["TOTAL"]),
        ("sex", ["T"]),
        ("geo", GEOS),
        ("time", years),
    ]
    return cube("demo_pjan", dims, values, {})


def test_figures_equal_to_the_base_write_no_version(tmp_path):
    with respx.mock(base_url=BASE_URL) as router:
        router.get("/demo_pjan").mock(return_value=httpx.Response(200, json=base_population_cube()))
        with EurostatClient(tmp_path / "cache", sleep=lambda _s: None) as client:
            result = update_snapshot(client, out_root=tmp_path / "v", indicators=("population",))
    base = load_snapshot()
    assert not result.written
    assert (result.path, result.version) == (base.path, base.version)
    assert no_version(tmp_path)


def test_a_second_update_with_the_same_figures_writes_nothing(tmp_path):
    with respx.mock(base_url=BASE_URL) as router:
        router.get("/demo_pjan").mock(return_value=httpx.Response(200, json=population_cube()))
        with EurostatClient(tmp_path / "cache", sleep=lambda _s: None) as client:
            first = update_snapshot(client, out_root=tmp_path / "v", indicators=("population",))
            again = update_snapshot(client, out_root=tmp_path / "v", indicators=("population",))
    assert first.written and not again.written
    assert again.path == first.path and again.version == first.version
    assert [p.name for p in (tmp_path / "v").iterdir()] == [first.path.name]
    # offline from the cache, through the CLI: the same figures again
    result, _ = update_cli(tmp_path, "--offline")
    assert result.exit_code == 0, result.output
    assert f"no change since {first.version}" in result.stdout
    assert [p.name for p in (tmp_path / "v").iterdir()] == [first.path.name]


def test_fetched_eurostat_figures_are_primary(tmp_path):
    with respx.mock(base_url=BASE_URL) as router:
        router.get("/demo_pjan").mock(return_value=httpx.Response(200, json=population_cube()))
        with EurostatClient(tmp_path / "cache", sleep=lambda _s: None) as client:
            result = update_snapshot(client, out_root=tmp_path / "v", indicators=("population",))
    snap = load_snapshot(str(result.path))
    series = next(s for s in snap.series if s.source.file == "eurostat_observations.csv")
    assert series.source_of("DE").source_class == "primary"


# --- import ---------------------------------------------------------------------------------


def import_cli(tmp_path: Path, file: Path) -> object:
    return CliRunner().invoke(app, ["data", "import", str(file), "--out", str(tmp_path / "v")])


def test_an_import_is_labelled_as_the_users_never_as_eurostat(tmp_path):
    result = import_cli(tmp_path, FIXTURES / "national_good.csv")
    assert result.exit_code == 0, result.output
    [version] = (tmp_path / "v").iterdir()
    snap = load_snapshot(str(version))
    imported = [s for s in snap.series if s.source.file == "user_figures.csv"]
    assert {s.indicator for s in imported} == {
        "asylum_applicants_first_time",
        "sea_arrivals_national",
        "temporary_protection_beneficiaries_per_1000",
    }
    at = next(s for s in imported if s.indicator == "asylum_applicants_first_time")
    assert at.values["AT"] == 24900 and "EU27_2020" not in at.missing
    for series in imported:
        for geo in series.value_sources:
            source = series.source_of(geo)
            assert source.source_class == "user"
            assert "Eurostat" not in source.dataset and "Eurostat" not in source.release
            assert source.release.startswith("user file national_good.csv: ")
    described = json.loads((version / "datapackage.json").read_text())["resources"][0]
    assert described["name"] == "user_figures" and described["eupact:source_class"] == "user"
    labels = [described[k] for k in ("title", "eupact:dataset", "sources", "licenses")]
    assert "Eurostat" not in json.dumps(labels)
    rate = next(s for s in imported if s.indicator.endswith("per_1000"))
    assert str(rate.values["CZ"]) == "33.5"


def test_importing_the_same_file_again_writes_nothing(tmp_path):
    first = import_figures(FIXTURES / "national_good.csv", out_root=tmp_path / "v")
    again = import_cli(tmp_path, FIXTURES / "national_good.csv")
    assert again.exit_code == 0, again.output
    assert f"no change since {first.version}" in again.stdout
    assert len(list((tmp_path / "v").iterdir())) == 1


def test_a_semicolon_csv_from_a_european_spreadsheet_is_read(tmp_path):
    result = import_figures(FIXTURES / "national_semicolon.csv", out_root=tmp_path / "v")
    assert result.written and result.changes[0].new == 24900


def test_every_bad_row_is_reported_with_file_row_and_column_and_nothing_written(tmp_path):
    result = import_cli(tmp_path, FIXTURES / "national_bad.csv")
    assert result.exit_code == 2
    err = result.stderr
    expected = [
        "national_bad.csv, row 2: field 'indicator' = 'asylum_aplicants_first_time': is not an "
        "indicator eupact knows; did you mean 'asylum_applicants_first_time'?",
        "national_bad.csv, row 3: field 'geo' = 'GR': EL is Eurostat's code for Greece",
        "national_bad.csv, row 4: field 'geo' = 'UK': the United Kingdom is not a Member State",
        "national_bad.csv, row 5: field 'period' = '2204': lies outside 2008-",
        "national_bad.csv, row 6: field 'period' = '1999': lies outside 2008-",
        "national_bad.csv, row 7: field 'period' = '2024-13': is not a period",
        "national_bad.csv, row 8: field 'value' = '-3': must not be negative",
        "national_bad.csv, row 9: field 'value' = '24,900': must be a number written with "
        "digits and '.' as decimal mark, with no thousands separator",
        "national_bad.csv, row 10: field 'value' = '1234567890123456789012': has more than 15",
        "national_bad.csv, row 11: field 'source_title' = '=HYPERLINK(",
        "national_bad.csv, row 12: field 'source' = '@SUM(A1)': starts with '@', which a "
        "spreadsheet would run as a formula",
        "national_bad.csv, row 13: field 'notes' = '+1': starts with '+'",
        "national_bad.csv, row 14: field 'value' = '': is required",
        "national_bad.csv, row 16: field 'indicator, geo, period' = 'asylum_applicants_first_time"
        " SE 2024': repeats row 15",
    ]
    for line in expected:
        assert line in err, line
    assert "nothing was imported" in err
    assert no_version(tmp_path)


def test_wrong_headers_are_named_with_the_expected_ones(tmp_path):
    bad = tmp_path / "headers.csv"
    bad.write_text("indicatr,geo,period,value,units,source_title,source,comment,geo\n")
    with pytest.raises(EupactError) as exc:
        import_figures(bad, out_root=tmp_path / "v")
    text = str(exc.value)
    assert (
        "field 'header of column 1' = 'indicatr': is not a column of an import; did you mean "
        "'indicator'? the columns are: indicator, geo, period, value, unit, reference_date, "
        "source_title, source, notes" in text
    )
    assert "'units': is not a column of an import; did you mean 'unit'?" in text
    assert "'comment': is not a column of an import; the columns are" in text
    assert "field 'header of column 9' = 'geo': repeats column 2" in text
    assert "field 'header' = 'indicator': missing column 'indicator'" in text
    assert "field 'header' = 'unit': missing column 'unit'" in text
    assert "reference_date" not in [p.value for p in exc.value.problems]  # optional columns


def test_a_huge_value_is_refused_before_any_conversion(tmp_path):
    bad = tmp_path / "huge.csv"
    digits = "9" * 50_000
    bad.write_text(
        "indicator,geo,period,value,unit,source_title,source\n"
        f"asylum_applicants_first_time,AT,2024,{digits},persons,Ministry,https://example.invalid\n"
    )
    with pytest.raises(EupactError) as exc:
        import_figures(bad, out_root=tmp_path / "v")
    assert "has more than 15 digits" in str(exc.value)
    assert len(str(exc.value)) < 2_000  # the value is echoed cut short


def test_periods_parse_like_the_assessment_does():
    from eupact.data.periods import parse_period

    labels = [
        "2024", "2024-07", "2024M07", "2024-Q3", "2024-H2", "2024-07/2025-06", "2024-01-01",
        "2024-13", "2024-Q5", "2025-06/2024-07", "2023 (to 13 Aug)", "24", "", "2024-02-28",
    ]  # fmt: skip
    for label in labels:
        assert period_span(label) == parse_period(label), label
    assert period_span("2024-02-30") is None  # a date that does not exist is no period
    assert PERIOD_YEARS[0] == 2008


def test_unknown_indicator_with_nothing_close_points_to_the_list(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text(
        "indicator,geo,period,value,unit,source_title,source\n"
        "zzz,AT,2024,1,persons,Ministry,https://example.invalid\n"
    )
    with pytest.raises(EupactError) as exc:
        import_figures(bad, out_root=tmp_path / "v")
    assert "is not an indicator eupact knows; `eupact data template --format xlsx` lists" in str(
        exc.value
    )


def test_the_assessment_registrys_sources_are_known_to_the_cli(tmp_path):
    good = tmp_path / "sar.csv"
    good.write_text(
        "indicator,geo,period,value,unit,source_title,source\n"
        "sar_disembarkations,MT,2024-08,120,persons,Armed Forces of Malta,https://example.invalid\n"
    )
    with pytest.raises(EupactError, match="is not an indicator eupact knows"):
        import_figures(good, out_root=tmp_path / "v", indicators=known_indicators(load_snapshot()))
    result = import_cli(tmp_path, good)
    assert result.exit_code == 0, result.output


def test_a_file_that_is_not_utf8_is_refused_in_plain_words(tmp_path):
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(
        "indicator,geo,period,value,unit,source_title,source\n"
        "asylum_applicants_first_time,AT,2024,1,persons,Bundesministerium für Inneres,x\n".encode(
            "cp1252"
        )
    )
    with pytest.raises(EupactError, match=r"is not UTF-8 text .*save it as 'CSV UTF-8'"):
        import_figures(bad, out_root=tmp_path / "v")


# --- template -------------------------------------------------------------------------------


def test_the_csv_template_imports_nothing_untouched(tmp_path):
    out = CliRunner().invoke(app, ["data", "template"])
    assert out.exit_code == 0
    lines = out.stdout.splitlines()
    assert lines[0] == "indicator,geo,period,value,unit,reference_date,source_title,source,notes"
    assert lines[1].startswith("#asylum_applicants_first_time,AT,2024,") and "EXAMPLE" in lines[1]
    template = tmp_path / "t.csv"
    template.write_text(out.stdout)
    result = import_cli(tmp_path, template)
    assert result.exit_code == 2
    assert "holds no figure: only the header and 1 comment row(s)" in result.stderr
    assert "never imported" in result.stderr
    assert no_version(tmp_path)


def test_the_xlsx_template_explains_itself_and_imports_nothing_untouched(tmp_path):
    path = tmp_path / "t.xlsx"
    result = CliRunner().invoke(app, ["data", "template", "--format", "xlsx", "--out", str(path)])
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    sheet = book["figures"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["indicator", "geo", "period"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["G"].width == 60
    assert [c.value for c in sheet[2]] == list(EXAMPLE)
    assert sheet["C3"].number_format == "@"  # the period stays text
    explained = book["columns"]
    cells = [[c.value for c in row] for row in explained.iter_rows()]
    assert cells[0] == ["column", "required", "what to write"]
    assert cells[9][:2] == ["notes", "no"]
    names = {row[0] for row in cells}
    assert {"asylum_applicants_first_time", "sar_disembarkations", "population"} <= names
    untouched = import_cli(tmp_path, path)
    assert untouched.exit_code == 2
    assert "holds no figure" in untouched.stderr

    sheet["A2"] = "asylum_applicants_first_time"  # the example made a real row
    sheet["G2"] = "Ministry of the Interior, annual asylum statistics 2024"
    sheet["I2"] = None
    book.save(path)
    filled = import_cli(tmp_path, path)
    assert filled.exit_code == 0, filled.output


def test_an_xlsx_formula_cell_is_refused(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "geo", "period", "value", "unit", "source_title", "source"])
    sheet.append(["asylum_applicants_first_time", "AT", 2024, "=1+1", "persons", "M", "x"])
    sheet.append(["asylum_applicants_first_time", "BE", 2024, float("nan"), "persons", "M", "x"])
    sheet.append(["asylum_applicants_first_time", "BG", 2024, True, "persons", "M", "x"])
    sheet.append(
        ["asylum_applicants_first_time", "CY", 2024, 12.0, "persons", "M", "=cmd|' /C calc'!A0"]
    )
    path = tmp_path / "f.xlsx"
    book.save(path)
    with pytest.raises(EupactError) as exc:
        import_figures(path, out_root=tmp_path / "v")
    text = str(exc.value)
    assert "f.xlsx, row 2: field 'value' = '=1+1'" in text
    assert "f.xlsx, row 4: field 'value' = true: must be a number" in text
    assert "f.xlsx, row 5: field 'source' = '=cmd" in text
    assert "row 3" in text


def test_template_to_a_file_then_import(tmp_path):
    path = tmp_path / "mine.csv"
    result = CliRunner().invoke(app, ["data", "template", "--out", str(path)])
    assert result.exit_code == 0
    text = path.read_text().replace("#asylum", "asylum", 1)
    path.write_text(text)
    assert import_cli(tmp_path, path).exit_code == 0
    shutil.rmtree(tmp_path / "v")


def test_a_file_that_is_not_a_workbook_is_refused_in_plain_words(tmp_path):
    fake = tmp_path / "figures.xlsx"
    fake.write_text("indicator,geo\n")
    with pytest.raises(EupactError, match="is not an XLSX workbook"):
        import_figures(fake, out_root=tmp_path / "v")


def test_the_update_says_whom_it_asks_and_how_long_it_waits(tmp_path, closed_port):
    result, _ = update_cli(tmp_path, url=f"http://127.0.0.1:{closed_port}/data")
    assert (
        "asking Eurostat at 127.0.0.1 for 12 datasets; giving up if it has not answered "
        "within 8 s" in result.stderr
    )


def test_two_versions_written_in_the_same_second_both_stay(tmp_path):
    first = import_figures(FIXTURES / "national_good.csv", out_root=tmp_path / "v")
    now = dt.datetime.now(dt.UTC)
    for s in range(5):  # this and the next seconds' folders exist already
        name = (now + dt.timedelta(seconds=s)).strftime("%Y-%m-%dT%H%M%SZ")
        if not (tmp_path / "v" / name).exists():
            shutil.copytree(first.path, tmp_path / "v" / name)
    second = import_figures(FIXTURES / "national_semicolon.csv", out_root=tmp_path / "v")
    assert second.written and second.path.name.endswith("-2")
    assert load_snapshot(str(second.path)).version == second.version
