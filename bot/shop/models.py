"""The shop's tables: products with sizes, stock online and per store, stores, customers and orders.

Every table is prefixed `shop_` so a shop's data can be wiped (`python -m bot.shop seed --reset`)
without touching the rest of the project's database.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db import Base, string_enum
from bot.shop.enums import DeliveryMethod, OrderStatus, RefundMethod, RefundState
from bot.shop.text import fold


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _enum(kind: type[StrEnum]) -> Enum:
    return string_enum(kind, f"shop_{kind.__name__.lower()}", 24)


class ShopProduct(Base):
    __tablename__ = "shop_products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, doc="Name per language code: en, pl, ro.")
    # The names in every language, folded to lower-case ASCII words (bot.shop.text.fold), so a search
    # typed without Polish or Romanian diacritics is a portable LIKE on SQLite and PostgreSQL alike.
    search_text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32), index=True)
    price_minor: Mapped[int] = mapped_column(Integer, CheckConstraint("price_minor >= 0"))
    currency: Mapped[str] = mapped_column(String(3), default="PLN")

    variants: Mapped[list[ShopVariant]] = relationship(
        back_populates="product", order_by="ShopVariant.position", cascade="all, delete-orphan"
    )


def product_search_text(sku: str, names: dict[str, str]) -> str:
    """What product search matches against: the SKU and the name in every language, folded."""
    return " ".join([fold(sku), *(fold(name) for name in names.values())])


@event.listens_for(ShopProduct, "before_insert")
@event.listens_for(ShopProduct, "before_update")
def _keep_search_text(_mapper: Any, _connection: Any, product: ShopProduct) -> None:
    # Whoever writes a product (seed, an import, a test), its search text follows its names.
    product.search_text = product_search_text(product.sku, product.names)


class ShopVariant(Base):
    """One size of a product; home goods have a single one."""

    __tablename__ = "shop_variants"
    __table_args__ = (
        UniqueConstraint("product_id", "size"),
        CheckConstraint("online_stock >= 0", name="shop_variants_online_stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("shop_products.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    size: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0, doc="Order of sizes: S before M before L.")
    online_stock: Mapped[int] = mapped_column(Integer, default=0, doc="In the warehouse that ships online orders.")

    product: Mapped[ShopProduct] = relationship(back_populates="variants")
    store_stock: Mapped[list[ShopStoreStock]] = relationship(back_populates="variant", cascade="all, delete-orphan")


class ShopStore(Base):
    __tablename__ = "shop_stores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    city: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(255))
    postcode: Mapped[str] = mapped_column(String(16))
    time_zone: Mapped[str] = mapped_column(String(64), doc="IANA name: opening hours are local to it.")

    opening_hours: Mapped[list[ShopStoreHours]] = relationship(
        order_by="ShopStoreHours.weekday", cascade="all, delete-orphan"
    )


class ShopStoreHours(Base):
    """One weekday's opening hours of a store; a weekday without a row is a closed day."""

    __tablename__ = "shop_store_hours"
    __table_args__ = (CheckConstraint("weekday BETWEEN 0 AND 6", name="shop_store_hours_weekday"),)

    store_id: Mapped[int] = mapped_column(ForeignKey("shop_stores.id", ondelete="CASCADE"), primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True, doc="0 is Monday.")
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)


class ShopStoreStock(Base):
    __tablename__ = "shop_store_stock"
    __table_args__ = (CheckConstraint("quantity >= 0", name="shop_store_stock_quantity_not_negative"),)

    variant_id: Mapped[int] = mapped_column(ForeignKey("shop_variants.id", ondelete="CASCADE"), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("shop_stores.id", ondelete="CASCADE"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, default=0)

    variant: Mapped[ShopVariant] = relationship(back_populates="store_stock")
    store: Mapped[ShopStore] = relationship()


class ShopCustomer(Base):
    __tablename__ = "shop_customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True, doc="Stored normalised: lower case, no spaces.")
    name: Mapped[str] = mapped_column(String(128))
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    postcode: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ShopOrder(Base):
    __tablename__ = "shop_orders"
    __table_args__ = (
        CheckConstraint(
            "(delivery_method = 'click_and_collect') = (pickup_store_id IS NOT NULL)",
            name="shop_orders_pickup_store_iff_click_and_collect",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True, doc="What the customer sees: ORD-10234.")
    customer_id: Mapped[int] = mapped_column(ForeignKey("shop_customers.id"), index=True)
    status: Mapped[OrderStatus] = mapped_column(_enum(OrderStatus), index=True)
    delivery_method: Mapped[DeliveryMethod] = mapped_column(_enum(DeliveryMethod))
    pickup_store_id: Mapped[int | None] = mapped_column(ForeignKey("shop_stores.id"), nullable=True)
    delivery_address: Mapped[str | None] = mapped_column(String(255), nullable=True)
    postcode: Mapped[str | None] = mapped_column(String(16), nullable=True)
    carrier: Mapped[str | None] = mapped_column(String(64), nullable=True)
    tracking_url: Mapped[str | None] = mapped_column(String(512), nullable=True)
    expected_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    hold_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    delivered_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    refund_method: Mapped[RefundMethod | None] = mapped_column(_enum(RefundMethod), nullable=True)
    refund_state: Mapped[RefundState | None] = mapped_column(_enum(RefundState), nullable=True)
    total_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="PLN")
    placed_by: Mapped[str | None] = mapped_column(String(64), nullable=True, doc="Consultant acting for the customer.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    customer: Mapped[ShopCustomer] = relationship()
    pickup_store: Mapped[ShopStore | None] = relationship()
    lines: Mapped[list[ShopOrderLine]] = relationship(
        back_populates="order", order_by="ShopOrderLine.id", cascade="all, delete-orphan"
    )


class ShopOrderLine(Base):
    __tablename__ = "shop_order_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="shop_order_lines_quantity_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_orders.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("shop_variants.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_minor: Mapped[int] = mapped_column(Integer, doc="The price when ordered, not today's.")

    order: Mapped[ShopOrder] = relationship(back_populates="lines")
    variant: Mapped[ShopVariant] = relationship()


SHOP_TABLES: tuple[Any, ...] = tuple(
    model.__table__
    for model in (
        ShopProduct, ShopVariant, ShopStore, ShopStoreHours, ShopStoreStock, ShopCustomer, ShopOrder, ShopOrderLine
    )
)
