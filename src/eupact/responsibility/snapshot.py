"""Which facts a determination reads (Art. 24(2) AMMR): the obligations of an earlier
determination that ceased (Art. 37(2), (4), (5)) — an application after the cessation is a new one,
earlier facts do not count for it (AMBIG-3) — and the snapshot as at the first registration after
the last cessation."""

from __future__ import annotations

import datetime as dt

from eupact.timelimits.periods import period_end

from .model import Case
from .rules import Rules
from .trace import Snapshot, Trace, age_on


def cessation(case: Case, rules: Rules, t: Trace) -> dt.date | None:
    """The last day on which the obligations of an earlier determination ended (Art. 37(2), (4),
    (5)), or None."""
    ends: list[tuple[dt.date, str, str]] = []
    for x in case.exits:
        if x.complied_with_return_decision:
            ends.append(
                (x.left_on, "37(5)", "removal or departure complying with a return decision")
            )
        months = rules.period("cessation.absence_months")
        back = x.returned_on or case.as_of
        end = period_end(x.left_on, months.n, months.unit)
        if back > end:
            ends.append(
                (end, "37(4)", f"left the territory on {x.left_on} for at least {months.text()}")
            )
    for a in case.applications:
        if a.border_procedure and a.final_rejection_or_withdrawal is not None:
            months = rules.period("cessation.border_procedure_months")
            end = period_end(a.final_rejection_or_withdrawal, months.n, months.unit)
            if end <= case.as_of:
                ends.append(
                    (
                        end,
                        "37(2)",
                        f"{months.text()} after the final rejection in the border procedure",
                    )
                )
    later = [e for e in ends if any(a.registered_on > e[0] for a in case.applications)]
    if not later:
        return None
    on, article, why = max(later)
    t.step(article, f"obligations ceased ({why}); a later application is a new one", ceased=on)
    return on


def snapshot(case: Case, t: Trace, cutoff: dt.date | None) -> Snapshot:
    apps = [a for a in case.applications if cutoff is None or a.registered_on > cutoff]
    first = min(apps, key=lambda a: (a.registered_on, a.made_on))
    latest = max(apps, key=lambda a: (a.registered_on, a.made_on))
    a = case.applicant
    age = age_on(a.date_of_birth, first.registered_on)
    minor = (
        a.age_assessment_minor
        if a.age_assessment_minor is not None
        else age < t.rules.age_of_majority
    )
    return Snapshot(
        case,
        first,
        first.registered_on,
        cutoff,
        age,
        minor,
        bool(a.unaccompanied and minor),
        latest.state,
    )


__all__ = ["cessation", "snapshot"]
