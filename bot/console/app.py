"""aiohttp app factory of the consultants' console (`python -m bot console`)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from datetime import timedelta
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import setup as setup_sessions
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from bot.console import auth, handoffs, lookups, pages, socket, tickets
from bot.console.faq_search import FaqSearch
from bot.console.live import TOUCH_SECONDS, LiveHub, follow_rasa_events, sweep
from bot.console.state import DELIVERY, ENGINE, FAQ, HTTP, HUB, QUEUE, SETTINGS, SHOP, THROTTLE
from bot.console.throttle import LoginThrottle
from bot.db import make_engine
from bot.handoff.delivery import RasaConversations
from bot.handoff.queue import HandoffQueue
from bot.settings import Settings
from bot.shop.factory import shop_backend_from_settings
from bot.shop.sql import SqlShopBackend

HERE = Path(__file__).parent
SESSION_HOURS = 12  # one working day; then log in again
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'"
)


@web.middleware
async def security_headers(request: web.Request, handler: auth.Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", _CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.path == "/" or request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")  # customers' data stays off disk caches
    return response


def open_engine(settings: Settings):  # type: ignore[no-untyped-def]
    # Import every module that declares tables, so create_all makes them on a fresh database.
    import bot.handoff.models  # noqa: F401
    import bot.shop.models  # noqa: F401

    return make_engine(settings.database)


async def _background(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as session:
        app[HTTP] = session
        app[DELIVERY] = RasaConversations(session, settings.rasa_url, settings.resolved_rasa_token())
        tasks = [
            asyncio.create_task(follow_rasa_events(app[HUB], app[QUEUE], settings.events_db_path, app[ENGINE])),
            asyncio.create_task(
                sweep(
                    app[HUB],
                    app[QUEUE],
                    app[DELIVERY],
                    grace=timedelta(seconds=settings.handoff_reconnect_grace_seconds),
                    wait=timedelta(seconds=settings.handoff_wait_seconds),
                    # Touch connected consultants well within the grace period, however short it is set.
                    touch_seconds=min(TOUCH_SECONDS, settings.handoff_reconnect_grace_seconds / 3),
                )
            ),
        ]
        yield
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _close_sockets(app: web.Application) -> None:
    await app[HUB].close_all()


def create_console_app(settings: Settings) -> web.Application:
    engine = open_engine(settings)
    queue = HandoffQueue(engine)
    app = web.Application(client_max_size=256 * 1024, middlewares=[security_headers])
    app[SETTINGS] = settings
    app[ENGINE] = engine
    app[QUEUE] = queue
    # The console's own engine for SQL (its settings may differ from the process-wide ones in tests).
    app[SHOP] = SqlShopBackend(engine) if settings.shop_backend == "sql" else shop_backend_from_settings(settings)
    app[FAQ] = FaqSearch(settings.path(settings.faq_dir))
    app[HUB] = LiveHub(queue)
    app[THROTTLE] = LoginThrottle()

    key = hashlib.sha256(settings.local_secret("console-session").encode()).digest()
    storage = EncryptedCookieStorage(
        key,
        cookie_name="doradca_console",
        httponly=True,
        samesite="Strict",
        secure=settings.console_secure_cookies,
        max_age=SESSION_HOURS * 3600,
    )
    setup_sessions(app, storage)  # the session middleware runs before the guard below
    app.middlewares.append(auth.guard)
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    app.cleanup_ctx.append(_background)
    app.on_shutdown.append(_close_sockets)

    router = app.router
    router.add_get("/healthz", pages.liveness)
    router.add_get("/login", auth.login_page)
    router.add_post("/login", auth.login)
    router.add_post("/logout", auth.logout)
    router.add_get("/", pages.console_page)
    router.add_get("/ws", socket.live)
    router.add_get("/api/queue", handoffs.queue)
    router.add_get("/api/handoffs/{handoff_id}", handoffs.detail)
    router.add_post("/api/handoffs/{handoff_id}/claim", handoffs.claim)
    router.add_post("/api/handoffs/{handoff_id}/messages", handoffs.send_message)
    router.add_post("/api/handoffs/{handoff_id}/hand-back", handoffs.hand_back)
    router.add_post("/api/handoffs/{handoff_id}/close", handoffs.close)
    router.add_post("/api/handoffs/{handoff_id}/release", handoffs.release)
    router.add_get("/api/faq", lookups.faq)
    router.add_get("/api/orders", lookups.orders)
    router.add_post("/api/orders", lookups.place_order)
    router.add_get("/api/products", lookups.products)
    router.add_get("/api/tickets", tickets.tickets)
    router.add_static("/static/", HERE / "static")
    return app
