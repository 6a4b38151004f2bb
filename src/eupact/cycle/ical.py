"""The legal calendar of one cycle as iCalendar (RFC 5545), for a Member State or an institution.

The deadlines are :func:`eupact.cycle.calendar.cycle_calendar`'s; this module says who each step
concerns and writes one all-day ``VEVENT`` per dated step: ``SUMMARY`` the step and its article,
``DESCRIPTION`` who acts, the article and its words, the [reading] where the date rests on one;
``DTSTART`` a ``DATE``; ``UID`` stable per (pool year, step), so that a calendar subscribed to
twice, or for two audiences, keeps one event per deadline.

Who a step concerns, from the article that sets it:

- ``member_state`` (every state bound by the AMMR): the Art. 10 information and the updated
  information they provide (Art. 9(7), 9(9)), the meetings of the EU mechanism for preparedness
  and management of crisis related to migration they are members of (9(8), 9(10)), the decision
  that determines which of them are under migratory pressure, after consulting them (11(1), (4)),
  the proposal setting each one's indicative contribution (12(2)), the High-Level Forum where
  they pledge (13(2)-(3), 57(3)), the Council act recording their pledges (57(1)), the
  Technical-Level Forum (14(2), 60(4)), implementation (60(3)) and confirmation (60(6));
- ``commission``: what it adopts or convenes (9(4), 9(8), 9(10), 11(4), 12(6)) and the
  information provided to it (9(7), 9(9));
- ``council``: what is transmitted to it (9(4), 11(4), 12(6)), the High-Level Forum it convenes
  (13(2)) and the act it adopts (57(1));
- ``coordinator`` (the EU Solidarity Coordinator): the Technical-Level Forum it convenes after the
  Council act (14(5)), the implementation it coordinates (60(2)-(3)) and the confirmations made
  to it (60(6)).

A step for which the law sets no time limit (the first Technical-Level Forum, Art. 14(5)) has no
date to put in a calendar: it is not an event; the Council act's event says that it follows.
Denmark is not bound by the AMMR (recital 90, Protocol No 22): no calendar is made for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from eupact import __version__
from eupact.cycle.calendar import Deadline, cycle_calendar
from eupact.cycle.phases import Action
from eupact.errors import fail
from eupact.parameters import ParameterSet, load_parameters

FIRST_POOL_YEAR = 2026  # the first Report is due by 15 October 2025 (Art. 9(6) AMMR)
LAST_POOL_YEAR = 9998  # the confirmations fall in January of the year after the pool year

MEMBER_STATE = "member_state"
INSTITUTIONS = ("commission", "council", "coordinator")
INSTITUTION_NAMES = {
    "commission": "the European Commission",
    "council": "the Council",
    "coordinator": "the EU Solidarity Coordinator",
}
AMMR = " Regulation (EU) 2024/1351 (AMMR)"


@dataclass(frozen=True, slots=True)
class Step:
    """What the calendar adds to a :class:`Deadline`: a stable name, who acts, the law's words
    for the time limit, and whom it concerns."""

    slug: str
    who: str
    words: str
    concerns: frozenset[str]


def _step(slug: str, who: str, words: str, *concerns: str) -> Step:
    return Step(slug, who, words, frozenset(concerns))


# Keyed by the step's text in eupact.cycle.calendar (a new step there fails the calendar's tests
# until it is described here).
STEPS: dict[str, Step] = {
    "Art. 10 information provided by the Member States and agencies": _step(
        "information",
        "the Member States, the Asylum Agency, the European Border and Coast Guard Agency, "
        "Europol and the Fundamental Rights Agency provide the information of Art. 10 for the "
        "Commission's Report",
        "'by 1 June each year'",
        MEMBER_STATE,
        "commission",
    ),
    "Initial assessment presented (EU migration preparedness and crisis mechanism)": _step(
        "initial-assessment",
        "the Commission convenes a meeting of the EU mechanism for preparedness and management "
        "of crisis related to migration, whose members include the Member States, to present "
        "the initial assessment of the situation",
        "'during the first half of July each year'",
        "commission",
        MEMBER_STATE,
    ),
    "Updated information provided": _step(
        "updated-information",
        "the Member States and the relevant Union bodies, offices and agencies provide the "
        "Commission with updated information",
        "'by 1 September each year'",
        MEMBER_STATE,
        "commission",
    ),
    "Consolidated assessment presented (EU migration preparedness and crisis mechanism)": _step(
        "consolidated-assessment",
        "the Commission convenes a meeting of the EU mechanism for preparedness and management "
        "of crisis related to migration to present the consolidated assessment of the situation",
        "'by 30 September each year'",
        "commission",
        MEMBER_STATE,
    ),
    "European Annual Asylum and Migration Report": _step(
        "report",
        "the Commission adopts the European Annual Asylum and Migration Report and transmits it "
        "to the European Parliament and to the Council",
        "'by 15 October each year'",
        "commission",
        "council",
    ),
    "Decision on migratory pressure": _step(
        "decision",
        "the Commission adopts its implementing decision determining which Member States are "
        "under migratory pressure, at risk of it or facing a significant migratory situation, "
        "after consulting the Member States concerned (Art. 11(1)), and transmits it to the "
        "European Parliament and to the Council",
        "'by 15 October each year'",
        "commission",
        "council",
        MEMBER_STATE,
    ),
    "Proposal for the Annual Solidarity Pool": _step(
        "proposal",
        "the Commission adopts its proposal for the Council implementing act establishing the "
        "Annual Solidarity Pool, with each Member State's indicative contribution (Art. 12(2)), "
        "and transmits it to the Council",
        "'by 15 October each year'",
        "commission",
        "council",
        MEMBER_STATE,
    ),
    "High-Level Forum convened": _step(
        "high-level-forum",
        "the Council convenes the High-Level EU Solidarity Forum, where the Member States pledge "
        "their solidarity contributions (Art. 13(3), 57(3))",
        "'within 15 days following the adoption of the Report ..., the decision ... and the "
        "Commission proposal' (counted from their due date until they are recorded as adopted)",
        "council",
        MEMBER_STATE,
    ),
    "Council implementing act (before the end of the year)": _step(
        "council-act",
        "the Council adopts, by qualified majority, the implementing act establishing the Annual "
        "Solidarity Pool: the reference numbers and each Member State's pledges",
        "'before the end of each calendar year'",
        "council",
        MEMBER_STATE,
        "coordinator",
    ),
    "Technical-Level Forum: first meeting": _step(
        "technical-level-forum",
        "the EU Solidarity Coordinator convenes the first meeting of the Technical-Level EU "
        "Solidarity Forum, where Member States may express preferences (Art. 60(4))",
        "'following the adoption of the Council implementing act'",
        "coordinator",
        MEMBER_STATE,
    ),
    "Non-financial pledges implemented": _step(
        "implementation",
        "the Member States implement their pledged solidarity contributions other than "
        "financial contributions, in proportion to their overall pledge; the EU Solidarity "
        "Coordinator coordinates (Art. 60(2))",
        "'before the end of that year'",
        MEMBER_STATE,
        "coordinator",
    ),
    "States confirm what they implemented": _step(
        "confirmation",
        "the Member States confirm to the EU Solidarity Coordinator the levels of each "
        "solidarity measure implemented during the preceding year",
        "'each year in January'",
        MEMBER_STATE,
        "coordinator",
    ),
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One deadline of the calendar for one audience."""

    year: int
    deadline: Deadline
    step: Step
    note: str = ""  # what this audience should know besides the step (e.g. Art. 60(3) for it)
    then: str = ""  # the undated step that follows this one (said in the .ics event only)

    @property
    def article(self) -> str:
        """The article, short: "Art. 9(7) AMMR"."""
        return self.deadline.article.replace(AMMR, " AMMR")

    @property
    def uid(self) -> str:
        return f"pool-{self.year}-{self.step.slug}@eupact"

    def description(self) -> str:
        d = self.deadline
        lines = [
            f"{d.step} — cycle preparing the Annual Solidarity Pool {self.year}.",
            f"Who: {self.step.who}.",
            f"Legal basis: {d.article}: {self.step.words}.",
        ]
        lines += [text for text in (d.note, self.note, self.then) if text]
        if d.done is not None:
            lines.append(f"Recorded as done on {d.done.isoformat()}.")
        lines.append(f"From eupact {__version__}; the law's dates, not an official calendar.")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        """For the dashboard: the row as JSON-ready values."""
        d = self.deadline
        return {
            "uid": self.uid,
            "step": d.step,
            "due": d.due.isoformat() if d.due else None,
            "article": d.article,
            "who": self.step.who,
            "concerns": sorted(self.step.concerns),
            "note": "; ".join(text for text in (d.note, self.note) if text),
            "done": d.done.isoformat() if d.done else None,
        }


def audience(for_: str | None, parameters: ParameterSet, year: int) -> str | None:
    """``for_`` checked: None (everyone), an institution, or a bound Member State's code."""
    if for_ is None:
        return None
    text = for_.strip()
    if text.lower() in INSTITUTIONS:
        return text.lower()
    code = text.upper()
    at = parameters.at(dt.date(year - 1, 1, 1))
    bound = tuple(at("scope.bound_member_states"))
    if code in bound:
        return code
    if code in tuple(at("scope.eu_member_states")):
        raise fail(
            "--for",
            for_,
            "not bound by Regulation (EU) 2024/1351 (recital 90, Protocol No 22 on the position "
            "of Denmark): its annual cycle does not apply to it",
            summary="no legal calendar",
        )
    raise fail(
        "--for",
        for_,
        f"a Member State bound by the AMMR ({', '.join(bound)}) or an institution "
        f"({', '.join(INSTITUTIONS)})",
        summary="no legal calendar",
    )


def _check_year(year: int) -> None:
    if not FIRST_POOL_YEAR <= year <= LAST_POOL_YEAR:
        raise fail(
            "year",
            year,
            f"a pool year from {FIRST_POOL_YEAR} (the first Report is due by 15 October 2025, "
            f"Art. 9(6) AMMR) to {LAST_POOL_YEAR}",
            summary="no legal calendar",
        )


def _state_note(geo: str, step: Step, year: int, parameters: ParameterSet) -> str:
    """Art. 60(3) for a state the year's Council act identifies under migratory pressure."""
    if step.slug != "implementation":
        return ""
    from eupact.pool.acts import council_act, recorded_years

    if year not in recorded_years(parameters):
        return ""
    act = council_act(year, parameters)
    if geo not in act.under_pressure_states:
        return ""
    return (
        f"{geo} is identified under migratory pressure in {act.citation}: if it uses the pool it "
        "becomes a benefitting Member State (Art. 58(1) AMMR) and is not obliged to implement "
        "its pledges (Art. 60(3) AMMR)."
    )


def calendar_entries(
    year: int,
    for_: str | None = None,
    *,
    readings: Mapping[str, str] | None = None,
    done: Mapping[Action, dt.date] | None = None,
    parameters: ParameterSet | None = None,
) -> list[Entry]:
    """The legal deadlines of the cycle preparing pool ``year`` that concern ``for_`` (a Member
    State's code, ``commission``, ``council`` or ``coordinator``; None: every deadline), in the
    order of the cycle; undated steps included (``deadline.due`` is None). ``done``: the dates
    the cycle recorded (the High-Level Forum counts from the last of the three documents);
    ``readings`` chooses other [reading]s of the law (``name -> alternative``)."""
    _check_year(year)
    parameters = (parameters or load_parameters()).with_readings(dict(readings or {}))
    who = audience(for_, parameters, year)
    params = parameters.at(dt.date(year - 1, 1, 1))
    role = MEMBER_STATE if who is not None and who not in INSTITUTIONS else who
    out = []
    for deadline in cycle_calendar(year, params, dict(done or {})):
        step = STEPS[deadline.step]
        if role is not None and role not in step.concerns:
            continue
        note = _state_note(who, step, year, parameters) if role == MEMBER_STATE and who else ""
        out.append(Entry(year, deadline, step, note))
    return _mention_undated(out)


def _mention_undated(entries: list[Entry]) -> list[Entry]:
    """An undated step is said in the event of the step it follows (a calendar has no place for
    an event without a date)."""
    out = list(entries)
    for i, e in enumerate(out):
        if e.deadline.due is None and i > 0 and out[i - 1].deadline.due is not None:
            before = out[i - 1]
            then = (
                f"Then, with no time limit: {e.deadline.step} ({e.article}: "
                f"{e.step.words}): {e.step.who}."
            )
            out[i - 1] = replace(before, then=then)
    return out


def calendar_name(year: int, for_: str | None) -> str:
    """The calendar's title; ``for_`` as :func:`audience` returns it."""
    who = "all deadlines" if for_ is None else INSTITUTION_NAMES.get(for_, for_)
    return f"AMMR legal calendar, Annual Solidarity Pool {year} — {who}"


@dataclass(frozen=True, slots=True)
class DayEvent:
    """One all-day event of a calendar eupact writes: a stable UID, the day, what and why."""

    uid: str
    day: dt.date
    summary: str
    description: str
    categories: tuple[str, ...]


def day_calendar(
    title: str, about: str, events: Iterable[DayEvent], stamp: dt.datetime | None = None
) -> bytes:
    """``events`` as an iCalendar object (RFC 5545, UTF-8, CRLF, lines folded at 75 octets; the
    name and description also as RFC 7986 and X-WR properties): one all-day, transparent VEVENT
    each. ``stamp`` (DTSTAMP, UTC): when it was made, now by default. The one writer of the
    cycle's, the Dublin units' and the register's calendars."""
    from icalendar import Calendar, Event, vText

    made = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", f"-//eupact//eupact {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # TEXT values escaped as such (the library leaves NAME and X- properties as they are)
    cal.add("name", vText(title))
    cal.add("x-wr-calname", vText(title))
    cal.add("description", vText(about))
    cal.add("x-wr-caldesc", vText(about))
    for e in events:
        event = Event()
        event.add("uid", e.uid)
        event.add("dtstamp", made)
        event.add("dtstart", e.day)
        event.add("dtend", e.day + dt.timedelta(days=1))
        event.add("summary", e.summary)
        event.add("description", e.description)
        event.add("categories", list(e.categories))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return bytes(cal.to_ical())


def calendar_ics(
    year: int,
    for_: str | None = None,
    *,
    readings: Mapping[str, str] | None = None,
    done: Mapping[Action, dt.date] | None = None,
    stamp: dt.datetime | None = None,
    parameters: ParameterSet | None = None,
) -> bytes:
    """The calendar of :func:`calendar_entries` as an iCalendar object (RFC 5545, UTF-8, CRLF,
    lines folded at 75 octets): one all-day VEVENT per dated deadline. ``stamp`` (DTSTAMP,
    UTC): when it was made, now by default. Refused input raises EupactError."""
    entries = calendar_entries(year, for_, readings=readings, done=done, parameters=parameters)
    parameters = parameters or load_parameters()
    name = calendar_name(year, audience(for_, parameters, year))
    about = (
        f"The legal deadlines of the cycle that prepares the Annual Solidarity Pool {year} "
        f"(Regulation (EU) 2024/1351, AMMR), each with its article. Steps for which the law "
        "sets no time limit are named in the event they follow."
    )
    events = (
        DayEvent(
            e.uid,
            e.deadline.due,
            f"{e.deadline.step} ({e.article})",
            e.description(),
            ("AMMR", f"Pool {year}"),
        )
        for e in entries
        if e.deadline.due is not None
    )
    return day_calendar(name, about, events, stamp)


__all__ = [
    "FIRST_POOL_YEAR",
    "INSTITUTIONS",
    "STEPS",
    "DayEvent",
    "Entry",
    "Step",
    "calendar_entries",
    "calendar_ics",
    "calendar_name",
    "day_calendar",
]
