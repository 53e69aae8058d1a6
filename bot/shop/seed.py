"""Fill the shop tables with the demo shop (bot.shop.demo_data), deterministically and idempotently.

Rows are matched by their natural keys (SKU, store code, e-mail, order number): what exists is left
alone (stock may have moved since), what is missing is added. `reset` empties the shop tables first.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Engine, Table, delete, func, select
from sqlalchemy.orm import Session

from bot.db import Base
from bot.shop.demo_data import (
    CUSTOMERS,
    FIXED_STOCK,
    ORDERS,
    PRODUCTS,
    RANDOM_SEED,
    STORES,
    Carrier,
    DemoOrder,
    variant_sku,
)
from bot.shop.enums import OrderStatus
from bot.shop.models import (
    ShopCustomer,
    ShopOrder,
    ShopOrderLine,
    ShopProduct,
    ShopStore,
    ShopStoreHours,
    ShopStoreStock,
    ShopVariant,
)

_ONLINE_STOCK = (0, 1, 2, 3, 5, 8, 12, 20, 35)
_ONLINE_WEIGHTS = (1, 1, 2, 2, 3, 3, 3, 2, 1)
_STORE_STOCK = (0, 1, 2, 3, 4, 6)
_STORE_WEIGHTS = (4, 2, 2, 2, 1, 1)


@dataclass(frozen=True)
class SeedSummary:
    added: dict[str, int]
    totals: dict[str, int]
    orders_by_status: dict[str, int]
    reset: bool

    def lines(self) -> list[str]:
        head = "Emptied the shop tables, then seeded" if self.reset else "Seeded"
        parts = [f"{head} the demo shop:"]
        for kind, total in self.totals.items():
            parts.append(f"  {kind:<10} {total:>4} ({self.added.get(kind, 0)} added)")
        parts.append("  orders by status: " + ", ".join(f"{status} {n}" for status, n in self.orders_by_status.items()))
        return parts


def shop_tables() -> list[Table]:
    """Every shop_ table known to the metadata, dependents last (other shop modules' tables too)."""
    return [table for table in Base.metadata.sorted_tables if table.name.startswith("shop_")]


def empty_shop(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(shop_tables()):
            connection.execute(delete(table))


def seed_demo_shop(engine: Engine, *, reset: bool = False, today: date | None = None) -> SeedSummary:
    """Add the demo shop's missing rows; with `reset`, wipe the shop tables first.

    `today` anchors the orders' dates (a parcel expected tomorrow...); the content is otherwise fixed.
    """
    today = today or datetime.now(timezone.utc).date()
    if reset:
        empty_shop(engine)
    added: dict[str, int] = {}
    with Session(engine) as session, session.begin():
        stores = _seed_stores(session, added)
        variants = _seed_products(session, stores, added)
        customers = _seed_customers(session, added)
        _seed_orders(session, customers, stores, variants, today, added)
    with Session(engine) as session:
        totals = {
            "products": session.scalar(select(func.count()).select_from(ShopProduct)) or 0,
            "sizes": session.scalar(select(func.count()).select_from(ShopVariant)) or 0,
            "stores": session.scalar(select(func.count()).select_from(ShopStore)) or 0,
            "customers": session.scalar(select(func.count()).select_from(ShopCustomer)) or 0,
            "orders": session.scalar(select(func.count()).select_from(ShopOrder)) or 0,
        }
        counts = dict(session.execute(select(ShopOrder.status, func.count()).group_by(ShopOrder.status)).all())
    by_status = {status.value: counts[status] for status in OrderStatus if status in counts}
    return SeedSummary(added=added, totals=totals, orders_by_status=by_status, reset=reset)


def _seed_stores(session: Session, added: dict[str, int]) -> dict[str, ShopStore]:
    existing = {store.code: store for store in session.scalars(select(ShopStore))}
    for demo in STORES:
        if demo.code in existing:
            continue
        store = ShopStore(
            code=demo.code,
            name=demo.name,
            city=demo.city,
            address=demo.address,
            postcode=demo.postcode,
            time_zone=demo.time_zone,
            opening_hours=[
                ShopStoreHours(weekday=day, opens=opens, closes=closes) for day, (opens, closes) in demo.hours.items()
            ],
        )
        session.add(store)
        existing[demo.code] = store
        added["stores"] = added.get("stores", 0) + 1
    session.flush()
    return existing


def _seed_products(session: Session, stores: dict[str, ShopStore], added: dict[str, int]) -> dict[str, ShopVariant]:
    # One generator walked in a fixed order: the same stock on every machine, whether a product is
    # added now or was already there.
    rng = random.Random(RANDOM_SEED)
    existing = set(session.scalars(select(ShopProduct.sku)))
    for demo in PRODUCTS:
        stock_plan = []
        for size in demo.sizes:
            sku = variant_sku(demo.sku, size)
            online = rng.choices(_ONLINE_STOCK, _ONLINE_WEIGHTS)[0]
            shelves = {code: rng.choices(_STORE_STOCK, _STORE_WEIGHTS)[0] for code in sorted(stores)}
            if sku in FIXED_STOCK:
                online, shelves = FIXED_STOCK[sku][0], dict(FIXED_STOCK[sku][1])
            stock_plan.append((size, sku, online, shelves))
        if demo.sku in existing:
            continue
        product = ShopProduct(
            sku=demo.sku, names=demo.names, category=demo.category, price_minor=demo.price_minor, currency="PLN"
        )
        for position, (size, sku, online, shelves) in enumerate(stock_plan):
            variant = ShopVariant(sku=sku, size=size, position=position, online_stock=online)
            variant.store_stock = [
                ShopStoreStock(store=stores[code], quantity=quantity) for code, quantity in shelves.items()
            ]
            product.variants.append(variant)
        session.add(product)
        added["products"] = added.get("products", 0) + 1
        added["sizes"] = added.get("sizes", 0) + len(stock_plan)
    session.flush()
    return {variant.sku: variant for variant in session.scalars(select(ShopVariant))}


def _seed_customers(session: Session, added: dict[str, int]) -> dict[str, ShopCustomer]:
    existing = {customer.email: customer for customer in session.scalars(select(ShopCustomer))}
    for demo in CUSTOMERS:
        if demo.email in existing:
            continue
        customer = ShopCustomer(email=demo.email, name=demo.name, phone=demo.phone, postcode=demo.postcode)
        session.add(customer)
        existing[demo.email] = customer
        added["customers"] = added.get("customers", 0) + 1
    session.flush()
    return existing


def _tracking_number(carrier: Carrier, order_number: str) -> str:
    # Derived from the order number, so it is the same on every run and every machine.
    rng = random.Random(f"{RANDOM_SEED}:{order_number}")
    return "".join(str(rng.randrange(10)) for _ in range(carrier.number_digits))


def _seed_orders(
    session: Session,
    customers: dict[str, ShopCustomer],
    stores: dict[str, ShopStore],
    variants: dict[str, ShopVariant],
    today: date,
    added: dict[str, int],
) -> None:
    existing = set(session.scalars(select(ShopOrder.number)))
    addresses = {demo.email: demo.address for demo in CUSTOMERS}
    for index, demo in enumerate(ORDERS):
        if demo.number in existing:
            continue
        session.add(_order_row(demo, index, customers, stores, variants, addresses, today))
        added["orders"] = added.get("orders", 0) + 1
    session.flush()


def _order_row(
    demo: DemoOrder,
    index: int,
    customers: dict[str, ShopCustomer],
    stores: dict[str, ShopStore],
    variants: dict[str, ShopVariant],
    addresses: dict[str, str],
    today: date,
) -> ShopOrder:
    customer = customers[demo.email]
    created = datetime.combine(today - timedelta(days=demo.created_days_ago), time(8, 0), timezone.utc) + timedelta(
        minutes=37 * index
    )

    def day(offset: int | None) -> date | None:
        return None if offset is None else today + timedelta(days=offset)

    lines = [
        ShopOrderLine(variant=variants[sku], quantity=quantity, unit_price_minor=variants[sku].product.price_minor)
        for sku, quantity in demo.lines
    ]
    tracking = _tracking_number(demo.carrier, demo.number) if demo.carrier else None
    return ShopOrder(
        number=demo.number,
        customer=customer,
        status=demo.status,
        delivery_method=demo.delivery_method,
        pickup_store=stores[demo.store] if demo.store else None,
        delivery_address=None if demo.store else addresses[demo.email],
        postcode=customer.postcode,
        carrier=demo.carrier.name if demo.carrier else None,
        tracking_url=demo.carrier.tracking_url.format(number=tracking) if demo.carrier else None,
        expected_date=day(demo.expected_in_days),
        hold_until=day(demo.hold_days_left),
        delivered_on=day(-demo.delivered_days_ago) if demo.delivered_days_ago is not None else None,
        refund_method=demo.refund[0] if demo.refund else None,
        refund_state=demo.refund[1] if demo.refund else None,
        total_minor=sum(line.unit_price_minor * line.quantity for line in lines),
        currency="PLN",
        placed_by=demo.placed_by,
        created_at=created,
        updated_at=created + timedelta(hours=min(demo.created_days_ago * 24, 20)),
        lines=lines,
    )


def seed_demo_shop_if_empty(engine: Engine) -> SeedSummary | None:
    """Fill the demo shop only into a shop with no products, so a real catalogue is never mixed with it."""
    with Session(engine) as session:
        if session.scalar(select(func.count()).select_from(ShopProduct)):
            return None
    return seed_demo_shop(engine)
