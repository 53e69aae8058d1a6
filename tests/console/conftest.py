"""The console against a real SQLite database, with Rasa replaced by a small recording server.

Rasa is a third-party HTTP API here: the fake answers like Rasa's /tracker/events and /trigger_intent and
records what the console sent (in the style of aiohttp's examples/fake_server.py). The real
Rasa is in tests/e2e.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine

from bot.console.app import create_console_app, open_engine
from bot.handoff.consultants import ConsultantView, add_consultant
from bot.handoff.models import Author
from bot.handoff.queue import HandoffQueue, HandoffView
from bot.settings import PROJECT_ROOT, Settings, load_settings

PASSWORD = "correct horse battery"


@dataclass
class RasaCall:
    path: str
    query: dict[str, str]
    body: Any


@dataclass
class FakeRasa:
    calls: list[RasaCall] = field(default_factory=list)
    failing: bool = False

    async def record(self, request: web.Request) -> web.Response:
        if self.failing:
            return web.json_response({"message": "tracker store unavailable"}, status=503)
        self.calls.append(RasaCall(request.path, dict(request.query), await request.json()))
        return web.json_response({"sender_id": request.match_info["conversation"], "events": []})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/conversations/{conversation}/tracker/events", self.record)
        app.router.add_post("/conversations/{conversation}/trigger_intent", self.record)
        return app


@dataclass
class Console:
    settings: Settings
    server: TestServer
    engine: Engine
    queue: HandoffQueue
    rasa: FakeRasa
    token: str
    anna: ConsultantView
    piotr: ConsultantView
    clients: list[TestClient] = field(default_factory=list)

    def request_handoff(self, conversation_id: str | None = None) -> HandoffView:
        return self.queue.request(
            conversation_id=conversation_id or f"customer-{secrets.token_hex(4)}",
            channel="socketio",
            language="pl",
            reason="asked_for_human",
            context={"last_intents": ["handoff_request"], "slots": {"order_number": "ORD-10234"}, "verified": False},
            transcript=[(Author.CUSTOMER, "chcę rozmawiać z konsultantem", 1_700_000_000.0)],
        )


ConsoleFactory = Callable[..., Awaitable[Console]]


@pytest.fixture
async def make_console(tmp_path: Path, aiohttp_server: Any) -> AsyncIterator[ConsoleFactory]:
    consoles: list[Console] = []

    async def make(**setting_overrides: str) -> Console:
        rasa = FakeRasa()
        rasa_server = await aiohttp_server(rasa.app())
        token = secrets.token_urlsafe(16)
        environ = {
            "DORADCA_VAR_DIR": str(tmp_path / "var"),
            "DORADCA_RASA_PORT": str(rasa_server.port),
            "DORADCA_RASA_TOKEN": token,
            "DORADCA_FAQ_DIR": str(PROJECT_ROOT / "faq"),
            **setting_overrides,
        }
        settings = load_settings(environ=environ, settings_file=tmp_path / "none.yml")
        engine = open_engine(settings)
        anna = add_consultant(engine, "anna", "Anna Nowak", PASSWORD)
        piotr = add_consultant(engine, "piotr", "Piotr Wiśniewski", PASSWORD)
        server = TestServer(create_console_app(settings))
        await server.start_server()
        consoles.append(Console(settings, server, engine, HandoffQueue(engine), rasa, token, anna, piotr))
        return consoles[-1]

    yield make
    for console in consoles:
        for client in console.clients:
            await client.close()
        await console.server.close()


@pytest.fixture
async def console(make_console: ConsoleFactory) -> Console:
    return await make_console()


_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@dataclass
class Browser:
    """A logged-in console client: its cookie jar holds the session, `csrf` the page's token."""

    client: TestClient
    csrf: str

    async def post(self, path: str, body: Any = None) -> tuple[int, Any]:
        response = await self.client.post(path, json=body or {}, headers={"X-CSRF-Token": self.csrf})
        return response.status, await response.json()

    async def get(self, path: str) -> tuple[int, Any]:
        response = await self.client.get(path)
        return response.status, await response.json()


async def login_form_token(client: TestClient) -> str:
    page = await client.get("/login")
    match = _CSRF_FIELD.search(await page.text())
    assert match, "the login page has no CSRF field"
    return match.group(1)


async def anonymous(console: Console) -> TestClient:
    client = TestClient(console.server)
    await client.start_server()
    console.clients.append(client)
    return client


async def log_in(console: Console, username: str) -> Browser:
    client = await anonymous(console)
    token = await login_form_token(client)
    response = await client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}, allow_redirects=True
    )
    assert response.status == 200 and response.url.path == "/", await response.text()
    match = _CSRF_META.search(await response.text())
    assert match
    return Browser(client, match.group(1))

