"""The Eurostat client, its JSON-stat decoder and the indicator registry — no network.

HTTP is mocked with respx. Fixtures in tests/fixtures/eurostat/ are in the real JSON-stat 2.0
format; those named ``real_*`` are recorded Eurostat responses, ``handmade_*`` are written in
the real structure (see the README there for each file's origin).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import respx

from eupact.data.eurostat import (
    BASE_URL,
    INDICATORS,
    EurostatCache,
    EurostatClient,
    decode,
    fetch_indicator,
    filter_text,
    indicator,
    normalise_filters,
    panel_from_result,
    recognition_rate,
    to_calendar_years,
    to_reporting_periods,
)
from eupact.data.eurostat.client import _retry_after
from eupact.data.eurostat.jsonstat import describe_status, split_status
from eupact.errors import EupactError

FIXTURES = Path(__file__).parent / "fixtures" / "eurostat"
NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def json_response(name: str, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(
        status, content=fixture(name), headers={"Content-Type": "application/json", **headers}
    )


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(tmp_path: Path, sleeps: Sleeps) -> Iterator[EurostatClient]:
    with EurostatClient(tmp_path / "cache", sleep=sleeps, clock=lambda: NOW) as c:
        yield c


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


# --- decoder ---------------------------------------------------------------------------------


def test_decodes_a_real_enforcement_response() -> None:
    """Recorded migr_eipre response: 3 states × 14 years, two cells flagged 'b'."""
    table = decode(fixture("real_migr_eipre_pt_se_ch_2010_2023.json"))
    assert table.dataset == "migr_eipre"
    assert table.updated == "2026-05-12T11:00:00+0200"
    assert table.size == (1, 1, 1, 1, 1, 1, 1, 3, 14)
    assert len(table) == 42
    se = table.select(geo="SE")
    years = list(se.codes("time"))
    assert se.values[years.index("2014")] == 72835
    assert se.values[years.index("2015")] == 1445
    assert list(se.flags[[years.index("2014"), years.index("2015")]]) == ["b", "b"]
    assert table.has_flag("b").sum() == 2
    assert table.describe_flags("b") == "break in time series"
    assert not table.missing.any()
    ch_2023 = table.select(geo="CH", time="2023")
    assert ch_2023.values.tolist() == [19280.0]


def test_missing_cells_stay_explicit_never_zero() -> None:
    """Recorded nama_10_gdp answer for DE 1975-1980: the cube has 6 cells, none with data."""
    table = decode(fixture("real_nama_10_gdp_de_until_1980.json"))
    assert len(table) == 6
    assert table.missing.all()
    assert not (table.values == 0).any()
    assert list(table.codes("time")) == ["1975", "1976", "1977", "1978", "1979", "1980"]
    assert [r["value"] for r in table.records()] == [None] * 6


def test_confidential_cells_have_no_value_and_keep_their_flag() -> None:
    """Recorded sts_inpr_m answer: six cells flagged '|C' (confidential), with no figure."""
    table = decode(fixture("real_sts_inpr_m_ie_confidential.json"))
    assert table.missing.all()
    assert table.confidential.all()
    assert set(table.flags) == {"|C"}
    assert table.describe_flags("|C") == "confidential"
    assert split_status("|C") == ("", True)


def test_flag_laden_cells() -> None:
    table = decode(fixture("handmade_migr_asyappctza_flags.json"))
    rows = {r["geo"]: r for r in table.records()}
    assert rows["AT"]["flags"] == "p" and rows["AT"]["value"] == 24940
    assert rows["BE"]["flags"] == "e"
    assert rows["FR"] == {**rows["FR"], "flags": "c", "value": None}
    assert rows["NL"]["flags"] == "bp"
    assert table.has_flag("p").tolist() == [True, False, False, False, True]
    assert table.has_flag("b").tolist() == [False, False, True, False, True]
    assert table.confidential.tolist() == [False, False, False, True, False]
    columns = table.columns()
    assert list(columns) == [*table.dimension_ids, "value", "flags"]
    assert columns["geo"].tolist() == ["AT", "BE", "DE", "FR", "NL"]
    assert columns["flags"].tolist() == ["p", "e", "b", "c", "bp"]
    assert describe_status("bp") == "break in time series, provisional"
    assert describe_status("c") == "confidential"


def test_sparse_mode_keeps_only_cells_with_a_value_or_a_flag() -> None:
    doc = json.loads(fixture("handmade_migr_asyappctzm.json"))
    dense = decode(doc)
    sparse = decode(doc, dense=False)
    assert len(dense) == 48
    assert len(sparse) == 47  # IT 2025-03 has neither value nor flag
    assert np.array_equal(sparse.values, dense.values[~np.isnan(dense.values)])


def _naive(doc: dict[str, Any]) -> list[tuple[tuple[str, ...], float | None, str]]:
    """A per-cell reference decoder, to hold the vectorised one to."""
    ids, size = doc["id"], doc["size"]
    codes = []
    for d in ids:
        index = doc["dimension"][d]["category"]["index"]
        codes.append(sorted(index, key=index.get) if isinstance(index, dict) else index)
    out = []
    for flat in range(math.prod(size)):
        rest, key = flat, []
        for k in reversed(range(len(ids))):
            rest, pos = divmod(rest, size[k])
            key.append(codes[k][pos])
        value = doc["value"].get(str(flat))
        out.append((tuple(reversed(key)), value, doc.get("status", {}).get(str(flat), "")))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_vectorised_decoder_equals_a_naive_one(seed: int) -> None:
    rng = np.random.default_rng(seed)
    size = [int(s) for s in rng.integers(1, 5, 4)]
    cells = math.prod(size)
    ids = ["freq", "citizen", "geo", "time"]
    dims = {
        d: {"category": {"index": {f"{d}{i}": i for i in range(n)}}}
        for d, n in zip(ids, size, strict=True)
    }
    values = {str(i): float(rng.integers(0, 1000)) for i in range(cells) if rng.random() < 0.7}
    status = {
        str(i): str(rng.choice(["p", "e", "bp", "|C"])) for i in range(cells) if rng.random() < 0.3
    }
    doc = {"version": "2.0", "class": "dataset", "id": ids, "size": size, "dimension": dims}
    doc |= {"value": values, "status": status}
    table = decode(doc)
    expected = _naive(doc)
    got = list(table.records())
    assert len(got) == len(expected)
    for row, (key, value, flag) in zip(got, expected, strict=True):
        assert tuple(row[d] for d in ids) == key
        assert row["value"] == value
        assert row["flags"] == flag


def test_json_stat_variants_lists_and_single_category_dimensions() -> None:
    """value and status as lists, an index as a list, a dimension with only a label."""
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": ["unit", "geo", "time"],
        "size": [1, 2, 2],
        "dimension": {
            "unit": {"category": {"label": {"PER": "Person"}}},
            "geo": {"category": {"index": ["DE", "FR"]}},
            "time": {"category": {"index": {"2023": 0, "2024": 1}}},
        },
        "value": [1, None, 3, 0],
        "status": [None, "c", "", "p"],
    }
    table = decode(doc)
    assert [r["value"] for r in table.records()] == [1.0, None, 3.0, 0.0]
    assert list(table.flags) == ["", "c", "", "p"]
    assert list(table.codes("unit")) == ["PER"] * 4
    whole = decode({**doc, "status": "e"})
    assert set(whole.flags) == {"e"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"size": [2]}, "size"),
        ({"size": [1, 2]}, "dimension.geo"),
        ({"class": "collection"}, "class"),
        ({"value": {"7": 1}}, "value"),
        ({"value": {"x": 1}}, "value"),
        ({"status": {"9": "p"}}, "status"),
        ({"dimension": {"geo": {"category": {"index": ["DE"]}}}}, "dimension.geo"),
    ],
)
def test_malformed_documents_are_refused_with_the_field(change: dict[str, Any], field: str) -> None:
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": ["geo", "time"],
        "size": [2, 2],
        "dimension": {
            "geo": {"category": {"index": {"DE": 0, "FR": 1}}},
            "time": {"category": {"index": {"2023": 0, "2024": 1}}},
        },
        "value": {"0": 1},
    }
    if "dimension" in change:
        doc["dimension"] = {**doc["dimension"], **change["dimension"]}
    else:
        doc |= change
    with pytest.raises(EupactError) as exc:
        decode(doc, dataset="test")
    assert any(p.field.startswith(field) for p in exc.value.problems)


def test_truncated_body_is_refused_clearly() -> None:
    body = fixture("handmade_demo_pjan.json")
    with pytest.raises(EupactError) as exc:
        decode(body[: len(body) // 2])
    assert "truncated or corrupted" in str(exc.value)
    with pytest.raises(EupactError, match="is empty"):
        decode(b"")


# --- client: filters, URL, provenance, cache ---------------------------------------------------


def test_filters_are_normalised_for_urls_and_cache_keys() -> None:
    a = normalise_filters({"GEO": ["fr", "DE", "de"], "Sex": "t"}, time=2024, unit=None)
    b = normalise_filters({"sex": "T", "time": "2024", "geo": ["DE", "FR"]})
    assert a == b == (("geo", ("DE", "FR")), ("sex", ("T",)), ("time", ("2024",)))
    assert filter_text(a) == "geo=DE+FR&sex=T&time=2024"
    assert EurostatCache.key("demo_pjan", a, "EN") == EurostatCache.key("demo_pjan", b, "en")
    assert normalise_filters({"sincetimeperiod": "2020"}) == (("sinceTimePeriod", ("2020",)),)
    with pytest.raises(EupactError, match="given twice"):
        normalise_filters({"geo": "DE"}, geo="FR")
    with pytest.raises(EupactError, match="format and lang"):
        normalise_filters({"format": "TSV"})


def test_fetch_builds_the_request_and_records_provenance(
    client: EurostatClient, api: respx.MockRouter, tmp_path: Path
) -> None:
    route = api.get("/demo_pjan").mock(return_value=json_response("handmade_demo_pjan.json"))
    result = client.fetch("demo_pjan", {"age": "TOTAL", "sex": "T"}, geo=["DE", "FR"], time=2024)
    params = route.calls.last.request.url.params
    assert params.get_list("geo") == ["DE", "FR"]
    assert params["format"] == "JSON" and params["lang"] == "EN"
    assert params["age"] == "TOTAL" and params["sex"] == "T" and params["time"] == "2024"
    prov = result.provenance
    assert prov.dataset == "demo_pjan"
    assert prov.filter == "age=TOTAL&geo=DE+FR&sex=T&time=2024"
    assert prov.updated == "2026-07-09T11:00:00+0200"
    assert prov.retrieved == "2026-11-25T09:30:00+00:00"
    assert prov.url.startswith(f"{BASE_URL}/demo_pjan?format=JSON&lang=EN")
    assert not prov.from_cache
    assert "updated 2026-07-09" in prov.cite()
    # body and metadata are cached
    [meta] = EurostatCache(tmp_path / "cache").entries()
    assert meta["dataset"] == "demo_pjan"
    assert meta["updated"] == "2026-07-09T11:00:00+0200"
    assert meta["retrieved"] == "2026-11-25T09:30:00+00:00"
    assert meta["url"] == prov.url
    # per-value flags travel with the result
    assert result.table.select(geo="FR", time="2025").flags.tolist() == ["p"]


def test_cache_is_used_until_refresh(client: EurostatClient, api: respx.MockRouter) -> None:
    route = api.get("/nama_10_gdp").mock(return_value=json_response("handmade_nama_10_gdp.json"))
    first = client.fetch("nama_10_gdp", {"na_item": "B1GQ", "unit": "CP_MEUR"})
    again = client.fetch("NAMA_10_GDP", {"unit": "cp_meur", "na_item": "b1gq"})
    assert route.call_count == 1
    assert again.provenance.from_cache and not first.provenance.from_cache
    assert again.provenance.retrieved == first.provenance.retrieved
    client.fetch("nama_10_gdp", {"na_item": "B1GQ", "unit": "CP_MEUR"}, refresh=True)
    assert route.call_count == 2


def test_offline_mode_with_and_without_cache(
    tmp_path: Path, api: respx.MockRouter, sleeps: Sleeps
) -> None:
    route = api.get("/migr_eiord").mock(return_value=json_response("handmade_migr_eiord.json"))
    offline = EurostatClient(tmp_path / "cache", offline=True, sleep=sleeps)
    with pytest.raises(EupactError) as exc:
        offline.fetch("migr_eiord", {"citizen": "TOTAL"})
    text = str(exc.value)
    assert "offline mode" in text and "migr_eiord" in text and "citizen=TOTAL" in text
    assert route.call_count == 0
    with EurostatClient(tmp_path / "cache", sleep=sleeps, clock=lambda: NOW) as online:
        online.fetch("migr_eiord", {"citizen": "TOTAL"})
    result = offline.fetch("migr_eiord", {"citizen": "TOTAL"})
    assert route.call_count == 1
    assert result.provenance.from_cache
    assert result.provenance.retrieved == "2026-11-25T09:30:00+00:00"
    assert result.table.select(geo="DE", time="2024").values.tolist() == [53915.0]
    offline.close()


def test_a_damaged_cache_entry_is_reported(
    client: EurostatClient, api: respx.MockRouter, tmp_path: Path
) -> None:
    api.get("/migr_eirfs").mock(return_value=json_response("handmade_migr_eirfs.json"))
    client.fetch("migr_eirfs")
    [body] = [
        p for p in (tmp_path / "cache" / "migr_eirfs").glob("*.json") if ".meta." not in p.name
    ]
    body.write_bytes(body.read_bytes()[:-10])
    with pytest.raises(EupactError, match="SHA-256"):
        client.fetch("migr_eirfs", offline=True)


# --- client: errors and retries ---------------------------------------------------------------


def test_400_names_dataset_filter_and_eurostat_label(
    client: EurostatClient, api: respx.MockRouter, sleeps: Sleeps
) -> None:
    api.get("/migr_asyappctza").mock(
        return_value=json_response("handmade_error_400_invalid_dimension.json", 400)
    )
    with pytest.raises(EupactError) as exc:
        client.fetch("migr_asyappctza", {"aplicant": "FRST"}, geo="DE")
    [problem] = exc.value.problems
    assert problem.field == "filter"
    assert problem.value == "aplicant=FRST&geo=DE"
    assert "INVALID_QUERY_DIMENSION" in problem.rule and "HTTP 400" in problem.rule
    assert "error 150" in problem.rule
    assert "migr_asyappctza" in problem.location
    assert "migr_asyappctza" in exc.value.summary
    assert sleeps == []  # a 4xx is not retried


def test_404_for_an_unknown_dataset(client: EurostatClient, api: respx.MockRouter) -> None:
    """The 404 body recorded from the live API for a dataset that does not exist."""
    api.get("/not_a_dataset").mock(
        return_value=json_response("real_error_404_not_disseminated.json", 404)
    )
    with pytest.raises(EupactError) as exc:
        client.fetch("not_a_dataset", geo="DE")
    [problem] = exc.value.problems
    assert (problem.field, problem.value) == ("dataset", "not_a_dataset")
    assert "ERR_NOT_FOUND_4" in problem.rule and "not available for dissemination" in problem.rule
    assert "geo=DE" in problem.location


def test_413_asynchronous_answer_asks_for_a_narrower_filter(
    client: EurostatClient, api: respx.MockRouter, sleeps: Sleeps
) -> None:
    api.get("/migr_asyappctzm").mock(
        return_value=json_response("real_error_413_asynchronous.json", 413)
    )
    with pytest.raises(EupactError, match="narrow the filter"):
        client.fetch("migr_asyappctzm")
    assert sleeps == []


def test_a_warning_body_with_http_200_is_an_error(
    client: EurostatClient, api: respx.MockRouter
) -> None:
    body = {"warning": {"status": 413, "label": "ASYNCHRONOUS_RESPONSE. Try later."}}
    api.get("/migr_asyappctzm").mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(EupactError, match="ASYNCHRONOUS_RESPONSE"):
        client.fetch("migr_asyappctzm")


def test_429_then_success_backs_off_as_retry_after_says(
    client: EurostatClient, api: respx.MockRouter, sleeps: Sleeps
) -> None:
    route = api.get("/demo_pjan").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}),
            json_response("handmade_demo_pjan.json"),
        ]
    )
    result = client.fetch("demo_pjan", geo="DE")
    assert route.call_count == 2
    assert sleeps == [7.0]
    assert result.table.select(geo="DE", time="2024").values.tolist() == [83456045.0]


def test_500_then_success_backs_off_exponentially(
    client: EurostatClient, api: respx.MockRouter, sleeps: Sleeps
) -> None:
    route = api.get("/migr_eirtn").mock(
        side_effect=[
            httpx.Response(500),
            httpx.Response(503, text="busy"),
            httpx.ConnectTimeout("slow"),
            json_response("handmade_migr_eirtn.json"),
        ]
    )
    client.fetch("migr_eirtn")
    assert route.call_count == 4
    assert sleeps == [1.0, 2.0, 4.0]


def test_retries_are_bounded(tmp_path: Path, api: respx.MockRouter, sleeps: Sleeps) -> None:
    route = api.get("/migr_eirtn").mock(return_value=httpx.Response(503))
    with (
        EurostatClient(tmp_path, max_attempts=3, sleep=sleeps) as client,
        pytest.raises(EupactError) as exc,
    ):
        client.fetch("migr_eirtn", geo="DE")
    assert route.call_count == 3
    assert sleeps == [1.0, 2.0]
    assert "after 3 attempt(s): last HTTP 503" in str(exc.value)
    assert "migr_eirtn" in str(exc.value)


def test_retry_after_as_http_date() -> None:
    assert _retry_after("Wed, 25 Nov 2026 09:30:12 GMT", NOW) == 12.0
    assert _retry_after("120", NOW) == 120.0
    assert _retry_after("soon", NOW) is None


def test_truncated_body_from_the_api_is_an_error_and_not_cached(
    client: EurostatClient, api: respx.MockRouter, tmp_path: Path
) -> None:
    body = fixture("handmade_migr_eiord.json")
    api.get("/migr_eiord").mock(return_value=httpx.Response(200, content=body[:700]))
    with pytest.raises(EupactError) as exc:
        client.fetch("migr_eiord")
    assert "truncated or corrupted" in str(exc.value)
    assert "migr_eiord" in str(exc.value)
    assert EurostatCache(tmp_path / "cache").entries() == []


def test_an_unknown_geo_code_is_named(client: EurostatClient, api: respx.MockRouter) -> None:
    """Recorded live answer to geo=XX: HTTP 200 with an empty geo dimension."""
    api.get("/une_rt_m").mock(return_value=json_response("real_une_rt_m_geo_xx.json"))
    with pytest.raises(EupactError) as exc:
        client.fetch("une_rt_m", {"lastTimePeriod": 1}, geo="XX")
    [problem] = exc.value.problems
    assert (problem.field, problem.value) == ("geo", "XX")
    assert "unknown code" in problem.rule and "une_rt_m" in problem.rule


# --- indicators -------------------------------------------------------------------------------


def test_registry_covers_the_cycle_and_documents_each_code() -> None:
    expected = {
        "population": "demo_pjan",
        "gdp": "nama_10_gdp",
        "asylum_applicants_first_time": "migr_asyappctza",
        "asylum_applicants_first_time_monthly": "migr_asyappctzm",
        "asylum_decisions_first_instance": "migr_asydcfsta",
        "asylum_decisions_positive": "migr_asydcfsta",
        "temporary_protection_beneficiaries": "migr_asytpsm",
        "ordered_to_leave": "migr_eiord",
        "returned": "migr_eirtn",
        "dublin_requests_outgoing": "migr_dubro",
        "dublin_transfers_outgoing": "migr_dubto",
        "refused_entry": "migr_eirfs",
        "illegally_present": "migr_eipre",
    }
    assert {name: ind.dataset for name, ind in INDICATORS.items()} == expected
    for ind in INDICATORS.values():
        assert ind.unit and ind.definition and ind.frequency in {"A", "M"}
        documented = " ".join(ind.verified + ind.corroborated + ind.assumed)
        for dim, code in ind.filters:
            assert f"{dim}={code}" in documented, (ind.name, dim)
    assert indicator("gdp").filter_map == {"na_item": "B1GQ", "unit": "CP_MEUR"}
    assert indicator("asylum_applicants_first_time").filter_map["applicant"] == "FRST"
    with pytest.raises(EupactError, match="known indicators: population, gdp"):
        indicator("gpd")


FAMILIES = [
    # indicator, fixture, geo, period, expected value
    ("population", "handmade_demo_pjan.json", "DE", "2024", 83456045),
    ("gdp", "handmade_nama_10_gdp.json", "IT", "2024", 2199619.4),
    ("asylum_applicants_first_time", "handmade_migr_asyappctza_flags.json", "DE", "2024", 229695),
    (
        "asylum_applicants_first_time_monthly",
        "handmade_migr_asyappctzm.json",
        "IT",
        "2024-02",
        10010,
    ),
    ("asylum_decisions_first_instance", "handmade_migr_asydcfsta_total.json", "FR", "2024", 148450),
    ("asylum_decisions_positive", "handmade_migr_asydcfsta_total_pos.json", "DE", "2024", 132860),
    ("temporary_protection_beneficiaries", "handmade_migr_asytpsm.json", "PL", "2025-03", 982000),
    ("ordered_to_leave", "handmade_migr_eiord.json", "DE", "2023", 49470),
    ("returned", "handmade_migr_eirtn.json", "DE", "2024", 25335),
    ("dublin_requests_outgoing", "handmade_migr_dubro.json", "DE", "2024", 74583),
    ("dublin_transfers_outgoing", "handmade_migr_dubto.json", "IT", "2024", 500),
    ("refused_entry", "handmade_migr_eirfs.json", "PL", "2024", 16460),
    ("illegally_present", "real_migr_eipre_pt_se_ch_2010_2023.json", "SE", "2014", 72835),
]


@pytest.mark.parametrize(("name", "fixture_name", "geo", "period", "value"), FAMILIES)
def test_each_dataset_family_through_the_registry(
    client: EurostatClient,
    api: respx.MockRouter,
    name: str,
    fixture_name: str,
    geo: str,
    period: str,
    value: float,
) -> None:
    ind = indicator(name)
    route = api.get(f"/{ind.dataset}").mock(return_value=json_response(fixture_name))
    panel = fetch_indicator(client, name)
    params = route.calls.last.request.url.params
    for dim, code in ind.filters:
        assert params[dim] == code
    assert panel.value(geo, period) == value
    assert panel.unit == ind.unit
    assert panel.provenance[0].dataset == ind.dataset


def test_illegally_present_with_geo_and_time_range(
    client: EurostatClient, api: respx.MockRouter
) -> None:
    route = api.get("/migr_eipre").mock(
        return_value=json_response("real_migr_eipre_pt_se_ch_2010_2023.json")
    )
    panel = fetch_indicator(
        client, "illegally_present", geo=["PT", "SE", "CH"], since=2010, until=2023
    )
    params = route.calls.last.request.url.params
    assert params["sinceTimePeriod"] == "2010" and params["untilTimePeriod"] == "2023"
    assert panel.geos == ("PT", "SE", "CH")
    assert panel.flag("SE", "2015") == "b"
    assert panel.values.shape == (3, 14)


def test_missing_and_confidential_figures_are_never_zero_in_a_series(
    client: EurostatClient, api: respx.MockRouter
) -> None:
    api.get("/migr_asyappctza").mock(
        return_value=json_response("handmade_migr_asyappctza_flags.json")
    )
    panel = fetch_indicator(client, "asylum_applicants_first_time")
    assert panel.value("FR", "2024") is None
    assert panel.flag("FR", "2024") == "c"
    series = panel.state_series("2024")
    assert "FR" not in series.values and series.missing == ("FR",)
    assert series.values["DE"] == 229695 and isinstance(series.values["DE"], int)
    assert series.source.dataset == "migr_asyappctza"
    assert series.source.release == "Eurostat, updated 2026-03-20T23:00:00+0100"


def test_state_series_for_the_reference_key(client: EurostatClient, api: respx.MockRouter) -> None:
    api.get("/demo_pjan").mock(return_value=json_response("handmade_demo_pjan.json"))
    api.get("/nama_10_gdp").mock(return_value=json_response("handmade_nama_10_gdp.json"))
    population = fetch_indicator(client, "population").state_series("2024")
    assert population.source.reference_date == "2024-01-01"
    assert population.values["EL"] == 10375764
    gdp = fetch_indicator(client, "gdp").state_series("2024", states=("DE", "FR", "NL"))
    assert gdp.values["FR"] == Decimal("2919899.9")
    assert gdp.missing == ("NL",)
    assert gdp.source.reference_date == "2024"
    assert gdp.source.unit == "million EUR"


def test_panel_refuses_a_response_with_two_series_per_state(client: EurostatClient) -> None:
    doc = json.loads(fixture("handmade_migr_asydcfsta_total.json"))
    doc["dimension"]["decision"]["category"] = {"index": {"TOTAL": 0, "TOTAL_POS": 1}}
    doc["size"][doc["id"].index("decision")] = 2
    from eupact.data.eurostat.client import EurostatResult, Retrieval

    prov = Retrieval("migr_asydcfsta", (), "u", "", "", "EN", "", False, "")
    with pytest.raises(EupactError) as exc:
        panel_from_result(EurostatResult(decode(doc), prov), indicator("asylum_decisions_positive"))
    [problem] = exc.value.problems
    assert problem.field == "decision" and problem.value == "TOTAL, TOTAL_POS"
    assert "add a filter on decision" in problem.rule


def test_recognition_rate(client: EurostatClient, api: respx.MockRouter) -> None:
    api.get("/migr_asydcfsta", params={"decision": "TOTAL"}).mock(
        return_value=json_response("handmade_migr_asydcfsta_total.json")
    )
    api.get("/migr_asydcfsta", params={"decision": "TOTAL_POS"}).mock(
        return_value=json_response("handmade_migr_asydcfsta_total_pos.json")
    )
    rate = recognition_rate(
        fetch_indicator(client, "asylum_decisions_positive"),
        fetch_indicator(client, "asylum_decisions_first_instance"),
    )
    assert rate.value("DE", "2024") == pytest.approx(132860 / 301350)
    assert rate.value("IT", "2024") is None  # no decisions: no rate, not zero
    assert rate.incomplete.tolist() == [[False], [False], [True]]
    assert len(rate.provenance) == 2


# --- aggregation ------------------------------------------------------------------------------


@pytest.fixture
def monthly(client: EurostatClient, api: respx.MockRouter) -> Any:
    api.get("/migr_asyappctzm").mock(return_value=json_response("handmade_migr_asyappctzm.json"))
    return fetch_indicator(client, "asylum_applicants_first_time_monthly")


def test_reporting_periods_run_from_july_to_june(monthly: Any) -> None:
    periods = to_reporting_periods(monthly)
    assert periods.periods == ("2023-07/2024-06", "2024-07/2025-06", "2025-07/2026-06")
    # DE: month i (0 = 2024-01) has 15000 + 100 i; July 2024 - June 2025 are i = 6..17
    assert periods.value("DE", "2024-07/2025-06") == 12 * 15000 + 100 * sum(range(6, 18))
    assert periods.complete.tolist() == [[False, True, False], [False, False, False]]
    # IT lacks March 2025: flagged incomplete, not summed silently
    assert periods.value("IT", "2024-07/2025-06") is None
    assert periods.months is not None and periods.partial is not None
    assert int(periods.months[1, 1]) == 11
    assert float(periods.partial[1, 1]) == sum(10000 + 10 * i for i in range(6, 18) if i != 14)
    # the edges the data only partly cover are incomplete too
    assert periods.months[0].tolist() == [6, 12, 6]
    assert periods.flag("DE", "2025-07/2026-06") == "p"
    assert periods.period_reference["2024-07/2025-06"] == "2024-07-01/2025-06-30"
    records = list(periods.records())
    assert records[1] == {
        "indicator": "asylum_applicants_first_time_monthly",
        "geo": "DE",
        "period": "2024-07/2025-06",
        "value": 193800.0,
        "flags": "",
        "complete": True,
        "months": 12,
    }
    series = periods.state_series("2024-07/2025-06")
    assert series.values == {"DE": 193800} and series.missing == ("IT",)
    assert series.source.reference_date == "2024-07-01/2025-06-30"


def test_calendar_years(monthly: Any) -> None:
    years = to_calendar_years(monthly)
    assert years.periods == ("2024", "2025")
    assert years.value("DE", "2024") == 12 * 15000 + 100 * sum(range(12))
    assert years.value("IT", "2024") == sum(10000 + 10 * i for i in range(12))
    assert years.value("IT", "2025") is None
    assert years.complete.tolist() == [[True, True], [True, False]]
    with pytest.raises(EupactError, match="already an aggregate"):
        to_calendar_years(years)


def test_an_annual_panel_cannot_be_aggregated(
    client: EurostatClient, api: respx.MockRouter
) -> None:
    api.get("/migr_eiord").mock(return_value=json_response("handmade_migr_eiord.json"))
    with pytest.raises(EupactError, match="not a monthly series"):
        to_reporting_periods(fetch_indicator(client, "ordered_to_leave"))


def test_a_stock_takes_the_period_end_value(client: EurostatClient, api: respx.MockRouter) -> None:
    api.get("/migr_asytpsm").mock(return_value=json_response("handmade_migr_asytpsm.json"))
    panel = fetch_indicator(client, "temporary_protection_beneficiaries")
    year = to_calendar_years(panel)
    assert year.value("DE", "2025") == 1150000 + 11 * 1000  # December, not a sum
    cycle = to_reporting_periods(panel)
    assert cycle.periods == ("2024-07/2025-06", "2025-07/2026-06")
    assert cycle.value("PL", "2024-07/2025-06") == 980000 + 5 * 1000  # June 2025
    assert cycle.value("PL", "2025-07/2026-06") is None  # June 2026 not published


def test_aggregation_equals_a_loop_on_random_data(monthly: Any) -> None:
    rng = np.random.default_rng(7)
    values = rng.integers(0, 100, monthly.values.shape).astype(float)
    values[rng.random(values.shape) < 0.1] = np.nan
    from dataclasses import replace

    panel = replace(monthly, values=values, complete=~np.isnan(values))
    out = to_reporting_periods(panel)
    for g in range(len(panel.geos)):
        for label in out.periods:
            start = int(label[:4]) * 12 + 6
            months = [
                values[g, i]
                for i, p in enumerate(panel.periods)
                if start <= int(p[:4]) * 12 + int(p[5:]) - 1 < start + 12
            ]
            full = len(months) == 12 and not any(math.isnan(m) for m in months)
            expected = sum(months) if full else None
            assert out.value(panel.geos[g], label) == expected


# --- live (EUPACT_NETWORK=1) -----------------------------------------------------------------

live = pytest.mark.skipif(
    os.environ.get("EUPACT_NETWORK") != "1", reason="live Eurostat API: set EUPACT_NETWORK=1"
)


@live
def test_live_population_of_germany(tmp_path: Path) -> None:
    with EurostatClient(tmp_path) as client:
        population = fetch_indicator(client, "population", geo="DE", time=2024)
    assert 80_000_000 < (population.value("DE", "2024") or 0) < 90_000_000
    assert population.provenance[0].updated
    assert population.provenance[0].url.startswith(BASE_URL)


@live
@pytest.mark.parametrize("name", list(INDICATORS))
def test_live_registry_codes(tmp_path: Path, name: str) -> None:
    """Each indicator's codes against the real API: one series for Germany."""
    ind = indicator(name)
    with EurostatClient(tmp_path) as client:
        panel = fetch_indicator(
            client, ind, geo="DE", since=2022 if ind.frequency == "A" else "2024-01"
        )
    assert panel.geos == ("DE",)
    assert (~np.isnan(panel.values)).any()


def test_a_small_answer_announcing_a_huge_cube_allocates_little(
    client: EurostatClient, api: respx.MockRouter
) -> None:
    """The client decodes sparse: a 49,999,041-cell cube with three figures must not allocate
    the cube (about 1.8 GB dense); the panel's cells are placed by position."""
    import tracemalloc

    sizes = [7071, 7071, 1]  # 49,999,041 cells, just under the decoder's limit
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "huge",
        "id": ["geo", "time", "unit"],
        "size": sizes,
        "dimension": {
            "geo": {"category": {"index": {f"G{i}": i for i in range(sizes[0])}}},
            "time": {"category": {"index": {f"T{i}": i for i in range(sizes[1])}}},
            "unit": {"category": {"index": {"PER": 0}}},
        },
        "value": {"0": 1, "7072": 2, "49999040": 3},
    }
    api.get("/huge").mock(return_value=httpx.Response(200, json=doc))
    tracemalloc.start()
    try:
        result = client.fetch("huge", {}, check_codes=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(result.table.values) == 3
    assert peak < 100_000_000, peak
