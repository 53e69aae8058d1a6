"""The bot's honest "I don't know", shared by every action that can fail to answer."""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import consecutive_turns_with_response

logger = logging.getLogger(__name__)

FALLBACK_RESPONSES = frozenset({"utter_fallback", "utter_fallback_offer_human"})
# After this many unanswered messages in a row the bot offers a person.
FALLBACKS_BEFORE_OFFERING_A_HUMAN = 2


def respond_unanswered(dispatcher: CollectingDispatcher, tracker: Tracker, question: str) -> None:
    """Record the question for the FAQ curators, say so honestly, and on the second
    miss in a row offer a consultant."""
    from bot.db import get_engine
    from bot.insights.unanswered import record_unanswered

    intent = tracker.latest_message.get("intent") or {}
    try:
        record_unanswered(
            get_engine(),
            conversation_id=tracker.sender_id,
            text=question,
            language=tracker.get_slot("language") or "en",
            intent=intent.get("name"),
            confidence=intent.get("confidence"),
        )
    except Exception:  # the customer still gets an answer if the database is down
        logger.exception("could not record an unanswered question")

    misses = consecutive_turns_with_response(tracker, FALLBACK_RESPONSES) + 1
    if misses >= FALLBACKS_BEFORE_OFFERING_A_HUMAN:
        dispatcher.utter_message(response="utter_fallback_offer_human")
    else:
        dispatcher.utter_message(response="utter_fallback")
