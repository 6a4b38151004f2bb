"""Alembic environment: the URL comes from the config eupact builds (see store/db.py)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from eupact.cycle.store import border as _border  # noqa: F401  (its tables on Base.metadata)
from eupact.cycle.store import crisis as _crisis  # noqa: F401  (its tables on Base.metadata)
from eupact.cycle.store import dublin as _dublin  # noqa: F401  (its tables on Base.metadata)
from eupact.cycle.store import register as _register  # noqa: F401  (its table on Base.metadata)
from eupact.cycle.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url") or ""
    if url.startswith("postgresql://"):
        config.set_main_option(
            "sqlalchemy.url", "postgresql+psycopg://" + url.removeprefix("postgresql://")
        )
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
