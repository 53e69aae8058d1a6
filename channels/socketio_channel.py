"""Rasa's socketio channel with session persistence that works on python-socketio 5.x.

Rasa 3.6 calls `sio.enter_room(...)` without awaiting it; since python-socketio 5.10 that is a
coroutine, so the client never joins its session's room and never receives the bot's messages
(RasaHQ/rasa#13027, unfixed in 3.6.21). This replaces only the `session_request` handler.
"""

from __future__ import annotations

import uuid
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint


class SocketIOInput(RasaSocketIOInput):
    """Rasa's socketio channel (same name, settings and events), joining rooms properly."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by the parent's blueprint()

        # Registering a handler again for the same event replaces the parent's one.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Optional[Dict]) -> None:
            data = dict(data or {})
            if not data.get("session_id"):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, data["session_id"], namespace=self.namespace)
            await sio.emit("session_confirm", data["session_id"], room=sid, namespace=self.namespace)

        return socketio_webhook
