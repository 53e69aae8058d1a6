"""Conversations over the REST channel with the real Rasa server and action server."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import make_engine
from bot.insights.unanswered import UnansweredQuestion
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


def new_sender() -> str:
    return f"test-{uuid.uuid4()}"


def test_english_greeting_is_answered_in_english(stack: Stack) -> None:
    (reply,) = stack.texts(new_sender(), "hello")
    assert reply.startswith("Hello!")


def test_polish_greeting_is_answered_in_polish(stack: Stack) -> None:
    (reply,) = stack.texts(new_sender(), "dzień dobry")
    assert reply.startswith("Dzień dobry!")


def test_romanian_greeting_is_answered_in_romanian(stack: Stack) -> None:
    (reply,) = stack.texts(new_sender(), "buna ziua")
    assert reply.startswith("Bună ziua!")


def test_language_follows_the_customer_and_survives_ambiguous_messages(stack: Stack) -> None:
    sender = new_sender()
    assert stack.texts(sender, "good morning")[0].startswith("Hello!")
    assert stack.texts(sender, "czy jesteś botem?")[0].startswith("Jestem botem")
    # "ok" could be English or Polish: the conversation stays in Polish.
    assert stack.texts(sender, "ok")[0].startswith("Ten kanał czatu")


def test_bot_says_it_is_a_bot_and_offers_a_person(stack: Stack) -> None:
    sender = new_sender()
    (answer,) = stack.texts(sender, "are you a bot?")
    assert "bot" in answer and "consultant" in answer
    # The REST channel cannot show a consultant's later replies: the customer is told so and
    # offered a callback or an e-mail reply instead.
    (contact,) = stack.texts(sender, "yes please")
    assert "can't show a consultant's live replies" in contact
    # That is an offer too: "no" declines it.
    assert stack.texts(sender, "no thanks") == ["All right. What can I help you with?"]
    # An offer holds for one turn only: after a turn without one, "yes" is not read as accepting it.
    stack.texts(sender, "thanks")
    status, tracker = stack.tracker(sender, stack.token)
    assert status == 200
    assert tracker["slots"]["human_offered"] is False


def test_declining_the_offer_returns_to_the_bot(stack: Stack) -> None:
    sender = new_sender()
    stack.texts(sender, "jesteś botem?")
    (reply,) = stack.texts(sender, "nie, dziękuję")
    assert reply == "Dobrze. W czym mogę pomóc?"


def test_unanswerable_questions_are_recorded_and_the_second_miss_offers_a_person(stack: Stack) -> None:
    sender = new_sender()
    (first,) = stack.texts(sender, "jaka będzie jutro pogoda?")
    assert first.startswith("Przepraszam, nie znam odpowiedzi")
    (second,) = stack.texts(sender, "opowiedz mi dowcip")
    assert "konsultantem" in second
    (contact,) = stack.texts(sender, "tak")
    assert contact.startswith("Ten kanał czatu")

    engine = make_engine(stack.settings.database)
    with Session(engine) as session:
        recorded = session.scalars(
            select(UnansweredQuestion).where(UnansweredQuestion.conversation_id == sender).order_by(UnansweredQuestion.id)
        ).all()
    assert [(row.text, row.language) for row in recorded] == [
        ("jaka będzie jutro pogoda?", "pl"),
        ("opowiedz mi dowcip", "pl"),
    ]


def test_restart_starts_a_fresh_conversation(stack: Stack) -> None:
    sender = new_sender()
    stack.texts(sender, "what's the weather like tomorrow?")
    (reply,) = stack.texts(sender, "let's start again")
    assert reply == "Let's start over. What can I help you with?"
    # The fallback count started again: the next miss is a first miss.
    (after,) = stack.texts(sender, "tell me a joke")
    assert after.startswith("Sorry, I don't know")


def test_http_api_needs_the_token(stack: Stack) -> None:
    sender = new_sender()
    stack.texts(sender, "hello")
    status, _ = stack.tracker(sender)
    assert status == 401
    status, _ = stack.tracker(sender, "wrong-token")
    assert status == 401
    status, tracker = stack.tracker(sender, stack.token)
    assert status == 200
    assert tracker["sender_id"] == sender


def test_conversation_survives_a_restart_of_the_rasa_server(stack: Stack) -> None:
    sender = new_sender()
    stack.texts(sender, "dzień dobry")
    _, before = stack.tracker(sender, stack.token)

    stack.supervisor.restart("Rasa server")

    status, after = stack.tracker(sender, stack.token)
    assert status == 200
    said = [event["text"] for event in after["events"] if event["event"] == "user"]
    assert said == ["dzień dobry"]
    assert after["slots"]["language"] == "pl"
    assert len(after["events"]) == len(before["events"])
    # ...and the conversation carries on in Polish.
    assert stack.texts(sender, "dzięki")[0].startswith("Nie ma za co")


def test_web_app_relays_the_chat_and_reports_health(stack: Stack) -> None:
    from tests.e2e.conftest import get_json, post_json

    body = post_json(f"{stack.settings.web_url}/api/chat", {"sender": new_sender(), "text": "cześć"})
    assert body["messages"][0]["text"].startswith("Dzień dobry!")
    status, report = get_json(f"{stack.settings.web_url}/health")
    assert status == 200
    assert report == {"web": {"ok": True}, "rasa": {"ok": True, "model": "doradca.tar.gz"}, "actions": {"ok": True}}
