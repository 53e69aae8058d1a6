"""Slots computed from every customer message, before the bot decides what to say."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.conversation import bot_turn_before_latest_message, responses_in
from bot.language import detect_language, normalise_language
from bot.shop.extract import find_contact, find_order_number

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
        # after three failed order checks
        "utter_order_locked",
    }
)
# Intents that leave a form rather than answer its question ("I want a person" is no order number).
LEAVING_INTENTS = frozenset({"request_human", "complain", "restart", "goodbye", "bot_challenge"})
FORM_ANSWER_WORDS = 4
PRODUCT_INTENTS = frozenset({"check_availability", "stock_alert"})
# A size written in a question: "M", "XL", "42", or after "size"/"rozmiar"/"mărime".
# Single letters only in capitals: the "s" of "it's" is no size.
_SIZE_HINT = re.compile(r"\b(?:XXS|XS|S|M|L|XL|XXL|[xX]{1,2}[sSlL]|3\d|4\d)\b|(?i:size|rozmiar|m[aă]rime)\w*\s+\S+")


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
        if current and tracker.active_loop_name and len(text.split()) < FORM_ANSWER_WORDS:
            # A short answer to a form's question (a name, an e-mail, a size) is no sign of a new
            # language: "Anna Kowalska" reads as Polish to the detector, but she wrote in English.
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

    # --- the shop's slots: filled from any message, checked by the forms' validate_ actions ---

    async def extract_order_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text, intent = _text_and_intent(tracker)
        number = find_order_number(text)
        if number:  # "where is ORD-10234?", or a correction mid-form: "sorry, it's 10235"
            return {"order_number": number} if number != tracker.get_slot("order_number") else {}
        if _answers(tracker, "order_form", "order_number") and intent not in LEAVING_INTENTS:
            return {"order_number": text.strip()}  # validate_order_form says what is wrong with it
        return {}

    async def extract_order_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text, intent = _text_and_intent(tracker)
        in_form = tracker.active_loop_name == "order_form"
        # An e-mail typed elsewhere (a callback ticket) is not proof of an order.
        contact = find_contact(text) if in_form or find_order_number(text) else None
        if contact:
            return {"order_contact": contact}
        if _answers(tracker, "order_form", "order_contact") and intent not in LEAVING_INTENTS:
            if find_order_number(text):
                return {}  # a corrected number, not a contact; the form asks for the contact again
            return {"order_contact": text.strip()}
        return {}

    async def extract_product_query(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text, intent = _text_and_intent(tracker)
        asked = any(_answers(tracker, form, "product_query") for form in ("availability_form", "stock_alert_form"))
        if (intent in PRODUCT_INTENTS and not tracker.active_loop_name) or (asked and intent not in LEAVING_INTENTS):
            if not text.startswith("/"):
                return {"product_query": text.strip(), "product_sku": None}
        return {}

    async def extract_product_size(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text, intent = _text_and_intent(tracker)
        asked = any(_answers(tracker, form, "product_size") for form in ("availability_form", "stock_alert_form"))
        if asked and intent not in LEAVING_INTENTS:
            return {"product_size": text.strip()}
        if intent in PRODUCT_INTENTS and not tracker.active_loop_name and not text.startswith("/"):
            # A new question: its size, or none (not the size of the previous product).
            return {"product_size": text.strip() if _SIZE_HINT.search(text) else None}
        return {}


def _text_and_intent(tracker: Tracker) -> tuple[str, str | None]:
    text = tracker.latest_message.get("text") or ""
    if text.startswith("EXTERNAL: "):
        return "", None
    return text, (tracker.latest_message.get("intent") or {}).get("name")


def _answers(tracker: Tracker, form: str, slot: str) -> bool:
    """The customer is answering `form`'s question for `slot`."""
    return tracker.active_loop_name == form and tracker.get_slot("requested_slot") == slot
