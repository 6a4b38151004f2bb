"""The Eurostat indicators the annual cycle needs, as geo × period panels, and their aggregation.

Each :class:`Indicator` names its dataset, the filter that selects one series per Member
State, its unit, frequency and definition, and which of its codes were checked against
stored public material (``verified``: seen in a recorded Eurostat API response;
``corroborated``: used in recorded public queries of the live API; ``assumed``: neither —
confirm with the live test, ``EUPACT_NETWORK=1``). ``docs/data.md`` gives the sources.

A :class:`Panel` holds one indicator as a (geo × period) array of figures with their flags;
NaN means "no figure" and is never read as zero. Monthly panels aggregate to calendar years
(:func:`to_calendar_years`) or to the cycle's reporting period, 1 July – 30 June
(:func:`to_reporting_periods`, labelled ``"2024-07/2025-06"``). A period with a missing month
is flagged incomplete and its value is NaN — never a silent sum of the months that exist.

Why one file: the indicator registry and the panel operations are one vocabulary (a panel is
an indicator's figures; aggregation follows the indicator's frequency and unit), and every
caller imports both.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt

from eupact.data.eurostat.client import EurostatClient, EurostatResult, Retrieval
from eupact.data.eurostat.jsonstat import BoolArray, FloatArray, IntArray, StrArray, split_status
from eupact.data.provenance import Number, Source, StateSeries
from eupact.errors import EupactError, Problem, fail

Frequency = Literal["A", "M"]
Kind = Literal["flow", "stock", "rate"]

#: The cycle's reporting period runs from 1 July to 30 June.
REPORTING_START_MONTH = 7


@dataclass(frozen=True, slots=True)
class Indicator:
    """A named series: dataset, the filter selecting it, unit, frequency and definition."""

    name: str
    title: str
    dataset: str
    filters: tuple[tuple[str, str], ...]
    unit: str
    frequency: Frequency
    kind: Kind  # flow: sums over time; stock: a level at a date
    definition: str
    integer: bool = True  # figures are whole numbers (persons)
    reference: str = "calendar year"  # what a period code denotes
    verified: tuple[str, ...] = ()
    corroborated: tuple[str, ...] = ()
    assumed: tuple[str, ...] = ()
    note: str = ""

    @property
    def filter_map(self) -> dict[str, str]:
        return dict(self.filters)

    def reference_date(self, period: str) -> str:
        """The reference date of a period code, e.g. population "2024" -> "2024-01-01"."""
        if self.reference == "1 January" and re.fullmatch(r"\d{4}", period):
            return f"{period}-01-01"
        return period

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "dataset": self.dataset,
            "filters": self.filter_map,
            "unit": self.unit,
            "frequency": self.frequency,
            "kind": self.kind,
            "definition": self.definition,
            "reference": self.reference,
            "verified": list(self.verified),
            "corroborated": list(self.corroborated),
            "assumed": list(self.assumed),
            "note": self.note,
        }


_ALL_PERSONS = (("citizen", "TOTAL"), ("sex", "T"), ("age", "TOTAL"))
_ASYLUM_APPLICANTS = (("applicant", "FRST"), *_ALL_PERSONS, ("unit", "PER"))
_ASYLUM_EVIDENCE = ("applicant=FRST", "citizen=TOTAL", "sex=T", "age=TOTAL", "unit=PER")
_DECISIONS_NOTE = (
    "TOTAL_POS ('Total positive decisions') is the code used by public scripts on the current "
    "API; one public query of September 2026 used decision=POS ('Positive decision') instead. "
    "If Eurostat answers TOTAL_POS with an unknown-code error, the code has changed: pass "
    "filters={'decision': 'POS'}."
)

_INDICATORS = (
    Indicator(
        name="population",
        title="Population on 1 January",
        dataset="demo_pjan",
        filters=(("age", "TOTAL"), ("sex", "T")),
        unit="persons",
        frequency="A",
        kind="stock",
        reference="1 January",
        definition="Usual resident population on 1 January of the year, all ages, both sexes "
        "(time code 2024 = 1 January 2024). The population half of the Art. 66 reference key.",
        verified=("sex=T", "dimensions freq, unit, age, sex, geo, time"),
        corroborated=("age=TOTAL",),
    ),
    Indicator(
        name="gdp",
        title="GDP at current market prices",
        dataset="nama_10_gdp",
        filters=(("na_item", "B1GQ"), ("unit", "CP_MEUR")),
        unit="million EUR",
        frequency="A",
        kind="flow",
        integer=False,
        definition="Gross domestic product at market prices (ESA 2010 B1GQ), current prices, "
        "million euro, calendar year. The GDP half of the Art. 66 reference key.",
        verified=("na_item=B1GQ", "unit=CP_MEUR", "dimensions freq, unit, na_item, geo, time"),
    ),
    Indicator(
        name="asylum_applicants_first_time",
        title="First-time asylum applicants",
        dataset="migr_asyappctza",
        filters=_ASYLUM_APPLICANTS,
        unit="persons",
        frequency="A",
        kind="flow",
        definition="Persons who applied for international protection for the first time in "
        "the reporting state during the calendar year; all citizenships, ages and sexes. "
        "Eurostat rounds to the nearest 5.",
        corroborated=_ASYLUM_EVIDENCE,
    ),
    Indicator(
        name="asylum_applicants_first_time_monthly",
        title="First-time asylum applicants (monthly)",
        dataset="migr_asyappctzm",
        filters=_ASYLUM_APPLICANTS,
        unit="persons",
        frequency="M",
        kind="flow",
        reference="calendar month",
        definition="As asylum_applicants_first_time, per calendar month; aggregate with "
        "to_calendar_years or to_reporting_periods (1 July – 30 June).",
        corroborated=(*_ASYLUM_EVIDENCE, "freq=M"),
    ),
    Indicator(
        name="asylum_decisions_first_instance",
        title="First-instance asylum decisions (all)",
        dataset="migr_asydcfsta",
        filters=(("decision", "TOTAL"), *_ALL_PERSONS, ("unit", "PER")),
        unit="persons",
        frequency="A",
        kind="flow",
        definition="First-instance decisions on applications for international protection "
        "taken during the calendar year, all outcomes; the denominator of the recognition rate.",
        corroborated=("decision=TOTAL", "citizen=TOTAL", "sex=T", "age=TOTAL", "unit=PER"),
    ),
    Indicator(
        name="asylum_decisions_positive",
        title="Positive first-instance asylum decisions",
        dataset="migr_asydcfsta",
        filters=(("decision", "TOTAL_POS"), *_ALL_PERSONS, ("unit", "PER")),
        unit="persons",
        frequency="A",
        kind="flow",
        definition="First-instance decisions granting refugee status, subsidiary protection or "
        "a national humanitarian status during the calendar year; the numerator of the "
        "recognition rate (see recognition_rate).",
        corroborated=("citizen=TOTAL", "sex=T", "age=TOTAL", "unit=PER"),
        assumed=("decision=TOTAL_POS (conflicting evidence, see note)",),
        note=_DECISIONS_NOTE,
    ),
    Indicator(
        name="temporary_protection_beneficiaries",
        title="Beneficiaries of temporary protection at the end of the month",
        dataset="migr_asytpsm",
        filters=_ALL_PERSONS,
        unit="persons",
        frequency="M",
        kind="stock",
        reference="end of month",
        definition="Persons benefiting from temporary protection (Council Implementing "
        "Decision (EU) 2022/382) at the end of the month. A stock: a period's value is its "
        "last month's figure, not a sum.",
        corroborated=("citizen=TOTAL", "sex=T", "age=TOTAL"),
        note="The unit dimension is not filtered; the panel refuses a response with more than "
        "one unit.",
    ),
    Indicator(
        name="ordered_to_leave",
        title="Third-country nationals ordered to leave",
        dataset="migr_eiord",
        filters=_ALL_PERSONS,
        unit="persons",
        frequency="A",
        kind="flow",
        definition="Third-country nationals found to be illegally present who are subject to "
        "an administrative or judicial decision stating that they must leave, during the year.",
        corroborated=("citizen=TOTAL", "sex=T", "age=TOTAL"),
    ),
    Indicator(
        name="returned",
        title="Third-country nationals returned following an order to leave",
        dataset="migr_eirtn",
        filters=(*_ALL_PERSONS, ("c_dest", "TOTAL")),
        unit="persons",
        frequency="A",
        kind="flow",
        definition="Third-country nationals who have in fact left the territory following an "
        "order to leave, during the year, to all destinations.",
        corroborated=("citizen=TOTAL", "sex=T", "age=TOTAL", "c_dest=TOTAL"),
    ),
    Indicator(
        name="dublin_requests_outgoing",
        title="Outgoing Dublin requests",
        dataset="migr_dubro",
        filters=(("partner", "TOTAL"), ("leg_prov", "TOTAL")),
        unit="requests",
        frequency="A",
        kind="flow",
        definition="Requests to take charge of or take back an applicant sent by the reporting "
        "state to all partner states under the Dublin rules during the year.",
        assumed=("partner=TOTAL", "leg_prov=TOTAL"),
        note="Dimension names assumed from the dataset title ('by receiving country (PARTNER), "
        "type of request and legal provision'); a dimension left unfiltered with several "
        "categories makes the panel refuse the response and name it.",
    ),
    Indicator(
        name="dublin_transfers_outgoing",
        title="Outgoing Dublin transfers",
        dataset="migr_dubto",
        filters=(("partner", "TOTAL"), ("leg_prov", "TOTAL")),
        unit="transfers",
        frequency="A",
        kind="flow",
        definition="Transfers of applicants carried out by the reporting state to all partner "
        "states under the Dublin rules during the year.",
        assumed=("partner=TOTAL", "leg_prov=TOTAL"),
        note="As for dublin_requests_outgoing.",
    ),
    Indicator(
        name="refused_entry",
        title="Third-country nationals refused entry at the external borders",
        dataset="migr_eirfs",
        filters=(("citizen", "TOTAL"), ("reason", "TOTAL"), ("border", "TOTAL")),
        unit="persons",
        frequency="A",
        kind="flow",
        definition="Third-country nationals refused entry at the external land, sea and air "
        "borders during the year, all reasons.",
        corroborated=("citizen=TOTAL", "reason=TOTAL", "border=TOTAL"),
    ),
    Indicator(
        name="illegally_present",
        title="Third-country nationals found to be illegally present",
        dataset="migr_eipre",
        filters=(*_ALL_PERSONS, ("reason", "TOTAL"), ("apprehen", "TOTAL"), ("unit", "PER")),
        unit="persons",
        frequency="A",
        kind="flow",
        definition="Third-country nationals found to be illegally present during the year, all "
        "reasons and places of apprehension (Eurostat rounds to the nearest 5).",
        verified=(
            "citizen=TOTAL",
            "sex=T",
            "age=TOTAL",
            "reason=TOTAL",
            "apprehen=TOTAL",
            "unit=PER",
            "dimensions freq, reason, apprehen, citizen, sex, age, unit, geo, time",
        ),
    ),
)

#: The registry, by name.
INDICATORS: Mapping[str, Indicator] = MappingProxyType({i.name: i for i in _INDICATORS})


def indicator(name: str) -> Indicator:
    """The registered indicator ``name``; the error lists the known names."""
    try:
        return INDICATORS[name]
    except KeyError:
        raise fail(
            "indicator", name, f"unknown; known indicators: {', '.join(INDICATORS)}"
        ) from None


# --- flags as bit masks, so that aggregation is an OR-reduction --------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _mask_of(status: str) -> int:
    flag, confidential = split_status(status)
    mask = 0
    for letter in flag.lower():
        if letter in _LETTERS:
            mask |= 1 << _LETTERS.index(letter)
    if confidential:
        mask |= 1 << _LETTERS.index("c")
    return mask


def _string_of(mask: int) -> str:
    return "".join(letter for i, letter in enumerate(_LETTERS) if mask >> i & 1)


def _strings(masks: IntArray) -> StrArray:
    unique, inverse = np.unique(masks, return_inverse=True)
    names = np.array([_string_of(int(m)) for m in unique] or [""], dtype=np.str_)
    return names[inverse.reshape(masks.shape)] if masks.size else np.empty(masks.shape, np.str_)


@dataclass(frozen=True, eq=False)
class Panel:
    """One indicator as (geo × period) arrays. NaN is "no figure", never zero.

    ``flag_masks`` holds Eurostat's observation flags as bits (``flags`` gives them as
    strings such as ``"bp"``; ``"c"`` marks confidential cells). ``complete`` is False where
    a figure is missing or, for an aggregate, where a month of the period is missing.
    For aggregates, ``months`` counts the months present and ``partial`` is the sum over
    them — shown for transparency, never used as the period's value.
    """

    name: str
    title: str
    unit: str
    kind: Kind
    integer: bool
    geos: tuple[str, ...]
    periods: tuple[str, ...]
    values: FloatArray
    flag_masks: npt.NDArray[np.int64]
    complete: BoolArray
    provenance: tuple[Retrieval, ...]
    indicator: Indicator | None = None
    aggregation: str = ""
    months: IntArray | None = None
    partial: FloatArray | None = None
    period_reference: Mapping[str, str] = field(default_factory=dict)

    @property
    def flags(self) -> StrArray:
        return _strings(self.flag_masks)

    @property
    def confidential(self) -> BoolArray:
        return (self.flag_masks >> _LETTERS.index("c") & 1).astype(np.bool_)

    @property
    def incomplete(self) -> BoolArray:
        return ~self.complete

    def _cell(self, geo: str, period: str) -> tuple[int, int]:
        problems = []
        if geo not in self.geos:
            problems.append(Problem("geo", geo, f"not in {self.name}; has {', '.join(self.geos)}"))
        if period not in self.periods:
            problems.append(
                Problem("period", period, f"not in {self.name}; has {', '.join(self.periods)}")
            )
        if problems:
            raise EupactError(problems, f"no such cell in {self.name}")
        return self.geos.index(geo), self.periods.index(period)

    def value(self, geo: str, period: str) -> float | None:
        g, p = self._cell(geo, period)
        v = float(self.values[g, p])
        return None if math.isnan(v) else v

    def flag(self, geo: str, period: str) -> str:
        g, p = self._cell(geo, period)
        return _string_of(int(self.flag_masks[g, p]))

    def records(self) -> Iterator[dict[str, object]]:
        """One dict per cell (for display; the arrays are the fast path)."""
        flags = self.flags
        for g, geo in enumerate(self.geos):
            for p, period in enumerate(self.periods):
                v = float(self.values[g, p])
                row: dict[str, object] = {
                    "indicator": self.name,
                    "geo": geo,
                    "period": period,
                    "value": None if math.isnan(v) else v,
                    "flags": str(flags[g, p]),
                    "complete": bool(self.complete[g, p]),
                }
                if self.months is not None:
                    row["months"] = int(self.months[g, p])
                yield row

    def state_series(self, period: str, states: Sequence[str] | None = None) -> StateSeries:
        """One period as a :class:`StateSeries` (the type the reference key reads).

        Missing or incomplete cells are listed in ``missing``, never filled with zero.
        """
        if period not in self.periods:
            raise fail("period", period, f"not in {self.name}; has {', '.join(self.periods)}")
        p = self.periods.index(period)
        wanted = tuple(states) if states is not None else self.geos
        values: dict[str, Number] = {}
        missing: list[str] = []
        for geo in wanted:
            g = self.geos.index(geo) if geo in self.geos else -1
            v = float(self.values[g, p]) if g >= 0 else math.nan
            if g < 0 or math.isnan(v) or not self.complete[g, p]:
                missing.append(geo)
            else:
                values[geo] = round(v) if self.integer else Decimal(repr(v))
        prov = self.provenance[0] if self.provenance else None
        reference = self.period_reference.get(period) or (
            self.indicator.reference_date(period) if self.indicator else period
        )
        source = Source(
            dataset=self.indicator.dataset if self.indicator else self.name,
            title=self.title,
            unit=self.unit,
            reference_date=reference,
            release=f"Eurostat, updated {prov.updated}" if prov else "",
            retrieved=prov.retrieved if prov else "",
            file=prov.url if prov else "",
            column=f"{self.name}:{period}",
            origin=tuple(r.cite() for r in self.provenance),
            licence="CC-BY-4.0",
            # an extraction from the dissemination API only when its response is on record
            source_class="primary" if prov else "secondary",
        )
        return StateSeries(self.name, values, source, tuple(sorted(missing)))


def panel_from_result(result: EurostatResult, ind: Indicator | None = None) -> Panel:
    """Arrange a decoded response as a (geo × time) panel.

    Every dimension other than geo and time must have a single category in the response;
    otherwise the series is ambiguous and the error names the dimension and its codes.
    """
    table = result.table
    name = ind.name if ind else table.dataset
    problems = []
    for dim in ("geo", "time"):
        if dim not in table.dimension_ids:
            problems.append(
                Problem("dimension", dim, f"missing from {table.dataset}", result.provenance.url)
            )
    for d in table.dimensions:
        if d.id not in ("geo", "time") and len(d.codes) != 1:
            problems.append(
                Problem(
                    d.id,
                    ", ".join(d.codes) or "(none)",
                    f"{len(d.codes)} categories in the response; the indicator {name} needs "
                    f"exactly one — add a filter on {d.id}",
                    result.provenance.url,
                )
            )
    if problems:
        raise EupactError(problems, f"the response for {table.dataset} is not one series per state")
    gk, tk = table.axis("geo"), table.axis("time")
    geos, periods = table.dimensions[gk].codes, table.dimensions[tk].codes
    shape = (len(geos), len(periods))
    values = np.full(shape, np.nan)
    masks = np.zeros(shape, dtype=np.int64)
    category_masks = np.array([_mask_of(s) for s in table.status_categories], dtype=np.int64)
    rows = (table.positions[gk], table.positions[tk])
    values[rows] = table.values
    masks[rows] = category_masks[table.status_codes]
    return Panel(
        name=name,
        title=ind.title if ind else table.label,
        unit=ind.unit if ind else "",
        kind=ind.kind if ind else "flow",
        integer=ind.integer if ind else False,
        geos=geos,
        periods=periods,
        values=values,
        flag_masks=masks,
        complete=~np.isnan(values),
        provenance=(result.provenance,),
        indicator=ind,
    )


def fetch_indicator(
    client: EurostatClient,
    name: str | Indicator,
    *,
    geo: str | Iterable[str] | None = None,
    time: str | int | Iterable[str | int] | None = None,
    since: str | int | None = None,
    until: str | int | None = None,
    filters: Mapping[str, str | Iterable[str]] | None = None,
    refresh: bool = False,
    offline: bool | None = None,
) -> Panel:
    """Fetch a registered indicator as a panel. ``filters`` override the registry's codes."""
    ind = name if isinstance(name, Indicator) else indicator(name)
    merged: dict[str, str | int | Iterable[str | int]] = dict(ind.filter_map)
    merged.update(filters or {})
    if since is not None:
        merged["sinceTimePeriod"] = str(since)
    if until is not None:
        merged["untilTimePeriod"] = str(until)
    result = client.fetch(ind.dataset, merged, geo=geo, time=time, refresh=refresh, offline=offline)
    return panel_from_result(result, ind)


# --- aggregation of monthly panels ---------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})(?:-|M)(\d{2})$")


def _month_ordinals(periods: Sequence[str], name: str) -> IntArray:
    bad = [p for p in periods if not _MONTH.match(p) or not 1 <= int(p[-2:]) <= 12]
    if bad:
        raise fail(
            "period",
            ", ".join(bad[:5]),
            f"{name} is not a monthly series (periods must look like 2024-07)",
        )
    years = np.array([int(p[:4]) for p in periods], dtype=np.intp)
    months = np.array([int(p[-2:]) for p in periods], dtype=np.intp)
    return years * 12 + months - 1


def period_label(start_year: int, start_month: int) -> str:
    """``2024`` for a calendar year; ``2024-07/2025-06`` for a 1 July – 30 June period."""
    if start_month == 1:
        return str(start_year)
    end_year, end_month = (start_year + 1, start_month - 1)
    return f"{start_year}-{start_month:02d}/{end_year}-{end_month:02d}"


def aggregate_months(panel: Panel, start_month: int = 1) -> Panel:
    """Twelve-month periods starting in ``start_month``, fully vectorised.

    Flows are summed; a stock takes its value at the period's last month. A period lacking
    any month it needs (a flow: any of its 12; a stock: its last) is incomplete and its value
    is NaN. Flags are the union of the months' flags. Periods at the edges of the data that
    the data only partly cover are kept and marked incomplete.
    """
    if not 1 <= start_month <= 12:
        raise fail("start_month", start_month, "must be 1..12")
    if panel.months is not None:
        raise fail("panel", panel.name, "is already an aggregate; aggregate the monthly panel")
    if panel.kind == "rate":
        raise fail("panel", panel.name, "is a rate; aggregate its numerator and denominator")
    ordinals = _month_ordinals(panel.periods, panel.name)
    shifted = ordinals - (start_month - 1)
    period_index, month_in_period = shifted // 12, shifted % 12
    first = int(period_index.min()) if period_index.size else 0
    count = int(period_index.max()) - first + 1 if period_index.size else 0
    n_geo = len(panel.geos)
    grid = np.full((n_geo, count, 12), np.nan)
    masks = np.zeros((n_geo, count, 12), dtype=np.int64)
    grid[:, period_index - first, month_in_period] = panel.values
    masks[:, period_index - first, month_in_period] = panel.flag_masks
    present = ~np.isnan(grid)
    months = present.sum(axis=2).astype(np.intp)
    if panel.kind == "stock":
        complete = present[:, :, 11]
        values = grid[:, :, 11].copy()
        flag_masks = masks[:, :, 11].copy()
        partial = None
        rule = "value at the period's last month"
    else:
        complete = months == 12
        partial = np.where(months > 0, np.nansum(grid, axis=2), np.nan)
        values = np.where(complete, partial, np.nan)
        flag_masks = np.bitwise_or.reduce(masks, axis=2)
        rule = "sum of 12 months"
    labels = []
    references = {}
    for k in range(count):
        start = first + k
        year, month = divmod(start * 12 + (start_month - 1), 12)
        label = period_label(year, month + 1)
        labels.append(label)
        end_year, end_month = divmod(start * 12 + start_month - 1 + 11, 12)
        references[label] = f"{year}-{month + 1:02d}-01/{_month_end(end_year, end_month + 1)}"
    window = (
        "calendar year" if start_month == 1 else f"12 months from 1 {_MONTH_NAMES[start_month - 1]}"
    )
    return replace(
        panel,
        periods=tuple(labels),
        values=values,
        flag_masks=flag_masks,
        complete=complete,
        months=months,
        partial=partial,
        aggregation=f"{rule}, {window}; incomplete periods are NaN",
        period_reference=references,
    )


_MONTH_NAMES = tuple(calendar.month_name[1:])


def _month_end(year: int, month: int) -> str:
    return f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def to_calendar_years(panel: Panel) -> Panel:
    """A monthly panel as calendar years (``"2024"``)."""
    return aggregate_months(panel, start_month=1)


def to_reporting_periods(panel: Panel, start_month: int = REPORTING_START_MONTH) -> Panel:
    """A monthly panel as the cycle's reporting periods, 1 July – 30 June (``"2024-07/2025-06"``)."""
    return aggregate_months(panel, start_month=start_month)


def recognition_rate(positive: Panel, total: Panel) -> Panel:
    """Positive first-instance decisions ÷ all first-instance decisions, per state and period.

    The two panels are aligned on their common states and periods. The rate is NaN (and
    incomplete) where either figure is missing or there were no decisions.
    """
    geos = tuple(g for g in total.geos if g in positive.geos)
    periods = tuple(p for p in total.periods if p in positive.periods)
    if not geos or not periods:
        raise fail(
            "panels",
            f"{positive.name} / {total.name}",
            "have no state and period in common",
        )
    tg = np.array([total.geos.index(g) for g in geos], dtype=np.intp)
    tp = np.array([total.periods.index(p) for p in periods], dtype=np.intp)
    pg = np.array([positive.geos.index(g) for g in geos], dtype=np.intp)
    pp = np.array([positive.periods.index(p) for p in periods], dtype=np.intp)
    num = positive.values[np.ix_(pg, pp)]
    den = total.values[np.ix_(tg, tp)]
    ok = (
        positive.complete[np.ix_(pg, pp)]
        & total.complete[np.ix_(tg, tp)]
        & ~np.isnan(num)
        & ~np.isnan(den)
        & (den > 0)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(ok, num / np.where(den > 0, den, 1.0), np.nan)
    return Panel(
        name="recognition_rate",
        title="First-instance recognition rate",
        unit="share of first-instance decisions (0–1)",
        kind="rate",
        integer=False,
        geos=geos,
        periods=periods,
        values=rate,
        flag_masks=positive.flag_masks[np.ix_(pg, pp)] | total.flag_masks[np.ix_(tg, tp)],
        complete=ok,
        provenance=positive.provenance + total.provenance,
        aggregation=f"{positive.name} / {total.name}",
        period_reference=dict(total.period_reference),
    )
