"""Hybrid scoring of FAQ entries.

score(entry) = dense * cosine of its best question (FAISS)
             + lexical * BM25 of that question (words and character n-grams)
             + classifier * the entry classifier's probability

The weights were tuned with bench/faq_bench.py: on the English sets of
../shared/eval/ BM25 only adds noise once the model is fine-tuned (Banking77
top-1 0.810 without it, 0.806 at 0.1, 0.803 at 0.2), but for a language the
embedding model was not trained on (Polish and Romanian with the bundled
English all-MiniLM-L6-v2) word and character n-grams carry real evidence, so
such queries get a lexical share (held-out paraphrases of faq/: see the bench).
Without a fitted classifier (a one-entry FAQ, or a huge one) the other weights
are scaled up to the same total, so calibrated thresholds keep their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from bot.faq.classifier import EntryClassifier
from bot.faq.decision import RankedEntry
from bot.faq.index import FaqIndex
from bot.faq.lexical import LexicalScorer

DENSE_CANDIDATES = 200


@dataclass(frozen=True)
class RetrievalWeights:
    dense: float = 0.5
    lexical: float = 0.0
    classifier: float = 0.5
    # The lexical share for queries in a language the embedding model does not read.
    foreign_lexical: float = 0.2

    def without_classifier(self) -> "RetrievalWeights":
        total = self.dense + self.lexical
        scale = (total + self.classifier) / total if total else 1.0
        return RetrievalWeights(self.dense * scale, self.lexical * scale, 0.0, self.foreign_lexical)

    def for_foreign_language(self) -> "RetrievalWeights":
        """Same total, with `foreign_lexical` of it moved to BM25 from the model's two scores."""
        total = self.dense + self.lexical + self.classifier
        model_share = self.dense + self.classifier
        if model_share == 0 or self.foreign_lexical <= self.lexical:
            return self
        scale = (total - self.foreign_lexical) / model_share
        return RetrievalWeights(self.dense * scale, self.foreign_lexical, self.classifier * scale, self.foreign_lexical)


def _top_indices(scores: np.ndarray, top: int) -> np.ndarray:
    """Indices of the `top` highest scores, best first (ties by index); a partial sort, as a full
    argsort of 50,000 entries costs milliseconds per query."""
    if top < len(scores):
        kth_best = -np.partition(-scores, top - 1)[top - 1]
        candidates = np.flatnonzero(scores >= kth_best)  # every tie at the boundary, in index order
    else:
        candidates = np.arange(len(scores))
    return candidates[np.argsort(-scores[candidates], kind="stable")][:top]


class HybridRetriever:
    """Scores every entry by its best-matching question (cosine and BM25) and the entry classifier."""

    def __init__(
        self, index: FaqIndex, weights: RetrievalWeights = RetrievalWeights(),
        model_languages: frozenset[str] | None = None,
    ) -> None:
        """`model_languages`: the languages the embedding model reads (None: all of them)."""
        self.index = index
        self.model_languages = model_languages
        questions = index.questions
        # Rows are grouped by entry (the index is built entry by entry), so an entry's
        # rows form one slice and reduceat gives its best question's score.
        self.entry_ids: list[str] = []
        starts: list[int] = []
        for row, question in enumerate(questions):
            if not self.entry_ids or self.entry_ids[-1] != question.entry_id:
                self.entry_ids.append(question.entry_id)
                starts.append(row)
        if len(set(self.entry_ids)) != len(self.entry_ids):
            raise ValueError("index rows must be grouped by entry")
        self._starts = np.asarray(starts, dtype=np.int64)
        self._entry_of_row = np.repeat(np.arange(len(starts)), np.diff(np.append(self._starts, len(questions))))
        self.classifier = EntryClassifier()
        if weights.classifier > 0 and questions:
            self.classifier.fit(index.vectors, self._entry_of_row, len(starts))
        self.weights = weights if self.classifier.fitted else weights.without_classifier()
        self.foreign_weights = self.weights.for_foreign_language() if model_languages is not None else self.weights
        uses_lexical = self.weights.lexical or self.foreign_weights.lexical
        self._lexical = LexicalScorer().fit([q.text for q in questions]) if questions and uses_lexical else None

    def weights_for(self, language: str | None) -> RetrievalWeights:
        foreign = self.model_languages is not None and language is not None and language not in self.model_languages
        return self.foreign_weights if foreign else self.weights

    def _dense_scores(self, query_vectors: np.ndarray) -> np.ndarray:
        """Cosine of every question for every query (queries x questions); 0 beyond the nearest few hundred."""
        n_rows = len(self.index)
        dense = np.zeros((len(query_vectors), n_rows), dtype=np.float32)
        sims, rows = self.index.search(query_vectors, min(DENSE_CANDIDATES, n_rows))
        for i in range(len(query_vectors)):
            valid = rows[i] >= 0
            dense[i, rows[i][valid]] = sims[i][valid]
        return dense

    def rank(
        self, texts: Sequence[str], query_vectors: np.ndarray, top: int = 5,
        languages: Sequence[str | None] | None = None,
    ) -> list[list[RankedEntry]]:
        """For each query, the `top` entries with their score and best-matching question.
        `languages` (one per query, None where unknown) selects the weights."""
        if not self.entry_ids:
            return [[] for _ in texts]
        weights = [self.weights_for(lang) for lang in (languages or [None] * len(texts))]
        column = lambda name: np.array([getattr(w, name) for w in weights], dtype=np.float32)[:, None]  # noqa: E731
        scores = column("dense") * self._dense_scores(query_vectors)
        if self._lexical is not None and any(w.lexical for w in weights):
            scores += column("lexical") * self._lexical.scores(texts)
        entry_scores = np.maximum.reduceat(scores, self._starts, axis=1)
        if self.classifier.fitted:
            entry_scores += column("classifier") * self.classifier.probabilities(query_vectors)
        results = []
        for i in range(len(texts)):
            order = _top_indices(entry_scores[i], top)
            ranked = []
            for e in order:
                start = self._starts[e]
                end = self._starts[e + 1] if e + 1 < len(self._starts) else scores.shape[1]
                best_row = start + int(np.argmax(scores[i, start:end]))
                ranked.append(RankedEntry(self.entry_ids[e], float(entry_scores[i, e]), self.index.questions[best_row].text))
            results.append(ranked)
        return results
