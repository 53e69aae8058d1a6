"""A customer handed to a live consultant and back, through the real Rasa, action server and console."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from bot.db import make_engine
from bot.faq.loader import load_valid_knowledge_base
from bot.handoff.consultants import add_consultant
from bot.handoff.tickets import open_tickets
from tests.e2e.conftest import Stack, wait_until
from tests.e2e.console_client import ConsoleClient

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"


def new_sender() -> str:
    return f"handoff-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def consultant(stack: Stack) -> ConsoleClient:
    add_consultant(make_engine(stack.settings.database), "ewa", "Ewa Kowalska", PASSWORD)
    client = ConsoleClient(stack.settings.console_url)
    client.login("ewa", PASSWORD)
    return client


def queued(client: ConsoleClient, sender: str) -> dict[str, Any] | None:
    status, body = client.get("/api/queue")
    assert status == 200
    return next((item for item in body["items"] if item["conversation_id"] == sender), None)


def test_polish_customer_is_handed_to_a_consultant_and_back(stack: Stack, consultant: ConsoleClient) -> None:
    sender = new_sender()
    listener = stack.callback

    asked = time.monotonic()
    stack.say_on_callback(sender, "chcę rozmawiać z konsultantem")
    listener.wait_for(sender, lambda m: "Przekazuję rozmowę konsultantowi" in (m.get("text") or ""))
    item = wait_until(lambda: queued(consultant, sender), what="the request in the console's queue")
    in_queue = time.monotonic() - asked
    assert item["language"] == "pl" and item["channel"] == "callback"

    status, claimed = consultant.post(f"/api/handoffs/{item['id']}/claim")
    assert status == 200, claimed
    texts = [m["text"] for m in claimed["messages"]]
    assert "chcę rozmawiać z konsultantem" in texts  # the consultant sees the conversation so far

    # Consultant -> customer, on the customer's own channel.
    before = len(listener.messages_to(sender))
    sent = time.monotonic()
    status, body = consultant.post(f"/api/handoffs/{item['id']}/messages", {"text": "Dzień dobry, tu Ewa. W czym mogę pomóc?"})
    assert status == 200, body
    listener.wait_for(sender, lambda m: m.get("text") == "Dzień dobry, tu Ewa. W czym mogę pomóc?", after=before)
    to_customer = time.monotonic() - sent

    # Customer -> consultant, while the bot stays silent.
    written = time.monotonic()
    stack.say_on_callback(sender, "Moja paczka nie dotarła, zamówienie ORD-10234")

    def customer_line() -> bool:
        status, detail = consultant.get(f"/api/handoffs/{item['id']}")
        assert status == 200
        return any(m["text"] == "Moja paczka nie dotarła, zamówienie ORD-10234" for m in detail["messages"])

    wait_until(customer_line, what="the customer's message in the console")
    to_console = time.monotonic() - written

    before = len(listener.messages_to(sender))
    status, body = consultant.post(f"/api/handoffs/{item['id']}/hand-back")
    assert status == 200, body
    back = listener.wait_for(sender, lambda m: "Wracam" in (m.get("text") or ""), after=before)
    # Nothing but the consultant's message reached the customer while the consultant had the chat.
    between = [m.get("text") for m in listener.messages_to(sender)]
    assert between.index(back["text"]) == between.index("Dzień dobry, tu Ewa. W czym mogę pomóc?") + 1

    # The bot answers from the FAQ again.
    before = len(listener.messages_to(sender))
    stack.say_on_callback(sender, "Ile kosztuje wysyłka kurierem?")
    kb = load_valid_knowledge_base(stack.settings.path(stack.settings.faq_dir))
    expected = kb.by_id["shipping-cost-poland"].answer["pl"]
    listener.wait_for(sender, lambda m: (m.get("text") or "").startswith(expected[:40]), after=before)

    print(
        f"\nhandoff latency: request->console queue {in_queue * 1000:.0f} ms, "
        f"consultant->customer {to_customer * 1000:.0f} ms, customer->console {to_console * 1000:.0f} ms"
    )


def test_nobody_claims_in_time_so_the_customer_books_a_callback(stack: Stack, consultant: ConsoleClient) -> None:
    sender = new_sender()
    listener = stack.callback
    stack.say_on_callback(sender, "chcę rozmawiać z konsultantem")
    wait_until(lambda: queued(consultant, sender), what="the request in the queue")
    # handoff_wait_seconds is 30 in the test stack: the console's sweeper gives up and resumes the bot.
    offer = listener.wait_for(sender, lambda m: "żaden konsultant nie jest teraz wolny" in (m.get("text") or ""), timeout=60)
    assert queued(consultant, sender) is None
    phone = next(b for b in offer.get("buttons") or [] if "phone" in b["payload"])

    stack.say_on_callback(sender, phone["payload"])
    listener.wait_for(sender, lambda m: "Pod jaki numer telefonu" in (m.get("text") or ""))
    seen = len(listener.messages_to(sender))
    stack.say_on_callback(sender, "nie wiem")
    listener.wait_for(sender, lambda m: "nie wygląda na numer telefonu" in (m.get("text") or ""), after=seen)
    stack.say_on_callback(sender, "+48 600 100 200")
    listener.wait_for(sender, lambda m: "Czy możemy zapisać +48600100200" in (m.get("text") or ""))
    stack.say_on_callback(sender, "/affirm")
    listener.wait_for(sender, lambda m: "Konsultant zadzwoni do Ciebie do:" in (m.get("text") or ""))

    tickets = [t for t in open_tickets(make_engine(stack.settings.database)) if t.conversation_id == sender]
    assert [(t.contact_kind, t.contact, t.language) for t in tickets] == [("phone", "+48600100200", "pl")]
    assert "chcę rozmawiać z konsultantem" in tickets[0].summary


def test_closing_asks_the_customer_for_a_rating_which_is_stored(stack: Stack, consultant: ConsoleClient) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from bot.handoff.models import Handoff

    sender = new_sender()
    listener = stack.callback
    stack.say_on_callback(sender, "I want to talk to a person")
    listener.wait_for(sender, lambda m: "passing you to a consultant" in (m.get("text") or ""))
    item = wait_until(lambda: queued(consultant, sender), what="the request in the queue")
    assert item["language"] == "en"
    assert consultant.post(f"/api/handoffs/{item['id']}/claim")[0] == 200
    status, body = consultant.post(f"/api/handoffs/{item['id']}/close")
    assert status == 200, body

    ask = listener.wait_for(sender, lambda m: "How would you rate their help" in (m.get("text") or ""))
    four = next(b for b in ask["buttons"] if b["title"] == "4")
    stack.say_on_callback(sender, four["payload"])
    listener.wait_for(sender, lambda m: m.get("text") == "Thank you for your rating!")
    with Session(make_engine(stack.settings.database)) as session:
        assert session.scalar(select(Handoff.rating).where(Handoff.id == item["id"])) == 4
