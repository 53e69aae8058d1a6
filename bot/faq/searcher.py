"""One built state of the FAQ: the knowledge base, its index and the retriever over it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from bot.faq.decision import RankedEntry
from bot.faq.embedder import SentenceEmbedder
from bot.faq.index import BuildStats, FaqIndex, IndexedQuestion
from bot.faq.model import KnowledgeBase
from bot.faq.retriever import HybridRetriever, RetrievalWeights

logger = logging.getLogger(__name__)


def indexed_questions(kb: KnowledgeBase) -> list[IndexedQuestion]:
    """Every question of every entry, grouped by entry (the retriever relies on that)."""
    return [IndexedQuestion(entry.id, lang, text) for entry in kb.entries for lang, text in entry.all_questions()]


@dataclass
class FaqSearcher:
    knowledge_base: KnowledgeBase
    index: FaqIndex
    retriever: HybridRetriever
    embedder: SentenceEmbedder
    stats: BuildStats

    @classmethod
    def build(
        cls,
        kb: KnowledgeBase,
        embedder: SentenceEmbedder,
        previous: FaqIndex | None = None,
        weights: RetrievalWeights = RetrievalWeights(),
        progress: bool = False,
    ) -> "FaqSearcher":
        index, stats = FaqIndex.build(indexed_questions(kb), embedder, previous=previous, progress=progress)
        logger.info(
            "FAQ index: %d questions of %d entries (%d embedded, %d reused, %s) in %.1f s",
            stats.questions, len(kb.entries), stats.embedded, stats.reused, stats.kind, stats.seconds,
        )
        return cls(kb, index, HybridRetriever(index, weights), embedder, stats)

    def rank(self, texts: Sequence[str], top: int = 5) -> list[list[RankedEntry]]:
        vectors = self.embedder.embed(list(texts))
        return self.retriever.rank(texts, vectors, top=top)

    def save(self, folder: Path) -> None:
        self.index.save(folder)
