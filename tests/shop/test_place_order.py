"""Placing orders (also by a consultant for a customer): stock is checked and taken atomically."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from bot.shop.demo_data import CUSTOMERS, FIXED_STOCK, PRODUCTS
from bot.shop.enums import DeliveryMethod, OrderStatus
from bot.shop.errors import (
    InvalidOrderError,
    OutOfStockError,
    UnknownCustomerError,
    UnknownProductError,
    UnknownStoreError,
)
from bot.shop.models import ShopOrder, ShopVariant
from bot.shop.records import Availability, Delivery, Order
from bot.shop.sql import SqlShopBackend

CUSTOMER = CUSTOMERS[0]
COURIER = Delivery(method=DeliveryMethod.COURIER, address=CUSTOMER.address)
PRICES = {product.sku: product.price_minor for product in PRODUCTS}
SOLD_OUT = next(sku for sku, (online, shelves) in FIXED_STOCK.items() if online == 0 and not any(shelves.values()))
LAST_ONE_ONLINE = next(sku for sku, (online, _) in FIXED_STOCK.items() if online == 1)


async def _in_stock_online(backend: SqlShopBackend, at_least: int, skip: int = 0) -> Availability:
    candidates = [
        stock
        for product in PRODUCTS
        for stock in await backend.availability(product.sku)
        if stock.online >= at_least
    ]
    return candidates[skip]


def _order_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(ShopOrder)) or 0


async def test_order_takes_online_stock_and_keeps_shelves(backend: SqlShopBackend) -> None:
    stock = await _in_stock_online(backend, at_least=2)

    order = await backend.place_order(CUSTOMER.email, [(stock.variant_sku, 2)], COURIER, placed_by="ewa")

    [after] = await backend.availability(stock.variant_sku)
    assert after.online == stock.online - 2
    assert after.stores == stock.stores
    assert order.status is OrderStatus.PLACED and order.placed_by == "ewa"
    assert order.number.startswith("ORD-") and await backend.find_order(order.number) == order
    [line] = order.lines
    assert (line.variant_sku, line.quantity, line.unit_price.amount_minor) == (
        stock.variant_sku, 2, PRICES[stock.product_sku]
    )
    assert order.total.amount_minor == 2 * PRICES[stock.product_sku]
    assert order.postcode == CUSTOMER.postcode and order.delivery_address == CUSTOMER.address
    assert await backend.verify_order_owner(order.number, CUSTOMER.postcode) == order


async def test_order_numbers_are_unique(backend: SqlShopBackend) -> None:
    stock = await _in_stock_online(backend, at_least=3)
    numbers = {
        (await backend.place_order(CUSTOMER.email, [(stock.variant_sku, 1)], COURIER)).number for _ in range(3)
    }
    assert len(numbers) == 3


async def test_order_is_all_or_nothing(seeded: Engine, backend: SqlShopBackend) -> None:
    stock = await _in_stock_online(backend, at_least=1)
    orders_before = _order_count(seeded)

    with pytest.raises(OutOfStockError):
        await backend.place_order(CUSTOMER.email, [(stock.variant_sku, 1), (SOLD_OUT, 1)], COURIER)

    [after] = await backend.availability(stock.variant_sku)
    assert after.online == stock.online, "the first line's stock must be given back"
    assert _order_count(seeded) == orders_before


async def test_out_of_stock_names_product_and_size(backend: SqlShopBackend) -> None:
    product = next(p for p in PRODUCTS if SOLD_OUT.startswith(p.sku + "-"))
    size = SOLD_OUT.removeprefix(product.sku + "-")

    with pytest.raises(OutOfStockError) as caught:
        await backend.place_order(CUSTOMER.email, [(SOLD_OUT, 1)], COURIER)

    message = str(caught.value)
    assert product.en in message and f"size {size}" in message and "online" in message
    assert caught.value.product_name("pl") == product.pl
    assert (caught.value.size, caught.value.requested, caught.value.available) == (size, 1, 0)


async def test_asking_for_more_than_is_left(backend: SqlShopBackend) -> None:
    stock = await _in_stock_online(backend, at_least=1)
    with pytest.raises(OutOfStockError, match=f"{stock.online + 1} requested, {stock.online} left"):
        await backend.place_order(CUSTOMER.email, [(stock.variant_sku, stock.online + 1)], COURIER)


def _race_for_the_last_item(engine_factory: Callable[[], Engine], variant_sku: str) -> list[Order | Exception]:
    """Two customers, each with their own engine (as two action-server processes), order at once."""
    backends = [SqlShopBackend(engine_factory()) for _ in range(2)]
    for backend in backends:  # open the connections first, so the race is on the stock, not on connecting
        asyncio.run(backend.stores())
    barrier = threading.Barrier(2)
    results: list[Order | Exception] = [RuntimeError("did not finish"), RuntimeError("did not finish")]

    def order(index: int) -> None:
        barrier.wait(timeout=30)
        try:
            results[index] = asyncio.run(
                backends[index].place_order(
                    CUSTOMERS[index].email, [(variant_sku, 1)], Delivery(method=DeliveryMethod.COURIER, address="x")
                )
            )
        except Exception as error:  # noqa: BLE001  (the test inspects what each customer got)
            results[index] = error

    threads = [threading.Thread(target=order, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.parametrize("round_", range(3))
def test_two_orders_for_the_last_item_exactly_one_wins(
    seeded: Engine, engine_factory: Callable[[], Engine], round_: int
) -> None:
    with Session(seeded) as session, session.begin():
        session.execute(update(ShopVariant).where(ShopVariant.sku == LAST_ONE_ONLINE).values(online_stock=1))

    results = _race_for_the_last_item(engine_factory, LAST_ONE_ONLINE)

    won = [result for result in results if isinstance(result, Order)]
    lost = [result for result in results if not isinstance(result, Order)]
    assert len(won) == 1, results
    assert len(lost) == 1 and isinstance(lost[0], OutOfStockError), results
    with Session(seeded) as session:
        left = session.scalar(select(ShopVariant.online_stock).where(ShopVariant.sku == LAST_ONE_ONLINE))
    assert left == 0


async def test_new_customer_needs_a_name(seeded: Engine, backend: SqlShopBackend) -> None:
    stock = await _in_stock_online(backend, at_least=1)
    orders_before = _order_count(seeded)

    with pytest.raises(UnknownCustomerError):
        await backend.place_order("new.customer@example.com", [(stock.variant_sku, 1)], COURIER)
    assert _order_count(seeded) == orders_before
    [unchanged] = await backend.availability(stock.variant_sku)
    assert unchanged.online == stock.online

    order = await backend.place_order(
        " New.Customer@Example.com",
        [(stock.variant_sku, 1)],
        Delivery(method=DeliveryMethod.COURIER, address="ul. Długa 1, Gdańsk", postcode="80-100"),
        customer_name="Nowa Klientka",
        customer_phone="+48 600 000 001",
    )
    assert order.customer.email == "new.customer@example.com" and order.customer.name == "Nowa Klientka"
    assert await backend.verify_order_owner(order.number, "80 100") == order
    assert [o.number for o in await backend.orders_of_customer("new.customer@example.com")] == [order.number]


async def test_click_and_collect_order_names_the_store(backend: SqlShopBackend) -> None:
    stock = await _in_stock_online(backend, at_least=1)
    store = (await backend.stores())[1]

    order = await backend.place_order(
        CUSTOMER.email,
        [(stock.variant_sku, 1)],
        Delivery(method=DeliveryMethod.CLICK_AND_COLLECT, store_code=store.code.lower()),
    )

    assert order.delivery_method is DeliveryMethod.CLICK_AND_COLLECT
    assert order.pickup_store == store and order.delivery_address is None


@pytest.mark.parametrize(
    ("lines", "delivery", "error"),
    [
        ([("NOPE-1-M", 1)], COURIER, UnknownProductError),
        ([], COURIER, InvalidOrderError),
        ([("{sku}", 0)], COURIER, InvalidOrderError),
        ([("{sku}", -2)], COURIER, InvalidOrderError),
        ([("{sku}", 100)], COURIER, InvalidOrderError),
        ([("{sku}", 1)], Delivery(method=DeliveryMethod.CLICK_AND_COLLECT, store_code="XXX99"), UnknownStoreError),
        ([("{sku}", 1)], Delivery(method=DeliveryMethod.COURIER), InvalidOrderError),  # no address
    ],
)
async def test_malformed_orders_are_refused_and_change_nothing(
    seeded: Engine, backend: SqlShopBackend, lines: list, delivery: Delivery, error: type[Exception]
) -> None:
    stock = await _in_stock_online(backend, at_least=1)
    orders_before = _order_count(seeded)

    with pytest.raises(error):
        await backend.place_order(CUSTOMER.email, [(sku.format(sku=stock.variant_sku), q) for sku, q in lines], delivery)

    assert _order_count(seeded) == orders_before
    [after] = await backend.availability(stock.variant_sku)
    assert after == stock


async def test_invalid_email_is_refused(backend: SqlShopBackend) -> None:
    stock = await _in_stock_online(backend, at_least=1)
    with pytest.raises(InvalidOrderError, match="e-mail"):
        await backend.place_order("not an address", [(stock.variant_sku, 1)], COURIER, customer_name="X")


async def test_reserve_for_pickup_takes_the_store_shelf(backend: SqlShopBackend) -> None:
    variant_sku, (online, shelves) = next(
        (sku, stock) for sku, stock in FIXED_STOCK.items() if stock[0] == 0 and any(stock[1].values())
    )
    store_code, on_shelf = next((code, quantity) for code, quantity in shelves.items() if quantity > 0)

    order = await backend.reserve_for_pickup(CUSTOMER.email, variant_sku, store_code, placed_by="ewa")

    assert order.status is OrderStatus.READY_FOR_PICKUP
    assert order.pickup_store is not None and order.pickup_store.code == store_code
    assert order.hold_until is not None and order.hold_until > order.created_at.date()
    [after] = await backend.availability(variant_sku)
    assert after.online == online
    assert {s.store_code: s.quantity for s in after.stores} == {**shelves, store_code: on_shelf - 1}

    with pytest.raises(OutOfStockError, match="in the .* store"):
        await backend.reserve_for_pickup(CUSTOMER.email, variant_sku, store_code, quantity=on_shelf)


@pytest.mark.parametrize("round_", range(3))
def test_one_new_customer_ordering_twice_at_once_gets_both_orders(
    seeded: Engine, engine_factory: Callable[[], Engine], round_: int
) -> None:
    """Two tabs (or the bot and a consultant) create the same new customer at the same moment."""
    email = f"twice-{round_}@example.com"
    backends = [SqlShopBackend(engine_factory()) for _ in range(2)]
    for backend in backends:
        asyncio.run(backend.stores())
    stock = asyncio.run(_in_stock_online(backends[0], at_least=2))
    barrier = threading.Barrier(2)
    results: list[Order | Exception] = [RuntimeError("did not finish")] * 2

    def order(index: int) -> None:
        barrier.wait(timeout=30)
        try:
            results[index] = asyncio.run(
                backends[index].place_order(
                    email, [(stock.variant_sku, 1)], COURIER, customer_name="Nowy Klient", customer_postcode="00-950"
                )
            )
        except Exception as error:  # noqa: BLE001  (the test inspects what each tab got)
            results[index] = error

    threads = [threading.Thread(target=order, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(result, Order) for result in results), results
    orders = asyncio.run(backends[0].orders_of_customer(email))
    assert sorted(o.number for o in orders) == sorted(r.number for r in results if isinstance(r, Order))
    assert {o.customer.email for o in orders} == {email}
