"""What every shop action needs: the configured backend, the customer's language and identity, today."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker

from bot.shop.identity import SignedInCustomer, verified_customer


@lru_cache(maxsize=1)
def shop() -> Any:
    """The process's shop backend (bot.shop.factory); created on first use, not at import."""
    from bot.settings import get_settings
    from bot.shop.factory import shop_backend_from_settings

    return shop_backend_from_settings(get_settings())


def language_of(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "en"


def shop_today() -> date:
    """The shop's calendar day (return windows and hold dates are the shop's dates)."""
    from bot.settings import get_settings

    return datetime.now(ZoneInfo(get_settings().handoff_timezone)).date()


def return_days() -> int:
    from bot.settings import get_settings

    return get_settings().shop_return_days


def signed_in_customer(tracker: Tracker) -> SignedInCustomer | None:
    """The website's signed-in customer, from the newest customer message that carries a valid signature.

    Only the website can sign (it holds the shared secret); chat apps never carry one.
    """
    from bot.settings import get_settings

    secret = get_settings().resolved_shop_identity_secret()
    for event in reversed(tracker.events):
        if event.get("event") in ("session_started", "restart"):
            break
        if event.get("event") == "user":
            customer = verified_customer(event.get("metadata"), secret)
            if customer is not None:
                return customer
    return verified_customer(tracker.latest_message.get("metadata"), secret)
