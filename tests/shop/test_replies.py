"""What the bot says about an order, a return or a product's stock, in the customer's language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.shop.replies import (
    availability_reply,
    format_date,
    order_return_reply,
    order_status_reply,
    reservation_reply,
)
from bot.shop.sql import SqlShopBackend
from tests.shop.conftest import SEED_DAY

RETURN_DAYS = 30


@pytest.mark.parametrize(("language", "words"), [("en", "shipped"), ("pl", "wysłane"), ("ro", "expediată")])
async def test_a_shipped_order_gives_status_items_carrier_tracking_date_and_next_step(
    backend: SqlShopBackend, language: str, words: str
) -> None:
    order = await backend.find_order("ORD-10234")
    assert order is not None and order.tracking_url and order.expected_date
    reply = order_status_reply(order, language, SEED_DAY, RETURN_DAYS)
    assert "ORD-10234" in reply and words in reply
    assert order.lines[0].product_name(language) in reply and order.lines[1].product_name(language) in reply
    assert order.carrier in reply and order.tracking_url in reply
    assert format_date(order.expected_date, language) in reply


async def test_a_pickup_order_names_the_store_and_the_last_day_it_waits(backend: SqlShopBackend) -> None:
    order = await backend.find_order("ORD-10237")
    assert order is not None and order.pickup_store and order.hold_until
    reply = order_status_reply(order, "pl", SEED_DAY, RETURN_DAYS)
    assert "gotowe do odbioru" in reply
    assert order.pickup_store.address in reply
    assert format_date(order.hold_until, "pl") in reply


async def test_the_return_window_is_counted_from_delivery(backend: SqlShopBackend) -> None:
    recent = await backend.find_order("ORD-10239")  # delivered 6 days before the seed day
    old = await backend.find_order("ORD-10241")  # delivered 41 days before
    assert recent is not None and old is not None and recent.delivered_on and old.delivered_on
    open_reply = order_return_reply(recent, "en", SEED_DAY, RETURN_DAYS)
    assert format_date(recent.delivered_on + timedelta(days=RETURN_DAYS), "en") in open_reply
    assert "in any store" in open_reply and "courier" in open_reply
    closed_reply = order_return_reply(old, "en", SEED_DAY, RETURN_DAYS)
    assert "ended on " + format_date(old.delivered_on + timedelta(days=RETURN_DAYS), "en") in closed_reply
    assert "courier" not in closed_reply


async def test_refund_state_and_method(backend: SqlShopBackend) -> None:
    pending = await backend.find_order("ORD-10242")
    cash = await backend.find_order("ORD-10245")
    assert pending is not None and cash is not None
    assert "przelewem" in order_return_reply(pending, "pl", SEED_DAY, RETURN_DAYS)
    assert "w toku" in order_return_reply(pending, "pl", SEED_DAY, RETURN_DAYS)
    reply = order_status_reply(cash, "en", SEED_DAY, RETURN_DAYS)
    assert "cash" in reply and "completed" in reply


async def test_an_undelivered_order_has_nothing_to_return_yet(backend: SqlShopBackend) -> None:
    order = await backend.find_order("ORD-10232")
    assert order is not None
    assert "nie zostało jeszcze dostarczone" in order_return_reply(order, "pl", SEED_DAY, RETURN_DAYS)


async def test_availability_lists_the_customers_city_first(backend: SqlShopBackend) -> None:
    product = (await backend.search_products("linen midi dress"))[0]
    stock = (await backend.availability(product.sku, "M"))[0]
    reply = availability_reply(product, stock, "en")
    assert "sold out right now" in reply  # the demo shop has this size only on a shelf in Kraków
    assert "Kraków" in reply and "Warszawa" not in reply
    jacket = (await backend.search_products("waterproof rain jacket"))[0]
    jacket_stock = (await backend.availability(jacket.sku, "L"))[0]
    assert "Online: 1 in stock" in availability_reply(jacket, jacket_stock, "en")


async def test_sold_out_everywhere_offers_an_alert(backend: SqlShopBackend) -> None:
    boots = (await backend.search_products("skórzane botki", "pl"))[0]
    stock = (await backend.availability(boots.sku, "45"))[0]
    assert "Mogę dać Ci znać" in availability_reply(boots, stock, "pl")


async def test_a_reservation_says_where_and_until_when(backend: SqlShopBackend) -> None:
    order = await backend.reserve_for_pickup("anna.kowalska@example.com", "DRS-300-M", "KRK01")
    reply = reservation_reply(order, "ro")
    assert order.number in reply and "Floriańska" in reply
    assert order.hold_until is not None and format_date(order.hold_until, "ro") in reply
