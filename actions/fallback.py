"""What the bot does with a message that is plainly outside what the shop can answer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.unanswered import respond_unanswered


class ActionFallback(Action):
    """Out of scope ("what's the weather?"), or a turn no rule covers."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        respond_unanswered(dispatcher, tracker, tracker.latest_message.get("text") or "")
        return []
