from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.shop.demo_data import CUSTOMERS, ORDERS, PRODUCTS, STORES
from bot.shop.enums import DeliveryMethod, OrderStatus, RefundMethod
from bot.shop.models import ShopOrder, ShopProduct, ShopVariant
from bot.shop.records import Availability, Delivery
from bot.shop.seed import seed_demo_shop
from bot.shop.sql import SqlShopBackend
from tests.shop.conftest import SEED_DAY


async def _stock_snapshot(backend: SqlShopBackend) -> list[Availability]:
    snapshot: list[Availability] = []
    for product in PRODUCTS:
        snapshot.extend(await backend.availability(product.sku))
    return snapshot


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_seed_fills_the_demo_shop(engine: Engine) -> None:
    summary = seed_demo_shop(engine, today=SEED_DAY)

    assert summary.totals == {
        "products": len(PRODUCTS),
        "sizes": sum(len(product.sizes) for product in PRODUCTS),
        "stores": len(STORES),
        "customers": len(CUSTOMERS),
        "orders": len(ORDERS),
    }
    assert summary.added == summary.totals
    assert set(summary.orders_by_status) == {status.value for status in OrderStatus}
    assert sum(summary.orders_by_status.values()) == len(ORDERS)
    assert 20 <= len(PRODUCTS) and len(STORES) == 4 and len(CUSTOMERS) >= 10


def test_seeding_twice_adds_nothing(engine: Engine) -> None:
    first = seed_demo_shop(engine, today=SEED_DAY)
    second = seed_demo_shop(engine, today=SEED_DAY)

    assert second.totals == first.totals
    assert all(count == 0 for count in second.added.values())
    assert _count(engine, ShopProduct) == len(PRODUCTS)
    assert _count(engine, ShopOrder) == len(ORDERS)


async def test_reseeding_keeps_stock_that_moved_and_reset_restores_it(seeded: Engine, backend: SqlShopBackend) -> None:
    before = await _stock_snapshot(backend)
    placed = await backend.place_order(
        "anna.kowalska@example.com",
        [(next(a.variant_sku for a in before if a.online > 0), 1)],
        Delivery(method=DeliveryMethod.COURIER, address="ul. Nowy Świat 21/4, Warszawa"),
    )

    seed_demo_shop(seeded, today=SEED_DAY)
    assert await backend.find_order(placed.number) is not None
    assert await _stock_snapshot(backend) != before

    summary = seed_demo_shop(seeded, reset=True, today=SEED_DAY)
    assert summary.reset and summary.added["orders"] == len(ORDERS)
    assert await backend.find_order(placed.number) is None
    # Fixed random seed: the same stock figures as the first seeding.
    assert await _stock_snapshot(backend) == before


async def test_orders_in_every_state_with_their_details(backend: SqlShopBackend) -> None:
    orders = [await backend.find_order(demo.number) for demo in ORDERS]
    assert all(order is not None for order in orders)
    by_status: dict[OrderStatus, list] = {}
    for order in orders:
        assert order is not None
        by_status.setdefault(order.status, []).append(order)
        assert order.total.amount_minor == sum(line.total.amount_minor for line in order.lines) > 0
        assert order.postcode

    assert set(by_status) == set(OrderStatus)
    for order in by_status[OrderStatus.SHIPPED]:
        assert order.carrier and order.tracking_url and order.tracking_url.startswith("https://")
        assert order.expected_date is not None and order.expected_date >= SEED_DAY
    for order in by_status[OrderStatus.READY_FOR_PICKUP]:
        assert order.delivery_method is DeliveryMethod.CLICK_AND_COLLECT
        assert order.pickup_store is not None and order.pickup_store.opening_hours
        assert order.hold_until is not None and order.hold_until > SEED_DAY
    for order in by_status[OrderStatus.REFUNDED] + by_status[OrderStatus.RETURNED]:
        assert order.refund_method in set(RefundMethod) and order.refund_state is not None
        assert order.delivered_on is not None and order.delivered_on < SEED_DAY
    assert any(o.placed_by for o in orders), "an order placed by a consultant"


def test_every_product_has_names_in_three_languages_and_sizes(seeded: Engine) -> None:
    with Session(seeded) as session:
        for product in session.scalars(select(ShopProduct)):
            assert set(product.names) == {"en", "pl", "ro"} and all(product.names.values())
        sizes = set(session.scalars(select(ShopVariant.size)))
    assert {"S", "M", "L", "XL", "38", "45", "one size"} <= sizes
