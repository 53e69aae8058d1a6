"""The shop: products, stock, stores, customers and orders, behind the ShopBackend protocol.

`SqlShopBackend` answers from our own database; the records it returns are frozen and detached.
"""

from bot.shop.backend import ShopBackend
from bot.shop.enums import DeliveryMethod, OrderStatus, RefundMethod, RefundState
from bot.shop.errors import (
    InvalidOrderError,
    OutOfStockError,
    ShopError,
    ShopUnavailableError,
    UnknownCustomerError,
    UnknownProductError,
    UnknownStoreError,
)
from bot.shop.records import (
    Availability,
    Customer,
    Delivery,
    Money,
    OpeningHours,
    Order,
    OrderLine,
    Product,
    Store,
    StoreStock,
    Variant,
)

__all__ = [
    "Availability",
    "Customer",
    "Delivery",
    "DeliveryMethod",
    "InvalidOrderError",
    "Money",
    "OpeningHours",
    "Order",
    "OrderLine",
    "OrderStatus",
    "OutOfStockError",
    "Product",
    "RefundMethod",
    "RefundState",
    "ShopBackend",
    "ShopError",
    "ShopUnavailableError",
    "Store",
    "StoreStock",
    "UnknownCustomerError",
    "UnknownProductError",
    "UnknownStoreError",
    "Variant",
]
