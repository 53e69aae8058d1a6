"""The FAQ in the running bot: answers in the customer's language, buttons, handoff offers,
and edits to faq/ while the bot runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import make_engine
from bot.insights.unanswered import UnansweredQuestion

from bot.faq.loader import load_valid_knowledge_base
from bot.settings import PROJECT_ROOT
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


def new_sender() -> str:
    return f"faq-{uuid.uuid4()}"


def answer(stack: Stack, entry_id: str, language: str) -> str:
    kb = load_valid_knowledge_base(stack.settings.path(stack.settings.faq_dir))
    return kb.by_id[entry_id].answer[language]


def choose(entry_id: str) -> str:
    return "/faq_choice" + json.dumps({"faq_id": entry_id})


def test_polish_delivery_cost_question_is_answered_in_polish_from_the_faq(stack: Stack) -> None:
    replies = stack.texts(new_sender(), "Ile kosztuje wysyłka kurierem?")
    expected = answer(stack, "shipping-cost-poland", "pl")
    assert replies[0].startswith(expected)
    assert "https://doradca.example/delivery" in replies[0]


def test_english_and_romanian_questions_get_answers_in_their_language(stack: Stack) -> None:
    assert stack.texts(new_sender(), "How long do refunds take?")[0].startswith(answer(stack, "refunds-how-long", "en"))
    assert stack.texts(new_sender(), "În cât timp primesc banii înapoi după retur?")[0].startswith(
        answer(stack, "refunds-how-long", "ro")
    )


def test_a_did_you_mean_button_answers_that_entry_and_remembers_it(stack: Stack) -> None:
    sender = new_sender()
    stack.texts(sender, "dzień dobry")
    (reply,) = stack.texts(sender, choose("returns-in-store"))
    assert reply.startswith(answer(stack, "returns-in-store", "pl"))
    _, tracker = stack.tracker(sender, stack.token)
    assert tracker["slots"]["faq_last_answered"] == "returns-in-store"


def test_missing_translation_falls_back_to_english_with_a_note(stack: Stack) -> None:
    sender = new_sender()
    stack.texts(sender, "bună ziua")
    kb = load_valid_knowledge_base(stack.settings.path(stack.settings.faq_dir))
    untranslated = next(e for e in kb.entries if "ro" not in e.answer)
    note, text = stack.texts(sender, choose(untranslated.id))
    assert note == "Acest răspuns este disponibil deocamdată doar în engleză:"
    assert text.startswith(untranslated.answer["en"])


def test_none_of_these_records_the_question_and_says_so(stack: Stack) -> None:
    sender = new_sender()
    question = "I have a question about my sofa's fabric colour"
    stack.texts(sender, question)
    (reply,) = stack.texts(sender, "/faq_none")
    assert reply.startswith(("Sorry, I don't know", "I still can't help"))
    engine = make_engine(stack.settings.database)
    with Session(engine) as session:
        recorded = session.scalars(
            select(UnansweredQuestion.text).where(UnansweredQuestion.conversation_id == sender)
        ).all()
    assert recorded[-1] == question  # the question behind the button, not "/faq_none"


def test_handoff_entry_offers_a_consultant_after_answering(stack: Stack) -> None:
    sender = new_sender()
    stack.texts(sender, "dzień dobry")
    replies = stack.texts(sender, choose("orders-damaged-parcel"))
    assert replies[0].startswith(answer(stack, "orders-damaged-parcel", "pl"))
    assert "konsultantem" in replies[1]
    assert stack.texts(sender, "tak")[0].startswith("Ten kanał czatu")


def test_unanswerable_question_is_not_answered_from_the_faq(stack: Stack) -> None:
    (reply,) = stack.texts(new_sender(), "what is the life expectancy of a polar bear?")
    assert reply.startswith("Sorry, I don't know")


def wait_for_reply(stack: Stack, question: str, wanted: str, timeout: float = 120.0) -> list[str]:
    """Ask until the bot's first reply starts with `wanted` (the index is rebuilt in the background)."""
    deadline = time.monotonic() + timeout
    while True:
        replies = stack.texts(new_sender(), question)
        if replies and replies[0].startswith(wanted) or time.monotonic() > deadline:
            return replies
        time.sleep(0.5)  # between polls of a condition, not in place of one


def test_broken_faq_edit_keeps_answering_and_the_fix_appears_without_a_restart(stack: Stack) -> None:
    faq_dir = stack.settings.path(stack.settings.faq_dir)
    refunds = faq_dir / "refunds.yml"
    original = refunds.read_text(encoding="utf-8")
    old_answer = answer(stack, "refunds-how-long", "en")
    question = "How long do refunds take?"
    assert stack.texts(new_sender(), question)[0].startswith(old_answer)

    # 1. A malformed edit: `check` names the file and line; the bot keeps answering.
    broken = original.replace("questions:", "questions: [", 1)
    refunds.write_text(broken, encoding="utf-8")
    env = {**os.environ, "DORADCA_FAQ_DIR": str(faq_dir)}
    check = subprocess.run([sys.executable, "-m", "bot.faq", "check"], cwd=PROJECT_ROOT, env=env,
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 1
    assert f"{refunds}:" in check.stdout and "malformed YAML" in check.stdout
    log = Path(stack.settings.log_dir / "action-server.log")
    deadline = time.monotonic() + 60
    while "FAQ not reloaded" not in log.read_text(errors="replace") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "FAQ not reloaded" in log.read_text(errors="replace")  # the action server saw the broken file
    assert stack.texts(new_sender(), question)[0].startswith(old_answer)

    # 2. The fix, with a changed answer, is served without a restart.
    new_answer = "Refunds now take at most 5 working days."
    fixed = original.replace(old_answer, new_answer)
    assert fixed != original
    refunds.write_text(fixed, encoding="utf-8")
    assert wait_for_reply(stack, question, new_answer)[0].startswith(new_answer)
