"""A small client for the Rasa server's channels and HTTP API, used by the web app."""

from __future__ import annotations

from typing import Any

import aiohttp


class RasaUnavailableError(RuntimeError):
    """Rasa did not answer, or answered with an error."""


class RasaClient:
    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._token = token

    async def send_rest_message(self, sender: str, text: str) -> list[dict[str, Any]]:
        """Send a customer message over the REST channel; return the bot's replies."""
        url = f"{self._base_url}/webhooks/rest/webhook"
        try:
            async with self._session.post(url, json={"sender": sender, "message": text}) as response:
                if response.status != 200:
                    raise RasaUnavailableError(f"Rasa answered {response.status} on {url}")
                replies = await response.json()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RasaUnavailableError(f"Rasa did not answer on {url}: {error!r}") from error
        return list(replies or [])

    async def status(self) -> dict[str, Any]:
        """Rasa's /status (needs the API token): the loaded model and its fingerprint."""
        url = f"{self._base_url}/status"
        try:
            async with self._session.get(url, params={"token": self._token}) as response:
                if response.status != 200:
                    raise RasaUnavailableError(f"Rasa answered {response.status} on /status")
                return dict(await response.json())
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RasaUnavailableError(f"Rasa did not answer on {url}: {error!r}") from error
