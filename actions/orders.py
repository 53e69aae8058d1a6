"""The customer's own orders: `order_form` proves ownership, `action_answer_order` answers.

Ownership is proven by the order number plus the e-mail or postcode on the order, or by the
website's signed identity (actions/shop.py). Nothing about an order is said before that. A wrong
number and a wrong e-mail get the same answer, so orders cannot be probed; after
`MAX_ATTEMPTS` failures in a conversation the bot stops asking and offers a consultant.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.shop import language_of, return_days, shop, shop_today, signed_in_customer
from bot.privacy import mask_pii
from bot.shop.errors import ShopUnavailableError
from bot.shop.extract import find_contact
from bot.shop.text import normalise_order_number

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RECENT_ORDERS = 5
ORDER_INTENTS = ("order_status", "order_return")
LOCKED, VERIFIED, UNAVAILABLE = "locked", "verified", "unavailable"


def _attempts(tracker: Tracker) -> int:
    return int(tracker.get_slot("order_attempts") or 0)


class ValidateOrderForm(FormValidationAction):
    def name(self) -> str:
        return "validate_order_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("order_outcome") in (LOCKED, UNAVAILABLE) or _attempts(tracker) >= MAX_ATTEMPTS:
            return []  # the form ends; action_answer_order explains
        if signed_in_customer(tracker) is not None:
            return ["order_number"]  # the website vouches for who they are
        return domain_slots

    async def validate_order_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        number = normalise_order_number(str(value or ""))
        if number is None:
            dispatcher.utter_message(response="utter_order_number_invalid")
            return {"order_number": None}
        if number == tracker.get_slot("order_verified"):
            return {"order_number": number, "order_outcome": VERIFIED}
        customer = signed_in_customer(tracker)
        contact = customer.email if customer else find_contact(tracker.get_slot("order_contact") or "")
        if not contact:
            return {"order_number": number, "order_verified": None, "order_outcome": None}
        # The contact may be from an earlier order: a mismatch then is no one's fault, so it only
        # clears the contact; a contact typed in this very message counts as a try.
        typed_now = customer is not None or _typed_in_latest_message(tracker, contact)
        return await self._verify(number, contact, typed_now, dispatcher, tracker)

    async def validate_order_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        number = tracker.get_slot("order_number")
        if tracker.get_slot("order_contact") != value:
            return {}  # validate_order_number already dealt with it in this turn
        if number and tracker.get_slot("order_verified") == number:
            return {"order_contact": value}
        contact = find_contact(str(value or ""))
        if contact is None:
            dispatcher.utter_message(response="utter_order_contact_invalid")
            return {"order_contact": None}
        if not number:
            return {"order_contact": contact}
        return await self._verify(number, contact, True, dispatcher, tracker)

    async def _verify(
        self, number: str, contact: str, counts: bool, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        try:
            order = await shop().verify_order_owner(number, contact)
        except ShopUnavailableError as error:
            logger.warning("order verification: the shop did not answer: %s", error)
            dispatcher.utter_message(response="utter_shop_unavailable")
            return {"order_number": number, "order_contact": contact, "order_outcome": UNAVAILABLE}
        if order is not None:
            logger.info("order %s verified", mask_pii(number))
            return {"order_number": number, "order_contact": contact, "order_verified": number, "order_outcome": VERIFIED}
        if not counts:
            return {"order_number": number, "order_contact": None, "order_verified": None, "order_outcome": None}
        attempts = _attempts(tracker) + 1
        logger.info("order verification failed for %s (try %d of %d)", mask_pii(number), attempts, MAX_ATTEMPTS)
        if attempts >= MAX_ATTEMPTS:
            return {"order_attempts": float(attempts), "order_verified": None, "order_outcome": LOCKED,
                    "order_number": number, "order_contact": contact}
        dispatcher.utter_message(response="utter_order_not_found")
        return {"order_attempts": float(attempts), "order_verified": None, "order_outcome": None,
                "order_number": None, "order_contact": None}


def _typed_in_latest_message(tracker: Tracker, contact: str) -> bool:
    text = (tracker.latest_message.get("text") or "").casefold()
    return contact.casefold() in text


def _question(tracker: Tracker) -> str:
    """Which order question started the form: the newest order intent in the conversation."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if name in ORDER_INTENTS:
                return name
    return "order_status"


class ActionAnswerOrder(Action):
    """Answers the verified customer's question about their order, in their language."""

    def name(self) -> str:
        return "action_answer_order"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        from bot.shop.replies import order_return_reply, order_status_reply

        outcome = tracker.get_slot("order_outcome")
        if outcome == LOCKED or _attempts(tracker) >= MAX_ATTEMPTS:
            dispatcher.utter_message(response="utter_order_locked")
            return []
        reset = [SlotSet("order_outcome", None)]
        if outcome == UNAVAILABLE:
            return reset + [SlotSet("order_number", None)]
        number = tracker.get_slot("order_verified")
        if not number or number != tracker.get_slot("order_number"):
            # The form cannot end unverified, but an answer must never depend on that.
            return reset
        language = language_of(tracker)
        try:
            order = await shop().find_order(number)
        except ShopUnavailableError as error:
            logger.warning("order lookup: the shop did not answer: %s", error)
            dispatcher.utter_message(response="utter_shop_unavailable")
            return reset
        if order is None:
            dispatcher.utter_message(response="utter_order_not_found")
            return reset + [SlotSet("order_verified", None), SlotSet("order_number", None)]
        reply = order_return_reply if _question(tracker) == "order_return" else order_status_reply
        dispatcher.utter_message(text=reply(order, language, shop_today(), return_days()))
        return reset


class ActionAskOrderNumber(Action):
    """Asks for the order number; a signed-in customer picks one of their recent orders instead."""

    def name(self) -> str:
        return "action_ask_order_number"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        from bot.shop.replies import format_date, status_name

        customer = signed_in_customer(tracker)
        orders = []
        if customer is not None:
            try:
                orders = (await shop().orders_of_customer(customer.email))[:RECENT_ORDERS]
            except ShopUnavailableError as error:
                logger.warning("recent orders: the shop did not answer: %s", error)
        if not orders:
            dispatcher.utter_message(response="utter_ask_order_number")
            return []
        language = language_of(tracker)
        dispatcher.utter_message(
            response="utter_ask_which_order",
            name=customer.name or customer.email if customer else "",
            buttons=[
                {
                    "title": f"{order.number} · {format_date(order.created_at.date(), language)} · "
                    f"{status_name(order.status, language)}",
                    "payload": order.number,
                }
                for order in orders
            ],
        )
        return []
