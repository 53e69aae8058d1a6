from __future__ import annotations

import pytest

from bot.faq.embedder import SentenceEmbedder


class CountingEmbedder(SentenceEmbedder):
    """The real bundled model, counting how many texts it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded_texts: list[str] = []

    def embed(self, texts, progress=False):  # type: ignore[no-untyped-def]
        self.embedded_texts.extend(texts)
        return super().embed(texts, progress)


@pytest.fixture(scope="session")
def shared_embedder() -> SentenceEmbedder:
    embedder = SentenceEmbedder()
    embedder.warm_up()
    return embedder


@pytest.fixture
def counting_embedder(shared_embedder: SentenceEmbedder) -> CountingEmbedder:
    embedder = CountingEmbedder()
    embedder._model = shared_embedder.model  # share the loaded weights; count per test
    return embedder
