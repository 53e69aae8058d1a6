"""Hybrid scoring of FAQ entries: dense (FAISS) and lexical (BM25), per entry the best question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from bot.faq.decision import RankedEntry
from bot.faq.index import FaqIndex
from bot.faq.lexical import LexicalScorer

DENSE_CANDIDATES = 200


@dataclass(frozen=True)
class RetrievalWeights:
    dense: float = 0.8
    lexical: float = 0.2


class HybridRetriever:
    """Scores every entry by its best-matching question under a weighted sum of cosine and BM25."""

    def __init__(self, index: FaqIndex, weights: RetrievalWeights = RetrievalWeights()) -> None:
        self.index = index
        self.weights = weights
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
        self._lexical = LexicalScorer().fit([q.text for q in questions]) if questions else None

    def question_scores(self, texts: Sequence[str], query_vectors: np.ndarray) -> np.ndarray:
        """Combined score of every question for every query (queries x questions)."""
        n_rows = len(self.index)
        dense = np.zeros((len(texts), n_rows), dtype=np.float32)
        sims, rows = self.index.search(query_vectors, min(DENSE_CANDIDATES, n_rows))
        for i in range(len(texts)):
            valid = rows[i] >= 0
            dense[i, rows[i][valid]] = sims[i][valid]
        lexical = self._lexical.scores(texts) if self._lexical is not None else np.zeros_like(dense)
        return self.weights.dense * dense + self.weights.lexical * lexical

    def rank(self, texts: Sequence[str], query_vectors: np.ndarray, top: int = 5) -> list[list[RankedEntry]]:
        """For each query, the `top` entries with their score and best-matching question."""
        if not self.entry_ids:
            return [[] for _ in texts]
        scores = self.question_scores(texts, query_vectors)
        entry_scores = np.maximum.reduceat(scores, self._starts, axis=1)
        results = []
        for i in range(len(texts)):
            order = np.argsort(-entry_scores[i], kind="stable")[:top]
            ranked = []
            for e in order:
                start = self._starts[e]
                end = self._starts[e + 1] if e + 1 < len(self._starts) else scores.shape[1]
                best_row = start + int(np.argmax(scores[i, start:end]))
                ranked.append(RankedEntry(self.entry_ids[e], float(entry_scores[i, e]), self.index.questions[best_row].text))
            results.append(ranked)
        return results
