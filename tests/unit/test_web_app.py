"""The web app's own behaviour: input checks, and what the page gets when Rasa is down."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from bot.settings import Settings
from bot.stack.ports import free_port
from bot.web.app import create_app


@pytest.fixture
async def client(aiohttp_client, settings: Settings) -> TestClient:  # type: ignore[no-untyped-def]
    # Nothing listens on these ports: Rasa and the action server are "down".
    settings.rasa_port = free_port()
    settings.action_port = free_port()
    return await aiohttp_client(create_app(settings))


async def test_chat_page_is_served_with_a_content_security_policy(client: TestClient) -> None:
    response = await client.get("/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert '<script src="/static/chat.js">' in await response.text()


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"sender": "short", "text": "hello"}, "'sender'"),
        ({"sender": "a" * 20, "text": "   "}, "'text'"),
        ({"sender": "a" * 20}, "'text'"),
        ({"sender": "../../etc/passwd", "text": "hi"}, "'sender'"),
    ],
)
async def test_bad_chat_requests_are_refused_with_the_reason(client: TestClient, body: dict, problem: str) -> None:
    response = await client.post("/api/chat", json=body)
    assert response.status == 400
    assert problem in await response.text()


async def test_non_json_body_is_refused(client: TestClient) -> None:
    response = await client.post("/api/chat", data="hello")
    assert response.status == 400


async def test_oversized_message_is_refused(client: TestClient) -> None:
    response = await client.post("/api/chat", json={"sender": "a" * 20, "text": "x" * 2001})
    assert response.status == 413


async def test_rasa_down_gives_503_so_the_page_keeps_the_message(client: TestClient) -> None:
    response = await client.post("/api/chat", json={"sender": "a" * 20, "text": "hello"})
    assert response.status == 503
    assert await response.json() == {"error": "assistant_unavailable"}


async def test_health_reports_which_part_is_down(client: TestClient) -> None:
    response = await client.get("/health")
    assert response.status == 503
    report = await response.json()
    assert report["web"]["ok"] is True
    assert report["rasa"]["ok"] is False
    assert report["actions"]["ok"] is False
