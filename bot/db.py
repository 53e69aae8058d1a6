"""The project's relational database: SQLite in var/ by default, PostgreSQL by URL."""

from __future__ import annotations

from functools import lru_cache

from enum import StrEnum

from sqlalchemy import Engine, Enum, create_engine, event
from sqlalchemy.orm import DeclarativeBase

from bot.settings import get_settings


class Base(DeclarativeBase):
    """Declarative base of every table the project owns."""


def string_enum(kind: type[StrEnum], name: str, length: int = 24) -> Enum:
    """A column type for a StrEnum: VARCHAR plus a CHECK constraint, not PostgreSQL's native ENUM.

    Adding a value later is then an ordinary migration, and SQLite and PostgreSQL store the same thing.
    """
    return Enum(
        kind,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        name=name,
    )


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL so the web app and action server can share it."""
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    else:
        engine = create_engine(url, pool_pre_ping=True)
    Base.metadata.create_all(engine)
    return engine


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """The process-wide engine for the configured database."""
    # Import the modules that declare tables so create_all sees them.
    import bot.handoff.models  # noqa: F401
    import bot.insights.unanswered  # noqa: F401
    import bot.shop.alerts.models  # noqa: F401
    import bot.shop.models  # noqa: F401

    return make_engine(get_settings().database)
