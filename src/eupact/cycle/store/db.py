"""Engines and migrations: SQLite (embedded default) or PostgreSQL, schema by Alembic."""

from __future__ import annotations

import os
import threading
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
DEFAULT_URL = "sqlite:///eupact.db"
WRITE = "eupact_write"  # execution option marking a transaction that will write


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("EUPACT_DATABASE_URL") or DEFAULT_URL


def make_engine(url: str | None = None) -> Engine:
    """An engine whose transactions serialise writers the way the audit chain needs."""
    url = database_url(url)
    if url.startswith("sqlite"):
        # "timeout" is SQLite's busy timeout (seconds): a writer waits that long for the lock.
        # As many pooled connections as the server has threads (anyio's 40): a thread does not
        # wait for a connection, only (writers) for the in-process write lock.
        database = make_url(url).database or ""
        pool = {} if database in ("", ":memory:") else {"pool_size": 40, "max_overflow": 10}
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **pool
        )
        _sqlite_immediate_transactions(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # No pre-ping: it costs a round trip and ~0.6 ms of CPU per checkout (two per write: a
    # quarter of a pledge's CPU). After a PostgreSQL restart, the first statement on a stale
    # connection fails, SQLAlchemy then discards the whole pool, and the API answers that one
    # request 503 "retry" (api/app.py); the next request gets a fresh connection.
    return create_engine(url, pool_size=20, max_overflow=40, pool_pre_ping=False)


def sqlite_synchronous() -> str:
    """SQLite's ``synchronous`` setting, from EUPACT_SQLITE_SYNCHRONOUS: FULL (the default) or
    NORMAL.

    FULL syncs the write-ahead log to disk at every COMMIT: an acknowledged write survives a
    power cut. NORMAL syncs only at checkpoints: an acknowledged write still survives the
    server process being killed (kill -9; the log is in the operating system's cache), but the
    last commits before a power cut or an operating-system crash may be rolled back (the
    database stays consistent, the audit chain intact). With FULL each write holds SQLite's
    one write lock for an fsync (about 1 ms on a quiet disk, 5+ ms on a busy one).
    """
    value = os.environ.get("EUPACT_SQLITE_SYNCHRONOUS", "FULL").upper()
    if value not in ("FULL", "NORMAL"):
        raise ValueError(f"EUPACT_SQLITE_SYNCHRONOUS={value!r}: FULL or NORMAL")
    return value


def _sqlite_immediate_transactions(engine: Engine) -> None:
    """SQLite: a writing transaction takes the write lock at BEGIN, so two writers never
    deadlock on upgrade; the write-ahead log keeps readers and the writer apart."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={sqlite_synchronous()}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # Writers take the lock at BEGIN; readers do not queue behind them (WAL).
        write = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


_WRITE_LOCKS: dict[str, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def write_lock(engine: Engine) -> AbstractContextManager[Any]:
    """What a writing transaction holds around its BEGIN … COMMIT inside this process.

    SQLite admits one writer; threads that contend for its lock through the busy handler sleep
    1–100 ms between tries, and the lock sits idle while they sleep. One lock per database file
    and process queues them instead, and wakes the next one the moment the lock is free (other
    processes still meet at SQLite's lock). PostgreSQL queues writers on the audit head's row
    lock itself: nothing to hold here.
    """
    if engine.dialect.name != "sqlite":
        return nullcontext()
    name = engine.url.database or ""
    if name in ("", ":memory:") or name.startswith("file:"):
        name = f"engine:{id(engine)}"  # a private database: one lock per engine
    else:
        name = os.path.realpath(name)
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(name, threading.RLock())


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None) -> None:
    """Bring the database to the latest schema."""
    command.upgrade(alembic_config(database_url(url)), "head")


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
