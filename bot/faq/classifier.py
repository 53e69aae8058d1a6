"""A light classifier over question embeddings: which entry does this embedding belong to?

Nearest-question similarity judges a query by one paraphrase at a time; a
logistic regression over all of an entry's paraphrases learns which directions
of the embedding space matter for telling entries apart (SetFit's second stage).
Its probability is blended with the nearest-question similarity in
bot/faq/retriever.py. It is fitted at every index build: a fraction of a second
for a few thousand questions.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np

logger = logging.getLogger(__name__)

# Multinomial logistic regression costs entries x questions x dimensions per
# iteration; past this many entries the fit takes minutes and nearest-question
# similarity alone scores the FAQ (see bench/faq_bench.py for build times).
MAX_ENTRIES = 2000


class EntryClassifier:
    """Probability of every entry for a query vector, learned from the entries' question vectors."""

    def __init__(self, regularisation: float = 10.0, max_iter: int = 3000) -> None:
        self.regularisation = regularisation
        self.max_iter = max_iter
        self._model = None  # sklearn LogisticRegression once fitted
        self._columns: np.ndarray | None = None  # entry number of each class column
        self._entries = 0

    @property
    def fitted(self) -> bool:
        return self._model is not None

    def fit(self, vectors: np.ndarray, entry_of_row: np.ndarray, n_entries: int) -> "EntryClassifier":
        """Learn from question vectors labelled with their entry number (0..n_entries-1).
        With fewer than two entries, or more than MAX_ENTRIES, it stays unfitted."""
        self._model, self._columns, self._entries = None, None, n_entries
        classes = np.unique(entry_of_row)
        if len(classes) < 2 or n_entries > MAX_ENTRIES:
            return self
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=self.regularisation, max_iter=self.max_iter)
        with warnings.catch_warnings():
            # Near-separable classes converge slowly; the probabilities are still usable.
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(vectors, entry_of_row)
        self._model, self._columns = model, model.classes_.astype(np.int64)
        return self

    def probabilities(self, query_vectors: np.ndarray) -> np.ndarray:
        """queries x entries; zeros for entries it never saw (and everywhere when unfitted)."""
        result = np.zeros((len(query_vectors), self._entries), dtype=np.float32)
        if self._model is not None and self._columns is not None:
            result[:, self._columns] = self._model.predict_proba(query_vectors)
        return result
