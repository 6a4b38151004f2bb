"""The append-only audit log of the cycle (every step under Art. 7-9, 57-69 AMMR): evidence of who
did what, that someone holding the database cannot quietly rewrite.

Four checks, each against a stronger attacker (docs/audit.md):

- chain: each entry carries the hash of the previous one, so an edited, inserted or deleted entry
  breaks the chain from there on (unless the whole rest is recomputed);
- MAC: each entry's hash is also signed (HMAC-SHA256) with a key the database never sees
  (``EUPACT_AUDIT_KEY`` / ``EUPACT_AUDIT_KEY_FILE``), so a recomputed chain is told apart;
- anchor: after COMMIT each entry's ``seq hash`` is appended to a file outside the database
  (``EUPACT_AUDIT_ANCHOR``), so a rewritten or truncated log disagrees with it;
- replay: the entries' before/after views, replayed, must give the rows now in the tables
  (:mod:`eupact.cycle.audit_replay`), so a row changed behind the service's back is found.

The database itself refuses to update or delete entries (triggers, migration 0002). The chain's
head is one locked row, so concurrent writers append one after another.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, event, func, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from eupact.cycle.store.models import AuditHeadRow, AuditRow

GENESIS = "0" * 64
CONFIG = "eupact_audit_config"  # Session.info key (set on a sessionmaker by :func:`use`)
_ANCHORING = "eupact_audit_anchoring"  # Session.info key: (config, [(seq, hash)]) until COMMIT
ENV_KEY = "EUPACT_AUDIT_KEY"
ENV_KEY_FILE = "EUPACT_AUDIT_KEY_FILE"
ENV_ANCHOR = "EUPACT_AUDIT_ANCHOR"
ENV_ANCHOR_FSYNC = "EUPACT_AUDIT_ANCHOR_FSYNC"
MIN_KEY_BYTES = 16

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AuditConfig:
    """Where the chain is anchored outside the database; nothing set: chain and replay only."""

    key: bytes | None = field(default=None, repr=False)  # never printed
    anchor: Path | None = None
    anchor_fsync: bool = False

    def __post_init__(self) -> None:
        if self.key is not None and len(self.key) < MIN_KEY_BYTES:
            raise ValueError(
                f"the audit key has {len(self.key)} bytes: use at least {MIN_KEY_BYTES} random "
                "bytes (e.g. `openssl rand -hex 32`)"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AuditConfig:
        """From EUPACT_AUDIT_KEY or EUPACT_AUDIT_KEY_FILE, EUPACT_AUDIT_ANCHOR and
        EUPACT_AUDIT_ANCHOR_FSYNC (1: fsync the anchor file at every COMMIT)."""
        env = os.environ if environ is None else environ
        return _from_env(
            env.get(ENV_KEY) or None,
            env.get(ENV_KEY_FILE) or None,
            env.get(ENV_ANCHOR) or None,
            env.get(ENV_ANCHOR_FSYNC, "") in ("1", "true", "yes"),
        )

    def with_key_file(self, path: Path) -> AuditConfig:
        return replace(self, key=_read_key(path))


@functools.lru_cache(maxsize=8)
def _from_env(
    key: str | None, key_file: str | None, anchor: str | None, fsync: bool
) -> AuditConfig:
    # cached: every append asks, and a key file is read once per process
    if key and key_file:
        raise ValueError(f"set {ENV_KEY} or {ENV_KEY_FILE}, not both")
    secret = key.encode() if key else _read_key(Path(key_file)) if key_file else None
    return AuditConfig(secret, Path(anchor) if anchor else None, fsync)


def _read_key(path: Path) -> bytes:
    # a trailing newline is an editor's, not the key's
    return path.read_bytes().rstrip(b"\r\n")


def use(factory: sessionmaker[Session], config: AuditConfig) -> sessionmaker[Session]:
    """Make the sessions of ``factory`` append and verify with ``config`` instead of the
    environment's (tests, or a program that holds its own key)."""
    factory.kw["info"] = {**factory.kw.get("info", {}), CONFIG: config}
    return factory


def config_of(session: Session) -> AuditConfig:
    config = session.info.get(CONFIG)
    return config if isinstance(config, AuditConfig) else AuditConfig.from_env()


def mac_of(key: bytes, digest: str) -> str:
    return hmac.new(key, digest.encode(), hashlib.sha256).hexdigest()


def _digest(prev_hash: str, seq: int, at: dt.datetime, fields: dict[str, Any]) -> str:
    body = json.dumps(
        {"prev": prev_hash, "seq": seq, "at": _iso(at), **fields},
        sort_keys=True,
        default=str,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _iso(at: dt.datetime) -> str:
    # Hash the UTC wall time: SQLite returns naive datetimes (UTC), PostgreSQL aware ones in
    # the session's time zone (PGTZ=Europe/Berlin once made an intact log look altered).
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC)
    return at.replace(tzinfo=None).isoformat(timespec="microseconds")


def append(
    session: Session,
    *,
    actor: str,
    role: str,
    action: str,
    article: str,
    entity: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: dt.datetime,
) -> int:
    """Append one entry inside the caller's transaction (locking the chain's head); its seq.

    No ORM objects: advancing the head's ``seq`` takes the head's row lock and answers the
    previous hash in one round trip (``UPDATE … RETURNING``); then the entry is inserted and the
    head's hash set (one statement on PostgreSQL, two on SQLite). The lock is held from here to
    the caller's COMMIT, so callers append as the last step of their transaction. With an anchor
    file configured, the entry's ``seq hash`` is written to it after that COMMIT.
    """
    config = config_of(session)
    conn = session.connection()
    seq, prev_hash = conn.execute(_ADVANCE).one()
    fields = {
        "actor": actor,
        "role": role,
        "action": action,
        "article": article,
        "entity": entity,
        "before": before,
        "after": after,
    }
    digest = _digest(prev_hash, seq, at, fields)
    mac = mac_of(config.key, digest) if config.key is not None else None
    entry = {"seq": seq, "at": at, "prev_hash": prev_hash, "hash": digest, "mac": mac, **fields}
    if conn.dialect.name == "postgresql":
        # one round trip less while the head is locked: INSERT in a CTE of the head's UPDATE
        conn.execute(_APPEND, {f"e_{k}": v for k, v in entry.items()})
    else:
        conn.execute(_INSERT, entry)
        conn.execute(_SET_HASH, {"digest": digest})
    if config.anchor is not None:
        anchoring: tuple[AuditConfig, list[tuple[int, str]]] | None = session.info.get(_ANCHORING)
        if anchoring is None:
            anchoring = session.info[_ANCHORING] = (config, [])
        anchoring[1].append((int(seq), digest))
    return int(seq)


_ADVANCE = (
    update(AuditHeadRow)
    .where(AuditHeadRow.id == 1)
    .values(seq=AuditHeadRow.seq + 1)
    .returning(AuditHeadRow.seq, AuditHeadRow.hash)  # the new seq, the previous entry's hash
)
_INSERT = insert(AuditRow)
# PostgreSQL: the entry's INSERT rides in a CTE of the head's UPDATE (both take ``e_hash``)
_APPEND = (
    update(AuditHeadRow)
    .where(AuditHeadRow.id == 1)
    .values(hash=bindparam("e_hash"))
    .add_cte(
        insert(AuditRow)
        .values(
            {c.name: bindparam(f"e_{c.name}", type_=c.type) for c in AuditRow.__table__.columns}
        )
        .cte("entry")
    )
)
_SET_HASH = update(AuditHeadRow).where(AuditHeadRow.id == 1).values(hash=bindparam("digest"))


# -- the anchor file ---------------------------------------------------------------------------


@event.listens_for(Session, "after_commit")
def _anchor_committed(session: Session) -> None:
    anchoring = session.info.pop(_ANCHORING, None)
    if anchoring is None:
        return
    config, entries = anchoring
    try:
        write_anchor(config.anchor, entries, fsync=config.anchor_fsync)
    except OSError as exc:
        # The entries are committed: failing the request now would not undo them. The anchor
        # lags behind (which verify does not call tampering) until the file is writable again.
        log.error("audit anchor %s not written for entries %s: %s", config.anchor, entries, exc)


@event.listens_for(Session, "after_transaction_end")
def _anchor_forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # rolled back or closed without COMMIT: no such entries
        session.info.pop(_ANCHORING, None)


def write_anchor(path: Path, entries: list[tuple[int, str]], *, fsync: bool = False) -> None:
    """Append ``seq hash`` lines in one write: with O_APPEND, processes sharing the file never
    interleave inside a line."""
    data = "".join(f"{seq} {digest}\n" for seq, digest in entries).encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, data)
        if fsync:
            os.fsync(fd)
    finally:
        os.close(fd)


class AnchorUnreadable(ValueError):
    pass


def read_anchor(path: Path) -> dict[int, str]:
    """The anchored hash of each seq. A last line cut short (a crash mid-write) is ignored."""
    anchored: dict[int, str] = {}
    text = path.read_text(encoding="ascii", errors="replace")
    lines = text.split("\n")
    if lines and lines[-1] != "":
        lines.pop()  # no newline yet: a write the crash cut short
    for number, line in enumerate(lines, 1):
        if not line:
            continue
        parts = line.split(" ")
        if len(parts) != 2 or not parts[0].isdigit() or len(parts[1]) != 64:
            raise AnchorUnreadable(f"line {number} of the anchor file is not 'seq hash'")
        seq, digest = int(parts[0]), parts[1]
        if anchored.setdefault(seq, digest) != digest:
            raise AnchorUnreadable(
                f"the anchor file records two different hashes for entry {seq} (line {number}): "
                "the log was rewritten from that entry on, or two databases share the file"
            )
    return anchored


# -- verification ------------------------------------------------------------------------------

CHECKS = ("chain", "mac", "anchor", "replay")


@dataclass(frozen=True)
class Verification:
    """The verdict: ``check`` names the first check that failed, ``first_bad`` the entry's seq,
    ``entity`` the record (replay); ``checks`` says how each check went, in words."""

    ok: bool
    entries: int
    first_bad: int | None
    reason: str
    check: str | None = None
    entity: str | None = None
    checks: tuple[tuple[str, str], ...] = ()
    more: tuple[str, ...] = ()  # further discrepancies (replay), after the first

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "first_bad_seq": self.first_bad,
            "reason": self.reason,
            "check": self.check,
            "entity": self.entity,
            "checks": dict(self.checks),
            "more": list(self.more),
        }


@dataclass
class _Outcome:
    checks: dict[str, str] = field(default_factory=dict)
    failure: tuple[str, int | None, str, str | None] | None = None  # check, seq, reason, entity
    more: tuple[str, ...] = ()

    def fail(self, check: str, seq: int | None, reason: str, entity: str | None = None) -> None:
        self.checks[check] = "failed"
        self.failure = (check, seq, reason, entity)


def verify(session: Session, config: AuditConfig | None = None) -> Verification:
    """Run every configured check; report the first entry (or record) that was edited, deleted,
    inserted or changed behind the log's back."""
    from eupact.cycle.audit_replay import Replay

    config = config or config_of(session)
    out = _Outcome()
    # The anchor is read before the database's snapshot is taken: every anchored entry was
    # committed by then, so a concurrent writer cannot look like a truncation.
    anchored: dict[int, str] | None = None
    if config.anchor is None:
        out.checks["anchor"] = f"not configured ({ENV_ANCHOR})"
    elif not config.anchor.exists():
        out.checks["anchor"] = f"not possible: {config.anchor} does not exist (no entry anchored)"
    else:
        try:
            anchored = read_anchor(config.anchor)
        except AnchorUnreadable as exc:
            out.fail("anchor", None, str(exc))
    _snapshot(session)
    entries = session.execute(select(func.count()).select_from(AuditRow)).scalar_one()
    if out.failure is not None:
        return _verdict(out, entries)

    replay = Replay()
    prev, expected_seq = GENESIS, 1
    with_mac = without_mac = 0
    for row in session.execute(_ENTRIES.execution_options(yield_per=2000)):
        if row.seq != expected_seq:
            out.fail("chain", expected_seq, f"entry {expected_seq} is missing (deleted)")
            break
        fields = {
            "actor": row.actor,
            "role": row.role,
            "action": row.action,
            "article": row.article,
            "entity": row.entity,
            "before": row.before,
            "after": row.after,
        }
        if row.prev_hash != prev or _digest(prev, row.seq, row.at, fields) != row.hash:
            out.fail("chain", row.seq, f"entry {row.seq} was altered")
            break
        if config.key is not None:
            if row.mac is None:
                if with_mac:
                    out.fail(
                        "mac",
                        row.seq,
                        f"entry {row.seq} has no MAC although earlier entries have one: it was "
                        "written without the key, or its MAC was removed",
                    )
                    break
                without_mac += 1
            elif not hmac.compare_digest(row.mac, mac_of(config.key, row.hash)):
                out.fail(
                    "mac",
                    row.seq,
                    f"entry {row.seq} does not carry the MAC of its hash: it was rewritten by "
                    "someone without the key (or the configured key is not the one that "
                    "signed it)",
                )
                break
            else:
                with_mac += 1
        elif row.mac is not None:
            with_mac += 1
        if anchored is not None and anchored.get(row.seq, row.hash) != row.hash:
            out.fail(
                "anchor",
                row.seq,
                f"entry {row.seq} differs from the hash anchored outside the database: the log "
                "was rewritten from that entry on",
            )
            break
        replay.apply(row.seq, row.action, row.entity, row.before, row.after)
        prev, expected_seq = row.hash, expected_seq + 1
    if out.failure is not None:
        return _verdict(out, entries)
    last = expected_seq - 1

    head = session.get(AuditHeadRow, 1)
    if head is not None and (head.seq != last or head.hash != prev):
        out.fail("chain", last + 1, "the last entries were deleted")
        return _verdict(out, entries)
    out.checks["chain"] = "passed"

    if config.key is None:
        out.checks["mac"] = (
            f"not possible: no key configured ({ENV_KEY} or {ENV_KEY_FILE}); "
            f"{with_mac} of {last} entries carry a MAC"
        )
    elif with_mac == 0:
        out.checks["mac"] = "not possible: no entry carries a MAC (written without a key)"
    elif without_mac:
        out.checks["mac"] = (
            f"passed for entries {without_mac + 1}-{last}; entries 1-{without_mac} were "
            "written before a key was configured"
        )
    else:
        out.checks["mac"] = "passed"

    if anchored is not None:
        beyond = max(anchored, default=0)
        if beyond > last:
            out.fail(
                "anchor",
                last + 1,
                f"the log ends at entry {last} but the anchor file records entries up to "
                f"{beyond}: entries {last + 1}-{beyond} were deleted",
            )
            return _verdict(out, entries)
        unanchored = last - len(anchored)
        if unanchored > 0 and config.key is None:
            # Nothing authenticates entries the anchor has not seen: they may be a crash's gap
            # or entries appended behind the service's back; without a key, say so and fail.
            gap = next(seq for seq in range(1, last + 1) if seq not in anchored)
            out.fail(
                "anchor",
                gap,
                f"{unanchored} entries from entry {gap} on are not in the anchor file and no "
                "key authenticates them: after a crash between COMMIT and the anchor's write, "
                "check them against the service's records; otherwise they were appended behind "
                "the service's back (configure a key to tell the two apart)",
            )
            return _verdict(out, entries)
        out.checks["anchor"] = "passed" + (
            f" ({unanchored} entries not in the file: a crash between COMMIT and its write, "
            "or the file was not writable)"
            if unanchored > 0
            else ""
        )

    found = replay.compare(session)
    if found:
        first = found[0]
        out.fail("replay", first.seq, first.reason, first.entity)
        out.more = tuple(d.reason for d in found[1:])
        return _verdict(out, entries)
    out.checks["replay"] = f"passed: {replay.summary()}"
    return _verdict(out, entries)


_ENTRIES = select(
    AuditRow.seq,
    AuditRow.at,
    AuditRow.actor,
    AuditRow.role,
    AuditRow.action,
    AuditRow.article,
    AuditRow.entity,
    AuditRow.before,
    AuditRow.after,
    AuditRow.prev_hash,
    AuditRow.hash,
    AuditRow.mac,
).order_by(AuditRow.seq)


def _snapshot(session: Session) -> None:
    """Read the log and the tables at one instant: PostgreSQL's default (READ COMMITTED) would
    let a write that commits between the two reads look like a row changed behind the log."""
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return  # SQLite: one transaction reads one snapshot (WAL) already
    session.connection(
        execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    )


def _verdict(out: _Outcome, entries: int) -> Verification:
    checks = tuple((name, out.checks.get(name, "not run")) for name in CHECKS)
    if out.failure is not None:
        check, seq, reason, entity = out.failure
        return Verification(False, entries, seq, reason, check, entity, checks, out.more)
    done = [name for name, status in checks if status.startswith("passed")]
    reason = "chain intact" + ("; " + ", ".join(done[1:]) + " passed" if done[1:] else "")
    return Verification(True, entries, None, reason, None, None, checks)
