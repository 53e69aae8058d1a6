"""What the shop backend returns: frozen pydantic records, never ORM objects.

Frozen so callers cannot change them behind the backend's back; detached from any session so nothing
lazy-loads later; pydantic so the HTTP backend can validate a shop API's JSON into the same records.
"""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.shop.enums import DeliveryMethod, OrderStatus, RefundMethod, RefundState


class Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class Money(Record):
    amount_minor: int = Field(description="In the currency's minor unit: grosze for PLN.")
    currency: str = "PLN"

    def __str__(self) -> str:
        return f"{self.amount_minor // 100}.{self.amount_minor % 100:02d} {self.currency}"


class OpeningHours(Record):
    weekday: int = Field(ge=0, le=6, description="0 is Monday, as in datetime.weekday().")
    opens: time
    closes: time


class Store(Record):
    code: str
    name: str
    city: str
    address: str
    postcode: str
    time_zone: str = Field(description="IANA name, e.g. Europe/Warsaw.")
    opening_hours: tuple[OpeningHours, ...] = Field(description="Only the days it opens; a missing day is closed.")

    def hours_on(self, weekday: int) -> OpeningHours | None:
        return next((hours for hours in self.opening_hours if hours.weekday == weekday), None)


class Variant(Record):
    sku: str
    size: str


class Product(Record):
    sku: str
    names: dict[str, str] = Field(description="Name per language code (en, pl, ro).")
    category: str
    price: Money
    variants: tuple[Variant, ...]

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.sku


class StoreStock(Record):
    store_code: str
    store_name: str
    city: str
    quantity: int


class Availability(Record):
    """Stock of one size: online (ships from the warehouse) and on each store's shelves."""

    product_sku: str
    variant_sku: str
    size: str
    online: int
    stores: tuple[StoreStock, ...]

    @property
    def in_stock_anywhere(self) -> bool:
        return self.online > 0 or any(store.quantity > 0 for store in self.stores)


class Customer(Record):
    email: str
    name: str
    phone: str | None
    postcode: str | None


class Delivery(Record):
    """How an order reaches the customer: a courier to an address, or collection in a store."""

    method: DeliveryMethod
    store_code: str | None = None
    address: str | None = None
    postcode: str | None = Field(default=None, description="Courier only; defaults to the customer's postcode.")

    @model_validator(mode="after")
    def _store_for_pickup(self) -> Delivery:
        if self.method is DeliveryMethod.CLICK_AND_COLLECT and not self.store_code:
            raise ValueError("click and collect needs the store's code")
        if self.method is DeliveryMethod.COURIER and self.store_code:
            raise ValueError("a courier delivery has no store")
        return self


class OrderLine(Record):
    product_sku: str
    variant_sku: str
    product_names: dict[str, str]
    size: str
    quantity: int
    unit_price: Money

    @property
    def total(self) -> Money:
        return Money(amount_minor=self.unit_price.amount_minor * self.quantity, currency=self.unit_price.currency)

    def product_name(self, language: str) -> str:
        return self.product_names.get(language) or self.product_names.get("en") or self.product_sku


class Order(Record):
    number: str
    status: OrderStatus
    customer: Customer
    delivery_method: DeliveryMethod
    pickup_store: Store | None
    delivery_address: str | None
    postcode: str | None = Field(description="The postcode on the order; proves ownership like the e-mail.")
    carrier: str | None
    tracking_url: str | None
    expected_date: date | None = Field(description="Expected delivery, or the day a pickup order is ready.")
    hold_until: date | None = Field(description="Pickup orders: the last day the store keeps it.")
    delivered_on: date | None = Field(description="The day it was delivered or collected; returns count from it.")
    refund_method: RefundMethod | None
    refund_state: RefundState | None
    total: Money
    lines: tuple[OrderLine, ...]
    placed_by: str | None = Field(description="The consultant who placed it for the customer, if any.")
    created_at: datetime
    updated_at: datetime
