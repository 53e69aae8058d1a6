"""The FAQ engine: answers, incremental rebuilds, and surviving broken edits."""

from __future__ import annotations

import logging
import os
import time
from typing import Callable
from pathlib import Path

import pytest

from bot.faq.decision import DecisionKind, Thresholds
from bot.faq.engine import FaqEngine, Tuning
from bot.faq.searcher import tuning_questions
from bot.faq.tuning import EmbeddingTuner
from tests.faq.conftest import CountingEmbedder

SHIPPING = """\
title: {en: Shipping, pl: Dostawa}
entries:
  - id: shipping-cost
    questions:
      en: [How much is delivery?, What are the shipping fees?, Is shipping free?]
      pl: [Ile kosztuje dostawa?, Jaki jest koszt wysyłki?, Czy dostawa jest darmowa?]
    answer:
      en: Delivery costs 14.99 PLN; orders over 199 PLN ship free.
      pl: Dostawa kosztuje 14,99 zł; od 199 zł jest darmowa.
  - id: returns-window
    questions:
      en: [How long do I have to return an item?, Can I return something after a month?]
      pl: [Ile mam czasu na zwrot?, Czy mogę zwrócić towar po miesiącu?]
    answer:
      en: You have 30 days to return an item.
      pl: Masz 30 dni na zwrot.
"""

LENIENT = Thresholds(answer=0.5, clarify=0.3)


def make_engine(tmp_path: Path, embedder: CountingEmbedder) -> FaqEngine:
    faq = tmp_path / "faq"
    faq.mkdir(exist_ok=True)
    return FaqEngine(faq, tmp_path / "index", embedder, LENIENT, reload_seconds=0.05)


def write_faq(tmp_path: Path, text: str = SHIPPING) -> Path:
    faq_file = tmp_path / "faq" / "shipping.yml"
    faq_file.parent.mkdir(exist_ok=True)
    faq_file.write_text(text, encoding="utf-8")
    return faq_file


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)  # polling a condition, not a fixed wait


def touch_later(path: Path) -> None:
    """Make sure a rewrite is seen even within the filesystem's timestamp resolution."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_answers_a_polish_question_with_the_right_entry(tmp_path: Path, counting_embedder: CountingEmbedder) -> None:
    write_faq(tmp_path)
    engine = make_engine(tmp_path, counting_embedder)
    engine.warm_up()
    reply = engine.ask("ile kosztuje wysylka?")
    assert reply is not None and reply.kind is DecisionKind.ANSWER
    entry = reply.entry(reply.decision.ranked[0].entry_id)
    assert entry.answer_in("pl") == ("Dostawa kosztuje 14,99 zł; od 199 zł jest darmowa.", "pl")


def test_unrelated_question_is_not_answered(tmp_path: Path, counting_embedder: CountingEmbedder) -> None:
    write_faq(tmp_path)
    engine = make_engine(tmp_path, counting_embedder)
    engine.warm_up()
    reply = engine.ask("what is the life expectancy of a polar bear?")
    assert reply is not None and reply.kind is not DecisionKind.ANSWER


def test_rebuild_after_one_edit_embeds_only_the_changed_question(
    tmp_path: Path, counting_embedder: CountingEmbedder
) -> None:
    faq_file = write_faq(tmp_path)
    make_engine(tmp_path, counting_embedder).warm_up()
    assert len(counting_embedder.embedded_texts) == 10

    # A new process (restart) with one question changed: the saved index supplies the rest.
    counting_embedder.embedded_texts.clear()
    faq_file.write_text(SHIPPING.replace("Is shipping free?", "Do you ship for free?"), encoding="utf-8")
    engine = make_engine(tmp_path, counting_embedder)
    engine.warm_up()
    assert counting_embedder.embedded_texts == ["Do you ship for free?"]
    assert engine.searcher is not None and engine.searcher.stats.reused == 9


def test_broken_edit_keeps_the_previous_answers_and_the_fix_is_picked_up(
    tmp_path: Path, counting_embedder: CountingEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    faq_file = write_faq(tmp_path)
    engine = make_engine(tmp_path, counting_embedder)
    engine.warm_up()

    faq_file.write_text(SHIPPING.replace("    answer:\n      en: You have", "    answer:\n      en: [You have"), encoding="utf-8")
    touch_later(faq_file)
    with caplog.at_level(logging.ERROR, logger="bot.faq.engine"):
        assert engine.reload() is False
    assert "shipping.yml:" in caplog.text and "malformed YAML" in caplog.text
    assert engine.problems and engine.problems[0].file == faq_file
    reply = engine.ask("How long do I have to return an item?")
    assert reply is not None and reply.entry(reply.decision.ranked[0].entry_id).answer["en"] == "You have 30 days to return an item."

    faq_file.write_text(SHIPPING.replace("You have 30 days", "You have 60 days"), encoding="utf-8")
    touch_later(faq_file)
    assert engine.reload() is True
    assert engine.problems == ()
    reply = engine.ask("How long do I have to return an item?")
    assert reply is not None and reply.entry(reply.decision.ranked[0].entry_id).answer["en"] == "You have 60 days to return an item."


def test_a_restart_with_a_broken_file_serves_the_last_good_snapshot(
    tmp_path: Path, counting_embedder: CountingEmbedder
) -> None:
    faq_file = write_faq(tmp_path)
    make_engine(tmp_path, counting_embedder).warm_up()
    faq_file.write_text("entries: [\n", encoding="utf-8")

    engine = make_engine(tmp_path, counting_embedder)
    engine.warm_up()
    assert engine.problems
    reply = engine.ask("How much is delivery?")
    assert reply is not None and reply.decision.ranked[0].entry_id == "shipping-cost"


def test_no_faq_at_all_is_reported_not_raised(tmp_path: Path, counting_embedder: CountingEmbedder) -> None:
    engine = make_engine(tmp_path, counting_embedder)
    engine.warm_up()
    assert engine.ask("How much is delivery?") is None
    assert engine.problems


def test_an_edit_is_answered_at_once_and_a_background_fine_tune_then_takes_over(
    tmp_path: Path, counting_embedder: CountingEmbedder
) -> None:
    faq_file = write_faq(tmp_path)
    tuner = EmbeddingTuner(tmp_path / "models")

    def engine_with_tuning() -> FaqEngine:
        return FaqEngine(tmp_path / "faq", tmp_path / "index", counting_embedder, LENIENT, reload_seconds=0.05,
                         tuner=tuner, tuning=Tuning.BACKGROUND, tuning_delay=0.0)

    engine = engine_with_tuning()
    engine.warm_up(watch=True)
    try:
        # No fine-tune exists yet: the base model answers straight away.
        assert engine.searcher is not None and engine.searcher.embedder is counting_embedder
        reply = engine.ask("How much is delivery?")
        assert reply is not None and reply.decision.entry_id == "shipping-cost"

        kb = engine.searcher.knowledge_base
        tuned_folder = str(tuner.folder(counting_embedder.model_name, tuning_questions(kb)))
        wait_until(lambda: engine.searcher is not None and engine.searcher.embedder.model_name == tuned_folder,
                   timeout=300, what="the background fine-tune to take over")
        reply = engine.ask("How much is delivery?")
        assert reply is not None and reply.decision.entry_id == "shipping-cost"

        # An edit while a fine-tune exists: the old fine-tune embeds just the new question at once.
        faq_file.write_text(SHIPPING.replace("Is shipping free?", "Do you ship for free?"), encoding="utf-8")
        touch_later(faq_file)
        wait_until(lambda: engine.searcher is not None and engine.searcher.stats.embedded == 1
                   and "Do you ship for free?" in [q.text for q in engine.searcher.index.questions],
                   timeout=60, what="the edit to be served")
        assert engine.searcher.embedder.model_name == tuned_folder
    finally:
        engine.stop()

    # A restart finds the saved index and its fine-tune: nothing is embedded again.
    restarted = engine_with_tuning()
    restarted.warm_up()
    assert restarted.searcher is not None and restarted.searcher.embedder.model_name != counting_embedder.model_name
    assert restarted.searcher.stats.embedded == 0
