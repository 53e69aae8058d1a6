"""Slots computed from every customer message, before the bot decides what to say."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.conversation import bot_turn_before_latest_message, responses_in
from bot.language import detect_language, normalise_language

# Bot responses after which "yes" / "no" answer an offer to talk to a person.
OFFERS_OF_A_HUMAN = frozenset(
    {
        "utter_iamabot",
        "utter_fallback_offer_human",
        "utter_faq_offer_human",
        # a callback or e-mail reply offered instead: "no" declines it too
        "utter_handoff_closed_hours",
        "utter_handoff_no_consultant",
        "utter_handoff_channel_cannot_push",
    }
)


class ValidateSlotMappings(ValidationAction):
    """Rasa runs this (`action_validate_slot_mappings`) after every customer message."""

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        current = tracker.get_slot("language")
        text = tracker.latest_message.get("text") or ""
        # A button's payload (/intent{...}) or an intent the console triggered ("EXTERNAL: ...")
        # says nothing about the customer's language.
        if text.startswith(("/", "EXTERNAL: ")):
            return {}
        metadata = tracker.latest_message.get("metadata") or {}
        # The page's language is only a hint for the first, possibly ambiguous, message.
        fallback = current or normalise_language(metadata.get("language"))
        guess = detect_language(text, fallback)
        return {"language": guess.language} if guess.language != current else {}

    async def extract_human_offered(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        offered = bool(responses_in(bot_turn_before_latest_message(tracker)) & OFFERS_OF_A_HUMAN)
        return {"human_offered": offered} if offered != bool(tracker.get_slot("human_offered")) else {}
