"""Products: stock online and in stores (`availability_form`), click & collect reservations
(`pickup_form`) and back-in-stock alerts (`stock_alert_form`)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.shop import language_of, shop, signed_in_customer
from bot.privacy import mask_pii
from bot.shop.errors import OutOfStockError, ShopError, ShopUnavailableError
from bot.shop.extract import find_email, find_size
from bot.shop.records import Product
from bot.shop.text import fold

logger = logging.getLogger(__name__)

MAX_STORE_BUTTONS = 3
_BUTTONS = {
    "reserve": {"en": "Reserve in {city}", "pl": "Zarezerwuj w: {city}", "ro": "Rezervă în {city}"},
    "alert": {"en": "Notify me when it's back", "pl": "Powiadom mnie, gdy wróci", "ro": "Anunță-mă când revine"},
}
_CHANNEL_NAMES = {
    "email": {"en": "e-mail", "pl": "e-mail", "ro": "e-mail"},
    "phone": {"en": "text message", "pl": "SMS", "ro": "SMS"},
}


async def product_of(tracker: Tracker) -> Product | None:
    """The product the conversation is about: the chosen SKU, else the best match of the customer's words."""
    language = language_of(tracker)
    sku = tracker.get_slot("product_sku")
    query = sku or tracker.get_slot("product_query")
    if not query:
        return None
    found = await shop().search_products(query, language, 5)
    if sku:
        found = [product for product in found if product.sku == sku]
    return found[0] if found else None


def _sizes(product: Product) -> list[str]:
    return [variant.size for variant in product.variants]


class ProductSlots:
    """Validation of product_query and product_size, shared by the availability and alert forms."""

    async def validate_product_query(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        query = str(value or "").strip()
        try:
            found = await shop().search_products(query, language_of(tracker), 5) if query else []
        except ShopUnavailableError:
            dispatcher.utter_message(response="utter_shop_unavailable")
            return {"product_query": None, "requested_slot": None}
        if not found:
            dispatcher.utter_message(response="utter_product_not_found", query=query[:80])
            return {"product_query": None, "product_sku": None}
        product = found[0]
        slots: dict[str, Any] = {"product_query": query, "product_sku": product.sku}
        sizes = _sizes(product)
        if len(sizes) == 1:
            slots["product_size"] = sizes[0]
        elif tracker.get_slot("product_size"):
            # A size given with the question ("linen dress in M") is checked against this product.
            slots["product_size"] = find_size(str(tracker.get_slot("product_size")), sizes)
        return slots

    async def validate_product_size(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            product = await product_of(tracker)
        except ShopUnavailableError:
            return {"product_size": None}
        if product is None:
            return {"product_size": None}  # asked again once the product is known
        sizes = _sizes(product)
        size = find_size(str(value or ""), sizes)
        if size is None:
            dispatcher.utter_message(
                response="utter_product_size_invalid",
                product=product.name(language_of(tracker)),
                size=str(value or "")[:20],
                sizes=", ".join(sizes),
            )
        return {"product_size": size}


class ValidateAvailabilityForm(ProductSlots, FormValidationAction):
    def name(self) -> str:
        return "validate_availability_form"


class ActionAskProductSize(Action):
    """Asks for the size, listing the sizes the product comes in."""

    def name(self) -> str:
        return "action_ask_product_size"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = language_of(tracker)
        product = await product_of(tracker)
        if product is None:
            dispatcher.utter_message(response="utter_ask_product_query")
            return []
        sizes = _sizes(product)
        dispatcher.utter_message(
            response="utter_product_sizes",
            product=product.name(language),
            sizes=", ".join(sizes),
            buttons=[{"title": size, "payload": size} for size in sizes],
        )
        return []


def _cities_mentioned(tracker: Tracker) -> set[str]:
    """Folded words of the customer's messages in this session, to find the cities they named."""
    words: set[str] = set()
    for event in tracker.events:
        if event.get("event") in ("session_started", "restart"):
            words = set()
        elif event.get("event") == "user":
            words |= set(fold(str(event.get("text") or "")).split())
    return words


def _in_city(city: str, words: set[str]) -> bool:
    # "w Krakowie" / "din Cluj": the city's folded stem is enough.
    stem = fold(city).split()[0][:5]
    return any(word.startswith(stem) for word in words)


class ActionAnswerAvailability(Action):
    def name(self) -> str:
        return "action_answer_availability"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        from bot.shop.replies import availability_reply

        language = language_of(tracker)
        done = [SlotSet("product_query", None)]
        try:
            product = await product_of(tracker)
            size = tracker.get_slot("product_size")
            if product is None or not size:
                return done
            stock = next(iter(await shop().availability(product.sku, size)), None)
        except ShopUnavailableError as error:
            logger.warning("availability: the shop did not answer: %s", error)
            dispatcher.utter_message(response="utter_shop_unavailable")
            return done
        except ShopError as error:
            logger.warning("availability: %s", error)
            return done + [SlotSet("product_size", None)]
        if stock is None:
            return done
        words = _cities_mentioned(tracker)
        nearby = [store.store_code for store in stock.stores if _in_city(store.city, words)]
        buttons = [
            {
                "title": _BUTTONS["reserve"][language].format(city=store.city),
                "payload": f'/reserve_pickup{{"store_code": "{store.store_code}"}}',
            }
            for store in sorted(
                (store for store in stock.stores if store.quantity > 0),
                key=lambda store: (store.store_code not in nearby, -store.quantity),
            )[:MAX_STORE_BUTTONS]
        ]
        if stock.online <= 0:
            buttons.append({"title": _BUTTONS["alert"][language], "payload": "/stock_alert"})
        dispatcher.utter_message(text=availability_reply(product, stock, language, nearby), buttons=buttons)
        return done + [SlotSet("product_sku", product.sku), SlotSet("product_size", stock.size)]


class ValidatePickupForm(FormValidationAction):
    def name(self) -> str:
        return "validate_pickup_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        # A signed-in customer's name and e-mail come from the website.
        return [] if signed_in_customer(tracker) is not None else domain_slots

    def validate_pickup_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = " ".join(str(value or "").split())
        if len(name) < 2 or len(name) > 120 or "@" in name:
            dispatcher.utter_message(response="utter_ask_pickup_name")
            return {"pickup_name": None}
        return {"pickup_name": name}

    def validate_pickup_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        email = find_email(str(value or ""))
        if email is None:
            dispatcher.utter_message(response="utter_pickup_email_invalid")
        return {"pickup_email": email}


class ActionReservePickup(Action):
    """Reserves the chosen size on the chosen store's shelf for the customer to collect and pay."""

    def name(self) -> str:
        return "action_reserve_pickup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        from bot.shop.replies import reservation_reply

        language = language_of(tracker)
        customer = signed_in_customer(tracker)
        email = customer.email if customer else tracker.get_slot("pickup_email")
        name = (customer.name if customer else None) or tracker.get_slot("pickup_name")
        store_code = tracker.get_slot("pickup_store")
        done = [SlotSet("pickup_store", None)]
        try:
            product = await product_of(tracker)
            size = tracker.get_slot("product_size")
            variant = next((v for v in product.variants if v.size == size), None) if product else None
            if variant is None or not email or not store_code:
                dispatcher.utter_message(response="utter_ask_product_query")
                return done
            order = await shop().reserve_for_pickup(email, variant.sku, store_code, 1, customer_name=name)
        except ShopUnavailableError as error:
            logger.warning("pickup reservation: the shop did not answer: %s", error)
            dispatcher.utter_message(response="utter_shop_unavailable")
            return done
        except OutOfStockError:
            dispatcher.utter_message(response="utter_pickup_failed")
            return done
        except ShopError as error:
            logger.warning("pickup reservation refused: %s", mask_pii(str(error)))
            dispatcher.utter_message(response="utter_pickup_failed")
            return done
        logger.info("pickup order %s reserved in %s", mask_pii(order.number), store_code)
        dispatcher.utter_message(text=reservation_reply(order, language))
        # The customer owns the new order: they may ask about it without proving it again.
        return done + [SlotSet("order_verified", order.number), SlotSet("order_number", order.number),
                       SlotSet("order_contact", email)]


class ValidateStockAlertForm(ProductSlots, FormValidationAction):
    def name(self) -> str:
        return "validate_stock_alert_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("product_sku") and tracker.get_slot("product_size"):
            # The product and size the customer just looked at.
            return [slot for slot in domain_slots if slot not in ("product_query", "product_size")]
        return domain_slots

    def validate_alert_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        from bot.shop.alerts.contacts import normalise_contact

        kind = tracker.get_slot("contact_kind") or "email"
        try:
            contact = normalise_contact("sms" if kind == "phone" else "email", str(value or ""))
        except ValueError:
            dispatcher.utter_message(response="utter_alert_contact_invalid")
            return {"alert_contact": None}
        return {"alert_contact": contact}


class ActionSubscribeStockAlert(Action):
    """Stores a back-in-stock alert (with the consent given) for `python -m bot notify` to send."""

    def name(self) -> str:
        return "action_subscribe_stock_alert"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = language_of(tracker)
        done = [SlotSet("alert_contact", None), SlotSet("alert_consent", None), SlotSet("contact_kind", None)]
        if not tracker.get_slot("alert_consent"):
            dispatcher.utter_message(response="utter_alert_no_consent")
            return done
        kind = tracker.get_slot("contact_kind") or "email"
        contact = tracker.get_slot("alert_contact")
        size = tracker.get_slot("product_size")
        try:
            product = await product_of(tracker)
            stock = next(iter(await shop().availability(product.sku, size)), None) if product and size else None
        except ShopError as error:
            logger.warning("stock alert: %s", error)
            dispatcher.utter_message(response="utter_shop_unavailable")
            return done
        if product is None or stock is None or not contact:
            dispatcher.utter_message(response="utter_ask_product_query")
            return done
        name = product.name(language)
        if stock.in_stock_anywhere:
            dispatcher.utter_message(response="utter_alert_in_stock", product=name, size=stock.size)
            return done
        consent = domain.get("responses", {}).get("utter_ask_alert_consent", [{}])
        consent_text = next(
            (item.get("text") for item in consent if _condition_language(item) == language), consent[-1].get("text")
        )
        from bot.shop.alerts import StockAlertError

        try:
            await asyncio.to_thread(
                _subscribe,
                product_sku=product.sku,
                variant_sku=stock.variant_sku,
                size=stock.size,
                channel="sms" if kind == "phone" else "email",
                contact=contact,
                language=language,
                consent_text=consent_text or "",
                conversation_id=tracker.sender_id,
            )
        except StockAlertError as error:
            logger.warning("stock alert refused: %s", error)
            dispatcher.utter_message(response="utter_alert_contact_invalid")
            return done
        dispatcher.utter_message(
            response="utter_alert_subscribed",
            channel=_CHANNEL_NAMES[kind][language],
            contact=contact,
            product=name,
            size=stock.size,
        )
        return done


def _condition_language(response: dict[str, Any]) -> str:
    for condition in response.get("condition") or []:
        if condition.get("name") == "language":
            return str(condition.get("value"))
    return "en"


def _subscribe(**fields: Any) -> None:
    from bot.db import get_engine
    from bot.shop.alerts import StockAlerts

    StockAlerts(get_engine()).subscribe(**fields)
