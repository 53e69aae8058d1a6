"""The web app's own behaviour: input checks, the socket.io proxy, and what the page gets when Rasa is down."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestClient, TestServer

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


async def test_the_socket_io_client_is_served_from_the_app_itself(client: TestClient) -> None:
    page = await (await client.get("/")).text()
    assert page.index('src="/static/vendor/socket.io.min.js"') < page.index('src="/static/chat.js"')
    script = await client.get("/static/vendor/socket.io.min.js")
    assert script.status == 200
    assert "Socket.IO v4" in await script.text()


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


async def test_socket_io_proxy_answers_502_when_rasa_is_down(client: TestClient) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/socket.io/?EIO=4&transport=websocket")
    assert refused.value.status == 502


async def test_socket_io_proxy_serves_only_the_websocket_transport(client: TestClient) -> None:
    response = await client.get("/socket.io/?EIO=4&transport=polling")
    assert response.status == 400
    assert "websocket" in await response.text()


@pytest.fixture
async def rasa_stand_in(aiohttp_server) -> tuple[TestServer, dict]:  # type: ignore[no-untyped-def]
    """A websocket server in Rasa's place: echoes frames, closes on "bye", records what it saw."""
    seen: dict = {"closed": asyncio.Event()}

    async def socket_io(request: web.Request) -> web.WebSocketResponse:
        seen["query"] = request.query_string
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for message in ws:
            if message.type is WSMsgType.TEXT and message.data == "bye":
                await ws.close()
            elif message.type is WSMsgType.TEXT:
                await ws.send_str("echo " + message.data)
            elif message.type is WSMsgType.BINARY:
                await ws.send_bytes(b"echo " + message.data)
        seen["closed"].set()
        return ws

    app = web.Application()
    app.router.add_get("/socket.io/", socket_io)
    return await aiohttp_server(app), seen


@pytest.fixture
async def proxied_client(aiohttp_client, settings: Settings, rasa_stand_in) -> TestClient:  # type: ignore[no-untyped-def]
    server, _ = rasa_stand_in
    settings.rasa_port = server.port
    settings.action_port = free_port()
    return await aiohttp_client(create_app(settings))


async def test_socket_io_proxy_pumps_frames_both_ways(proxied_client: TestClient, rasa_stand_in) -> None:  # type: ignore[no-untyped-def]
    _, seen = rasa_stand_in
    async with proxied_client.ws_connect("/socket.io/?EIO=4&transport=websocket") as ws:
        await ws.send_str('42["user_uttered",{"message":"dzień dobry"}]')
        assert await ws.receive_str() == 'echo 42["user_uttered",{"message":"dzień dobry"}]'
        await ws.send_bytes(b"\x00\x01")
        assert await ws.receive_bytes() == b"echo \x00\x01"
    assert seen["query"] == "EIO=4&transport=websocket"
    # The customer left: the proxy closes its connection to Rasa too.
    await asyncio.wait_for(seen["closed"].wait(), timeout=10)


async def test_socket_io_proxy_closes_the_page_side_when_rasa_closes(proxied_client: TestClient) -> None:
    async with proxied_client.ws_connect("/socket.io/?EIO=4&transport=websocket") as ws:
        await ws.send_str("bye")
        message = await ws.receive(timeout=10)
        assert message.type is WSMsgType.CLOSE
