"""What the bot does with a message it cannot answer."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import consecutive_turns_ending_with

logger = logging.getLogger(__name__)

# After this many unanswered messages in a row the bot offers a person.
FALLBACKS_BEFORE_OFFERING_A_HUMAN = 2


class ActionFallback(Action):
    """Say honestly that the bot cannot answer, record the question for the FAQ curators,
    and on the second miss in a row offer a consultant."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        from bot.db import get_engine
        from bot.insights.unanswered import record_unanswered

        message = tracker.latest_message
        intent = (message.get("intent") or {}).get("name")
        try:
            record_unanswered(
                get_engine(),
                conversation_id=tracker.sender_id,
                text=message.get("text") or "",
                language=tracker.get_slot("language") or "en",
                intent=intent,
                confidence=(message.get("intent") or {}).get("confidence"),
            )
        except Exception:  # the customer still gets an answer if the database is down
            logger.exception("could not record an unanswered question")

        misses = consecutive_turns_ending_with(tracker, self.name()) + 1
        if misses >= FALLBACKS_BEFORE_OFFERING_A_HUMAN:
            dispatcher.utter_message(response="utter_fallback_offer_human")
        else:
            dispatcher.utter_message(response="utter_fallback")
        return []
