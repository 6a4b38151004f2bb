"""The border procedure's status and capacities as the service reads them (APR Arts. 47-50): each
state's months judged by :func:`eupact.border.monitoring.watch` against the adequate capacity the
Commission's implementing act sets (Art. 48(1): "the number set out ... in the Commission
implementing act"), and the capacities computed by :func:`eupact.border.capacity.
adequate_capacity` beside the recorded act (:func:`~eupact.border.capacity.compare_with_recorded`).

The rules are :mod:`eupact.border`'s; this module only gathers what they need from the store and
the parameters and says where a figure comes from:

- the capacity in force on a month's last day is the recorded act's figure (Decision (EU)
  2024/2150, applicable 12 June 2026 - 14 October 2027: SECONDARY, press reports of its annex);
  where the record holds none (20 of the 26 bound states) the status is "capacity not available": the
  months are listed with their counts, nothing is judged (never a computed or zero stand-in);
- the annual maximum is the multiplier in force times that capacity (``watch`` with ``maximum=
  None``, Art. 47(1) second subparagraph); where the act's recorded maximum differs, a note says so;
- a notification becomes the rules' :class:`~eupact.border.notifications.CapacityNotification`
  (others informed: every Member State reads it here, Art. 49(3)); a recorded implementing act
  their :class:`~eupact.border.notifications.MaximumAuthorisation`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from eupact.border import monitoring, notifications
from eupact.border.capacity import (
    RecordedFigure,
    adequate_capacity,
    annual_maximum,
    compare_with_recorded,
    default_act_date,
    recorded_decision,
)
from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.service.border_records import (
    BorderNotificationRecord,
    CommissionActRecord,
    FiguresRecord,
)
from eupact.data.border_inputs import CrossingFigures, MonthlyFigures, gather, unbound_rule
from eupact.errors import EupactError, Problem

if TYPE_CHECKING:
    from eupact.cycle.service.context import Context

NOT_AVAILABLE = "not available"
RECORDED_LABEL = "recorded act, SECONDARY (press reports of its annex)"


class BorderStatus:
    """The status and capacity reads of :class:`eupact.cycle.service.border.BorderWatch`."""

    ctx: Context

    if TYPE_CHECKING:

        def stored(
            self, geo: str | None = None
        ) -> tuple[
            list[FiguresRecord], list[BorderNotificationRecord], list[CommissionActRecord]
        ]: ...

        def state(self, value: object, field: str = "geo") -> str: ...

        def bound(self) -> tuple[str, ...]: ...

    # -- the recorded act ------------------------------------------------------------------

    def recorded_on(self, geo: str, day: dt.date) -> RecordedFigure | None:
        """The recorded implementing act's figure for ``geo`` applicable on ``day``, if held."""
        act = recorded_decision(self.ctx.parameters)
        if not act.applies_from <= day <= act.applies_until:
            return None
        held = act.figures.get(geo)
        return held if held is not None and held.adequate_capacity is not None else None

    def capacity_source(self, geo: str, day: dt.date) -> dict[str, Any]:
        act = recorded_decision(self.ctx.parameters)
        held = self.recorded_on(geo, day)
        if held is None:
            why = (
                f"{act.citation}: {geo}'s figure was not retrieved"
                if act.applies_from <= day <= act.applies_until
                else f"no implementing act of Art. 47(1) recorded for {day}"
            )
            return {"capacity": None, "status": NOT_AVAILABLE, "why": why}
        return {
            "capacity": held.adequate_capacity,
            "status": RECORDED_LABEL,
            "act": act.citation,
            **held.source.as_dict(),
        }

    def annual_maximum(self, capacity: int, day: dt.date) -> int:
        """The annual maximum in force on ``day`` for ``capacity`` (Art. 47(1), second
        subparagraph: the rules' :func:`~eupact.border.acts.annual_maximum`)."""
        return annual_maximum(capacity, day, self.ctx.parameters)

    # -- the rules' checks, on what a caller sends -----------------------------------------

    @staticmethod
    def check_monthly(series: Sequence[MonthlyFigures]) -> None:
        monitoring.check_monthly(series)

    @staticmethod
    def check_report(geo: str, r: Mapping[str, Any]) -> None:
        """Art. 49(4)(b)-(e), when given, complete and possible (the rules' own check)."""
        elements = ("staff", "avg_admin_days", "avg_appeal_days")
        if all(r[name] is None for name in elements) and not r["weekly"]:
            return
        report = notifications.MonthlyReport(
            geo,
            r["month"],
            r["asylum_border"] + r["return_border"],
            tuple(r["weekly"]),
            r["staff"],
            r["avg_admin_days"],
            r["avg_appeal_days"],
        )
        notifications.check_monthly_report(report)

    def check_notification(
        self, geo: str, article: str, day: dt.date, content: Mapping[str, Any]
    ) -> None:
        """The condition the article sets for notifying, on the recorded act's figures: Art.
        48(1) with 49(1) (the rules' :func:`~eupact.border.notifications.check_notification`),
        Art. 50 (the year's examined applications at or above the annual maximum)."""
        held = self.recorded_on(geo, day)
        capacity = held.adequate_capacity if held else None
        if article == "48":
            notifications.check_notification(
                self.capacity_notification(geo, day, content), capacity=capacity,
                params=self.ctx.parameters,
            )  # fmt: skip
            return
        if capacity is None:
            return
        maximum = annual_maximum(capacity, day, self.ctx.parameters)
        if content["examined"] < maximum:
            raise EupactError(
                [
                    Problem(
                        "examined",
                        content["examined"],
                        f"is below {geo}'s annual maximum on {day}, {maximum:,} (Art. 47(1): "
                        f"the multiplier in force × the adequate capacity {capacity:,}): Art. "
                        "50 allows the notification only when the applications examined this "
                        "calendar year equal or exceed it",
                    )
                ],
                "notification refused (Art. 50 APR)",
            )

    @staticmethod
    def capacity_notification(
        geo: str, day: dt.date, content: Mapping[str, Any]
    ) -> notifications.CapacityNotification:
        extra = content.get("detail") or {}
        return notifications.CapacityNotification(
            geo=geo,
            notified_on=day,
            in_procedure=content["in_procedure"],
            measure=content["measure"],
            reasoning=content["reasoning"],
            other_measures=str(extra.get("other_measures", "")),
            with_ammr_notification=bool(extra.get("with_ammr_notification", False)),
            others_informed=True,  # every Member State reads it in the service (Art. 49(3))
        )

    def notification_check(self, r: BorderNotificationRecord) -> dict[str, Any]:
        """What the recorded act says of a notification's condition (shown with it)."""
        source = self.capacity_source(r.geo, r.notified_on)
        capacity = source["capacity"]
        out: dict[str, Any] = {"capacity": capacity, "capacity_source": source["status"]}
        if capacity is None:
            out["condition"] = "not checked: the capacity in force is not available"
        elif r.article == "48":
            out["condition"] = (
                f"Art. 48(1): {r.in_procedure:,} in the procedures ≥ capacity {capacity:,}"
            )
        else:
            maximum = annual_maximum(capacity, r.notified_on, self.ctx.parameters)
            held = self.recorded_on(r.geo, r.notified_on)
            recorded = [v for d, v in held.maxima if d <= r.notified_on] if held else []
            out["maximum"] = maximum
            out["maximum_source"] = (
                RECORDED_LABEL
                if recorded and recorded[-1] == maximum
                else "the multiplier in force × the recorded capacity (Art. 47(1)); the act's "
                "own maximum was not retrieved"
            )
            out["condition"] = f"Art. 50: {r.examined:,} examined this year ≥ maximum {maximum:,}"
        return out

    # -- status month by month ---------------------------------------------------------------

    def status(
        self, actor: Actor, geo: str | None = None, year: int | None = None
    ) -> dict[str, Any]:
        """Each state's months (of ``year`` if given) as :func:`eupact.border.monitoring.watch`
        judges them, with where the capacity comes from; states with no figures are left out."""
        authorize(actor, "border.read")
        who = None if geo is None else self.state(geo)
        figures, notes, acts = self.stored(who)
        by_geo: dict[str, list[FiguresRecord]] = defaultdict(list)
        for f in figures:
            by_geo[f.geo].append(f)
        states = []
        for g in sorted(by_geo):
            mine_notes = [n for n in notes if n.geo == g]
            mine_acts = [a for a in acts if a.geo == g]
            states.append(self._state_status(g, by_geo[g], mine_notes, mine_acts, year))
        return {
            "as_of": self.ctx.today().isoformat(),
            "year": year,
            "states": states,
            "synthetic": any(f.source == "SYNTHETIC" for f in figures),
            "articles": ["Art. 47(2)-(3) APR", "Art. 48 APR", "Art. 49 APR", "Art. 50 APR"],
        }

    def _state_status(
        self,
        geo: str,
        figures: Sequence[FiguresRecord],
        notes: Sequence[BorderNotificationRecord],
        acts: Sequence[CommissionActRecord],
        year: int | None,
    ) -> dict[str, Any]:
        series = sorted(figures, key=lambda f: f.month)
        # the months the recorded act covers (one act: one capacity) are judged by watch();
        # the others are listed with their counts and "not available", never judged
        held = [f for f in series if self.recorded_on(geo, notifications.month_end(f.month))]
        shown = held[-1] if held else series[-1]
        source = self.capacity_source(geo, notifications.month_end(shown.month))
        capacity = source["capacity"]
        judged: dict[dt.date, dict[str, Any]] = {}
        notes_out: list[str] = []
        if held and capacity is not None:
            statuses = monitoring.watch(
                geo,
                [_monthly(f) for f in held],
                capacity=capacity,
                notifications=[self._notification_of(n) for n in notes if n.article == "48"],
                authorisations=[
                    notifications.MaximumAuthorisation(geo, a.reference, a.act_date)
                    for a in acts
                    if a.kind == "implementing_act"
                ],
                params=self.ctx.parameters,
            )
            notes_out += self._maximum_notes(geo, statuses)
            judged = {s.month: s.as_dict() for s in statuses}
        rows = [self._row(geo, f, judged.get(f.month)) for f in series]
        if year is not None:
            rows = [r for r in rows if r["month"].startswith(f"{year:04d}-")]
        return {
            "geo": geo,
            "capacity": capacity,
            "capacity_source": source,
            "months": rows,
            "notifications": [n.ref for n in notes],
            "synthetic": any(f.source == "SYNTHETIC" for f in series),
            "notes": notes_out,
        }

    def _row(self, geo: str, f: FiguresRecord, judged: dict[str, Any] | None) -> dict[str, Any]:
        """A month as watch() judged it, or, outside the recorded act, its counts only."""
        if judged is not None:
            row = {**judged, "source": f.source}
            if row["report_due"] and f.staff is None:
                row["notes"] = [
                    *row["notes"],
                    "Art. 49(4): the measure is applied this month; the monthly report's "
                    "elements (b)-(e) are not recorded",
                ]
            return row
        why = self.capacity_source(geo, notifications.month_end(f.month))["why"]
        return {
            "geo": geo,
            "month": f.month.strftime("%Y-%m"),
            "asylum_border": f.asylum_border,
            "return_border": f.return_border,
            "in_procedure": f.in_procedure,
            "examined": f.examined,
            "capacity": None,
            "used_percent": None,
            "released_from": [],
            "always_bound": list(self._always_bound(f.month)),
            "source": f.source,
            "notes": [f"capacity {NOT_AVAILABLE}: {why}"],
        }

    def _always_bound(self, month: dt.date) -> tuple[str, ...]:
        at = self.ctx.parameters.at(notifications.month_end(month))
        found: tuple[str, ...] = tuple(at("border.watch.always_bound"))
        return found

    def _notification_of(self, n: BorderNotificationRecord) -> notifications.CapacityNotification:
        return self.capacity_notification(
            n.geo,
            n.notified_on,
            {"in_procedure": n.in_procedure or 0, "measure": n.measure, "reasoning": n.reasoning},
        )

    def _maximum_notes(self, geo: str, judged: Sequence[monitoring.MonthStatus]) -> list[str]:
        out = []
        for s in judged:
            held = self.recorded_on(geo, notifications.month_end(s.month))
            if held is None or s.maximum is None:
                continue
            recorded = [v for d, v in held.maxima if d <= notifications.month_end(s.month)]
            if recorded and recorded[-1] is not None and recorded[-1] != s.maximum:
                out.append(
                    f"{s.month:%Y-%m}: the recorded maximum {recorded[-1]:,} differs from the "
                    f"multiplier × capacity {s.maximum:,} used"
                )
        return out

    # -- capacities: computed beside the recorded act ---------------------------------------------

    def capacities(
        self,
        actor: Actor,
        *,
        year: int | None = None,
        act_date: dt.date | None = None,
        inputs: Sequence[CrossingFigures] = (),
    ) -> dict[str, Any]:
        """Each bound state's adequate capacity computed under the act of ``act_date`` (default:
        the act in force in ``year``, else this year) from ``inputs`` completed with what the
        data layer holds (Eurostat refusals of entry; Frontex detections by state are not held),
        beside the recorded Decision (EU) 2024/2150; missing figures are named, never 0."""
        authorize(actor, "border.read")
        params = self.ctx.parameters
        on = act_date or default_act_date(year or self.ctx.today().year, params)
        years_used = self._window(on)
        bound = self.bound()
        self._check_inputs(inputs, bound)
        gathered = gather(years_used, bound=bound, snapshot=self.ctx.snapshot, figures=inputs)
        result = adequate_capacity(gathered.figures, act_date=on, params=params, on_missing="name")
        recorded = recorded_decision(params)
        comparison = compare_with_recorded(result, recorded)
        rows = []
        for row in comparison.rows:
            state = result.states.get(row.geo)
            rows.append(
                {
                    **row.as_dict(),
                    "computed_label": (
                        f"{row.computed:,}" if row.computed is not None else NOT_AVAILABLE
                    ),
                    "recorded_label": (
                        f"{row.recorded:,}" if row.recorded is not None else NOT_AVAILABLE
                    ),
                    "recorded_class": row.source.source_class if row.source else None,
                    "missing": [str(m) for m in state.missing] if state else [],
                }
            )
        return {
            "act": result.act.as_dict(),
            "computed": {
                "complete": result.complete,
                "synthetic": result.synthetic,
                "union_capacity": result.union_capacity,
                "union_counted": result.union_counted,
                "missing": len(result.missing),
                "held": list(gathered.held),
                "not_held": list(gathered.not_held),
                "notes": list(gathered.notes),
                "trace": dict(result.trace),
            },
            "recorded": recorded.as_dict(),
            "comparison_notes": list(comparison.notes),
            "same_window": comparison.same_window,
            "rows": rows,
        }

    @staticmethod
    def _check_inputs(inputs: Sequence[CrossingFigures], bound: Sequence[str]) -> None:
        """An inputs set's rows name a bound state's year once each (the data layer would
        otherwise keep one of two rows, or drop a state not bound, without a word)."""
        problems: list[Problem] = []
        seen: set[tuple[str, int]] = set()
        for i, f in enumerate(inputs):
            if f.geo not in bound:
                problems.append(Problem(f"figures[{i}].geo", f.geo, unbound_rule(f.geo, bound)))
            elif (f.geo, f.year) in seen:
                problems.append(
                    Problem(
                        f"figures[{i}].year",
                        f.year,
                        f"{f.geo} {f.year} is given twice: each state's year once",
                    )
                )
            seen.add((f.geo, f.year))
        if problems:
            raise EupactError(problems, "border inputs refused")

    def _window(self, on: dt.date) -> tuple[int, ...]:
        from eupact.border.capacity import border_act

        return border_act(on, self.ctx.parameters).window


def _monthly(r: FiguresRecord) -> MonthlyFigures:
    return MonthlyFigures(
        r.geo, r.month, r.asylum_border, r.return_border, r.entered, r.left, r.examined
    )


__all__ = ["NOT_AVAILABLE", "RECORDED_LABEL", "BorderStatus"]
