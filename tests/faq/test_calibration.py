"""Threshold calibration: held-out splits and the choice of thresholds from probe scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.faq.calibration import ProbeScores, choose_thresholds, split_for_calibration
from bot.faq.model import FaqEntry, KnowledgeBase


def knowledge_base(entries: int = 10, questions: int = 4) -> KnowledgeBase:
    return KnowledgeBase((), tuple(
        FaqEntry(id=f"e{n}", section="s", questions={"en": tuple(f"question {q} of entry {n}" for q in range(questions))},
                 answer={"en": f"answer {n}"}, source=Path("s.yml"), line=n + 1)
        for n in range(entries)
    ))


def test_the_split_holds_out_whole_entries_and_one_question_of_each_other_entry() -> None:
    kb = knowledge_base()
    train, probes = split_for_calibration(kb, seed=1)
    kept_ids = {e.id for e in train.entries}
    out_of_scope = [p for p in probes if p.expected is None]
    in_scope = [p for p in probes if p.expected is not None]

    assert len(kept_ids) == 8  # a fifth of 10 entries held out
    assert len(out_of_scope) == 2 * 4  # every question of the held-out entries
    assert sorted(p.expected for p in in_scope) == sorted(kept_ids)
    train_texts = {q for e in train.entries for _, q in e.all_questions()}
    assert not train_texts & {p.text for p in probes}  # no probe is learned from
    assert len(train_texts) == 8 * 3


def test_different_seeds_hold_out_different_entries() -> None:
    kb = knowledge_base(entries=30)
    held = [frozenset(p.text for p in split_for_calibration(kb, seed)[1] if p.expected is None) for seed in range(3)]
    assert len(set(held)) == 3


def probe_scores(in_scope: list[float], correct: list[bool], out_of_scope: list[float]) -> ProbeScores:
    return ProbeScores(np.array(in_scope), np.array(correct), np.array(correct), np.array(out_of_scope))


def test_the_answer_threshold_separates_right_answers_from_unanswerable_questions() -> None:
    scores = probe_scores([0.9, 0.8, 0.75, 0.3], [True, True, True, False], [0.2, 0.5, 0.6, 0.1])
    thresholds = choose_thresholds([scores])
    assert 0.6 < thresholds.answer <= 0.75
    assert thresholds.clarify <= thresholds.answer
    assert scores.balanced_accuracy(thresholds.answer) == 0.5 * 3 / 4 + 0.5  # the wrong top entry is never answered right


def test_the_clarify_threshold_sits_below_nearly_all_near_misses() -> None:
    rng = np.random.default_rng(0)
    in_scope = rng.uniform(0.3, 1.0, 400)
    scores = probe_scores(list(in_scope), [True] * 400, list(rng.uniform(0.0, 0.5, 400)))
    thresholds = choose_thresholds([scores])
    assert np.mean(in_scope >= thresholds.clarify) >= 0.94
