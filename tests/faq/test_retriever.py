"""Scoring details of the retriever: weights per language, and the partial sort of entries."""

from __future__ import annotations

import numpy as np
import pytest

from bot.faq.retriever import RetrievalWeights, _top_indices


@pytest.mark.parametrize("size", [1, 3, 5, 50, 1000])
def test_top_entries_match_a_full_stable_sort_even_with_ties(size: int) -> None:
    rng = np.random.default_rng(size)
    for _ in range(100):
        scores = rng.integers(0, 5, size).astype(np.float32)  # many ties
        assert list(_top_indices(scores, 5)) == list(np.argsort(-scores, kind="stable")[:5])


def test_a_foreign_language_moves_a_share_to_bm25_and_keeps_the_total() -> None:
    weights = RetrievalWeights(dense=0.5, lexical=0.0, classifier=0.5, foreign_lexical=0.2)
    foreign = weights.for_foreign_language()
    assert foreign.lexical == 0.2
    assert foreign.dense == pytest.approx(0.4) and foreign.classifier == pytest.approx(0.4)
    assert foreign.dense + foreign.lexical + foreign.classifier == pytest.approx(1.0)


def test_without_a_classifier_the_other_weights_keep_the_total() -> None:
    weights = RetrievalWeights(dense=0.5, lexical=0.0, classifier=0.5).without_classifier()
    assert (weights.dense, weights.lexical, weights.classifier) == (pytest.approx(1.0), 0.0, 0.0)
    foreign = weights.for_foreign_language()
    assert (foreign.dense, foreign.lexical) == (pytest.approx(0.8), 0.2)
