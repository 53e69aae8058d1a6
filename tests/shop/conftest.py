"""Every shop backend test runs twice: on a SQLite file and on the PostgreSQL at 127.0.0.1:5432.

Each PostgreSQL test gets its own schema (dropped afterwards), so tests never see each other's rows
nor the tables of other test suites sharing the `test` database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine

import bot.shop.models  # noqa: F401  (declares the shop tables before make_engine creates them)
from bot.db import make_engine
from bot.shop.seed import seed_demo_shop
from bot.shop.sql import SqlShopBackend
from tests.databases import DATABASES, fresh_database

# The demo shop's dates are relative to the seeding day; tests pin it.
SEED_DAY = date(2025, 3, 12)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database for a test that changes the shop."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine_factory(database_url: str) -> Iterator[Callable[[], Engine]]:
    """Makes engines on the test's database (separate pools, as separate processes would have)."""
    engines: list[Engine] = []

    def make() -> Engine:
        engine = make_engine(database_url)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def engine(engine_factory: Callable[[], Engine]) -> Engine:
    return engine_factory()


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo_shop(engine, today=SEED_DAY)
    return engine


@pytest.fixture
def backend(seeded: Engine) -> SqlShopBackend:
    return SqlShopBackend(seeded, clock=lambda: datetime(2025, 3, 12, 14, 30, tzinfo=timezone.utc))


@pytest.fixture(scope="module", params=DATABASES)
def read_only_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SqlShopBackend]:
    """One seeded shop shared by a module's tests that only read (seeding per test is the slow part)."""
    with fresh_database(request.param, tmp_path_factory.mktemp("shop")) as url:
        engine = make_engine(url)
        seed_demo_shop(engine, today=SEED_DAY)
        yield SqlShopBackend(engine)
        engine.dispose()
