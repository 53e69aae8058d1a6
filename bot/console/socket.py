"""GET /ws: the console page's live connection (queue changes and transcript lines pushed to it)."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import WSMsgType, web

from bot.console import views
from bot.console.auth import signed_in
from bot.console.state import HUB, QUEUE

logger = logging.getLogger(__name__)


def _same_origin(request: web.Request) -> bool:
    # Browsers send cookies with cross-site websocket handshakes too (no CORS, no SameSite for
    # top-level-less requests in older browsers), so the Origin is what proves it is our page.
    return request.headers.get("Origin") == f"{request.scheme}://{request.host}"


async def live(request: web.Request) -> web.StreamResponse:
    if not _same_origin(request):
        return web.json_response({"error": "This connection must come from the console's own page."}, status=403)
    consultant = signed_in(request)
    queue = request.app[QUEUE]
    hub = request.app[HUB]
    socket = web.WebSocketResponse(heartbeat=20.0)
    await socket.prepare(request)
    # Seen now; the sweeper keeps touching while the socket stays open, so claims survive.
    await asyncio.to_thread(queue.touch_consultant, consultant.id)
    hub.connected(socket, consultant.id)
    try:
        items = [views.queue_item(view) for view in await asyncio.to_thread(queue.active)]
        await socket.send_json({"type": "queue", "items": items})
        async for message in socket:
            # The page only listens; anything it sends (a ping) just proves it is alive.
            if message.type == WSMsgType.TEXT:
                await asyncio.to_thread(queue.touch_consultant, consultant.id)
    finally:
        hub.disconnected(socket)
    return socket
