"""The customer's orders and the shop's stock, over Rasa's REST channel with the real stack and the demo shop."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import make_engine
from bot.shop.alerts.models import StockAlertSubscription
from bot.shop.identity import sign_customer
from bot.shop.seed import seed_demo_shop
from bot.shop.sql import SqlShopBackend
from tests.e2e.conftest import Stack, post_json

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shop(stack: Stack) -> SqlShopBackend:
    engine = make_engine(stack.settings.database)
    seed_demo_shop(engine)  # adds only what is missing: other modules may have seeded it already
    return SqlShopBackend(engine)


def new_sender() -> str:
    return f"shop-{uuid.uuid4()}"


def said(stack: Stack, sender: str, text: str, metadata: dict[str, Any] | None = None) -> str:
    body: dict[str, Any] = {"sender": sender, "message": text}
    if metadata:
        body["metadata"] = metadata
    replies = post_json(f"{stack.settings.rasa_url}/webhooks/rest/webhook", body)
    return "\n".join(reply.get("text", "") for reply in replies)


def buttons(stack: Stack, sender: str, text: str) -> list[dict[str, str]]:
    replies = stack.say(sender, text)
    return [button for reply in replies for button in reply.get("buttons") or []]


async def test_polish_order_status_after_verification(stack: Stack, shop: SqlShopBackend) -> None:
    order = await shop.find_order("ORD-10234")
    assert order is not None and order.tracking_url and order.carrier
    sender = new_sender()
    question = said(stack, sender, "gdzie jest moje zamówienie ORD-10234?")
    assert "e-mail albo kod pocztowy" in question
    # Nothing about the order before the proof.
    for secret in (order.carrier, order.tracking_url, order.lines[0].product_name("pl"), order.customer.name):
        assert secret not in question
    answer = said(stack, sender, "mój e-mail to anna.kowalska@example.com")
    assert "Zamówienie ORD-10234" in answer and "wysłane, jest w drodze" in answer
    assert order.tracking_url in answer and order.carrier in answer
    assert order.lines[0].product_name("pl") in answer and "Przewidywana dostawa" in answer


def test_wrong_number_and_wrong_e_mail_answer_alike_and_three_strikes_lock(stack: Stack, shop: SqlShopBackend) -> None:
    sender = new_sender()
    said(stack, sender, "where is my order ORD-99999?")
    wrong_number = said(stack, sender, "anna.kowalska@example.com")
    said(stack, sender, "ORD-10234")
    wrong_email = said(stack, sender, "piotr.nowak@example.com")
    assert wrong_number == wrong_email
    assert "couldn't find an order with that number and that e-mail" in wrong_number
    said(stack, sender, "ORD-10234")
    locked = said(stack, sender, "kowalska@example.org")
    assert "several unsuccessful tries" in locked and "consultant" in locked
    # The form is over: a correct proof now gets no order details either.
    again = said(stack, sender, "where is my order ORD-10234?")
    assert "several unsuccessful tries" in again and "InPost" not in again


def test_a_correction_mid_form_checks_the_corrected_number(stack: Stack, shop: SqlShopBackend) -> None:
    sender = new_sender()
    assert "order number" in said(stack, sender, "can you check my order for me")
    said(stack, sender, "ORD-10243")
    said(stack, sender, "sorry, I meant ORD-10239")
    answer = said(stack, sender, "my e-mail is tomasz.wojcik@example.net")
    assert "Order ORD-10239" in answer and "delivered" in answer


def test_a_signed_in_website_customer_is_not_asked_to_prove_it(stack: Stack, shop: SqlShopBackend) -> None:
    secret = stack.settings.resolved_shop_identity_secret()
    metadata = {"customer": sign_customer("piotr.nowak@example.com", "Piotr Nowak", secret)}
    answer = said(stack, new_sender(), "where is my order ORD-10237?", metadata)
    assert "Order ORD-10237" in answer and "ready for pickup" in answer and "Kraków" in answer
    # Someone else's order is not shown to him.
    other = said(stack, new_sender(), "where is my order ORD-10234?", metadata)
    assert "couldn't find an order" in other
    assert "InPost" not in other and "Linen midi dress" not in other and "Anna" not in other


async def test_availability_then_click_and_collect_in_krakow(stack: Stack, shop: SqlShopBackend) -> None:
    async def shelf() -> int:
        (stock,) = await shop.availability("DRS-300", "M")
        return next(store.quantity for store in stock.stores if store.store_code == "KRK01")

    before = await shelf()
    assert before > 0
    sender = new_sender()
    offered = buttons(stack, sender, "do you have the linen midi dress in size M in Kraków?")
    reserve = [button for button in offered if "KRK01" in button["payload"]]
    assert reserve, offered
    assert "Who will collect it" in said(stack, sender, reserve[0]["payload"])
    assert "e-mail" in said(stack, sender, "Anna Kowalska")
    confirmation = said(stack, sender, "anna.kowalska@example.com")
    assert "Reserved: Linen midi dress, size M" in confirmation and "Floriańska" in confirmation
    assert await shelf() == before - 1


def test_back_in_stock_alert_with_consent(stack: Stack, shop: SqlShopBackend) -> None:
    sender = new_sender()
    offered = buttons(stack, sender, "do you have the leather ankle boots in 45?")
    assert any(button["payload"] == "/stock_alert" for button in offered), offered
    kinds = buttons(stack, sender, "/stock_alert")
    assert {button["payload"] for button in kinds} == {'/inform{"contact_kind": "email"}', '/inform{"contact_kind": "phone"}'}
    assert "e-mail address" in said(stack, sender, '/inform{"contact_kind": "email"}')
    assert "agree" in said(stack, sender, "ewa.alert@example.com")
    done = said(stack, sender, "/affirm")
    assert "Leather ankle boots" in done and "45" in done
    with Session(make_engine(stack.settings.database)) as session:
        stored = session.scalars(
            select(StockAlertSubscription).where(StockAlertSubscription.contact == "ewa.alert@example.com")
        ).all()
    assert [(row.variant_sku, str(row.channel)) for row in stored] == [("SHO-810-45", "email")]
