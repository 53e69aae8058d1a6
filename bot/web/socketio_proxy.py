"""Same-origin websocket proxy from the chat page's socket.io connection to Rasa's socketio channel.

The page and Rasa listen on different ports; proxying keeps the page on one origin (and its CSP at
`connect-src 'self'`) while Rasa can push messages, a consultant's for example, at any time.
Only socket.io's websocket transport is proxied: the page is configured with `transports: ["websocket"]`.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import AsyncIterator

import aiohttp
from aiohttp import WSMsgType, web
from yarl import URL

logger = logging.getLogger(__name__)

UPSTREAM = web.AppKey("socketio_upstream", URL)
HTTP = web.AppKey("socketio_http", aiohttp.ClientSession)
OPEN_SOCKETS = web.AppKey("socketio_open_sockets", weakref.WeakSet[web.WebSocketResponse])

# Socket.io exchanges small JSON frames; a customer message is at most a few kB.
MAX_FRAME_BYTES = 256 * 1024


def rasa_socketio_url(rasa_url: str) -> URL:
    """Rasa's socket.io endpoint, as a websocket URL, from Rasa's HTTP base URL."""
    return URL(rasa_url).with_scheme("ws").with_path("/socket.io/")


async def _pump(source: web.WebSocketResponse | aiohttp.ClientWebSocketResponse,
                target: web.WebSocketResponse | aiohttp.ClientWebSocketResponse) -> None:
    """Copy frames from source to target until source closes or fails."""
    async for message in source:
        if target.closed:
            return
        try:
            if message.type is WSMsgType.TEXT:
                await target.send_str(message.data)
            elif message.type is WSMsgType.BINARY:
                await target.send_bytes(message.data)
            elif message.type is WSMsgType.ERROR:
                return
        except ConnectionResetError:
            return


async def proxy_socketio(request: web.Request) -> web.StreamResponse:
    customer = web.WebSocketResponse(max_msg_size=MAX_FRAME_BYTES)
    if not customer.can_prepare(request).ok:
        raise web.HTTPBadRequest(text="only socket.io's websocket transport is served here")
    upstream_url = request.app[UPSTREAM].with_query(request.query_string)
    try:
        rasa = await request.app[HTTP].ws_connect(upstream_url, max_msg_size=MAX_FRAME_BYTES)
    except (aiohttp.ClientError, TimeoutError) as error:
        # Before the upgrade, so the page's socket.io client sees a failed connection and retries later.
        logger.warning("socket.io connection not proxied, Rasa did not accept it: %r", error)
        raise web.HTTPBadGateway(text="the assistant is unavailable")
    async with rasa:
        await customer.prepare(request)
        request.app[OPEN_SOCKETS].add(customer)
        pumps = [asyncio.create_task(_pump(customer, rasa)), asyncio.create_task(_pump(rasa, customer))]
        try:
            # When either side closes, close the other one too.
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
            await rasa.close()
            await customer.close()
    return customer


async def _upstream_session(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None, connect=10)) as session:
        app[HTTP] = session
        yield


async def _close_open_sockets(app: web.Application) -> None:
    # Without this, shutting the web app down waits for every open chat to end.
    for socket in list(app[OPEN_SOCKETS]):
        await socket.close(code=aiohttp.WSCloseCode.GOING_AWAY, message=b"server shutdown")


def create_socketio_proxy(upstream: URL) -> web.Application:
    """A sub-application to mount at /socket.io that forwards websockets to `upstream`."""
    app = web.Application()
    app[UPSTREAM] = upstream
    app[OPEN_SOCKETS] = weakref.WeakSet()
    app.cleanup_ctx.append(_upstream_session)
    app.on_shutdown.append(_close_open_sockets)
    app.router.add_get("/", proxy_socketio)
    return app
