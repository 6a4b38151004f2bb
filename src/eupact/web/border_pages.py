"""The border procedure on the dashboard (APR Arts. 47-50; issue 17 items 1-2):

- ``/border`` — each state's capacity use month by month: the Art. 48(1) count (applicants in
  the asylum border procedure and persons in a return border procedure) beside the adequate
  capacity the implementing act sets, the share in use, the year's examined applications beside
  the annual maximum, and what the state is released from — Art. 42(1)(j) after its Art. 48
  notification while at or above capacity (47(2), 48(2)-(4)), 42(1)(c) and (j) after the
  Commission's Art. 50 implementing act (47(3)) — while it stays bound for 42(1)(f) and 42(3)(b);
  a chart of the share in use over the months with the 100 % line; the capacities computed under
  Art. 47(4) beside those recorded from Decision (EU) 2024/2150 ("not available" where not held;
  the recorded ones SECONDARY); the notifications and the Commission's acts;
- ``/border/{geo}`` — one state: its months (with the Art. 49(4) elements where the visitor may
  read them), a chart of its count with its capacity line, its notifications;
- ``/border.csv``, ``/border/{geo}.csv`` — the months as a table (cells inert in a spreadsheet).

Every read goes through the service (:class:`~eupact.cycle.service.border.BorderWatch`) with the
visitor's actor (observers too: ``border.read``); the rules are :mod:`eupact.border`'s. The demo's
figures are SYNTHETIC and every page, row and file says so.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from eupact.cycle.service import CycleService
from eupact.cycle.service.border import BorderWatch
from eupact.errors import EupactError, NotFound, Problem, echo
from eupact.reports.tables import csv_text
from eupact.web import i18n
from eupact.web.page import Page

#: Okabe-Ito: distinguishable with any colour-vision deficiency (the chart's states)
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
LIMIT_COLOUR = "#D55E00"
CSV_COLUMNS = (
    "geo",
    "month",
    "asylum_border",
    "return_border",
    "in_procedure",
    "capacity",
    "capacity_source",
    "used_percent",
    "examined",
    "examined_year",
    "maximum",
    "released_from",
    "always_bound",
    "source",
)


def watch_of(service: CycleService) -> BorderWatch:
    return BorderWatch(service.ctx)


def chosen_year(page: Page, years: list[int]) -> int:
    raw = page.request.query_params.get("year", "")[:4]
    if raw.isdigit() and int(raw) in years:
        return int(raw)
    return years[-1] if years else page.service.clock().date().year


def _years(status: dict[str, Any]) -> list[int]:
    return sorted({int(m["month"][:4]) for s in status["states"] for m in s["months"]})


def check_geo(watch: BorderWatch, raw: str) -> str:
    try:
        return watch.state(raw[:8])
    except EupactError:
        rule = f"a Member State bound by the APR: {', '.join(watch.bound())}"
        raise NotFound(
            [Problem("state", echo(raw[:20], quote=False), rule)], "no such Member State"
        ) from None


def rows_of(status: dict[str, Any], year: int) -> list[dict[str, Any]]:
    """The months of ``year``, state by state, as the tables and the CSV show them."""
    out = []
    for s in status["states"]:
        for m in s["months"]:
            if not m["month"].startswith(f"{year:04d}-"):
                continue
            out.append(
                {
                    **m,
                    "geo": s["geo"],
                    "capacity_source": s["capacity_source"]["status"],
                    "source": m.get("source") or ("SYNTHETIC" if s["synthetic"] else "user"),
                }
            )
    return out


def csv_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            c: "; ".join(r.get(c) or []) if c in ("released_from", "always_bound") else r.get(c)
            for c in CSV_COLUMNS
        }
        for r in rows
    ]


def csv_response(rows: list[dict[str, Any]], name: str, synthetic: bool) -> Response:
    stem = f"eupact-{name}{'-SYNTHETIC' if synthetic else ''}"
    return Response(
        csv_text(csv_rows(rows)).encode(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'},
    )


# -- charts (Vega-Lite by Altair; rendered by /static/charts.js) -------------------------------


def use_chart(rows: list[dict[str, Any]], lang: str, element: str) -> str:
    """The share of the capacity in use per state and month, with the 100 % line."""
    import altair as alt

    from eupact.web.charts import _inline, _named, embed_html

    _ = i18n.translations(lang).gettext
    names = i18n.state_names(lang)
    data = [
        {
            "month": r["month"],
            "state": names.get(r["geo"], r["geo"]),
            "used": float(r["used_percent"]),
            "count": r["in_procedure"],
            "capacity": r["capacity"],
        }
        for r in rows
        if r.get("used_percent") is not None
    ]
    states = sorted({d["state"] for d in data})
    x = alt.X("month:O", title=_("Month"))
    lines = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("used:Q", title=_("Capacity in use (%)")),
            color=alt.Color(
                "state:N",
                title=_("Member State"),
                scale=alt.Scale(domain=states, range=list(PALETTE[: len(states)]) or ["#000"]),
            ),
            strokeDash=alt.StrokeDash("state:N", legend=None),
            tooltip=[
                alt.Tooltip("state:N", title=_("Member State")),
                alt.Tooltip("month:O", title=_("Month")),
                alt.Tooltip("count:Q", title=_("In the border procedures"), format=",d"),
                alt.Tooltip("capacity:Q", title=_("Adequate capacity"), format=",d"),
                alt.Tooltip("used:Q", title=_("Capacity in use (%)"), format=".1f"),
            ],
        )
    )
    rule = (
        alt.Chart()
        .mark_rule(
            color=LIMIT_COLOUR,
            strokeDash=[6, 3],
            size=2,
            description=_("Adequate capacity: 100 %"),
        )
        .encode(y=alt.datum(100))
    )
    chart = (
        alt.layer(lines, rule, data=_named("use"))
        .properties(width=560, height=280)
        .configure_view(stroke=None)
    )
    return embed_html(_inline(chart, "use", data), element, lang)


def state_chart(rows: list[dict[str, Any]], capacity: int | None, lang: str) -> str:
    """One state's count per month (bars) with its adequate capacity (a line)."""
    import altair as alt

    from eupact.web.charts import FAIR_SHARE_COLOUR, _inline, _named, embed_html

    _ = i18n.translations(lang).gettext
    data = [
        {"month": r["month"], "count": r["in_procedure"], "capacity": r.get("capacity")}
        for r in rows
    ]
    bars = (
        alt.Chart()
        .mark_bar(color=FAIR_SHARE_COLOUR)
        .encode(
            x=alt.X("month:O", title=_("Month")),
            y=alt.Y("count:Q", title=_("In the border procedures")),
            tooltip=[
                alt.Tooltip("month:O", title=_("Month")),
                alt.Tooltip("count:Q", title=_("In the border procedures"), format=",d"),
            ],
        )
    )
    layers: list[Any] = [bars]
    if capacity is not None:
        layers.append(
            alt.Chart()
            .mark_rule(
                color=LIMIT_COLOUR,
                strokeDash=[6, 3],
                size=2,
                description=f"{_('Adequate capacity')}: {i18n.number(capacity, lang)}",
            )
            .encode(y=alt.datum(capacity))
        )
    chart = (
        alt.layer(*layers, data=_named("state"))
        .properties(width=560, height=260)
        .configure_view(stroke=None)
    )
    return embed_html(_inline(chart, "state", data), "chart-border-state", lang)


# -- pages -------------------------------------------------------------------------------------


class BorderPages:
    """The pages' reads for one request."""

    def __init__(self, service: CycleService, page: Page) -> None:
        self.service = service
        self.page = page
        self.watch = watch_of(service)

    def _always(self) -> list[str]:
        at = self.service.parameters.at(self.service.clock().date())
        found: list[str] = list(at("border.watch.always_bound"))
        return found

    def render(self, template: str, **context: Any) -> HTMLResponse:
        # the cycle's banner speaks of its pledges; these pages say whether figures are SYNTHETIC
        return self.page.render(
            template,
            active="border",
            synthetic=False,
            always_bound=self._always(),
            today=self.service.clock().date().isoformat(),
            **context,
        )

    def overview(self) -> HTMLResponse:
        actor = self.page.actor
        status = self.watch.status(actor)
        years = _years(status)
        year = chosen_year(self.page, years)
        rows = rows_of(status, year)
        capacities = self.watch.capacities(actor, year=year)
        notes = self.watch.notifications(actor, year=year)
        chart = use_chart(rows, self.page.lang, "chart-border-use") if rows else ""
        return self.render(
            "border.html",
            border_year=year,
            border_years=years,
            rows=rows,
            states=status["states"],
            border_synthetic=status["synthetic"],
            capacities=capacities,
            notifications=notes,
            charts={"use": chart} if chart and any(r.get("used_percent") for r in rows) else {},
        )

    def state(self, geo: str) -> HTMLResponse:
        actor = self.page.actor
        status = self.watch.status(actor, geo)
        years = _years(status)
        year = chosen_year(self.page, years)
        rows = rows_of(status, year)
        figures, _ = self.watch.figures(actor, geo, year)
        details = {f["month"]: f for f in figures}
        one = status["states"][0] if status["states"] else None
        capacity = one["capacity"] if one else None
        capacities = self.watch.capacities(actor, year=year)
        row = next((r for r in capacities["rows"] if r["geo"] == geo), None)
        chart = state_chart(rows, capacity, self.page.lang) if rows else ""
        return self.render(
            "border_state.html",
            geo=geo,
            border_year=year,
            border_years=years,
            rows=rows,
            details=details,
            state_status=one,
            capacity_row=row,
            act=capacities["recorded"],
            border_synthetic=status["synthetic"],
            notifications=self.watch.notifications(actor, geo),
            sees_details=self.watch.sees_details(actor, geo),
            charts={"state": chart} if chart else {},
        )

    def csv(self, geo: str | None) -> Response:
        status = self.watch.status(self.page.actor, geo)
        year = chosen_year(self.page, _years(status))
        name = f"border-{geo}-{year}" if geo else f"border-{year}"
        return csv_response(rows_of(status, year), name, status["synthetic"])


def router(service: CycleService) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    def reads(request: Request) -> BorderPages:
        return BorderPages(service, Page(service, request))

    @pages.get("/border", response_class=HTMLResponse)
    def overview(request: Request) -> Response:
        return reads(request).overview()

    @pages.get("/border.csv")
    def overview_csv(request: Request) -> Response:
        return reads(request).csv(None)

    # before /border/{geo}: "IT.csv" is no state
    @pages.get("/border/{geo}.csv")
    def state_csv(request: Request, geo: str) -> Response:
        chosen = reads(request)
        return chosen.csv(check_geo(chosen.watch, geo))

    @pages.get("/border/{geo}", response_class=HTMLResponse)
    def state(request: Request, geo: str) -> Response:
        chosen = reads(request)
        return chosen.state(check_geo(chosen.watch, geo))

    return pages


__all__ = ["BorderPages", "check_geo", "csv_rows", "router", "rows_of", "state_chart", "use_chart"]
