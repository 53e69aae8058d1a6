"""aiohttp app factory for the customer-facing web app."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.settings import Settings
from bot.web.rasa_client import RasaClient, RasaUnavailableError
from bot.web.socketio_proxy import create_socketio_proxy, rasa_socketio_url

logger = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)
RASA = web.AppKey("rasa", RasaClient)
HTTP = web.AppKey("http", aiohttp.ClientSession)

STATIC_DIR = Path(__file__).parent / "static"
MAX_MESSAGE_CHARS = 2000
# Conversation ids come from the page (a random UUID kept in the browser).
_SENDER = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")
_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'"


async def chat_page(_request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "chat.html", headers={"Content-Security-Policy": _CSP})


async def liveness(_request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def health(request: web.Request) -> web.Response:
    """Whether the web app, Rasa (with its model) and the action server answer."""
    settings = request.app[SETTINGS]
    report: dict[str, Any] = {"web": {"ok": True}}
    try:
        status = await request.app[RASA].status()
        report["rasa"] = {"ok": True, "model": Path(str(status.get("model_file", ""))).name}
    except RasaUnavailableError as error:
        report["rasa"] = {"ok": False, "error": str(error)}
    try:
        async with request.app[HTTP].get(f"{settings.action_url}/health") as response:
            report["actions"] = {"ok": response.status == 200}
    except (aiohttp.ClientError, TimeoutError) as error:
        report["actions"] = {"ok": False, "error": repr(error)}
    healthy = all(part["ok"] for part in report.values())
    return web.json_response(report, status=200 if healthy else 503)


async def chat_message(request: web.Request) -> web.Response:
    """Relay one customer message to Rasa's REST channel and return the replies.

    The chat page talks socket.io (see socketio_proxy); this relay serves clients that only do HTTP.
    """
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="expected a JSON body: {\"sender\": ..., \"text\": ...}")
    sender = body.get("sender") if isinstance(body, dict) else None
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(sender, str) or not _SENDER.match(sender):
        raise web.HTTPBadRequest(text="'sender' must be 8 to 128 letters, digits or -_.:")
    if not isinstance(text, str) or not text.strip():
        raise web.HTTPBadRequest(text="'text' must be a non-empty string")
    if len(text) > MAX_MESSAGE_CHARS:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_MESSAGE_CHARS, actual_size=len(text))
    try:
        replies = await request.app[RASA].send_rest_message(sender, text.strip())
    except RasaUnavailableError as error:
        logger.warning("chat message not delivered: %s", error)
        # 503 tells the page to keep the customer's text and offer to resend it.
        return web.json_response({"error": "assistant_unavailable"}, status=503)
    return web.json_response({"messages": replies})


async def _client_session(app: web.Application):  # type: ignore[no-untyped-def]
    settings = app[SETTINGS]
    # Rasa's first answer after start can take a few seconds (model warm-up).
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        app[HTTP] = session
        app[RASA] = RasaClient(session, settings.rasa_url, settings.resolved_rasa_token())
        yield


def create_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_client_session)
    app.router.add_get("/", chat_page)
    app.router.add_get("/healthz", liveness)
    app.router.add_get("/health", health)
    app.router.add_post("/api/chat", chat_message)
    app.router.add_static("/static/", STATIC_DIR)
    # The chat page's socket.io connection, forwarded to Rasa so the page stays on one origin.
    app.add_subapp("/socket.io", create_socketio_proxy(rasa_socketio_url(settings.rasa_url)))
    return app
