"""The order form's checks, run as the action server runs them, on a real seeded SQLite shop."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.orders as orders
import bot.settings
from actions.orders import ActionAnswerOrder, ValidateOrderForm
from bot.db import make_engine
from bot.settings import Settings, load_settings
from bot.shop.identity import sign_customer
from bot.shop.seed import seed_demo_shop
from bot.shop.sql import SqlShopBackend

SECRET = "website-secret"
DOMAIN: dict[str, Any] = {"forms": {"order_form": {"required_slots": ["order_number", "order_contact"]}}}


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SqlShopBackend]:
    engine = make_engine(f"sqlite:///{tmp_path / 'shop.db'}")
    seed_demo_shop(engine, today=date.today())
    backend = SqlShopBackend(engine)
    settings: Settings = load_settings(
        environ={"DORADCA_VAR_DIR": str(tmp_path / "var"), "DORADCA_SHOP_IDENTITY_SECRET": SECRET},
        settings_file=tmp_path / "none.yml",
    )
    monkeypatch.setattr(orders, "shop", lambda: backend)
    monkeypatch.setattr(bot.settings, "get_settings", lambda: settings)
    yield backend
    engine.dispose()


def tracker(slots: dict[str, Any], text: str = "", metadata: dict[str, Any] | None = None,
            intent: str = "inform") -> Tracker:
    message = {"text": text, "intent": {"name": intent}, "metadata": metadata or {}}
    events = [{"event": "user", "text": text, "parse_data": message, "metadata": metadata or {}}]
    return Tracker("customer-1", {"language": "en", **slots}, message, events, False, None,
                   {"name": "order_form"}, "action_listen")


async def check_contact(number: str | None, contact: str, **slots: Any) -> tuple[dict[str, Any], list[Any]]:
    dispatcher = CollectingDispatcher()
    result = await ValidateOrderForm().validate_order_contact(
        contact, dispatcher, tracker({"order_number": number, "order_contact": contact, **slots}, contact), DOMAIN
    )
    return result, [message.get("response") for message in dispatcher.messages]


async def test_the_right_e_mail_or_postcode_proves_the_order(shop: SqlShopBackend) -> None:
    result, said = await check_contact("ORD-10234", "Anna.Kowalska@example.com")
    assert result["order_verified"] == "ORD-10234" and said == []
    order = await shop.find_order("ORD-10239")
    assert order is not None and order.postcode
    result, _ = await check_contact("ORD-10239", order.postcode.replace("-", " "))
    assert result["order_verified"] == "ORD-10239"


async def test_a_wrong_number_and_a_wrong_e_mail_get_the_same_answer(shop: SqlShopBackend) -> None:
    unknown_number, said_for_number = await check_contact("ORD-99999", "anna.kowalska@example.com")
    wrong_email, said_for_email = await check_contact("ORD-10234", "piotr.nowak@example.com")
    assert said_for_number == said_for_email == ["utter_order_not_found"]
    assert unknown_number == wrong_email  # same slots: nothing tells which half was wrong
    assert unknown_number["order_verified"] is None and unknown_number["order_attempts"] == 1.0


async def test_the_third_failure_locks_the_form_and_the_answer_offers_a_consultant(shop: SqlShopBackend) -> None:
    result, _ = await check_contact("ORD-10234", "nobody@example.com", order_attempts=2.0)
    assert result["order_outcome"] == "locked" and result["order_verified"] is None
    locked = tracker({**result})
    assert await ValidateOrderForm().required_slots(["order_number", "order_contact"], CollectingDispatcher(),
                                                     locked, DOMAIN) == []
    dispatcher = CollectingDispatcher()
    await ActionAnswerOrder().run(dispatcher, locked, DOMAIN)
    assert [message.get("response") for message in dispatcher.messages] == ["utter_order_locked"]
    assert not any(message.get("text") for message in dispatcher.messages)


async def test_the_answer_is_given_only_for_the_verified_number(shop: SqlShopBackend) -> None:
    dispatcher = CollectingDispatcher()
    # Verified ORD-10234, then asked about someone else's ORD-10235: nothing about either is said.
    await ActionAnswerOrder().run(
        dispatcher, tracker({"order_verified": "ORD-10234", "order_number": "ORD-10235"}), DOMAIN
    )
    assert dispatcher.messages == []
    await ActionAnswerOrder().run(
        dispatcher, tracker({"order_verified": "ORD-10234", "order_number": "ORD-10234", "language": "pl"}), DOMAIN
    )
    assert "ORD-10234" in dispatcher.messages[0]["text"] and "wysłane" in dispatcher.messages[0]["text"]


async def test_a_signed_in_customer_gives_only_the_number(shop: SqlShopBackend) -> None:
    metadata = {"customer": sign_customer("anna.kowalska@example.com", "Anna Kowalska", SECRET)}
    form = ValidateOrderForm()
    signed = tracker({}, "where is ORD-10234?", metadata, intent="order_status")
    assert await form.required_slots(["order_number", "order_contact"], CollectingDispatcher(), signed, DOMAIN) == [
        "order_number"
    ]
    own = await form.validate_order_number("ORD-10234", CollectingDispatcher(), signed, DOMAIN)
    assert own["order_verified"] == "ORD-10234"
    dispatcher = CollectingDispatcher()
    others = await form.validate_order_number("ORD-10232", dispatcher, signed, DOMAIN)  # Piotr's order
    assert others["order_verified"] is None
    assert [message.get("response") for message in dispatcher.messages] == ["utter_order_not_found"]


async def test_a_forged_signature_counts_as_anonymous(shop: SqlShopBackend) -> None:
    forged = {"customer": sign_customer("anna.kowalska@example.com", "Anna", "guessed-secret")}
    anonymous = tracker({}, "where is ORD-10234?", forged, intent="order_status")
    assert await ValidateOrderForm().required_slots(
        ["order_number", "order_contact"], CollectingDispatcher(), anonymous, DOMAIN
    ) == ["order_number", "order_contact"]


async def test_nonsense_for_a_number_or_a_contact_is_explained(shop: SqlShopBackend) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateOrderForm().validate_order_number("my order", dispatcher, tracker({}), DOMAIN)
    assert result == {"order_number": None}
    result, said = await check_contact("ORD-10234", "no idea")
    assert result == {"order_contact": None}
    assert [message.get("response") for message in dispatcher.messages] + said == [
        "utter_order_number_invalid",
        "utter_order_contact_invalid",
    ]


async def test_a_shop_that_does_not_answer_is_said_and_ends_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.shop.http import HttpShopBackend
    from bot.stack.ports import free_port

    # Nothing listens on this port: every call is refused, as when the shop's API is down.
    down = HttpShopBackend(f"http://127.0.0.1:{free_port()}", token="t", timeout_seconds=1.0, retries=1,
                           backoff_seconds=0.01)
    monkeypatch.setattr(orders, "shop", lambda: down)
    settings = load_settings(environ={"DORADCA_VAR_DIR": str(tmp_path / "var")}, settings_file=tmp_path / "none.yml")
    monkeypatch.setattr(bot.settings, "get_settings", lambda: settings)
    try:
        result, said = await check_contact("ORD-10234", "anna.kowalska@example.com")
        assert said == ["utter_shop_unavailable"]
        assert result["order_outcome"] == "unavailable" and "order_verified" not in result
        assert "order_attempts" not in result  # the shop's fault is not the customer's try
        ended = tracker({**result})
        assert await ValidateOrderForm().required_slots(
            ["order_number", "order_contact"], CollectingDispatcher(), ended, DOMAIN
        ) == []
        dispatcher = CollectingDispatcher()
        events = await ActionAnswerOrder().run(dispatcher, ended, DOMAIN)
        assert dispatcher.messages == []  # the customer was already told
        assert {"event": "slot", "name": "order_outcome", "value": None, "timestamp": None} in events
    finally:
        await down.close()
