"""The FAISS index of every FAQ question's embedding, persisted with a manifest.

Layout of the index folder:
  manifest.json  model, dimensions, index kind, and for every row the entry id,
                 language and content hash of the question it holds
  vectors.npy    the normalised embeddings, one row per question
  index.faiss    the FAISS index over those rows

A rebuild reuses the vectors of questions whose text (and model) did not
change, so editing one entry re-embeds only that entry's questions.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Sequence

import numpy as np

if TYPE_CHECKING:
    import faiss

logger = logging.getLogger(__name__)

MANIFEST_FORMAT = 1
# Exact search up to this many questions; above it an HNSW graph. Measured by
# bench/faq_bench.py on 2 cores: exact search takes 0.06 ms at 2k questions,
# 1.0 ms at 20k and 5.4 ms at 100k (a third of a query's time), HNSW 0.07 to
# 0.14 ms with the same top 10 (recall 1.0) and builds 100k in 4 s.
DEFAULT_APPROXIMATE_ABOVE = 50_000
HNSW_NEIGHBOURS = 32
HNSW_EF_SEARCH = 128


class Embedder(Protocol):
    model_name: str

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray: ...


@dataclass(frozen=True)
class IndexedQuestion:
    entry_id: str
    language: str
    text: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class BuildStats:
    questions: int
    embedded: int
    reused: int
    seconds: float
    kind: str


def _make_faiss_index(vectors: np.ndarray, approximate_above: int) -> tuple["faiss.Index", str]:
    import faiss

    dims = vectors.shape[1]
    if len(vectors) > approximate_above:
        index = faiss.IndexHNSWFlat(dims, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = HNSW_EF_SEARCH
        kind = "hnsw"
    else:
        index = faiss.IndexFlatIP(dims)
        kind = "flat"
    if len(vectors):
        index.add(vectors)
    return index, kind


class FaqIndex:
    """Question vectors and the FAISS index over them."""

    def __init__(
        self, questions: list[IndexedQuestion], vectors: np.ndarray, model_name: str,
        approximate_above: int = DEFAULT_APPROXIMATE_ABOVE,
    ) -> None:
        self.questions = questions
        self.vectors = vectors
        self.model_name = model_name
        self.approximate_above = approximate_above
        self._index, self.kind = _make_faiss_index(vectors, approximate_above)

    def __len__(self) -> int:
        return len(self.questions)

    def search(self, query_vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Cosine similarities and row numbers of the k nearest questions for each query."""
        k = min(k, len(self.questions))
        if k == 0:
            empty = np.zeros((len(query_vectors), 0))
            return empty.astype(np.float32), empty.astype(np.int64)
        scores, rows = self._index.search(np.ascontiguousarray(query_vectors, dtype=np.float32), k)
        return scores, rows

    @classmethod
    def build(
        cls,
        questions: list[IndexedQuestion],
        embedder: Embedder,
        previous: "FaqIndex | None" = None,
        approximate_above: int = DEFAULT_APPROXIMATE_ABOVE,
        progress: bool = False,
    ) -> tuple["FaqIndex", BuildStats]:
        """Embed `questions`, reusing `previous`'s vectors for unchanged texts of the same model."""
        started = time.perf_counter()
        known: dict[str, np.ndarray] = {}
        if previous is not None and previous.model_name == embedder.model_name:
            known = {q.digest: previous.vectors[row] for row, q in enumerate(previous.questions)}
        missing = sorted({q.text for q in questions if q.digest not in known})
        if missing:
            fresh = embedder.embed(missing, progress=progress)
            for text, vector in zip(missing, fresh):
                known[IndexedQuestion("", "", text).digest] = vector
        dims = next(iter(known.values())).shape[0] if known else 0
        vectors = np.zeros((len(questions), dims), dtype=np.float32)
        for row, question in enumerate(questions):
            vectors[row] = known[question.digest]
        index = cls(questions, vectors, embedder.model_name, approximate_above)
        stats = BuildStats(len(questions), len(missing), len(questions) - len(missing),
                           time.perf_counter() - started, index.kind)
        return index, stats

    def save(self, folder: Path) -> None:
        """Write the index atomically: readers see the old folder or the new one, never half."""
        import faiss

        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        manifest = {
            "format": MANIFEST_FORMAT,
            "model": self.model_name,
            "dimensions": int(self.vectors.shape[1]) if self.vectors.size else 0,
            "kind": self.kind,
            "approximate_above": self.approximate_above,
            "questions": [[q.entry_id, q.language, q.text, q.digest] for q in self.questions],
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False))
        np.save(staging / "vectors.npy", self.vectors)
        faiss.write_index(self._index, str(staging / "index.faiss"))
        old = folder.with_name(f".{folder.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            os.replace(folder, old)
        os.replace(staging, folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> "FaqIndex | None":
        """The saved index, or None when there is none or it is unreadable (it is then rebuilt)."""
        import faiss

        if not (folder / "manifest.json").exists():
            return None  # never built: nothing to warn about
        try:
            manifest = json.loads((folder / "manifest.json").read_text())
            if manifest.get("format") != MANIFEST_FORMAT:
                return None
            vectors = np.load(folder / "vectors.npy")
            questions = [IndexedQuestion(e, lang, text) for e, lang, text, _digest in manifest["questions"]]
            if len(questions) != len(vectors):
                return None
            index = cls.__new__(cls)
            index.questions, index.vectors, index.model_name = questions, vectors, manifest["model"]
            index.approximate_above = int(manifest.get("approximate_above", DEFAULT_APPROXIMATE_ABOVE))
            index._index = faiss.read_index(str(folder / "index.faiss"))
            index.kind = manifest["kind"]
            return index
        except (OSError, ValueError, KeyError, RuntimeError) as error:
            logger.warning("ignoring the unreadable FAQ index in %s: %s", folder, error)
            return None
