"""Progress on the obligations register for the demonstration (``eupact serve --demo``), so that
the register's matrix and checklists show something: the first annual cycle's real, cited
steps, and SYNTHETIC statuses for the Member States.

- **Real, cited.** The Commission adopted the first European Annual Asylum and Migration Report
  (COM(2025) 795), its decision on migratory pressure (Commission Implementing Decision (EU)
  2025/2323) and its proposal for the 2026 Annual Solidarity Pool on 11 November 2025, late
  against 15 October (Art. 9(4), 9(6), 11(4), 12(6) AMMR); the Council established the Pool by
  Council Implementing Decision (EU) 2025/2642 of 19 December 2025 (OJ L, 2025/2642,
  23.12.2025; Art. 57(1)). The dates are the parameters eupact already holds
  (``pool_2026.proposal_date``, ``pool_2026.act_date``,
  ``parameters/acts/council_implementing_decision_2025_2642.yaml``), recorded done with the
  source as evidence, by the Commission's and the Council's demo tokens.
- **SYNTHETIC.** Each Member State's status on each obligation addressed to the Member States
  with a date is drawn from a seeded random generator (the same every run: ``SEED``), its
  evidence saying ``SYNTHETIC``: nothing here describes any state's real progress. Denmark
  records for the Eurodac Regulation's obligations only (the demo issues it no token: it is not
  bound by Part IV; its statuses are recorded as a Member State actor of its own).

Everything is recorded through the service's own operation
(:meth:`~eupact.cycle.service.register.RegisterProgress.record`), audited as any other write;
an obligation the curated register does not (or no longer) hold is skipped.
"""

from __future__ import annotations

import datetime as dt
import random

from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.service import CycleService
from eupact.cycle.service.register import RegisterProgress
from eupact.cycle.service.register_rules import EARLIEST, parties, shown_due
from eupact.register import Addressee, Kind, Obligation

SEED = 20240611  # the acts' entry into force
SYNTHETIC = "SYNTHETIC demo status (seeded random, not the state's real progress)"
_REPORT = "COM(2025) 795, adopted 11 November 2025 (the first Report; Art. 9(6) AMMR)"
_DECISION = "Commission Implementing Decision (EU) 2025/2323 of 11 November 2025"
_PROPOSAL = (
    "Commission proposal of 11 November 2025 for the 2026 Annual Solidarity Pool (RESTREINT UE "
    "until the Council act, Art. 12(6) AMMR)"
)
_ACT = (
    "Council Implementing Decision (EU) 2025/2642 of 19 December 2025 (OJ L, 2025/2642, "
    "23.12.2025), http://data.europa.eu/eli/dec_impl/2025/2642/oj"
)
#: (obligation, who records, the parameter holding the date, the source)
FACTS: tuple[tuple[str, str, str, str], ...] = (
    ("register.ammr.9.first_report", "commission", "pool_2026.proposal_date", _REPORT),
    ("register.ammr.9.annual_report", "commission", "pool_2026.proposal_date", _REPORT),
    ("register.ammr.11.implementing_decision", "commission", "pool_2026.proposal_date", _DECISION),
    ("register.ammr.12.pool_proposal", "commission", "pool_2026.proposal_date", _PROPOSAL),
    ("register.ammr.57.annual_solidarity_pool", "council", "pool_2026.act_date", _ACT),
)


def _real(service: CycleService, register: RegisterProgress, tokens: dict[str, str]) -> int:
    known = {o.id for o in register.register()}
    made = 0
    for ob_id, who, parameter, source in FACTS:
        if ob_id not in known or who not in tokens:
            continue
        day = service.parameters.at(dt.date(2026, 1, 1))(parameter)
        if not isinstance(day, dt.date) or day > service.clock().date():
            continue
        actor = service.authenticate(tokens[who])
        register.record(actor, ob_id, "done", status_date=day, evidence=source)
        made += 1
    return made


def _draw(rng: random.Random, ob: Obligation, due: dt.date, today: dt.date) -> tuple[str, dt.date]:
    """A SYNTHETIC status and its date for an occurrence due on ``due``."""
    past = due < today
    roll = rng.random()
    done, progress = (0.55, 0.25) if past else (0.1, 0.45)
    if roll < done:
        day = due + dt.timedelta(days=rng.randint(-90, 60))
        return "done", min(max(day, EARLIEST, ob.since), today)
    if roll < done + progress:
        day = today - dt.timedelta(days=rng.randint(0, 120))
        return "in_progress", min(max(day, EARLIEST, ob.since), today)
    return "not_started", today


def load_register_demo(service: CycleService, tokens: dict[str, str]) -> int:
    """Record the demo's progress with the parties' tokens (``tokens``: name → token, as
    :func:`eupact.cycle.demo.load_demo` returns them); how many statuses were recorded."""
    register = RegisterProgress(service.ctx)
    today = service.clock().date()
    made = _real(service, register, tokens)
    rng = random.Random(SEED)
    members = register.members()
    actors = {
        geo: service.authenticate(tokens[geo])
        if geo in tokens
        else Actor(f"demo:{geo}", Role.MEMBER_STATE, geo)
        for geo in members
    }
    for ob in register.register():
        if ob.addressee is not Addressee.MEMBER_STATES or ob.kind is Kind.TIME_LIMIT:
            continue
        due = shown_due(ob, today)
        if due is None or due > today + dt.timedelta(days=366):
            continue
        for geo in parties(ob, members):
            status, day = _draw(rng, ob, due, today)
            if status == "not_started":
                continue  # nothing recorded: read as not started (late once its date passed)
            register.record(
                actors[geo], ob.id, status, status_date=day, due_on=due, evidence=SYNTHETIC
            )
            made += 1
    return made


__all__ = ["FACTS", "SEED", "SYNTHETIC", "load_register_demo"]
