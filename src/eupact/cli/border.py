"""`eupact border`: the border procedure's adequate capacity and annual maximum per Member State
(Arts 46-47 Regulation (EU) 2024/1348, APR), computed beside the Commission's recorded act, a
state's months watched against them (Arts 47(2)-(3), 48-50 APR), and what the border procedure
requires of a state on a day (Arts 44, 45, 51(2) APR with CFMR Art. 11)."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import typer

from eupact.errors import fail
from eupact.reports.tables import Table

from .common import FormatOpt, ReadingOpt, console, err_console, readings, user_errors
from .render import Format, print_tables

NotifiedOpt = Annotated[
    list[str] | None,
    typer.Option(help="Date the state notified that its capacity is reached (Art. 48(1))"),
]
AuthorisedOpt = Annotated[
    list[str] | None,
    typer.Option(help="Date of the Commission's Art. 50 implementing act"),
]

border_app = typer.Typer(
    help="The border procedure: adequate capacity and annual maximum (Arts 46-50 APR).",
    no_args_is_help=True,
)


def _day(text: str | None, name: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise fail(name, text, "must be a date YYYY-MM-DD") from None


def _year(year: int) -> int:
    if not 2024 <= year <= 2100:
        raise fail("--year", year, "must lie from 2024 (the first implementing act) to 2100")
    return year


def _phases(phases: Any) -> str:
    return "; ".join(f"×{p.multiplier} from {p.since}" for p in phases) or "none"


def _acts_table(year: int, acts: Any, chosen: Any) -> Table:
    rows = [
        {
            "act": a.label + (" (computed below)" if a.act_date == chosen.act_date else ""),
            "applies": f"{a.applies_from} to {a.applies_until}",
            "in_place_by": a.capacity_in_place_by.isoformat(),
            "data": f"{a.window[0]}-{a.window[-1]}",
            "maxima": _phases(a.phases),
        }
        for a in acts
    ]
    notes: tuple[str, ...] = ()
    if not any(a.act_date == chosen.act_date for a in acts):
        rows.append(
            {
                "act": chosen.label + " (computed below)",
                "applies": f"{chosen.applies_from} to {chosen.applies_until}",
                "in_place_by": chosen.capacity_in_place_by.isoformat(),
                "data": f"{chosen.window[0]}-{chosen.window[-1]}",
                "maxima": _phases(chosen.phases),
            }
        )
    if not acts:
        notes = (f"No implementing act applies in {year}: the APR applies from 12 June 2026.",)
    return Table(
        "acts",
        f"Implementing acts of Art. 47(1) APR in {year}",
        ("act", "applies", "in_place_by", "data", "maxima"),
        rows,
        (
            *notes,
            "Capacity in place: before 12 June 2026 for the first act, within six months of "
            "adoption for later ones (Art. 47(5)); maxima: Art. 47(1), second subparagraph.",
            _review_note(year),
        ),
    )


def _review_note(year: int) -> str:
    """When the Commission next assesses the numbers behind these figures (Art. 77 APR)."""
    from eupact.border.acts import numbers_review

    due, cited = numbers_review(dt.date(year, 1, 1))
    when = f"by {due.isoformat()}" if due else "no date held"
    return (
        f"The Union's adequate capacity (Art. 46) and the maxima are reviewed by the Commission {when}, then every three "
        f"years ({cited}, third paragraph; the obligations register)."
    )


def _capacity_tables(result: Any, comparison: Any) -> list[Table]:
    recorded = {r.geo: r for r in comparison.rows} if comparison else {}
    rows = []
    for geo, s in result.states.items():
        row = recorded.get(geo)
        rows.append(
            {
                "geo": geo,
                "counted": s.counted,
                "share_pct": _pct(s.share),
                "computed": s.capacity,
                "recorded": row.recorded if row else None,
                "difference": row.difference if row else None,
                "status": row.status if row else "no recorded act",
            }
        )
    reading = f"rounding [reading]: {result.rounding}; search-and-rescue arrivals: {result.sar}"
    total = result.total
    notes = [
        f"Union: {result.union_capacity:,} (Art. 46); counted "
        + (
            "irregular crossings + refusals of entry"
            if result.sar != "added"
            else "all three terms"
        )
        + f" over {result.act.window[0]}-{result.act.window[-1]} (Art. 47(4)).",
        reading + (f"; the states sum to {total:,}." if total is not None else "."),
    ]
    if result.synthetic:
        notes.insert(0, "SYNTHETIC inputs: not data.")
    if comparison:
        notes += list(comparison.notes)
    capacity = Table(
        "capacity",
        f"Adequate capacity: {result.act.label}",
        ("geo", "counted", "share_pct", "computed", "recorded", "difference", "status"),
        rows,
        tuple(notes),
    )
    columns: list[str] = ["geo"]
    maxima_rows: list[dict[str, Any]] = [{"geo": g} for g in result.states]
    for p in result.act.phases:
        computed, held_label = f"x{p.multiplier}_computed", f"x{p.multiplier}_recorded"
        columns += [computed, held_label]
        for row in maxima_rows:
            s = result.states[row["geo"]]
            held = comparison.recorded.figures.get(row["geo"]) if comparison else None
            row[computed] = next((m.maximum for m in s.maxima if m.since == p.since), None)
            row[held_label] = held.maximum_from(p.since) if held else None
    phases = ", ".join(f"x{p.multiplier} from {p.since}" for p in result.act.phases)
    maxima = Table(
        "maxima",
        f"Annual maximum of applications in the border procedure (Art. 47(1), second "
        f"subparagraph): {phases or 'no phase in the act'}",
        tuple(columns),
        maxima_rows,
        ("Computed maximum = multiplier × computed capacity (border.maximum.basis).",),
    )
    return [capacity, maxima]


def _pct(share: Any) -> Any:
    """A share as a percentage with four decimals, half up (exact arithmetic)."""
    from decimal import Decimal

    if share is None:
        return None
    ten_thousandths = (share * 100 * 10_000 + Fraction(1, 2)).__floor__()
    return Decimal(ten_thousandths).scaleb(-4)


def _vintage_table(result: Any) -> Table:
    """The figures used, by source class, with their sources (a file's row numbers left out)."""
    import re

    by_class: dict[str, dict[str, int]] = {}
    for item in result.trace.get("inputs", ()):
        if item["value"] is None:
            continue
        source = re.sub(r"^(.*?), row [0-9]+: ", r"\1: ", str(item["source"]))
        sources = by_class.setdefault(item["source_class"], {})
        sources[source] = sources.get(source, 0) + 1
    rows = [
        {"class": klass, "figures": sum(sources.values()), "sources": "; ".join(sorted(sources))}
        for klass, sources in sorted(by_class.items())
    ]
    window = result.act.window
    return Table(
        "vintage",
        f"Figures used, {window[0]}-{window[-1]}, by source class",
        ("class", "figures", "sources"),
        rows,
        ("primary: an official extraction; secondary: a page quoting a figure; user: imported.",),
    )


def _missing_table(result: Any, gathered: Any) -> Table:
    rows: list[dict[str, Any]] = []
    by_key: dict[tuple[str, int], list[str]] = {}
    for m in result.missing:
        by_key.setdefault((m.component, m.year), []).append(m.geo)
    everyone = len(result.states)
    for (component, year), geos in sorted(by_key.items()):
        shown = (
            f"all {everyone} states"
            if len(geos) == everyone
            else " ".join(geos)
            if len(geos) <= 8
            else f"{len(geos)} states; given: "
            + " ".join(g for g in result.states if g not in geos)
        )
        rows.append({"figure": component, "year": year, "missing_for": shown})
    notes = (*gathered.not_held, *gathered.held, *gathered.notes)
    return Table(
        "missing",
        "What the computation lacks (never counted as 0)"
        if rows
        else "Every figure the formula needs is given",
        ("figure", "year", "missing_for"),
        rows,
        tuple(notes),
    )


@border_app.command("capacity")
@user_errors
def border_capacity(
    year: Annotated[int, typer.Option(help="Year whose implementing act is shown")] = 2026,
    inputs: Annotated[
        Path | None,
        typer.Option(
            help="Inputs file (CSV or XLSX: geo, year, irregular_crossings, sar_arrivals, "
            "refusals_of_entry, source, source_class)"
        ),
    ] = None,
    act_date: Annotated[
        str | None,
        typer.Option(help="Date of the implementing act to compute (default: the act in force)"),
    ] = None,
    reading: ReadingOpt = None,
    form: FormatOpt = Format.table,
) -> None:
    """Each Member State's adequate capacity and annual maxima (Arts 46-47 APR), computed from
    the figures held and imported, beside Commission Implementing Decision (EU) 2024/2150."""
    from eupact.border.capacity import (
        acts_in_year,
        adequate_capacity,
        border_act,
        bound_states,
        compare_with_recorded,
        default_act_date,
        recorded_decision,
    )
    from eupact.data.border_inputs import gather, read_border_inputs
    from eupact.data.snapshot import load_snapshot
    from eupact.parameters import load_parameters

    params = load_parameters().with_readings(readings(reading))
    year = _year(year)
    day = _day(act_date, "--act-date") or default_act_date(year, params)
    act = border_act(day, params)
    bound = bound_states(day, params)
    given = read_border_inputs(inputs, bound=bound) if inputs is not None else ()
    gathered = gather(act.window, bound=bound, snapshot=load_snapshot(), figures=given)
    result = adequate_capacity(gathered.figures, act_date=day, params=params, on_missing="name")
    comparison = (
        compare_with_recorded(result, recorded_decision(params)) if act.number == 1 else None
    )
    tables = [_acts_table(year, acts_in_year(year, params), act)]
    tables += _capacity_tables(result, comparison)
    tables += [_vintage_table(result), _missing_table(result, gathered)]
    if result.synthetic and form is Format.table:
        err_console.print("SYNTHETIC inputs: not data", highlight=False, markup=False)
    print_tables(console, tables, form, label="SYNTHETIC" if result.synthetic else "")


def _watched(
    file: Path,
    state: str,
    capacity: int | None,
    maximum: int | None,
    notified: list[str] | None,
    authorised: list[str] | None,
    params: Any,
) -> tuple[str, int, str, tuple[Any, ...]]:
    """A state's monthly figures read and watched (Arts 47(2)-(3), 48-50 APR): the state, the
    capacity used and where it comes from, each month's status."""
    from eupact.border.capacity import bound_states, recorded_decision
    from eupact.border.monitoring import (
        CapacityNotification,
        MaximumAuthorisation,
        check_monthly,
        watch,
    )
    from eupact.data.border_inputs import read_monthly_figures, unbound_rule

    start: dt.date = params["border.apr_applies_from"].values[-1].value
    bound = bound_states(start, params)
    geo = state.strip().upper()
    if geo not in bound:
        raise fail("--state", state, unbound_rule(geo, bound))
    rows = read_monthly_figures(file, bound=bound)
    check_monthly(rows)
    figures = [r for r in rows if r.geo == geo]
    if not figures:
        raise fail("--state", geo, f"{file.name} has no rows for this state")
    source = "given with --capacity"
    if capacity is None:
        held = recorded_decision(params).figures.get(geo)
        if held is None or held.adequate_capacity is None:
            raise fail(
                "--capacity",
                None,
                f"the adequate capacity of {geo} is not available in the recorded act (figures "
                f"held for {', '.join(sorted(recorded_decision(params).figures))}): give it",
            )
        capacity = held.adequate_capacity
        source = f"Decision (EU) 2024/2150 as recorded ({held.source.source_class})"
    by_month = {f.month: f for f in figures}
    notices = []
    for text in notified or ():
        day = _day(text, "--notified")
        assert day is not None
        month = by_month.get(dt.date(day.year, day.month, 1))
        if month is None:
            raise fail("--notified", text, "falls in no month of the figures")
        notices.append(
            CapacityNotification(
                geo,
                day,
                month.in_procedure,
                "apply",
                "given on the command line (the month's end count stands for (a))",
                others_informed=True,
            )
        )
    acts = [
        MaximumAuthorisation(geo, f"Commission implementing act of {d} (Art. 50)", d)
        for d in (_day(t, "--authorised") for t in authorised or ())
        if d is not None
    ]
    statuses = watch(
        geo,
        figures,
        capacity=capacity,
        maximum=maximum,
        notifications=notices,
        authorisations=acts,
        params=params,
    )
    return geo, capacity, source, statuses


@border_app.command("watch")
@user_errors
def border_watch(
    file: Annotated[
        Path,
        typer.Argument(
            help="Monthly figures (CSV or XLSX: geo, month, asylum_border, return_border, "
            "entered, left, examined)"
        ),
    ],
    state: Annotated[str, typer.Option(help="Member State (Eurostat geo code, e.g. IT)")],
    capacity: Annotated[
        int | None,
        typer.Option(min=0, help="Adequate capacity (default: the recorded act's figure)"),
    ] = None,
    maximum: Annotated[
        int | None,
        typer.Option(min=0, help="Annual maximum (default: the multiplier in force × capacity)"),
    ] = None,
    notified: NotifiedOpt = None,
    authorised: AuthorisedOpt = None,
    reading: ReadingOpt = None,
    form: FormatOpt = Format.table,
) -> None:
    """A state's months in the border procedures against its adequate capacity and annual
    maximum: what it may notify and what it is released from (Arts 47(2)-(3), 48-50 APR)."""
    from eupact.parameters import load_parameters

    params = load_parameters().with_readings(readings(reading))
    geo, capacity, source, statuses = _watched(
        file, state, capacity, maximum, notified, authorised, params
    )
    month_rows = [
        {
            "month": s.month.strftime("%Y-%m"),
            "asylum_border": s.asylum_border,
            "return_border": s.return_border,
            "in_procedure": s.in_procedure,
            "used_pct": s.used_percent,
            "examined_year": s.examined_year,
            "maximum": s.maximum,
            "may_notify": ", ".join(
                a
                for a, yes in (("48(1)", s.may_notify_capacity), ("50", s.may_notify_maximum))
                if yes
            )
            or "-",
            "released_from": " ".join(s.released_from) or "-",
            "remarks": " ".join(s.notes),
        }
        for s in statuses
    ]
    always = " ".join(statuses[0].always_bound) if statuses else ""
    table = Table(
        "months",
        f"{geo}: border procedures against capacity {capacity:,} ({source})",
        tuple(month_rows[0]),
        month_rows,
        (
            "in_procedure: asylum + return border procedures at the month's end (Art. 48(1)); "
            "used_pct: of the adequate capacity; examined_year: since 1 January (Art. 50); "
            "may_notify: the capacity reached (Art. 48(1)), the annual maximum reached (Art. 50).",
            "released_from: cases of Art. 42 the state need not examine in the border procedure "
            "(Art. 48(2)-(4) after a notification; Art. 50 after the Commission's act); always "
            f"examined there: {always} (Art. 47(3)).",
        ),
        wide=("asylum_border", "return_border", "remarks"),
    )
    print_tables(console, [table], form)


def _crises(path: Path | None) -> tuple[Any, ...]:
    """The Council implementing decisions of ``--crisis`` (the records ``eupact responsible
    --crisis`` reads; CFMR Art. 4(3), (5)), read and checked."""
    if path is None:
        return ()
    from eupact.responsibility import read_crises
    from eupact.scenarios.model import read_yaml_file

    return read_crises(read_yaml_file(path, "--crisis", "crisis decisions"), path.name)


def scope_tables(s: Any) -> list[Table]:
    """:class:`eupact.border.scope.BorderScope` as tables: the grounds, the values in force, the
    priority of Art. 44(2)."""
    from eupact.border.scope import compact

    ground_rows = [
        {
            "ground": g.point,
            "covers": g.words,
            "required": "always" if g.always else "yes" if g.required else "released",
            "why": "; ".join(f"{r.why} ({', '.join(r.articles)})" for r in g.releases)
            or ", ".join(g.articles),
        }
        for g in s.grounds
    ]
    decisions = "; ".join(s.decisions) or "none"
    grounds = Table(
        "grounds",
        f"{s.state} on {s.on}: grounds of the mandatory border procedure (Art. 45(1) APR)",
        ("ground", "covers", "required", "why"),
        ground_rows,
        (
            f"Council decisions in force (CFMR): {decisions}.",
            "always: never released (Art. 47(3), second sentence; Art. 50, fourth paragraph).",
        ),
    )
    t, m = s.threshold_j, s.merits
    merits = compact(m.points) + " (Art. 44(1)(b) APR)"
    value_rows = [
        {"item": "42(1)(j) threshold", "value": t.value, "articles": ", ".join(t.articles)},
        {"item": "merits decisions", "value": merits, "articles": ", ".join(m.articles)},
    ]
    if m.rate is not None:
        value_rows.append(
            {
                "item": "merits also up to",
                "value": f"{m.rate.value} recognition rate",
                "articles": ", ".join(m.rate.articles),
            }
        )
    if m.instrumentalisation:
        value_rows.append(
            {
                "item": "merits also",
                "value": f"every instrumentalised applicant; exclusion {m.exclusion}",
                "articles": "Art. 11(6)-(9) CFMR",
            }
        )
    for label, d in (
        ("maximum duration", s.duration),
        ("after a relocation", s.duration_after_relocation),
    ):
        value_rows.append({"item": label, "value": d.value, "articles": ", ".join(d.articles)})
    values = Table(
        "values",
        "In force that day (applications made or registered that day)",
        ("item", "value", "articles"),
        value_rows,
        tuple(dict.fromkeys((*m.notes, *s.notes))),
    )
    p = s.priority
    priority = Table(
        "priority",
        p.why,
        ("article", "who"),
        [{"article": a, "who": w} for a, w in (*p.categories, *p.examination)],
        ("Art. 44(2): whom to select first for the border procedure; Art. 44(3) and CFMR "
         "11(5): whose applications are examined first.",),
    )  # fmt: skip
    return [grounds, values, priority]


@border_app.command("scope")
@user_errors
def border_scope_command(
    state: Annotated[str, typer.Option(help="Member State (Eurostat geo code, e.g. IT)")],
    on: Annotated[str, typer.Option(help="The day (YYYY-MM-DD)")],
    figures: Annotated[
        Path | None,
        typer.Option(
            help="Monthly figures (as for `border watch`): the month of --on tells the releases "
            "of Arts 48 and 50 and the priority of Art. 44(2)"
        ),
    ] = None,
    capacity: Annotated[
        int | None,
        typer.Option(min=0, help="Adequate capacity (default: the recorded act's figure)"),
    ] = None,
    notified: NotifiedOpt = None,
    authorised: AuthorisedOpt = None,
    crisis: Annotated[
        Path | None,
        typer.Option(help="Council implementing decisions (YAML, as `responsible --crisis`)"),
    ] = None,
    reading: ReadingOpt = None,
    form: FormatOpt = Format.table,
) -> None:
    """What the asylum border procedure requires of a state on a day: the grounds it is
    mandatory for and those released (Arts 45, 47, 48, 50 APR; CFMR 11(2)), the 42(1)(j)
    threshold, the merits decisions, the maximum duration and the priority (Arts 44, 51(2) APR;
    CFMR 11(1)-(9))."""
    from eupact.border.scope import border_scope
    from eupact.parameters import load_parameters

    params = load_parameters().with_readings(readings(reading))
    day = _day(on, "--on")
    assert day is not None
    geo = state.strip().upper()
    status = None
    if figures is not None:
        geo, _, _, statuses = _watched(figures, state, capacity, None, notified, authorised, params)
        status = next(
            (s for s in statuses if (s.month.year, s.month.month) == (day.year, day.month)), None
        )
        if status is None:
            held = f"{statuses[0].month:%Y-%m} to {statuses[-1].month:%Y-%m}"
            raise fail("--on", on, f"falls in no month of {figures.name} ({held})")
    else:
        for name, given in (
            ("--capacity", capacity),
            ("--notified", notified),
            ("--authorised", authorised),
        ):
            if given:
                raise fail(name, given, "goes with --figures (the months it applies to)")
    result = border_scope(geo, day, status=status, crises=_crises(crisis), params=params)
    if form is Format.json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return
    print_tables(console, scope_tables(result), form)


__all__ = ["border_app"]
