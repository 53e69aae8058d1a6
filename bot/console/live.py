"""What makes the console live: its websocket connections, Rasa's event stream and the sweeper.

Every open console page holds one websocket. The server pushes queue changes to all of them, and
transcript lines only to the consoles allowed to read that conversation (anyone while it waits in
the queue, then only its consultant). Clients re-fetch what they show after a reconnect, so a lost
push costs nothing.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.console import views
from bot.handoff.delivery import DeliveryError, RasaConversations
from bot.handoff.queue import HandoffQueue, TranscriptLine

logger = logging.getLogger(__name__)

EVENT_POLL_SECONDS = 0.1
SWEEP_SECONDS = 2.0
TOUCH_SECONDS = 10.0


class LiveHub:
    """The connected consoles, by websocket, with the consultant each one belongs to."""

    def __init__(self, queue: HandoffQueue) -> None:
        self._queue = queue
        self._sockets: dict[web.WebSocketResponse, int] = {}

    def connected(self, socket: web.WebSocketResponse, consultant_id: int) -> None:
        self._sockets[socket] = consultant_id

    def disconnected(self, socket: web.WebSocketResponse) -> None:
        self._sockets.pop(socket, None)

    def consultant_ids(self) -> set[int]:
        return set(self._sockets.values())

    async def queue_changed(self) -> None:
        items = [views.queue_item(view) for view in await asyncio.to_thread(self._queue.active)]
        await self._send({"type": "queue", "items": items}, lambda _consultant: True)

    async def new_line(self, handoff_id: int, line: TranscriptLine) -> None:
        view = await asyncio.to_thread(self._queue.get, handoff_id)
        if view is None:
            return
        payload = {"type": "message", **views.line(handoff_id, line)}
        await self._send(payload, lambda consultant: HandoffQueue.refusal(view, consultant) is None)

    async def close_all(self) -> None:
        for socket in list(self._sockets):
            await socket.close(code=1001, message=b"console shutting down")

    async def _send(self, payload: dict[str, Any], allowed: Any) -> None:
        for socket, consultant_id in list(self._sockets.items()):
            if socket.closed or not allowed(consultant_id):
                continue
            try:
                await socket.send_json(payload)
            except (ConnectionResetError, RuntimeError):
                self.disconnected(socket)  # the page reconnects and re-fetches


async def follow_rasa_events(
    hub: LiveHub, queue: HandoffQueue, events_db: Path, engine: Any, poll_seconds: float = EVENT_POLL_SECONDS
) -> None:
    """Push customer messages and new requests, as Rasa publishes them, to the consoles."""
    from bot.handoff.events import RasaEventStream

    stream = RasaEventStream(events_db, queue, engine)
    while True:
        try:
            # Rasa creates the file on its first event: until then there is nothing to read.
            updates = await asyncio.to_thread(stream.read_new) if events_db.exists() else []
            for update in updates:
                if update.line is not None:
                    await hub.new_line(update.handoff_id, update.line)
            if any(update.queue_changed for update in updates):
                await hub.queue_changed()
        except asyncio.CancelledError:
            raise
        except Exception:  # keep following: one bad batch must not stop the console going live
            logger.exception("reading Rasa's event stream failed; retrying")
        await asyncio.sleep(poll_seconds)


async def sweep(
    hub: LiveHub,
    queue: HandoffQueue,
    delivery: RasaConversations,
    grace: timedelta,
    wait: timedelta,
    sweep_seconds: float = SWEEP_SECONDS,
    touch_seconds: float = TOUCH_SECONDS,
) -> None:
    """Requeue the claims of consultants who went away; hand unclaimed customers back to the bot."""
    loop = asyncio.get_running_loop()
    last_touch = 0.0
    while True:
        try:
            if loop.time() - last_touch >= touch_seconds:
                last_touch = loop.time()
                for consultant_id in hub.consultant_ids():
                    await asyncio.to_thread(queue.touch_consultant, consultant_id)
            requeued = await asyncio.to_thread(queue.requeue_abandoned, grace)
            expired = await asyncio.to_thread(queue.expire_waiting, wait)
            for view in expired:
                # The bot offers a callback or an e-mail (rule for handoff_unanswered) in the customer's language.
                try:
                    await delivery.resume(view.conversation_id)
                    await delivery.trigger(view.conversation_id, "handoff_unanswered")
                except DeliveryError as error:
                    logger.warning("could not hand conversation %s back to the bot: %s", view.id, error)
            if requeued or expired:
                if requeued:
                    logger.info("back in the queue (consultant gone): %s", requeued)
                await hub.queue_changed()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("the handoff sweeper failed; retrying")
        await asyncio.sleep(sweep_seconds)

