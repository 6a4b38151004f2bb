"""Error messages without Python (issue 15 item 8), as a table of cases.

Each case is a command line (``{tmp}`` stands for a fresh folder holding the files below), the
exit code it must end with, phrases its output must hold, and patterns it must not: a Python
dict (``{'state': 'NL', …}``), ``Decimal('-1')``, ``'NoneType'``, a traceback, a class, an errno,
SQLAlchemy's or a parser's own voice. A refusal says, in one pass, every problem it found, and
a code Eurostat does not use for a Member State (GR, UK, EU28, DK where Part IV does not bind)
says what to write instead.

Cases marked ``bug=`` are known to fall short; they fail strictly, so that fixing one shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eupact.cli.main import app
from eupact.cycle.examples import example_pledges_path

EXAMPLE = str(example_pledges_path(2026))
FORBIDDEN = (
    "{'",
    "Decimal(",
    "NoneType",
    "Traceback",
    "<class",
    "Errno",
    "internal error",
    "<unicode string>",
    "Value error,",
    "KeyError",
    "AttributeError",
    "OperationalError",
    "ModuleNotFoundError",
    "codec can't",
)

# The files the cases read, written into {tmp} first (bytes where text cannot say it).
FILES: dict[str, str | bytes] = {
    # every row wrong in its own way: all of them refused at once
    "many.yaml": """
pledges:
- {state: NL, kind: relocation, amount: -1}
- {state: GR, kind: financial, amount: 1000}
- {state: UK, kind: financial, amount: 1000}
- {state: EU28, kind: financial, amount: 1000}
- {state: DE, kind: money, amount: 10}
- {state: FR, kind: financial, amount: abc}
- {state: IT, kind: alternative, amount: 5, requested_by: [GR]}
- {state: DE, kind: relocation, amount: 100, extra: 1}
deductions:
- {state: GR, article: '63', full: maybe}
uses_of_pool:
- {state: GR, informed_on: '2026-13-01'}
""",
    "types.yaml": """
pledges:
- {state: NL, kind: relocation, amount: {a: 1}}
- {state: [NL], kind: financial, amount: 1}
""",
    "not-a-list.json": '{"pledges": [], "deductions": {"state": "NL"}}',
    "empty.yaml": "",
    "broken.yaml": "pledges:\n  - {state: NL\n",
    "broken.json": '{"pledges": [,]}',
    "latin1.yaml": "label: Mus\xe9e\n".encode("latin-1"),
    "header-and-rows.yaml": """
forum_reconvened: "false"
pledges:
- {state: GR, kind: financial, amount: 1000}
""",
    "legal.yaml": """
pledges:
- {state: NL, kind: relocation, amount: 10}
- {state: NL, kind: relocation, amount: 20}
deductions:
- {state: FR, article: '62', full: true, status: granted}
""",
    "list.yaml": "- a\n- b\n",
    "no-parameters.yaml": "label: x\n",
    "applicants.csv": "id,benefitting_state,family_unit,links\nA1,GR,,\nA2,UK,,\nA3,IT,,\n",
    "applicants-mixed.csv": "id,benefitting_state,family_unit,links\nA1,GR,,\nA3,IT,,xx\n",
    "places.csv": "contributing_state,places\nDE,2\n",
    "not-a-database.db": "this is text, not SQLite\n",
}


@dataclass(frozen=True)
class Case:
    argv: tuple[str, ...]
    code: int
    phrases: tuple[str, ...]
    forbidden: tuple[str, ...] = ()
    setup: tuple[tuple[str, ...], ...] = ()  # commands run first (their output unchecked)


def case(
    id: str,
    argv: str,
    code: int,
    *phrases: str,
    forbidden: tuple[str, ...] = (),
    setup: tuple[str, ...] = (),
    bug: str = "",
) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    made = Case(
        tuple(argv.split()), code, phrases, forbidden, tuple(tuple(s.split()) for s in setup)
    )
    return pytest.param(made, id=id, marks=marks)


DB = "--database-url sqlite:///{tmp}/eupact.db"

CASES = [
    # -- state codes Eurostat does not use, wherever a state is read -------------------------
    case("key-explain-GR", "key --explain GR", 2, "'GR'", "Greece is EL in Eurostat geo codes"),
    case("key-explain-uk", "key --explain uk", 2, "the United Kingdom left the EU"),
    case("key-explain-EU28", "key --explain EU28", 2, "EU28 is an aggregate of states"),
    case("key-explain-DK", "key --explain DK", 2, "Denmark is not bound by Part IV"),
    case(
        "key-states",
        "key --states DE,GR,UK",
        2,
        "field 'state' = 'GR'",
        "EL = Greece",
        "field 'state' = 'UK'",
        "the United Kingdom left the EU",
    ),
    case("assess-explain-GR", "assess 2025 --explain GR", 2, "Greece is EL in Eurostat"),
    case("calendar-for-GR", "calendar 2026 --for GR", 2, "Greece is EL in Eurostat"),
    case(
        "outcome-explain-GR",
        f"pool outcome --pledges {EXAMPLE} --explain GR:balance",
        2,
        "Greece is EL in Eurostat",
    ),
    case(
        "tokens-state-UK",
        f"tokens create --role member_state --state UK {DB}",
        2,
        "the United Kingdom left the EU",
    ),
    case(
        "match-applicants-GR-UK",
        "match --applicants {tmp}/applicants.csv --pledges {tmp}/places.csv --out {tmp}/m",
        2,
        "row 2: field 'benefitting_state' = 'GR'",
        "Greece is EL in Eurostat geo codes",
        "row 3: field 'benefitting_state' = 'UK'",
        "the United Kingdom is not a Member State",
    ),
    case(
        "match-applicants-all-problems-at-once",
        "match --applicants {tmp}/applicants-mixed.csv --pledges {tmp}/places.csv --out {tmp}/m",
        2,
        "link 'xx' must be STATE:kind",
        "field 'benefitting_state' = 'GR'",
    ),
    case(
        "data-show-geo-GR",
        "data show population --geo GR",
        2,
        "Greece is EL in Eurostat geo codes",
    ),
    # -- a pledges file: every problem of its rows in one pass, in words ---------------------
    case(
        "pledges-many-problems-at-once",
        "pool outcome --pledges {tmp}/many.yaml",
        2,
        "many.yaml, pledges[0]: field 'amount' = '-1': a pledge must not be negative",
        "pledges[1]: field 'state' = 'GR'",
        "pledges[2]: field 'state' = 'UK'",
        "the United Kingdom left the EU",
        "pledges[3]: field 'state' = 'EU28'",
        "aggregate",
        "pledges[4]: field 'kind' = 'money'",
        "pledges[5]: field 'amount' = 'abc'",
        "pledges[6]: field 'requested_by.0' = 'GR'",
        "pledges[7]: field 'extra'",
        "deductions[0]: field 'article' = '63'",
        "deductions[0]: field 'full' = 'maybe'",
        "uses_of_pool[0]: field 'informed_on' = '2026-13-01'",
    ),
    case(
        "pledges-wrong-types",
        "pool outcome --pledges {tmp}/types.yaml",
        2,
        "field 'amount' = '{a: 1}'",
        "pledges[1]: field 'state'",
    ),
    case(
        "pledges-deductions-not-a-list",
        "pool outcome --pledges {tmp}/not-a-list.json",
        2,
        "field 'deductions' = {state: 'NL'}: must be a list",
    ),
    case(
        "pledges-empty-file",
        "pool outcome --pledges {tmp}/empty.yaml",
        2,
        "field 'pledges' = 'nothing': the file holds a mapping with a list 'pledges'",
    ),
    case(
        "pledges-broken-yaml",
        "pool outcome --pledges {tmp}/broken.yaml",
        2,
        # libyaml says "did not find expected", PyYAML's own parser "expected"
        "is not valid YAML: line 3, column 1:",
        "expected ',' or '}' (while parsing a flow mapping from line 2, column 5)",
    ),
    case(
        "pledges-broken-json",
        "pool outcome --pledges {tmp}/broken.json",
        2,
        "is not valid JSON: line 1, column 14: expecting value",
    ),
    case(
        "pledges-not-utf8",
        "pool outcome --pledges {tmp}/latin1.yaml",
        2,
        "it is not UTF-8 text (byte 0xe9 at position 10): save it as UTF-8",
    ),
    case("pledges-folder", "pool outcome --pledges {tmp}", 2, "is a folder, not a file"),
    case("pledges-missing", "pool outcome --pledges {tmp}/none.yaml", 2, "does not exist"),
    case(
        "pledges-header-and-rows-in-one-pass",
        "pool outcome --pledges {tmp}/header-and-rows.yaml",
        2,
        "field 'forum_reconvened'",
        "field 'state' = 'GR'",
    ),
    case(
        "pledges-legal-problems-in-one-pass",
        "pool outcome --pledges {tmp}/legal.yaml",
        2,
        "duplicate relocation pledge",
        "deductions[0]",
    ),
    # -- years outside what is recorded: what is missing, in one message ---------------------
    case(
        "cycle-run-2031",
        "cycle run 2031 --out {tmp}/out",
        2,
        "cannot run the 2031 cycle",
        "no example pledges are shipped for this pool year (only for 2026)",
        "`cycle run --pledges FILE`",
        "no Council implementing act is recorded for this pool year (recorded: 2026)",
        "its annual report, where one is asked for (`cycle run` by default; --no-report skips "
        "it), assesses 2030",
        "assessable years are",
    ),
    case("key-year-2031", "key --year 2031", 2, "no Council act recorded", "known: 2026"),
    case("assess-2031", "assess 2031", 2, "lies outside the data", "assessable years are"),
    case("calendar-1990", "calendar 1990", 2, "a pool year from 2026"),
    # -- files the machine refuses: a sentence, exit 2, not an internal error ----------------
    case(
        "synthetic-pledges-no-folder",
        "pool synthetic-pledges --out {tmp}/no/such/s.yaml",
        2,
        "cannot read or write a file",
        "the folder {tmp}/no/such does not exist",
    ),
    case(
        "calendar-ics-no-folder",
        "calendar 2026 --ics {tmp}/no/x.ics",
        2,
        "the folder {tmp}/no does not exist",
    ),
    case(
        "methodology-a-list",
        "assess 2025 --methodology {tmp}/list.yaml",
        2,
        "a part of it has the wrong shape",
    ),
    case(
        "methodology-without-parameters",
        "assess 2025 --methodology {tmp}/no-parameters.yaml",
        2,
        "'parameters' is missing",
    ),
    case(
        "methodology-missing",
        "assess 2025 --methodology {tmp}/none.yaml",
        2,
        "cannot be read: no such file or directory",
    ),
    case(
        "methodology-broken-yaml",
        "assess 2025 --methodology {tmp}/broken.yaml",
        2,
        "is not valid YAML: line 3, column 1",
    ),
    case(
        "snapshot-folder-without-package",
        "--snapshot {tmp} key",
        2,
        "{tmp}/datapackage.json': cannot be read as JSON: no such file or directory",
        "names a data package folder",
    ),
    # -- the service's database, tokens and audit log ----------------------------------------
    case(
        "tokens-create-says-where",
        f"tokens create --role commission {DB}",
        0,
        "stored in the database sqlite:///{tmp}/eupact.db (a new database, created now)",
        "eupact serve",
    ),
    case(
        "tokens-create-existing-database",
        f"tokens create --role observer {DB}",
        0,
        "stored in the database sqlite:///{tmp}/eupact.db;",
        forbidden=("created now",),
        setup=(f"db upgrade {DB}",),
    ),
    case(
        "database-folder-missing",
        "tokens create --role commission --database-url sqlite:///{tmp}/no/such/t.db",
        2,
        "cannot open the database",
        "cannot be opened: the folder {tmp}/no/such does not exist",
    ),
    case(
        "database-not-a-url",
        "db upgrade --database-url nonsense",
        2,
        "not a database URL: write e.g. sqlite:///eupact.db",
    ),
    case(
        "database-unsupported",
        "db upgrade --database-url mysql://x/y",
        2,
        "not a database eupact works with",
    ),
    case(
        "database-not-sqlite",
        "db upgrade --database-url sqlite:///{tmp}/not-a-database.db",
        2,
        "is not a database file",
    ),
    case(
        "audit-verify-in-sentences",
        f"audit verify {DB}",
        0,
        "chain passed: each entry carries the hash of the one before it",
        "mac not checked: no key configured",
        "anchor not checked: no anchor file is configured (EUPACT_AUDIT_ANCHOR or --anchor).",
        "replay passed: the tables hold what the log's entries, replayed, give (1 record "
        "matches the log).",
        "intact: nothing in the audit log (1 entry) was changed behind the service's back",
        setup=(f"tokens create --role commission {DB}",),
    ),
    case(
        "audit-key-file-missing",
        f"audit verify {DB} --key-file {{tmp}}/none.key",
        2,
        "field '--key-file' = '{tmp}/none.key': the audit key cannot be read: no such file",
    ),
    case(
        "tokens-revoke-unknown",
        f"tokens revoke 999 {DB}",
        2,
        "no such token (eupact tokens list shows them)",
    ),
]


def flat(text: str) -> str:
    """Whitespace-insensitive text (Rich wraps and pads)."""
    return " ".join(text.split())


@pytest.mark.parametrize("bad", CASES)
def test_cli_error_message(tmp_path: Path, bad: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # anything a case writes by default lands here
    # --snapshot sets $EUPACT_SNAPSHOT for the process: set and removed here, so that it is
    # restored (absent) after the case, as is the database URL
    for name in ("EUPACT_DATABASE_URL", "EUPACT_SNAPSHOT"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    for name, content in FILES.items():
        target = tmp_path / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content.lstrip("\n"), encoding="utf-8")

    def run(argv: tuple[str, ...]) -> Any:
        args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
        return CliRunner().invoke(app, args, env={"COLUMNS": "200", "NO_COLOR": "1"})

    for step in bad.setup:
        assert run(step).exit_code == 0
    result = run(bad.argv)
    out = flat(result.output)
    assert result.exit_code == bad.code, result.output
    for phrase in bad.phrases:
        assert flat(phrase.replace("{tmp}", str(tmp_path))) in out, (
            f"{phrase!r} not in:\n{result.output}"
        )
    for pattern in FORBIDDEN + bad.forbidden:
        assert pattern not in out, f"{pattern!r} in:\n{result.output}"


def test_the_cases_cover_every_command_that_reads_a_state_or_a_year() -> None:
    commands = {p.values[0].argv[0] for p in CASES}  # type: ignore[attr-defined]
    assert {
        "key",
        "pool",
        "cycle",
        "match",
        "assess",
        "calendar",
        "tokens",
        "audit",
        "db",
    } <= commands
