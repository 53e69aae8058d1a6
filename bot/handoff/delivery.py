"""Messages and state changes sent to a customer's conversation through Rasa's HTTP API.

Rasa stores each message in the conversation and delivers it on the channel the customer last
wrote from (`output_channel=latest`): socket.io, the callback channel or a chat app alike.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)

_ATTEMPTS = 3
_RETRY_DELAY_SECONDS = 0.3


class DeliveryError(RuntimeError):
    """Rasa did not take the message; the consultant keeps their text and can retry."""


class RasaConversations:
    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._token = token

    async def send_consultant_message(self, conversation_id: str, text: str, consultant_name: str) -> None:
        # Plain text (a `custom` payload too would be shown twice by socket.io); the metadata
        # marks the event as the consultant's in Rasa's tracker and event stream.
        await self.append_events(
            conversation_id,
            [{"event": "bot", "text": text, "metadata": {"doradca_consultant": consultant_name}}],
        )

    async def resume(self, conversation_id: str) -> None:
        # A paused conversation ends with the handoff action (Rasa predicts nothing more while
        # paused), so the listen that normally closes a bot turn is added here: without it the
        # policies do not recognise the next turn and loop on fallbacks until the circuit breaker.
        await self.append_events(
            conversation_id, [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
        )

    async def trigger(self, conversation_id: str, intent: str) -> None:
        """Tell the bot something happened (e.g. `handoff_returned`); its rules answer in the
        customer's language on their channel and then listen, all under Rasa's conversation lock.

        (Running a response with /execute instead leaves the tracker without the listen that
        follows a bot turn; a customer message arriving in between makes the policies loop.)
        """
        await self._post(f"/conversations/{conversation_id}/trigger_intent", {"name": intent})

    async def append_events(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        await self._post(
            f"/conversations/{conversation_id}/tracker/events",
            events,
            {"execute_side_effects": "true"},
        )

    async def _post(self, path: str, body: Any, params: dict[str, str] | None = None) -> None:
        query = {"token": self._token, "output_channel": "latest", **(params or {})}
        url = self._base_url + path
        last_error = ""
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                async with self._session.post(url, json=body, params=query) as response:
                    if response.status == 200:
                        return
                    last_error = f"Rasa answered {response.status}: {(await response.text())[:200]}"
                    if response.status < 500:
                        break  # a refusal will not change on retry
            except (aiohttp.ClientError, TimeoutError) as error:
                last_error = f"Rasa did not answer: {error!r}"
            if attempt < _ATTEMPTS:
                await asyncio.sleep(_RETRY_DELAY_SECONDS * attempt)  # back-off between retries
        logger.warning("delivery to %s failed: %s", path, last_error)
        raise DeliveryError(last_error)
