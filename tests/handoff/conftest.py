from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

import bot.handoff.models  # noqa: F401  (declares the tables before make_engine creates them)
from bot.db import make_engine
from bot.handoff.consultants import ConsultantView, add_consultant
from bot.handoff.queue import HandoffQueue
from tests.databases import DATABASES, fresh_database


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def queue(engine: Engine) -> HandoffQueue:
    return HandoffQueue(engine)


@pytest.fixture
def anna(engine: Engine) -> ConsultantView:
    return add_consultant(engine, "anna", "Anna Nowak", "correct horse battery")


@pytest.fixture
def piotr(engine: Engine) -> ConsultantView:
    return add_consultant(engine, "piotr", "Piotr Zieliński", "another long password")
