"""Consultant login: the login page, logout, and the guard that every other page and API call passes.

The guard is one middleware so no route can forget it: pages without a session redirect to /login,
API calls get 401 JSON, and every state-changing request must carry the session's CSRF token.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Awaitable, Callable

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session, new_session

from bot.console.csrf import FORM_FIELD, HEADER, REFUSAL, csrf_token, token_matches
from bot.console.state import ENGINE, THROTTLE
from bot.handoff.consultants import authenticate

logger = logging.getLogger(__name__)

WRONG_PASSWORD = "Wrong username or password."
LOCKED = "Too many failed attempts for this username: wait a few minutes and try again."
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class SignedIn:
    id: int
    username: str
    name: str


CONSULTANT = web.RequestKey("consultant", SignedIn)


def signed_in(request: web.Request) -> SignedIn:
    """The consultant of this request (set by the guard)."""
    return request[CONSULTANT]


def _is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/") or request.path == "/ws"


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    # Reachable without a session: the login page itself, liveness for the supervisor, the page's assets.
    if request.path in ("/login", "/healthz") or request.path.startswith("/static/"):
        return await handler(request)
    session = await get_session(request)
    consultant_id = session.get("consultant_id")
    if not isinstance(consultant_id, int):
        if _is_api(request):
            return web.json_response({"error": "Not signed in: open the console and log in again."}, status=401)
        raise web.HTTPSeeOther("/login")
    if request.method not in _SAFE_METHODS:
        sent = request.headers.get(HEADER)
        if sent is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sent = (await request.post()).get(FORM_FIELD)  # type: ignore[assignment]
        if not token_matches(session, sent if isinstance(sent, str) else None):
            return web.json_response({"error": REFUSAL}, status=403)
    request[CONSULTANT] = SignedIn(consultant_id, session["username"], session["name"])
    return await handler(request)


async def login_page(request: web.Request) -> web.Response:
    session = await get_session(request)
    if isinstance(session.get("consultant_id"), int):
        raise web.HTTPSeeOther("/")
    return _login_form(request, csrf_token(session))


async def login(request: web.Request) -> web.Response:
    session = await get_session(request)
    form = await request.post()
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    if not token_matches(session, form.get(FORM_FIELD) if isinstance(form.get(FORM_FIELD), str) else None):  # type: ignore[arg-type]
        return _login_form(request, csrf_token(session), REFUSAL, username, status=403)
    throttle = request.app[THROTTLE]
    if throttle.locked(username):
        return _login_form(request, csrf_token(session), LOCKED, username, status=429)
    # Argon2 is deliberately slow: verify off the event loop.
    consultant = await asyncio.to_thread(authenticate, request.app[ENGINE], username, password)
    if consultant is None:
        throttle.failed(username)
        logger.info("failed console login")
        return _login_form(request, csrf_token(session), WRONG_PASSWORD, username, status=401)
    throttle.succeeded(username)
    # A new session (new cookie, new CSRF token) on login: a session fixed before login is worthless.
    session = await new_session(request)
    session.update({"consultant_id": consultant.id, "username": consultant.username, "name": consultant.display_name})
    csrf_token(session)
    logger.info("consultant %s logged in", consultant.username)
    raise web.HTTPSeeOther("/")


async def logout(request: web.Request) -> web.Response:
    session = await get_session(request)
    session.invalidate()
    raise web.HTTPSeeOther("/login")


def _login_form(
    request: web.Request, token: str, error: str | None = None, username: str = "", status: int = 200
) -> web.Response:
    return aiohttp_jinja2.render_template(
        "login.html", request, {"csrf_token": token, "error": error, "username": username}, status=status
    )
