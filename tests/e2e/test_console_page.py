"""The consultants' console in real headless Chromium, against the real stack (Rasa, actions, console)."""

from __future__ import annotations

import asyncio
import re
import secrets
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Coroutine, TypeVar

import pytest
from playwright.sync_api import Browser, ConsoleMessage, expect

from bot.db import make_engine
from bot.handoff.consultants import add_consultant
from bot.handoff.queue import HandoffQueue
from bot.shop.demo_data import CUSTOMERS
from bot.shop.seed import seed_demo_shop
from bot.shop.sql import SqlShopBackend
from tests.e2e.browser import output_dir
from tests.e2e.conftest import Stack, wait_until

pytestmark = pytest.mark.e2e
PASSWORD = "marta's long password"
T = TypeVar("T")


def in_another_thread(coroutine: Coroutine[Any, Any, T]) -> T:
    """Await the shop backend from this test: Playwright's sync API already runs a loop in this thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def tracker_events(stack: Stack, sender: str) -> list[dict[str, Any]]:
    status, tracker = stack.tracker(sender, stack.token)
    assert status == 200
    return tracker["events"]


def test_consultant_logs_in_claims_replies_and_hands_back(stack: Stack, browser: Browser) -> None:
    engine = make_engine(stack.settings.database)
    add_consultant(engine, "marta", "Marta Zielińska", PASSWORD)
    sender = f"console-{uuid.uuid4().hex[:12]}"
    # A real request: a Polish customer asks for a person on Rasa's callback channel.
    stack.say_on_callback(sender, "chcę rozmawiać z konsultantem")
    stack.callback.wait_for(sender, lambda m: "Przekazuję rozmowę konsultantowi" in (m.get("text") or ""))
    handoff = HandoffQueue(engine).active_for(sender)
    assert handoff is not None and handoff.language == "pl"

    csp_violations: list[str] = []
    page = browser.new_page()
    page.on("console", lambda message: _note_csp_violation(message, csp_violations))
    page.goto(f"{stack.settings.console_url}/")
    expect(page).to_have_url(f"{stack.settings.console_url}/login")

    page.fill("#username", "marta")
    page.fill("#password", "not her password")
    page.click("#login")
    expect(page.locator("#status")).to_have_text("Wrong username or password.")
    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page.locator(".topbar__who")).to_have_text("Marta Zielińska")
    expect(page.locator("body")).to_have_attribute("data-connection", "online")

    item = page.locator(f'#queue li[data-handoff-id="{handoff.id}"]')
    expect(item).to_have_attribute("data-status", "queued")
    item.click()
    expect(page.locator("#transcript .line--customer")).to_contain_text(["chcę rozmawiać z konsultantem"])
    expect(page.locator("#context")).to_contain_text("request_human")
    expect(page.locator("#send")).to_be_disabled()  # not hers until she claims it

    page.click("#claim")
    expect(item).to_have_attribute("data-status", "claimed")
    expect(page.locator("#claim")).to_be_disabled()
    reply = f"Dzień dobry, tu Marta. W czym mogę pomóc? ({secrets.token_hex(3)})"
    page.fill("#reply", reply)
    page.press("#reply", "Enter")
    expect(page.locator("#transcript .line--consultant")).to_contain_text([reply])
    expect(page.locator("#reply")).to_have_value("")
    expect(page.locator("#status")).to_be_hidden()

    # Delivered through Rasa on the customer's channel, and recorded in their conversation.
    stack.callback.wait_for(sender, lambda m: m.get("text") == reply)
    wait_until(
        lambda: any(e["event"] == "bot" and e.get("text") == reply for e in tracker_events(stack, sender)),
        what="the reply in Rasa's tracker",
    )

    # What the customer writes next appears live on the page (Rasa's event stream -> websocket).
    stack.say_on_callback(sender, "Czy moja paczka jest już w drodze?")
    expect(page.locator("#transcript .line--customer")).to_contain_text(
        ["chcę rozmawiać z konsultantem", "Czy moja paczka jest już w drodze?"]
    )
    page.screenshot(path=str(output_dir() / "console.png"), full_page=True)

    page.click("#hand-back")
    expect(item).to_have_count(0)
    expect(page.locator("#hand-back")).to_be_disabled()
    # Rasa resumed the conversation and the bot said it is back, after the consultant's reply.
    events = tracker_events(stack, sender)
    kinds = [(e["event"], e.get("name") or e.get("text")) for e in events]
    replied = kinds.index(("bot", reply))
    assert ("resume", None) in kinds[replied:]
    assert ("action", "utter_handoff_back") in kinds[replied:]
    assert csp_violations == []
    page.close()


def test_consultant_pastes_an_faq_answer_and_places_an_order_for_the_customer(stack: Stack, browser: Browser) -> None:
    engine = make_engine(stack.settings.database)
    seed_demo_shop(engine)
    add_consultant(engine, "olga", "Olga Wrona", PASSWORD)
    shop = SqlShopBackend(engine)
    in_stock = next(
        stock for stock in in_another_thread(shop.availability("TSH-100")) if stock.online > 0
    )
    customer = CUSTOMERS[0]

    page = browser.new_page()
    page.goto(f"{stack.settings.console_url}/login")
    page.fill("#username", "olga")
    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page.locator(".topbar__who")).to_have_text("Olga Wrona")

    # The FAQ, in Polish, without diacritics.
    page.select_option("#faq-lang", "pl")
    page.fill("#faq-q", "ile kosztuje wysylka")
    page.press("#faq-q", "Enter")
    first = page.locator("#faq-results li").first
    expect(first).to_have_attribute("data-faq-id", re.compile("^shipping-"))
    answer = first.locator(".answer").inner_text()
    first.locator("button.paste").click()
    expect(page.locator("#reply")).to_have_value(answer)

    # The customer's orders by e-mail, then a new order for them.
    page.fill("#orders-q", customer.email)
    page.press("#orders-q", "Enter")
    expect(page.locator("#orders-results li[data-order-number]").first).to_be_visible()
    page.fill("#products-q", "organic cotton")
    page.press("#products-q", "Enter")
    page.click(f'#products-results button[data-sku="{in_stock.variant_sku}"]')
    expect(page.locator(f'#cart li[data-sku="{in_stock.variant_sku}"]')).to_contain_text("1×")
    expect(page.locator("#order-email")).to_have_value(customer.email)
    page.fill("#order-where", customer.address)
    page.click("#place-order")
    expect(page.locator("#order-result")).to_contain_text("Order ORD-")
    number = re.search(r"ORD-\d+", page.locator("#order-result").inner_text())
    assert number
    order = in_another_thread(shop.find_order(number[0]))
    assert order is not None and order.placed_by == "olga" and order.customer.email == customer.email
    assert [line.variant_sku for line in order.lines] == [in_stock.variant_sku]
    page.close()


def _note_csp_violation(message: ConsoleMessage, csp_violations: list[str]) -> None:
    if "Content Security Policy" in message.text:
        csp_violations.append(message.text)
