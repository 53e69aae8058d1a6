"""What a consultant looks up for the customer (FAQ, orders, products, tickets) and orders placed for them."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy.orm import Session

from bot.handoff.models import Ticket
from bot.shop.demo_data import CUSTOMERS, FIXED_STOCK
from bot.shop.seed import seed_demo_shop
from tests.console.conftest import Console, ConsoleFactory, log_in

SOLD_OUT = next(sku for sku, (online, shelves) in FIXED_STOCK.items() if online == 0 and not any(shelves.values()))


async def test_faq_search_answers_in_the_asked_language_and_ignores_diacritics(console: Console) -> None:
    anna = await log_in(console, "anna")
    status, body = await anna.get("/api/faq?q=ile+kosztuje+wysylka&lang=pl")
    assert status == 200
    assert 1 <= len(body["items"]) <= 5
    first = body["items"][0]
    assert first["id"].startswith("shipping-")
    assert "dostaw" in first["answer"].lower() or "wysył" in first["answer"].lower()
    status, body = await anna.get("/api/faq?q=ile+kosztuje+wysylka&lang=xx")
    assert status == 400 and "en, pl or ro" in body["error"]


async def test_faq_search_sees_an_edit_of_the_faq_without_a_restart(make_console: ConsoleFactory, tmp_path: Path) -> None:
    faq_dir = tmp_path / "faq"
    faq_dir.mkdir()
    entry = """
section: gifts
title: {{en: Gifts}}
entries:
  - id: gift-wrap
    questions: {{en: [Do you wrap gifts?]}}
    answer: {{en: "{answer}"}}
"""
    (faq_dir / "gifts.yml").write_text(entry.format(answer="Yes, for free."))
    console = await make_console(DORADCA_FAQ_DIR=str(faq_dir))
    anna = await log_in(console, "anna")
    assert (await anna.get("/api/faq?q=wrap+gifts&lang=en"))[1]["items"][0]["answer"] == "Yes, for free."
    (faq_dir / "gifts.yml").write_text(entry.format(answer="Yes, for 5 PLN."))
    # mtime resolution can be coarse: make sure the edit is seen as newer.
    stamp = (faq_dir / "gifts.yml").stat().st_mtime + 2
    os.utime(faq_dir / "gifts.yml", (stamp, stamp))
    assert (await anna.get("/api/faq?q=wrap+gifts&lang=en"))[1]["items"][0]["answer"] == "Yes, for 5 PLN."


async def test_orders_by_email_or_number(console: Console) -> None:
    seed_demo_shop(console.engine)
    anna = await log_in(console, "anna")
    status, body = await anna.get("/api/orders?email=anna.kowalska@example.com")
    assert status == 200
    assert {order["number"] for order in body["items"]} >= {"ORD-10231", "ORD-10234"}
    assert all(order["customer"]["email"] == "anna.kowalska@example.com" for order in body["items"])
    status, body = await anna.get("/api/orders?number=10234")
    assert status == 200 and [order["number"] for order in body["items"]] == ["ORD-10234"]
    status, body = await anna.get("/api/orders")
    assert status == 400 and "e-mail" in body["error"]


async def test_placing_an_order_for_the_customer_records_the_consultant(console: Console) -> None:
    seed_demo_shop(console.engine)
    anna = await log_in(console, "anna")
    status, products = await anna.get("/api/products?q=koszula&lang=pl")
    assert status == 200 and products["items"]
    customer = CUSTOMERS[0]
    in_stock = None
    for product in products["items"]:
        for variant in product["variants"]:
            if variant["sku"] != SOLD_OUT and FIXED_STOCK.get(variant["sku"], (5, {}))[0] > 0:
                in_stock = variant["sku"]
                break
        if in_stock:
            break
    assert in_stock, "no shirt in stock online in the demo shop"
    status, order = await anna.post(
        "/api/orders",
        {"email": customer.email, "lines": [{"sku": in_stock, "quantity": 1}],
         "delivery": {"method": "courier", "address": customer.address}},
    )
    assert status == 201, order
    assert order["placed_by"] == "anna"
    assert [line["variant_sku"] for line in order["lines"]] == [in_stock]
    status, found = await anna.get(f"/api/orders?number={order['number']}")
    assert found["items"][0]["placed_by"] == "anna"


async def test_an_order_the_shop_refuses_is_400_with_the_shops_reason(console: Console) -> None:
    seed_demo_shop(console.engine)
    anna = await log_in(console, "anna")
    customer = CUSTOMERS[0]
    courier = {"method": "courier", "address": customer.address}
    status, body = await anna.post(
        "/api/orders", {"email": customer.email, "lines": [{"sku": SOLD_OUT, "quantity": 1}], "delivery": courier}
    )
    assert status == 400 and body["error"]
    status, body = await anna.post(
        "/api/orders", {"email": customer.email, "lines": [{"sku": "NOPE-1", "quantity": 1}], "delivery": courier}
    )
    assert status == 400 and "NOPE-1" in body["error"]
    status, body = await anna.post(
        "/api/orders", {"email": customer.email, "lines": [{"sku": SOLD_OUT, "quantity": 0}], "delivery": courier}
    )
    assert status == 400 and body["error"] == "Line 1: the quantity must be a whole number from 1 to 99."
    status, body = await anna.post(
        "/api/orders",
        {"email": customer.email, "lines": [{"sku": SOLD_OUT, "quantity": 1}], "delivery": {"method": "click_and_collect"}},
    )
    assert status == 400 and "store" in body["error"]


async def test_tickets_lists_open_ones_newest_first(console: Console) -> None:
    now = datetime.now(timezone.utc)
    with Session(console.engine) as session, session.begin():
        for minutes, contact, status in ((30, "+48 600 100 200", "open"), (5, "jan@example.com", "open"),
                                         (1, "done@example.com", "done")):
            session.add(Ticket(
                conversation_id=f"c-{minutes}", language="pl", contact_kind="email" if "@" in contact else "phone",
                contact=contact, consent_at=now, summary="zwrot", created_at=now - timedelta(minutes=minutes),
                reply_by=now + timedelta(hours=4), status=status,
            ))
    anna = await log_in(console, "anna")
    status, body = await anna.get("/api/tickets")
    assert status == 200
    assert [ticket["contact"] for ticket in body["items"]] == ["jan@example.com", "+48 600 100 200"]
