"""Finding orders and proving their owner: nothing of an order before the e-mail or postcode on it."""

from __future__ import annotations

import pytest

from bot.shop.demo_data import CUSTOMERS, ORDERS
from bot.shop.sql import SqlShopBackend

SHIPPED = next(demo for demo in ORDERS if demo.status == "shipped")
OWNER = next(customer for customer in CUSTOMERS if customer.email == SHIPPED.email)
SOMEONE_ELSE = next(customer for customer in CUSTOMERS if customer.email != SHIPPED.email)
UNUSED_NUMBER = "ORD-" + str(max(int(demo.number.removeprefix("ORD-")) for demo in ORDERS) + 1000)


@pytest.mark.parametrize("spelling", ["{n}", "{n_lower}", "{digits}", " ORD {digits} "])
async def test_find_order_by_any_spelling_of_its_number(read_only_backend: SqlShopBackend, spelling: str) -> None:
    digits = SHIPPED.number.removeprefix("ORD-")
    order = await read_only_backend.find_order(spelling.format(n=SHIPPED.number, n_lower=SHIPPED.number.lower(), digits=digits))

    assert order is not None
    assert order.number == SHIPPED.number
    assert order.customer.email == SHIPPED.email
    assert [line.variant_sku for line in order.lines] == [sku for sku, _ in SHIPPED.lines]
    assert order.created_at.tzinfo is not None


async def test_unknown_or_malformed_number_finds_nothing(read_only_backend: SqlShopBackend) -> None:
    assert await read_only_backend.find_order(UNUSED_NUMBER) is None
    assert await read_only_backend.find_order("where is my parcel") is None


@pytest.mark.parametrize(
    "proof",
    [OWNER.email, f"  {OWNER.email.upper()} ", OWNER.postcode, OWNER.postcode.replace("-", ""),
     OWNER.postcode.replace("-", " ")],
)
async def test_owner_proves_with_email_or_postcode(read_only_backend: SqlShopBackend, proof: str) -> None:
    order = await read_only_backend.verify_order_owner(SHIPPED.number.lower(), proof)

    assert order is not None
    assert order.number == SHIPPED.number
    assert order.tracking_url


@pytest.mark.parametrize(
    ("number", "proof"),
    [
        (SHIPPED.number, SOMEONE_ELSE.email),      # right number, wrong e-mail
        (SHIPPED.number, SOMEONE_ELSE.postcode),   # right number, wrong postcode
        (UNUSED_NUMBER, OWNER.email),              # wrong number, an e-mail that has orders
        (UNUSED_NUMBER, OWNER.postcode),
        ("nonsense", OWNER.email),
        (SHIPPED.number, ""),
        (SHIPPED.number, "   "),
        (SHIPPED.number, OWNER.email[:-1]),        # almost right
    ],
)
async def test_wrong_number_and_wrong_proof_get_the_same_answer(
    read_only_backend: SqlShopBackend, number: str, proof: str
) -> None:
    assert await read_only_backend.verify_order_owner(number, proof) is None


async def test_a_wrong_number_and_a_wrong_email_are_indistinguishable(read_only_backend: SqlShopBackend) -> None:
    wrong_email = await read_only_backend.verify_order_owner(SHIPPED.number, SOMEONE_ELSE.email)
    wrong_number = await read_only_backend.verify_order_owner(UNUSED_NUMBER, OWNER.email)

    assert wrong_email == wrong_number


async def test_orders_of_customer_newest_first(read_only_backend: SqlShopBackend) -> None:
    expected = {demo.number: demo.created_days_ago for demo in ORDERS if demo.email == OWNER.email}

    orders = await read_only_backend.orders_of_customer(f" {OWNER.email.upper()}")

    assert {order.number for order in orders} == set(expected)
    assert all(order.customer.email == OWNER.email for order in orders)
    created = [order.created_at for order in orders]
    assert created == sorted(created, reverse=True)
    assert len(expected) >= 2, "the demo owner should have several orders to sort"


async def test_orders_of_unknown_customer(read_only_backend: SqlShopBackend) -> None:
    assert await read_only_backend.orders_of_customer("nobody@example.com") == []


async def test_records_are_frozen(read_only_backend: SqlShopBackend) -> None:
    order = await read_only_backend.find_order(SHIPPED.number)
    assert order is not None
    with pytest.raises(Exception, match="frozen"):
        order.status = "delivered"  # type: ignore[misc]
