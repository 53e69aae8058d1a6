"""What the bot needs from a shop, whoever answers it: our SQL database or a shop's REST API.

The methods are async because one implementation is an aiohttp client and the callers (rasa-sdk
actions, the aiohttp consultant console) run on an event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from bot.shop.records import Availability, Delivery, Order, Product, Store


@runtime_checkable
class ShopBackend(Protocol):
    async def find_order(self, number: str) -> Order | None:
        """The order with this number ("ORD-10234", "ord 10234", "10234"), or None.

        Internal: callers show a customer nothing of it before `verify_order_owner` succeeds.
        """
        ...

    async def verify_order_owner(self, number: str, email_or_postcode: str) -> Order | None:
        """The order if `email_or_postcode` is the e-mail of its customer or the postcode on it.

        A wrong number and a wrong e-mail both give None, in about the same time, so orders cannot be
        probed. E-mails compare case- and space-insensitively, postcodes without spaces and dashes.
        """
        ...

    async def orders_of_customer(self, email: str) -> list[Order]:
        """The customer's orders, newest first; empty for an unknown e-mail."""
        ...

    async def search_products(self, text: str, language: str = "en", limit: int = 10) -> list[Product]:
        """Products whose name matches `text` in any language, ignoring case and diacritics.

        Best matches first; the requested language's names win ties.
        """
        ...

    async def availability(self, sku: str, size: str | None = None) -> list[Availability]:
        """Stock online and per store of a product's sizes (or only `size`), or of one variant's SKU.

        Raises UnknownProductError for an unknown SKU or size.
        """
        ...

    async def stores(self) -> list[Store]:
        """Every store, with its opening hours."""
        ...

    async def place_order(
        self,
        customer_email: str,
        lines: Sequence[tuple[str, int]],
        delivery: Delivery,
        *,
        placed_by: str | None = None,
        customer_name: str | None = None,
        customer_phone: str | None = None,
        customer_postcode: str | None = None,
    ) -> Order:
        """Place an order of (variant SKU, quantity) lines, taking the stock from the online warehouse.

        All or nothing: the stock of every line is checked and taken in one transaction. A new
        customer is created only when `customer_name` is given. `placed_by` names the consultant
        acting for the customer. Raises OutOfStockError, UnknownProductError, UnknownStoreError,
        UnknownCustomerError or InvalidOrderError.
        """
        ...

    async def reserve_for_pickup(
        self,
        customer_email: str,
        variant_sku: str,
        store_code: str,
        quantity: int = 1,
        *,
        placed_by: str | None = None,
        customer_name: str | None = None,
        customer_phone: str | None = None,
    ) -> Order:
        """Reserve items on a store's shelf for the customer to collect and pay for there.

        Takes the store's stock (not the warehouse's); the order is ready for pickup straight away
        and held for a few days. Raises as `place_order` does.
        """
        ...
