"""The FAISS index: exact below the size limit, HNSW above it, and both survive a save and load."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.faq.index import FaqIndex, IndexedQuestion


def random_index(rows: int, approximate_above: int) -> FaqIndex:
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(rows, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    questions = [IndexedQuestion(f"e{n // 2}", "en", f"question {n}") for n in range(rows)]
    return FaqIndex(questions, vectors, "test-model", approximate_above=approximate_above)


def test_small_indexes_are_exact_and_large_ones_approximate() -> None:
    assert random_index(500, approximate_above=1000).kind == "flat"
    assert random_index(500, approximate_above=100).kind == "hnsw"


def test_hnsw_finds_what_exact_search_finds(tmp_path: Path) -> None:
    exact = random_index(3000, approximate_above=10_000)
    approximate = random_index(3000, approximate_above=1000)
    queries = exact.vectors[::100] + 0.05
    _, exact_rows = exact.search(queries, 10)
    _, approximate_rows = approximate.search(queries, 10)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approximate_rows, exact_rows)])
    assert recall >= 0.95

    approximate.save(tmp_path / "index")
    loaded = FaqIndex.load(tmp_path / "index")
    assert loaded is not None and loaded.kind == "hnsw" and len(loaded) == 3000
    _, loaded_rows = loaded.search(queries, 10)
    assert (loaded_rows == approximate_rows).all()


def test_a_missing_index_loads_as_none(tmp_path: Path) -> None:
    assert FaqIndex.load(tmp_path / "nothing-here") is None
