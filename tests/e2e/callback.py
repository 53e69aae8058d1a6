"""A local listener for Rasa's callback channel: it receives every bot message sent to a customer.

Rasa's `callback` channel posts each bot message to a URL; this stands in for a chat app's server
so tests see exactly what the customer would, including messages pushed later by a consultant.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from bot.stack.ports import free_port


class CallbackListener:
    def __init__(self) -> None:
        self.port = free_port()
        self._messages: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                self.end_headers()
                with listener._changed:
                    listener._messages.append(json.loads(body or b"{}"))
                    listener._changed.notify_all()

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> "CallbackListener":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def messages_to(self, recipient: str) -> list[dict[str, Any]]:
        with self._changed:
            return [m for m in self._messages if m.get("recipient_id") == recipient]

    def wait_for(
        self, recipient: str, predicate: Callable[[dict[str, Any]], bool], timeout: float = 30.0, after: int = 0
    ) -> dict[str, Any]:
        """The first message to `recipient` (from index `after` on) matching `predicate`."""
        def found() -> dict[str, Any] | None:
            mine = [m for m in self._messages if m.get("recipient_id") == recipient][after:]
            return next((m for m in mine if predicate(m)), None)

        with self._changed:
            if not self._changed.wait_for(lambda: found() is not None, timeout=timeout):
                seen = [m.get("text") for m in self.messages_to(recipient)]
                raise AssertionError(f"no matching message to {recipient} within {timeout} s; got {seen}")
            message = found()
            assert message is not None
            return message
