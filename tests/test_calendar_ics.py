"""The legal calendar as iCalendar (RFC 5545): `eupact.cycle.ical` and `eupact calendar`.

Golden dates of the cycle preparing the 2026 pool (year N = 2025), hand-checked against
Regulation (EU) 2024/1351 (AMMR) as calendar.py cites it:

- Art. 9(7): the Art. 10 information "by 1 June each year" → 2025-06-01
- Art. 9(8): the initial assessment "during the first half of July each year" → 2025-07-15
  ([reading]; the other alternative, 16 July, moves it by a day)
- Art. 9(9): updated information "by 1 September each year" → 2025-09-01
- Art. 9(10): the consolidated assessment "by 30 September each year" → 2025-09-30
- Art. 9(4), 11(4), 12(6): Report, decision and proposal "by 15 October each year" → 2025-10-15
- Art. 13(2): the High-Level Forum "within 15 days following the adoption" of the three →
  15 October + 15 days = 2025-10-30 (from 11 November 2025, when they were adopted: 2025-11-26)
- Art. 57(1): the Council act "before the end of each calendar year" → 2025-12-31
- Art. 14(5): the first Technical-Level Forum "following the adoption" of the act: no date
- Art. 60(3): non-financial pledges "before the end of that year" (the pool year) → 2026-12-31
- Art. 60(6): confirmations "each year in January" → by 2027-01-31
"""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from eupact.cli.main import app
from eupact.cycle.calendar import cycle_calendar
from eupact.cycle.ical import STEPS, calendar_entries, calendar_ics
from eupact.cycle.phases import Action
from eupact.errors import EupactError
from eupact.parameters import load_parameters

STAMP = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)

GOLDEN = {
    "information": (dt.date(2025, 6, 1), "Art. 9(7) AMMR"),
    "initial-assessment": (dt.date(2025, 7, 15), "Art. 9(8) AMMR"),
    "updated-information": (dt.date(2025, 9, 1), "Art. 9(9) AMMR"),
    "consolidated-assessment": (dt.date(2025, 9, 30), "Art. 9(10) AMMR"),
    "report": (dt.date(2025, 10, 15), "Art. 9(4) AMMR"),
    "decision": (dt.date(2025, 10, 15), "Art. 11(4) AMMR"),
    "proposal": (dt.date(2025, 10, 15), "Art. 12(6) AMMR"),
    "high-level-forum": (dt.date(2025, 10, 30), "Art. 13(2) AMMR"),
    "council-act": (dt.date(2025, 12, 31), "Art. 57(1) AMMR"),
    "implementation": (dt.date(2026, 12, 31), "Art. 60(3) AMMR"),
    "confirmation": (dt.date(2027, 1, 31), "Art. 60(6) AMMR"),
}
MEMBER_STATE_STEPS = [s for s in GOLDEN if s != "report"]
AUDIENCES = {
    "commission": [
        "information",
        "initial-assessment",
        "updated-information",
        "consolidated-assessment",
        "report",
        "decision",
        "proposal",
    ],
    "council": ["report", "decision", "proposal", "high-level-forum", "council-act"],
    "coordinator": ["council-act", "implementation", "confirmation"],
}


def events(data: bytes) -> list:
    cal = Calendar.from_ical(data)
    return [c for c in cal.walk() if c.name == "VEVENT"]


def slug(event, year: int = 2026) -> str:
    uid = str(event["UID"])
    assert uid.startswith(f"pool-{year}-") and uid.endswith("@eupact")
    return uid.removeprefix(f"pool-{year}-").removesuffix("@eupact")


def unfold(data: bytes) -> list[bytes]:
    """RFC 5545 §3.1, strictly: CRLF line ends, content lines of at most 75 octets, a folded
    line continues with one space or tab."""
    assert data.endswith(b"\r\n")
    raw = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in raw)
    too_long = [line for line in raw if len(line) > 75]
    assert not too_long, too_long[:3]
    out: list[bytes] = []
    for line in raw:
        if line[:1] in (b" ", b"\t"):
            out[-1] += line[1:]
        else:
            out.append(line)
    return out


def test_every_deadline_of_the_2026_pool_is_an_all_day_event_with_its_article():
    found = events(calendar_ics(2026, stamp=STAMP))
    assert [slug(e) for e in found] == list(GOLDEN)  # the Technical-Level Forum has no date
    for e in found:
        due, article = GOLDEN[slug(e)]
        start = e["DTSTART"]
        assert start.params.get("VALUE") == "DATE" and start.dt == due
        assert type(start.dt) is dt.date
        assert e["DTEND"].dt == due + dt.timedelta(days=1)
        assert str(e["SUMMARY"]).endswith(f"({article})")
        full = article.replace(" AMMR", " Regulation (EU) 2024/1351 (AMMR)")
        assert f"Legal basis: {full}: '" in str(e["DESCRIPTION"])
        assert e["DTSTAMP"].dt == STAMP


def test_the_file_is_strict_rfc_5545_text():
    data = calendar_ics(2026, "IT", stamp=STAMP)
    lines = unfold(data)
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    head = {line.split(b":", 1)[0] for line in lines}
    assert {b"VERSION", b"PRODID"} <= head
    assert b"VERSION:2.0" in lines
    data.decode("utf-8")  # UTF-8 throughout (the em dash in a summary is folded whole)
    for block in data.split(b"BEGIN:VEVENT")[1:]:
        body = unfold(b"BEGIN:VEVENT" + block.split(b"END:VEVENT")[0] + b"END:VEVENT\r\n")
        names = [line.split(b":", 1)[0].split(b";", 1)[0] for line in body]
        for required in (b"UID", b"DTSTAMP", b"DTSTART", b"SUMMARY", b"DESCRIPTION"):
            assert names.count(required) == 1, required
    # text values are escaped: a comma or semicolon in a description is never a separator
    description = next(line for line in lines if line.startswith(b"DESCRIPTION:Art. 10"))
    assert b"\\, the Asylum Agency" in description
    name = next(line for line in lines if line.startswith(b"X-WR-CALNAME:"))
    assert name == "X-WR-CALNAME:AMMR legal calendar\\, Annual Solidarity Pool 2026 — IT".encode()


def test_uids_are_stable_per_year_and_step_and_unique():
    a = calendar_ics(2026, "DE", stamp=STAMP)
    b = calendar_ics(2026, "DE", stamp=STAMP + dt.timedelta(days=40))
    c = calendar_ics(2026, "council", stamp=STAMP)
    uids = [str(e["UID"]) for e in events(a)]
    assert len(uids) == len(set(uids))
    assert uids == [str(e["UID"]) for e in events(b)]
    shared = {str(e["UID"]) for e in events(c)} & set(uids)
    assert shared == {"pool-2026-decision@eupact", "pool-2026-proposal@eupact"} | {
        "pool-2026-high-level-forum@eupact",
        "pool-2026-council-act@eupact",
    }
    assert {str(e["UID"]) for e in events(calendar_ics(2027, stamp=STAMP))}.isdisjoint(uids)


@pytest.mark.parametrize("state", ["DE", "it", "IE", "SK"])
def test_a_state_gets_what_concerns_member_states(state):
    found = events(calendar_ics(2026, state, stamp=STAMP))
    assert [slug(e) for e in found] == MEMBER_STATE_STEPS
    assert all(e["DTSTART"].dt == GOLDEN[slug(e)][0] for e in found)


@pytest.mark.parametrize(("who", "steps"), AUDIENCES.items())
def test_an_institution_gets_what_concerns_it(who, steps):
    found = events(calendar_ics(2026, who.upper(), stamp=STAMP))
    assert [slug(e) for e in found] == steps


def test_the_undated_technical_level_forum_is_said_where_it_follows():
    entries = calendar_entries(2026, "coordinator")
    assert [e.deadline.due for e in entries][1] is None  # in the table, not as an event
    council_act = next(e for e in events(calendar_ics(2026, "coordinator", stamp=STAMP)))
    text = str(council_act["DESCRIPTION"])
    assert "Then, with no time limit: Technical-Level Forum: first meeting (Art. 14(5) AMMR" in text


def test_a_state_under_pressure_is_told_of_art_60_3_and_others_are_not():
    def implementation(state: str) -> str:
        found = events(calendar_ics(2026, state, stamp=STAMP))
        return str(next(e for e in found if slug(e) == "implementation")["DESCRIPTION"])

    assert "IT is identified under migratory pressure" in implementation("IT")
    assert "not obliged to implement its pledges (Art. 60(3) AMMR)" in implementation("IT")
    assert "migratory pressure" not in implementation("DE")


def test_a_reading_and_recorded_dates_move_the_events():
    moved = events(calendar_ics(2026, readings={"cycle.initial_assessment_deadline": "07-16"}))
    initial = next(e for e in moved if slug(e) == "initial-assessment")
    assert initial["DTSTART"].dt == dt.date(2025, 7, 16)
    assert "[reading] chosen for this run" in str(initial["DESCRIPTION"])
    adopted = dict.fromkeys(
        (Action.ADOPT_REPORT, Action.ADOPT_DECISION, Action.ADOPT_PROPOSAL),
        dt.date(2025, 11, 11),
    )
    forum = next(
        e for e in events(calendar_ics(2026, done=adopted)) if slug(e) == "high-level-forum"
    )
    assert forum["DTSTART"].dt == dt.date(2025, 11, 26)  # 11 November + 15 days (Art. 13(2))
    report = next(e for e in events(calendar_ics(2026, done=adopted)) if slug(e) == "report")
    assert "Recorded as done on 2025-11-11." in str(report["DESCRIPTION"])


def test_a_later_year_follows_the_same_articles():
    found = {slug(e, 2028): e["DTSTART"].dt for e in events(calendar_ics(2028))}
    assert found["information"] == dt.date(2027, 6, 1)
    assert found["implementation"] == dt.date(2028, 12, 31)
    assert found["confirmation"] == dt.date(2029, 1, 31)


@pytest.mark.parametrize(
    ("year", "for_", "says"),
    [
        (2026, "DK", "Protocol No 22"),
        (2026, "XX", "a Member State bound by the AMMR"),
        (2026, "parliament", "an institution (commission, council, coordinator)"),
        (2025, None, "the first Report is due by 15 October 2025"),
        (10_000, None, "a pool year from 2026"),
    ],
)
def test_refused(year, for_, says):
    with pytest.raises(EupactError) as caught:
        calendar_ics(year, for_)
    assert says in str(caught.value.problems[0])


def test_every_step_of_the_calendar_is_described():
    params = load_parameters().at(dt.date(2025, 1, 1))
    assert [d.step for d in cycle_calendar(2026, params, {})] == list(STEPS)


def run(*args: str):
    return CliRunner().invoke(app, ["calendar", *args])


def test_cli_table_fits_80_columns_and_names_every_article():
    result = run("2026", "--for", "DE")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    for article in [GOLDEN[s][1] for s in MEMBER_STATE_STEPS] + ["Art. 14(5) AMMR"]:
        assert article in result.output
    assert "2026-12-31" in result.output and "no time limit" in result.output
    assert "European Annual Asylum" not in result.output  # the Commission's, not a state's


def test_cli_writes_an_ics_file(tmp_path):
    out = tmp_path / "de.ics"
    result = run("2026", "--for", "de", "--ics", str(out))
    assert result.exit_code == 0, result.output
    assert "wrote 10 deadlines" in result.output
    assert [slug(e) for e in events(out.read_bytes())] == MEMBER_STATE_STEPS
    to_stdout = run("2026", "--for", "council", "--ics", "-")
    assert to_stdout.exit_code == 0
    assert len(events(to_stdout.stdout_bytes)) == len(AUDIENCES["council"])


def test_cli_refuses_without_a_traceback():
    result = run("2026", "--for", "DK")
    assert result.exit_code == 2
    assert "Protocol No 22" in result.output and "Traceback" not in result.output
