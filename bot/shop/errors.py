"""What can go wrong when the shop is asked to act; each message names the thing at fault."""

from __future__ import annotations


class ShopError(Exception):
    """Base of every error the shop backend raises on purpose."""


class UnknownProductError(ShopError):
    def __init__(self, sku: str) -> None:
        super().__init__(f"no product or size with SKU {sku!r}")
        self.sku = sku


class UnknownStoreError(ShopError):
    def __init__(self, code: str) -> None:
        super().__init__(f"no store with code {code!r}")
        self.code = code


class UnknownCustomerError(ShopError):
    """The e-mail has no customer and no name was given to create one."""

    def __init__(self, email: str) -> None:
        super().__init__("no customer with this e-mail; give the customer's name to create one")
        self.email = email


class InvalidOrderError(ShopError):
    """The order request itself is malformed (no lines, a zero quantity, a missing postcode...)."""


class OutOfStockError(ShopError):
    """Not enough stock for one line; nothing of the order was placed."""

    def __init__(
        self, sku: str, product_names: dict[str, str], size: str, requested: int, available: int, where: str
    ) -> None:
        product_name = product_names.get("en") or next(iter(product_names.values()), sku)
        super().__init__(
            f"not enough stock of {product_name}, size {size} (SKU {sku}): "
            f"{requested} requested, {available} left {where}"
        )
        self.sku = sku
        self.product_names = product_names
        self.size = size
        self.requested = requested
        self.available = available
        self.where = where

    def product_name(self, language: str) -> str:
        """The product's name in the customer's language, for the bot's answer."""
        return self.product_names.get(language) or self.product_names.get("en") or self.sku


class ShopUnavailableError(ShopError):
    """The shop could not be asked (its API timed out, failed or answered nonsense; its database is down).

    Callers tell the customer the shop is not answering right now; nothing was changed.
    """
