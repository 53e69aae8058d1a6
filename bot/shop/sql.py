"""The shop backend on our own database (SQLite by default, PostgreSQL by URL), through SQLAlchemy.

The public methods are async (the ShopBackend protocol) and run the blocking SQLAlchemy work in a
thread with asyncio.to_thread. Why not SQLAlchemy's asyncio extension: it needs async drivers
(aiosqlite, asyncpg) for both databases and a second engine beside the sync one the rest of the
project shares (bot.db.get_engine); a shop query takes milliseconds, so a worker thread costs nothing
noticeable and keeps one engine, one set of drivers and plain sync code that is easy to test.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import CursorResult, Engine, Select, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.shop.enums import DeliveryMethod, OrderStatus
from bot.shop.errors import (
    InvalidOrderError,
    OutOfStockError,
    UnknownCustomerError,
    UnknownProductError,
    UnknownStoreError,
)
from bot.shop.models import (
    ShopCustomer,
    ShopOrder,
    ShopOrderLine,
    ShopProduct,
    ShopStore,
    ShopStoreStock,
    ShopVariant,
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
from bot.shop.text import (
    ORDER_NUMBER_PREFIX,
    fold,
    looks_like_email,
    normalise_email,
    normalise_order_number,
    normalise_postcode,
    same_secret,
)

# Orders placed through the backend are numbered ORD-<base + row id>; the demo shop's seeded orders
# use numbers below it, so the two never collide.
NEW_ORDER_NUMBER_BASE = 20000
MAX_QUANTITY_PER_LINE = 99
COURIER_DAYS = 2          # warehouse to the customer's door
STORE_TRANSFER_DAYS = 2   # warehouse to the pickup store
PICKUP_HOLD_DAYS = 3      # how long a store keeps an order for collection

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Compared against when the order does not exist, so a wrong number costs the same as a wrong e-mail.
_NO_SUCH_OWNER = "no-such-owner@invalid"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything the project stores is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _search_stems(text: str) -> list[str]:
    """Query words cut to a stem, a crude allowance for Polish and Romanian endings
    ("sukienkę", "sukienki" -> "sukien"); words under 3 letters ("w", "na") say nothing."""
    words = [word for word in fold(text).split() if len(word) >= 3 or word.isdigit()]
    return list(dict.fromkeys(word[: max(4, len(word) - 2)] if len(word) > 4 else word for word in words))


class SqlShopBackend:
    """ShopBackend on SQLAlchemy. Cheap to create; the engine's tables must exist (bot.db.make_engine)."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = _utcnow) -> None:
        self._engine = engine
        self._clock = clock

    # --- the ShopBackend protocol -------------------------------------------------------------

    async def find_order(self, number: str) -> Order | None:
        return await asyncio.to_thread(self._find_order, number)

    async def verify_order_owner(self, number: str, email_or_postcode: str) -> Order | None:
        return await asyncio.to_thread(self._verify_order_owner, number, email_or_postcode)

    async def orders_of_customer(self, email: str) -> list[Order]:
        return await asyncio.to_thread(self._orders_of_customer, email)

    async def search_products(self, text: str, language: str = "en", limit: int = 10) -> list[Product]:
        return await asyncio.to_thread(self._search_products, text, language, limit)

    async def availability(self, sku: str, size: str | None = None) -> list[Availability]:
        return await asyncio.to_thread(self._availability, sku, size)

    async def stores(self) -> list[Store]:
        return await asyncio.to_thread(self._stores)

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
        return await asyncio.to_thread(
            self._place_order,
            customer_email,
            lines,
            delivery,
            placed_by,
            customer_name,
            customer_phone,
            customer_postcode,
        )

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
        return await asyncio.to_thread(
            self._reserve_for_pickup,
            customer_email,
            variant_sku,
            store_code,
            quantity,
            placed_by,
            customer_name,
            customer_phone,
        )

    # --- orders -------------------------------------------------------------------------------

    def _find_order(self, number: str) -> Order | None:
        normalised = normalise_order_number(number)
        if normalised is None:
            return None
        with Session(self._engine) as session:
            row = session.scalar(_order_query().where(ShopOrder.number == normalised))
            return _order_record(row) if row else None

    def _verify_order_owner(self, number: str, email_or_postcode: str) -> Order | None:
        normalised = normalise_order_number(number) or ""
        proof = email_or_postcode.strip()
        by_email = looks_like_email(proof)
        # One small query whatever the outcome; the full order is loaded only for its proven owner.
        with Session(self._engine) as session:
            owner = session.execute(
                select(ShopCustomer.email, ShopOrder.postcode)
                .join(ShopOrder.customer)
                .where(ShopOrder.number == normalised)
            ).first()
        if by_email:
            given = normalise_email(proof)
            expected = owner.email if owner else _NO_SUCH_OWNER
        else:
            given = normalise_postcode(proof)
            expected = normalise_postcode(owner.postcode or "") if owner else _NO_SUCH_OWNER
        matches = same_secret(given, expected)
        if not (matches and owner is not None and given):
            return None
        return self._find_order(normalised)

    def _orders_of_customer(self, email: str) -> list[Order]:
        with Session(self._engine) as session:
            rows = session.scalars(
                _order_query()
                .join(ShopOrder.customer)
                .where(ShopCustomer.email == normalise_email(email))
                .order_by(ShopOrder.created_at.desc(), ShopOrder.id.desc())
            ).unique()
            return [_order_record(row) for row in rows]

    def _place_order(
        self,
        customer_email: str,
        lines: Sequence[tuple[str, int]],
        delivery: Delivery,
        placed_by: str | None,
        customer_name: str | None,
        customer_phone: str | None,
        customer_postcode: str | None,
    ) -> Order:
        quantities = _merged_lines(lines)
        email = _checked_email(customer_email)
        now = self._clock()
        with Session(self._engine) as session, session.begin():
            store = _store_by_code(session, delivery.store_code) if delivery.store_code else None
            variants = _variants_by_sku(session, quantities)
            customer = _customer_for_order(session, email, customer_name, customer_phone, customer_postcode)
            postcode = delivery.postcode or customer.postcode
            if delivery.method is DeliveryMethod.COURIER and not (delivery.address and postcode):
                raise InvalidOrderError("a courier delivery needs an address and a postcode")
            # One lock order (by SKU) for every transaction, so two orders sharing products never deadlock.
            for sku in sorted(quantities):
                _take_online_stock(session, variants[sku], quantities[sku])
            order = ShopOrder(
                number=_temporary_number(),
                customer=customer,
                status=OrderStatus.PLACED,
                delivery_method=delivery.method,
                pickup_store=store,
                delivery_address=delivery.address if delivery.method is DeliveryMethod.COURIER else None,
                postcode=postcode,
                expected_date=now.date()
                + timedelta(days=COURIER_DAYS if delivery.method is DeliveryMethod.COURIER else STORE_TRANSFER_DAYS),
                placed_by=placed_by,
                created_at=now,
                updated_at=now,
                **_lines_and_total(variants, quantities),
            )
            number = _save_with_number(session, order)
        found = self._find_order(number)
        assert found is not None
        return found

    def _reserve_for_pickup(
        self,
        customer_email: str,
        variant_sku: str,
        store_code: str,
        quantity: int,
        placed_by: str | None,
        customer_name: str | None,
        customer_phone: str | None,
    ) -> Order:
        quantities = _merged_lines([(variant_sku, quantity)])
        email = _checked_email(customer_email)
        now = self._clock()
        with Session(self._engine) as session, session.begin():
            store = _store_by_code(session, store_code)
            variants = _variants_by_sku(session, quantities)
            customer = _customer_for_order(session, email, customer_name, customer_phone, None)
            variant = variants[variant_sku.strip()]
            _take_store_stock(session, variant, store, quantities[variant.sku])
            order = ShopOrder(
                number=_temporary_number(),
                customer=customer,
                status=OrderStatus.READY_FOR_PICKUP,
                delivery_method=DeliveryMethod.CLICK_AND_COLLECT,
                pickup_store=store,
                postcode=customer.postcode,
                expected_date=now.date(),
                hold_until=now.date() + timedelta(days=PICKUP_HOLD_DAYS),
                placed_by=placed_by,
                created_at=now,
                updated_at=now,
                **_lines_and_total(variants, quantities),
            )
            number = _save_with_number(session, order)
        found = self._find_order(number)
        assert found is not None
        return found

    # --- products and stores ------------------------------------------------------------------

    def _search_products(self, text: str, language: str, limit: int) -> list[Product]:
        stems = _search_stems(text)
        if not stems:
            return []
        with Session(self._engine) as session:
            candidates = session.scalars(
                select(ShopProduct)
                .options(selectinload(ShopProduct.variants))
                # Stems are folded to [a-z0-9], so they carry no LIKE wildcards.
                .where(or_(*(ShopProduct.search_text.like(f"%{stem}%") for stem in stems)))
            ).all()
            scored = []
            for product in candidates:
                everywhere = product.search_text
                in_language = f"{fold(product.sku)} {fold(product.names.get(language, ''))}"
                score = sum(stem in everywhere for stem in stems)
                score_in_language = sum(stem in in_language for stem in stems)
                scored.append((score, score_in_language, product))
            if not scored:
                return []
            # Only the products matching the most words: "lniana sukienka" is the linen dress, not
            # every dress and every linen thing; the requested language breaks ties.
            best = max(score for score, _, _ in scored)
            scored = [entry for entry in scored if entry[0] == best]
            scored.sort(key=lambda entry: (-entry[1], entry[2].sku))
            return [_product_record(product) for _, _, product in scored[:limit]]

    def _availability(self, sku: str, size: str | None) -> list[Availability]:
        sku = sku.strip()
        with Session(self._engine) as session:
            stores = session.scalars(select(ShopStore).order_by(ShopStore.id)).all()
            variant = session.scalar(
                select(ShopVariant).options(joinedload(ShopVariant.product)).where(ShopVariant.sku == sku)
            )
            if variant is not None:
                variants = [variant]
            else:
                product = session.scalar(
                    select(ShopProduct).options(selectinload(ShopProduct.variants)).where(ShopProduct.sku == sku)
                )
                if product is None:
                    raise UnknownProductError(sku)
                variants = [v for v in product.variants if size is None or v.size.casefold() == size.strip().casefold()]
                if not variants:
                    raise UnknownProductError(f"{sku} in size {size}")
            stock = {
                (row.variant_id, row.store_id): row.quantity
                for row in session.scalars(
                    select(ShopStoreStock).where(ShopStoreStock.variant_id.in_([v.id for v in variants]))
                )
            }
            return [
                Availability(
                    product_sku=v.product.sku,
                    variant_sku=v.sku,
                    size=v.size,
                    online=v.online_stock,
                    stores=tuple(
                        StoreStock(
                            store_code=store.code,
                            store_name=store.name,
                            city=store.city,
                            quantity=stock.get((v.id, store.id), 0),
                        )
                        for store in stores
                    ),
                )
                for v in variants
            ]

    def _stores(self) -> list[Store]:
        with Session(self._engine) as session:
            rows = session.scalars(
                select(ShopStore).options(selectinload(ShopStore.opening_hours)).order_by(ShopStore.id)
            )
            return [_store_record(row) for row in rows]


# --- helpers of the transactions ----------------------------------------------------------------


def _merged_lines(lines: Sequence[tuple[str, int]]) -> dict[str, int]:
    """Quantity per variant SKU, the same SKU on two lines added up; malformed lines refused."""
    if not lines:
        raise InvalidOrderError("an order needs at least one line")
    quantities: dict[str, int] = {}
    for sku, quantity in lines:
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise InvalidOrderError(f"quantity of {sku!r} must be a whole number of at least 1, not {quantity!r}")
        key = sku.strip()
        quantities[key] = quantities.get(key, 0) + quantity
        if quantities[key] > MAX_QUANTITY_PER_LINE:
            raise InvalidOrderError(f"at most {MAX_QUANTITY_PER_LINE} of {key!r} in one order")
    return quantities


def _checked_email(email: str) -> str:
    normalised = normalise_email(email)
    if not _EMAIL.match(normalised):
        raise InvalidOrderError("the customer's e-mail address is not valid")
    return normalised


def _store_by_code(session: Session, code: str) -> ShopStore:
    store = session.scalar(select(ShopStore).where(ShopStore.code == code.strip().upper()))
    if store is None:
        raise UnknownStoreError(code)
    return store


def _variants_by_sku(session: Session, quantities: dict[str, int]) -> dict[str, ShopVariant]:
    variants = {
        variant.sku: variant
        for variant in session.scalars(
            select(ShopVariant).options(joinedload(ShopVariant.product)).where(ShopVariant.sku.in_(list(quantities)))
        )
    }
    for sku in quantities:
        if sku not in variants:
            raise UnknownProductError(sku)
    return variants


def _customer_for_order(
    session: Session, email: str, name: str | None, phone: str | None, postcode: str | None
) -> ShopCustomer:
    customer = session.scalar(select(ShopCustomer).where(ShopCustomer.email == email))
    if customer is not None:
        return customer
    if not name or not name.strip():
        raise UnknownCustomerError(email)
    customer = ShopCustomer(
        email=email,
        name=name.strip(),
        phone=phone.strip() if phone else None,
        postcode=postcode.strip() if postcode else None,
    )
    # A savepoint: if the same new customer orders twice at once (two tabs, a consultant and the
    # bot), the second insert breaks the e-mail's unique index; that order then uses the first's row.
    try:
        with session.begin_nested():
            session.add(customer)
    except IntegrityError:
        existing = session.scalar(select(ShopCustomer).where(ShopCustomer.email == email))
        if existing is None:
            raise
        return existing
    return customer


def _take_online_stock(session: Session, variant: ShopVariant, quantity: int) -> None:
    # Check and take in one conditional UPDATE: PostgreSQL re-checks the condition after waiting
    # for a concurrent order's row lock, SQLite serialises writers; neither can oversell.
    taken: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(ShopVariant)
        .where(ShopVariant.id == variant.id, ShopVariant.online_stock >= quantity)
        .values(online_stock=ShopVariant.online_stock - quantity)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        available = session.scalar(select(ShopVariant.online_stock).where(ShopVariant.id == variant.id)) or 0
        raise _out_of_stock(variant, quantity, available, "online")


def _take_store_stock(session: Session, variant: ShopVariant, store: ShopStore, quantity: int) -> None:
    taken: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(ShopStoreStock)
        .where(
            ShopStoreStock.variant_id == variant.id,
            ShopStoreStock.store_id == store.id,
            ShopStoreStock.quantity >= quantity,
        )
        .values(quantity=ShopStoreStock.quantity - quantity)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        available = (
            session.scalar(
                select(ShopStoreStock.quantity).where(
                    ShopStoreStock.variant_id == variant.id, ShopStoreStock.store_id == store.id
                )
            )
            or 0
        )
        raise _out_of_stock(variant, quantity, available, f"in the {store.name} store")


def _out_of_stock(variant: ShopVariant, requested: int, available: int, where: str) -> OutOfStockError:
    return OutOfStockError(
        sku=variant.sku,
        product_names=dict(variant.product.names),
        size=variant.size,
        requested=requested,
        available=available,
        where=where,
    )


def _lines_and_total(variants: dict[str, ShopVariant], quantities: dict[str, int]) -> dict[str, object]:
    lines = [
        ShopOrderLine(variant=variants[sku], quantity=quantity, unit_price_minor=variants[sku].product.price_minor)
        for sku, quantity in quantities.items()
    ]
    currencies = {variants[sku].product.currency for sku in quantities}
    if len(currencies) != 1:
        raise InvalidOrderError(f"an order's products must share one currency, not {sorted(currencies)}")
    return {
        "lines": lines,
        "total_minor": sum(line.unit_price_minor * line.quantity for line in lines),
        "currency": currencies.pop(),
    }


def _temporary_number() -> str:
    return f"new-{uuid.uuid4().hex[:24]}"


def _save_with_number(session: Session, order: ShopOrder) -> str:
    """Insert the order, then number it from its row id: unique without a read-then-write race."""
    session.add(order)
    session.flush()
    order.number = f"{ORDER_NUMBER_PREFIX}{NEW_ORDER_NUMBER_BASE + order.id}"
    session.flush()
    return order.number


# --- rows to records ----------------------------------------------------------------------------


def _order_query() -> Select[tuple[ShopOrder]]:
    """Orders with everything a record needs loaded up front, so nothing lazy-loads."""
    return select(ShopOrder).options(
        joinedload(ShopOrder.customer),
        joinedload(ShopOrder.pickup_store).selectinload(ShopStore.opening_hours),
        selectinload(ShopOrder.lines).joinedload(ShopOrderLine.variant).joinedload(ShopVariant.product),
    )


def _store_record(row: ShopStore) -> Store:
    return Store(
        code=row.code,
        name=row.name,
        city=row.city,
        address=row.address,
        postcode=row.postcode,
        time_zone=row.time_zone,
        opening_hours=tuple(
            OpeningHours(weekday=hours.weekday, opens=hours.opens, closes=hours.closes) for hours in row.opening_hours
        ),
    )


def _product_record(row: ShopProduct) -> Product:
    return Product(
        sku=row.sku,
        names=dict(row.names),
        category=row.category,
        price=Money(amount_minor=row.price_minor, currency=row.currency),
        variants=tuple(Variant(sku=variant.sku, size=variant.size) for variant in row.variants),
    )


def _order_record(row: ShopOrder) -> Order:
    return Order(
        number=row.number,
        status=row.status,
        customer=Customer(
            email=row.customer.email, name=row.customer.name, phone=row.customer.phone, postcode=row.customer.postcode
        ),
        delivery_method=row.delivery_method,
        pickup_store=_store_record(row.pickup_store) if row.pickup_store else None,
        delivery_address=row.delivery_address,
        postcode=row.postcode,
        carrier=row.carrier,
        tracking_url=row.tracking_url,
        expected_date=row.expected_date,
        hold_until=row.hold_until,
        delivered_on=row.delivered_on,
        refund_method=row.refund_method,
        refund_state=row.refund_state,
        total=Money(amount_minor=row.total_minor, currency=row.currency),
        lines=tuple(
            OrderLine(
                product_sku=line.variant.product.sku,
                variant_sku=line.variant.sku,
                product_names=dict(line.variant.product.names),
                size=line.variant.size,
                quantity=line.quantity,
                unit_price=Money(amount_minor=line.unit_price_minor, currency=row.currency),
            )
            for line in row.lines
        ),
        placed_by=row.placed_by,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
    )

