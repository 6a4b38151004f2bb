"""Fresh databases for the cycle service's tests: a SQLite file, or a PostgreSQL database on the
server of this machine (127.0.0.1:5432, user postgres, trust auth), created from `test` and
dropped afterwards. Every backend test runs on both; PostgreSQL is required, not optional."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

PG_ADMIN = os.environ.get("EUPACT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")


@contextmanager
def fresh_database(backend: str, tmp: Path) -> Iterator[str]:
    """Yield the URL of an empty database of ``backend``; drop it afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp / f'eupact-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"eupact_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
