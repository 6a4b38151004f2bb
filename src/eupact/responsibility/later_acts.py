"""Discretion and the later acts that move responsibility after the criteria (Part III AMMR):
the sovereignty clause (Art. 35(1)), a humanitarian request accepted (35(2); an unanswered one
is no acceptance, AMBIG-18), a residence document issued to the applicant (37(1)), and for an
unaccompanied minor a decision that a transfer is not in the child's best interests (37(1)); the
latest decides."""

from __future__ import annotations

import datetime as dt

from .model import Case, RequestKind
from .trace import Snapshot, Trace


def later_acts(case: Case, t: Trace, snap: Snapshot) -> tuple[str, str] | None:
    """Discretion and later acts (Arts. 35(1), 35(2), 37(1)) in date order: the state and
    article of the latest, each in the chain; None if there is none."""
    acts: list[tuple[dt.date, str, str, str]] = []
    for d in case.discretion:
        if d.clause == "35(1)":
            acts.append(
                (
                    d.date,
                    d.state,
                    "35(1)",
                    "examines the application itself (sovereignty clause)",
                )
            )
        elif d.accepted:
            acts.append((d.date, d.state, "35(2)", "accepted a request on humanitarian grounds"))
        else:
            t.step(
                "35(2)",
                f"humanitarian request to {d.state}: "
                + (
                    "refused"
                    if d.accepted is False
                    else "no answer (AMBIG-18: no acceptance by silence)"
                ),
            )
    for q in case.procedure.requests:
        if q.kind is RequestKind.HUMANITARIAN and q.reply is not None and q.reply.kind == "accept":
            acts.append(
                (
                    q.reply.date,
                    q.to_state,
                    "35(2)",
                    "accepted a request on humanitarian grounds",
                )
            )
    for r in case.residence_documents_issued:
        if r.date >= snap.on:
            acts.append((r.date, r.state, "37(1)", "issued a residence document to the applicant"))
    if snap.unaccompanied:
        for b in case.best_interests_no_transfer:
            acts.append(
                (
                    b.date,
                    b.state,
                    "37(1)",
                    "decided a transfer is not in the minor's best interests",
                )
            )
    if not acts:
        return None
    for on, state, article, why in sorted(acts):
        t.step(article, f"{state} {why}", state=state, on=on)
    on, state, article, _ = max(acts)
    return state, article


__all__ = ["later_acts"]
