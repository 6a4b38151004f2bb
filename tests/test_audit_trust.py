"""The audit log as evidence (docs/audit.md), on both backends: the database refuses to edit it,
and `verify` detects what an attacker who owns the database does anyway — a rewritten and
re-hashed chain (by the MAC and by the anchor file), a cut-off end (by the anchor), a pledge's
amount or a token's role changed in the tables (by replaying the log)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from eupact.cli.main import app as cli
from eupact.cycle import audit
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Action, Role
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import alembic_config, make_engine, sessions, upgrade
from eupact.cycle.store.models import AuditRow, PledgeRow, TokenRow
from eupact.pool.pledges import Pledge, PledgeKind

from .audit_attacks import cut_log, drop_audit_guards, rewrite_entry
from .databases import BACKENDS, fresh_database

C = Actor("c", Role.COMMISSION)
CO = Actor("co", Role.COUNCIL)
DE = Actor("de", Role.MEMBER_STATE, "DE")
KEY = b"a test key of 32 bytes, not real"


@dataclass
class Db:
    backend: str
    url: str
    engine: Engine
    tmp: Path

    def service(self, config: audit.AuditConfig | None = None) -> CycleService:
        return CycleService(audit.use(sessions(self.engine), config or audit.AuditConfig()))

    def verify(self, config: audit.AuditConfig | None = None) -> audit.Verification:
        with sessions(self.engine)() as session:
            return audit.verify(session, config or audit.AuditConfig())

    def sql(self, statement: str, **params: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(statement), params)


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Db]:
    with fresh_database(request.param, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        yield Db(request.param, url, engine, tmp_path)
        engine.dispose()


def run_cycle(svc: CycleService) -> int:
    """Entries 1-6: the cycle to pledging; 7-8: a pledge created and changed; 9-10: another
    created and deleted. The first pledge's id."""
    svc.create_cycle(C, 2026)
    for action, who in [
        (Action.ADOPT_REPORT, C),
        (Action.ADOPT_DECISION, C),
        (Action.ADOPT_PROPOSAL, C),
        (Action.CONVENE_FORUM, CO),
        (Action.OPEN_PLEDGING, CO),
    ]:
        svc.transition(who, 2026, action, dt.date(2025, 11, 11))
    svc.create_pledge(DE, 2026, Pledge("DE", PledgeKind.FINANCIAL, Decimal("1000.50")))
    with svc.sessions() as session:
        pid = session.execute(select(PledgeRow.id)).scalar_one()
    svc.update_pledge(DE, 2026, pid, Pledge("DE", PledgeKind.FINANCIAL, Decimal("2000.25")), 1)
    svc.create_pledge(DE, 2026, Pledge("DE", PledgeKind.RELOCATION, Decimal(10)))
    with svc.sessions() as session:
        other = session.execute(select(PledgeRow.id).where(PledgeRow.id != pid)).scalar_one()
    svc.delete_pledge(DE, 2026, other, 1)
    return int(pid)


def entries(db: Db) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AuditRow)).scalar_one())


# -- the database refuses -------------------------------------------------------------------------


def test_the_database_refuses_to_update_or_delete_an_entry(db: Db) -> None:
    run_cycle(db.service())
    with pytest.raises(DBAPIError, match="append-only"):
        db.sql("UPDATE audit_log SET actor = 'someone else' WHERE seq = 3")
    with pytest.raises(DBAPIError, match="append-only"):
        db.sql("DELETE FROM audit_log WHERE seq = 10")
    if db.backend == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            db.sql("TRUNCATE audit_log")
    assert db.verify().ok and entries(db) == 10


def test_the_head_moves_forward_only(db: Db) -> None:
    svc = db.service()
    run_cycle(svc)
    with pytest.raises(DBAPIError, match="forward only"):
        db.sql("UPDATE audit_head SET seq = 7")
    with pytest.raises(DBAPIError, match="forward only"):
        db.sql("DELETE FROM audit_head")
    svc.create_pledge(DE, 2026, Pledge("DE", PledgeKind.RELOCATION, Decimal(5)))  # still appends
    verdict = db.verify()
    assert verdict.ok and verdict.entries == 11, verdict


def test_postgresql_service_runs_as_a_writer_that_cannot_edit_the_log(tmp_path: Path) -> None:
    """The service connected as a member of ``eupact_writer`` works; that role may append to the
    log but not change it, even with the triggers gone."""
    with fresh_database("postgresql", tmp_path) as url:
        upgrade(url)
        owner = make_engine(url)
        writer = make_engine(url)

        @event.listens_for(writer, "connect")
        def _as_writer(dbapi_connection: Any, _record: Any) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET ROLE eupact_writer")
            dbapi_connection.commit()  # SET in a rolled-back transaction would be undone

        try:
            svc = CycleService(audit.use(sessions(writer), audit.AuditConfig()))
            run_cycle(svc)
            svc.create_token(Role.OBSERVER, label="reader")
            assert svc.verify_audit()["ok"]
            with writer.connect() as conn:
                assert conn.exec_driver_sql("SELECT current_user").scalar() == "eupact_writer"
            drop_audit_guards(owner)
            for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
                with pytest.raises(DBAPIError, match="permission denied"), writer.begin() as c:
                    c.exec_driver_sql(statement)
        finally:
            writer.dispose()
            owner.dispose()


def test_the_migration_downgrades_and_upgrades_again(db: Db) -> None:
    run_cycle(db.service())
    db.engine.dispose()
    command.downgrade(alembic_config(db.url), "0001")
    db.sql("UPDATE audit_log SET actor = actor WHERE seq = 1")  # no trigger left
    upgrade(db.url)
    with pytest.raises(DBAPIError, match="append-only"):
        db.sql("UPDATE audit_log SET actor = actor WHERE seq = 1")
    assert db.verify().ok


# -- a rewritten chain: the MAC ------------------------------------------------------------------


def test_a_rewritten_and_rehashed_chain_is_detected_by_the_mac(db: Db) -> None:
    keyed = audit.AuditConfig(key=KEY)
    run_cycle(db.service(keyed))
    assert db.verify(keyed).ok
    rewrite_entry(db.engine, 3, actor="someone else")
    # the chain alone cannot tell: it was recomputed
    unkeyed = db.verify()
    assert unkeyed.ok and dict(unkeyed.checks)["mac"].startswith("not possible"), unkeyed
    verdict = db.verify(keyed)
    assert (verdict.ok, verdict.check, verdict.first_bad) == (False, "mac", 3), verdict
    assert "without the key" in verdict.reason


def test_removing_the_macs_from_the_rewritten_entry_on_is_detected(db: Db) -> None:
    keyed = audit.AuditConfig(key=KEY)
    run_cycle(db.service(keyed))
    rewrite_entry(db.engine, 4, keep_mac=False, article="Art. 1")
    verdict = db.verify(keyed)
    assert (verdict.ok, verdict.check, verdict.first_bad) == (False, "mac", 4), verdict
    assert "no MAC" in verdict.reason


def test_a_wrong_key_is_not_mistaken_for_an_intact_log(db: Db) -> None:
    run_cycle(db.service(audit.AuditConfig(key=KEY)))
    verdict = db.verify(audit.AuditConfig(key=b"another key, also of 32 bytes..."))
    assert (verdict.ok, verdict.check, verdict.first_bad) == (False, "mac", 1)


def test_entries_written_without_a_key_are_not_called_tampered(db: Db) -> None:
    run_cycle(db.service())
    verdict = db.verify(audit.AuditConfig(key=KEY))
    assert verdict.ok, verdict
    assert dict(verdict.checks)["mac"].startswith("not possible"), verdict.checks
    # a key configured later protects the entries from then on
    keyed = db.service(audit.AuditConfig(key=KEY))
    keyed.create_pledge(DE, 2026, Pledge("DE", PledgeKind.RELOCATION, Decimal(5)))
    verdict = db.verify(audit.AuditConfig(key=KEY))
    assert verdict.ok and dict(verdict.checks)["mac"].startswith("passed for entries 11-11")


# -- a rewritten or cut chain: the anchor --------------------------------------------------------


def test_a_rewritten_and_rehashed_chain_is_detected_by_the_anchor(db: Db) -> None:
    anchored = audit.AuditConfig(anchor=db.tmp / "audit.anchor")
    run_cycle(db.service(anchored))
    lines = (db.tmp / "audit.anchor").read_text().splitlines()
    assert [int(line.split()[0]) for line in lines] == list(range(1, 11))
    rewrite_entry(db.engine, 3, actor="someone else")
    verdict = db.verify(anchored)
    assert (verdict.ok, verdict.check, verdict.first_bad) == (False, "anchor", 3), verdict


def test_a_cut_off_end_is_detected_by_the_anchor(db: Db) -> None:
    anchored = audit.AuditConfig(anchor=db.tmp / "audit.anchor")
    run_cycle(db.service(anchored))
    cut_log(db.engine, keep=7)
    verdict = db.verify(anchored)
    assert (verdict.ok, verdict.check, verdict.first_bad) == (False, "anchor", 8), verdict
    assert "entries 8-10 were deleted" in verdict.reason


def test_an_anchor_lagging_behind_is_not_tampering_when_a_key_vouches(db: Db) -> None:
    """A crash between COMMIT and the anchor's write leaves the last entries unanchored, and a
    crash inside the write a line cut short: with a key, their MACs vouch for them."""
    anchor = db.tmp / "audit.anchor"
    keyed = audit.AuditConfig(key=b"k" * 32, anchor=anchor)
    run_cycle(db.service(keyed))
    lines = anchor.read_text().splitlines(keepends=True)
    anchor.write_text("".join(lines[:7]) + lines[7][:20])
    verdict = db.verify(keyed)
    assert verdict.ok, verdict
    assert dict(verdict.checks)["anchor"].startswith("passed (3 entries not in the file: a crash")


def test_unanchored_entries_without_a_key_fail(db: Db) -> None:
    """Found by probing: with an anchor and no key, an entry appended behind the service's back
    after the last anchored one looked like a crash's gap and passed. Nothing vouches for it."""
    anchor = db.tmp / "audit.anchor"
    run_cycle(db.service(audit.AuditConfig(anchor=anchor)))
    lines = anchor.read_text().splitlines(keepends=True)
    anchor.write_text("".join(lines[:7]))
    verdict = db.verify(audit.AuditConfig(anchor=anchor))
    assert not verdict.ok and verdict.check == "anchor" and verdict.first_bad == 8, verdict
    assert "not in the anchor file and no key authenticates them" in verdict.reason


def test_a_rolled_back_write_is_not_anchored(db: Db) -> None:
    anchor = db.tmp / "audit.anchor"
    config = audit.AuditConfig(anchor=anchor)
    svc = db.service(config)
    run_cycle(svc)
    with pytest.raises(RuntimeError), svc.sessions() as session, session.begin():
        audit.append(
            session,
            **{"actor": "x", "role": "x", "action": "x", "article": "x", "entity": "x:1"},
            before=None,
            after=None,
            at=dt.datetime.now(dt.UTC),
        )
        raise RuntimeError("the write fails after its entry was appended")
    svc.create_pledge(DE, 2026, Pledge("DE", PledgeKind.RELOCATION, Decimal(3)))
    seqs = [int(line.split()[0]) for line in anchor.read_text().splitlines()]
    assert seqs == list(range(1, 12))
    assert db.verify(config).ok


# -- the tables against the log: the replay ------------------------------------------------------


def test_a_pledge_amount_changed_in_the_table_is_found_by_replay(db: Db) -> None:
    pid = run_cycle(db.service())
    db.sql("UPDATE pledges SET amount_cents = 99999999 WHERE id = :id", id=pid)
    verdict = db.verify()
    assert (verdict.ok, verdict.check, verdict.entity) == (False, "replay", f"pledge:{pid}")
    assert verdict.first_bad == 8  # the entry that last recorded the pledge
    assert "amount_eur is 999999.99 in the table, 2000.25 by the log" in verdict.reason


def test_pledges_inserted_or_deleted_in_the_table_are_found_by_replay(db: Db) -> None:
    pid = run_cycle(db.service())
    db.sql(
        "INSERT INTO pledges (id, year, state, kind, relocations, amount_cents, requested_by, "
        "note, version, updated_at) VALUES (99, 2026, 'FR', 'financial', 0, 100, '', '', 1, :at)",
        at=dt.datetime(2026, 1, 1),
    )
    db.sql("DELETE FROM pledges WHERE id = :id", id=pid)
    verdict = db.verify()
    assert (verdict.ok, verdict.check, verdict.entity) == (False, "replay", f"pledge:{pid}")
    assert "deleted behind the log's back" in verdict.reason
    assert verdict.more == (
        "pledge:99 is in the table but no audit entry created it: inserted behind the log's back",
    )


def test_a_token_role_changed_in_the_table_is_found_by_replay(db: Db) -> None:
    svc = db.service()
    svc.create_token(Role.MEMBER_STATE, "DE", "Berlin")
    with db.engine.begin() as conn:
        token = conn.execute(select(TokenRow)).one()
    with svc.sessions() as session, session.begin():
        logged = session.execute(select(AuditRow.seq).where(AuditRow.entity == f"token:{token.id}"))
        if logged.first() is None:  # until the service records token.create itself
            view = {
                "id": token.id,
                "role": token.role,
                "state": token.state,
                "label": token.label,
                "expires_at": None,
                "revoked": token.revoked,
            }
            audit.append(
                session,
                actor="operator",
                role="operator",
                action="token.create",
                article="-",
                entity=f"token:{token.id}",
                before=None,
                after=view,
                at=dt.datetime.now(dt.UTC),
            )
    assert db.verify().ok
    db.sql("UPDATE tokens SET role = 'commission', state = NULL WHERE id = :id", id=token.id)
    verdict = db.verify()
    assert (verdict.ok, verdict.check, verdict.entity) == (False, "replay", f"token:{token.id}")
    assert 'role is "commission" in the table, "member_state" by the log' in verdict.reason


def test_tokens_from_before_tokens_were_audited_are_not_called_tampered(db: Db) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            TokenRow.__table__.insert(),
            {
                "token_hash": "0" * 64,
                "role": "observer",
                "label": "old",
                "revoked": False,
                "created_at": dt.datetime(2025, 1, 1),
            },
        )
    verdict = db.verify()
    assert verdict.ok and "1 tokens predate" in dict(verdict.checks)["replay"], verdict


# -- `eupact audit verify` -----------------------------------------------------------------------


def test_cli_exits_0_when_intact_and_1_naming_the_first_bad_entry(db: Db) -> None:
    anchor, key_file = db.tmp / "audit.anchor", db.tmp / "audit.key"
    key_file.write_bytes(KEY + b"\n")
    run_cycle(db.service(audit.AuditConfig(key=KEY, anchor=anchor)))
    args = ["audit", "verify", "--database-url", db.url, "--anchor", str(anchor)]
    args += ["--key-file", str(key_file)]
    intact = CliRunner().invoke(cli, args)
    assert intact.exit_code == 0, intact.output
    assert "chain intact" in intact.output and re.search(r"anchor +passed", intact.output)
    rewrite_entry(db.engine, 5, role="observer")
    tampered = CliRunner().invoke(cli, args)
    assert tampered.exit_code == 1, tampered.output
    assert "TAMPERED (mac check; first bad: entry 5)" in tampered.output, tampered.output
    without_key = CliRunner().invoke(cli, args[:-2])
    assert without_key.exit_code == 1, without_key.output
    assert "first bad: entry 5" in without_key.output and "anchor" in without_key.output
    assert "Verification(" not in tampered.output and "{'" not in tampered.output


def test_cli_names_the_record_changed_behind_the_log(db: Db) -> None:
    pid = run_cycle(db.service())
    db.sql("UPDATE pledges SET note = 'edited' WHERE id = :id", id=pid)
    result = CliRunner().invoke(cli, ["audit", "verify", "--database-url", db.url])
    assert result.exit_code == 1, result.output
    assert f"record pledge:{pid}" in result.output and "replay check" in result.output


# -- configuration -------------------------------------------------------------------------------


def test_config_from_the_environment(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_bytes(KEY + b"\n")
    assert audit.AuditConfig.from_env({}) == audit.AuditConfig()
    got = audit.AuditConfig.from_env(
        {
            "EUPACT_AUDIT_KEY_FILE": str(key_file),
            "EUPACT_AUDIT_ANCHOR": str(tmp_path / "a"),
            "EUPACT_AUDIT_ANCHOR_FSYNC": "1",
        }
    )
    assert got == audit.AuditConfig(KEY, tmp_path / "a", True)
    assert KEY.decode() not in repr(got)
    with pytest.raises(ValueError, match="not both"):
        audit.AuditConfig.from_env(
            {"EUPACT_AUDIT_KEY": KEY.decode(), "EUPACT_AUDIT_KEY_FILE": str(key_file)}
        )
    with pytest.raises(ValueError, match="at least 16"):
        audit.AuditConfig.from_env({"EUPACT_AUDIT_KEY": "short"})


def test_two_hashes_for_one_entry_in_the_anchor_are_refused(tmp_path: Path) -> None:
    anchor = tmp_path / "a"
    anchor.write_text(f"1 {'a' * 64}\n2 {'b' * 64}\n1 {'c' * 64}\n")
    with pytest.raises(audit.AnchorUnreadable, match="two different hashes for entry 1"):
        audit.read_anchor(anchor)


def test_an_intact_log_verifies_in_any_session_time_zone(db: Db) -> None:
    """Found by probing: on PostgreSQL with PGTZ=Europe/Berlin (or a database's own time zone)
    an intact log was reported altered, its times hashed in local wall time."""
    run_cycle(db.service(audit.AuditConfig()))
    if db.url.startswith("postgresql"):
        name = db.url.rsplit("/", 1)[1]
        admin = make_engine(db.url)
        with admin.connect() as conn:
            conn.execute(text(f"ALTER DATABASE \"{name}\" SET timezone TO 'Asia/Kolkata'"))
            conn.commit()
        admin.dispose()
    engine = make_engine(db.url)
    try:
        with sessions(engine)() as session:
            if engine.dialect.name == "postgresql":
                zone = session.execute(text("SHOW timezone")).scalar_one()
                assert zone == "Asia/Kolkata", zone
            verdict = audit.verify(session, audit.AuditConfig())
    finally:
        engine.dispose()
    assert verdict.ok, verdict
