"""Fine-tuning the embedding model on the FAQ's questions: batches, caching, and what it learns."""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np

from bot.faq.embedder import DEFAULT_MODEL, SentenceEmbedder
from bot.faq.tuning import EmbeddingTuner, TuningRecipe, pair_batches, tuning_digest

QUESTIONS = [
    ("shipping-cost", "How much is delivery?"),
    ("shipping-cost", "What are the shipping fees?"),
    ("shipping-cost", "Is shipping free?"),
    ("shipping-cost", "Ile kosztuje dostawa?"),
    ("returns-window", "How long do I have to return an item?"),
    ("returns-window", "Can I return something after a month?"),
    ("returns-window", "Ile mam czasu na zwrot?"),
    ("click-collect", "Can I pick up my order in a store?"),
    ("click-collect", "Czy mogę odebrać zamówienie w sklepie?"),
]


def test_a_batch_never_holds_two_pairs_of_one_entry_and_every_question_is_an_anchor_once() -> None:
    labels = [i % 7 for i in range(60)]
    batches = pair_batches(labels, batch_size=4, rng=random.Random(3))
    anchors = [a for batch in batches for a, _ in batch]
    assert sorted(anchors) == list(range(60))
    for batch in batches:
        assert 2 <= len(batch) <= 4
        assert len({labels[a] for a, _ in batch}) == len(batch)
        assert all(labels[a] == labels[p] and a != p for a, p in batch)


def test_an_entry_with_one_question_gives_no_pairs() -> None:
    batches = pair_batches([0, 1, 1, 2, 2], batch_size=8, rng=random.Random(0))
    assert all(a not in (0,) for batch in batches for a, _ in batch)


def test_the_digest_changes_with_the_questions_the_model_and_the_recipe() -> None:
    base = tuning_digest(DEFAULT_MODEL, QUESTIONS, TuningRecipe())
    assert tuning_digest(DEFAULT_MODEL, list(reversed(QUESTIONS)), TuningRecipe()) == base  # order is irrelevant
    assert tuning_digest(DEFAULT_MODEL, QUESTIONS[:-1], TuningRecipe()) != base
    assert tuning_digest("/models/other", QUESTIONS, TuningRecipe()) != base
    assert tuning_digest(DEFAULT_MODEL, QUESTIONS, TuningRecipe(epochs=2)) != base


def test_tuning_pulls_an_entrys_paraphrases_together_and_is_cached(
    tmp_path: Path, shared_embedder: SentenceEmbedder
) -> None:
    tuner = EmbeddingTuner(tmp_path / "models", TuningRecipe(epochs=8))
    assert tuner.can_learn_from(QUESTIONS)
    assert tuner.cached(DEFAULT_MODEL, QUESTIONS) is None

    result = tuner.tune(DEFAULT_MODEL, QUESTIONS)
    assert not result.cached and result.steps > 0
    assert tuner.cached(DEFAULT_MODEL, QUESTIONS) == result.path
    again = tuner.tune(DEFAULT_MODEL, QUESTIONS)
    assert again.cached and again.path == result.path

    def same_minus_other_entry_similarity(embedder: SentenceEmbedder) -> float:
        vectors = embedder.embed([text for _, text in QUESTIONS])
        labels = np.array([entry for entry, _ in QUESTIONS])
        similarity = vectors @ vectors.T
        same = labels[:, None] == labels[None, :]
        off_diagonal = ~np.eye(len(labels), dtype=bool)
        return float(similarity[same & off_diagonal].mean() - similarity[~same].mean())

    tuned = SentenceEmbedder(str(result.path))
    assert same_minus_other_entry_similarity(tuned) > same_minus_other_entry_similarity(shared_embedder) + 0.05


def test_pruning_keeps_the_most_recently_used_models(tmp_path: Path) -> None:
    tuner = EmbeddingTuner(tmp_path, keep=2)
    for age, name in enumerate(["oldest", "middle", "newest"]):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "doradca-tuning.json").write_text("{}")
        os.utime(folder, (1_000_000 + age, 1_000_000 + age))
    tuner.prune()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["middle", "newest"]
