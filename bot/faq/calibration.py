"""Decision thresholds, calibrated without looking at any test query.

For each knowledge base, a fifth of its entries is set aside: their questions
play the customers whose question the FAQ cannot answer. Of every remaining
entry one question is set aside too: these play the customers it can answer.
The FAQ is built (fine-tune included) from what is left, the probes are ranked,
and on the top entry's score:

  answer  = the threshold maximising 0.5 * (in-scope probes answered with the
            right entry) + 0.5 * (out-of-scope probes not answered), averaged
            over the knowledge bases;
  clarify = the 5th percentile of the in-scope probes whose entry is among the
            top three (so "did you mean" nearly always offers the right one),
            capped at `answer`.

`python -m bot.faq calibrate --kb A --kb B` prints the pair; the defaults below
are its output on ../shared/eval/banking77 and ../shared/eval/bitext-support
(3 splits each: 252 in-scope and 300 out-of-scope probes). faq/ is left out so
that bench/faq_bench.py can measure them on its held-out paraphrases.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from bot.faq.decision import RankedEntry, Thresholds
from bot.faq.model import FaqEntry, KnowledgeBase

DEFAULT_THRESHOLDS = Thresholds(answer=0.501, clarify=0.344)

HELD_OUT_ENTRIES = 0.2
CLARIFY_PERCENTILE = 5.0
# One split of Banking77 gives ~60 in-scope and ~75 out-of-scope probes: the chosen
# threshold moved by 0.05 between seeds. Three splits, pooled, are steadier.
SPLITS = 3


@dataclass(frozen=True)
class Probe:
    text: str
    language: str
    expected: str | None  # None: its entry was held out, so it must not be answered


@dataclass(frozen=True)
class ProbeScores:
    """The top entry's score of every probe, and whether the ranking was right."""

    in_scope: np.ndarray  # scores of in-scope probes
    correct: np.ndarray  # top entry was the expected one
    in_top3: np.ndarray  # expected entry among the top three
    out_of_scope: np.ndarray  # scores of out-of-scope probes

    def balanced_accuracy(self, answer: float) -> float:
        answered_right = float(np.mean(self.correct & (self.in_scope >= answer))) if len(self.in_scope) else 0.0
        rejected = float(np.mean(self.out_of_scope < answer)) if len(self.out_of_scope) else 1.0
        return 0.5 * answered_right + 0.5 * rejected


def split_for_calibration(kb: KnowledgeBase, seed: int = 0) -> tuple[KnowledgeBase, list[Probe]]:
    """The knowledge base to build from, and the probes held out of it."""
    rng = random.Random(seed)
    ids = [entry.id for entry in kb.entries]
    rng.shuffle(ids)
    held_out = set(ids[: max(1, round(HELD_OUT_ENTRIES * len(ids)))]) if len(ids) > 2 else set()
    probes: list[Probe] = []
    kept: list[FaqEntry] = []
    for entry in kb.entries:
        questions = [(lang, text) for lang, text in entry.all_questions()]
        if entry.id in held_out:
            probes.extend(Probe(text, lang, None) for lang, text in questions)
            continue
        if len(questions) > 1:
            lang, text = questions.pop(rng.randrange(len(questions)))
            probes.append(Probe(text, lang, entry.id))
        remaining: dict[str, list[str]] = {}
        for lang, text in questions:
            remaining.setdefault(lang, []).append(text)
        kept.append(entry.model_copy(update={"questions": {k: tuple(v) for k, v in remaining.items()}}))
    return KnowledgeBase(kb.sections, tuple(kept)), probes


def score_probes(probes: Sequence[Probe], rank: Callable[..., list[list[RankedEntry]]]) -> ProbeScores:
    ranked = rank([p.text for p in probes], languages=[p.language for p in probes])
    inside = [(p, r) for p, r in zip(probes, ranked) if p.expected is not None]
    outside = [r for p, r in zip(probes, ranked) if p.expected is None]
    top_score = lambda r: r[0].score if r else 0.0  # noqa: E731
    return ProbeScores(
        in_scope=np.array([top_score(r) for _, r in inside], dtype=np.float64),
        correct=np.array([bool(r) and r[0].entry_id == p.expected for p, r in inside], dtype=bool),
        in_top3=np.array([p.expected in [e.entry_id for e in r[:3]] for p, r in inside], dtype=bool),
        out_of_scope=np.array([top_score(r) for r in outside], dtype=np.float64),
    )


def pooled(scores: Sequence[ProbeScores]) -> ProbeScores:
    return ProbeScores(*(np.concatenate([getattr(s, name) for s in scores])
                         for name in ("in_scope", "correct", "in_top3", "out_of_scope")))


def calibration_probes(
    kb: KnowledgeBase, build: Callable[[KnowledgeBase], Callable[..., list[list[RankedEntry]]]], splits: int = SPLITS,
) -> ProbeScores:
    """Probe scores of `kb` over `splits` different held-out splits; `build` makes a ranker from a knowledge base."""
    scores = []
    for seed in range(splits):
        train, probes = split_for_calibration(kb, seed=seed)
        scores.append(score_probes(probes, build(train)))
    return pooled(scores)


def choose_thresholds(per_kb: Sequence[ProbeScores]) -> Thresholds:
    """The answer threshold best on average over the knowledge bases, and the clarify one below it."""
    candidates = np.unique(np.concatenate([np.concatenate([p.in_scope, p.out_of_scope]) for p in per_kb]))
    if not len(candidates):
        return DEFAULT_THRESHOLDS
    quality = [np.mean([p.balanced_accuracy(t) for p in per_kb]) for t in candidates]
    answer = float(candidates[int(np.argmax(quality))])
    near_misses = np.concatenate([p.in_scope[p.in_top3] for p in per_kb])
    clarify = float(np.percentile(near_misses, CLARIFY_PERCENTILE)) if len(near_misses) else answer
    return Thresholds(answer=round(answer, 3), clarify=round(min(clarify, answer), 3))
