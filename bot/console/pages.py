"""The console's HTML page and its liveness check."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot.console.auth import signed_in
from bot.console.csrf import csrf_token


async def console_page(request: web.Request) -> web.Response:
    consultant = signed_in(request)
    token = csrf_token(await get_session(request))
    return aiohttp_jinja2.render_template(
        "console.html", request, {"csrf_token": token, "consultant": consultant}
    )


async def liveness(_request: web.Request) -> web.Response:
    return web.Response(text="ok")
