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
from bot.faq.tuning import EmbeddingTuner

logger = logging.getLogger(__name__)


def indexed_questions(kb: KnowledgeBase) -> list[IndexedQuestion]:
    """Every question of every entry, grouped by entry (the retriever relies on that)."""
    return [IndexedQuestion(entry.id, lang, text) for entry in kb.entries for lang, text in entry.all_questions()]


def tuning_questions(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """What the embedding model is fine-tuned on: (entry id, question) for every question."""
    return [(q.entry_id, q.text) for q in indexed_questions(kb)]


def tuned_embedder(
    kb: KnowledgeBase, base: SentenceEmbedder, tuner: EmbeddingTuner, progress: bool = False
) -> SentenceEmbedder:
    """`base` fine-tuned on the questions of `kb` (made now unless cached), or `base` if there is nothing to learn."""
    questions = tuning_questions(kb)
    if not tuner.can_learn_from(questions):
        return base
    result = tuner.tune(base.model_name, questions, progress=progress)
    return SentenceEmbedder(str(result.path), batch_size=base.batch_size, languages=base.languages)


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
        return cls(kb, index, HybridRetriever(index, weights, embedder.languages), embedder, stats)

    def rank(
        self, texts: Sequence[str], top: int = 5, languages: Sequence[str | None] | None = None
    ) -> list[list[RankedEntry]]:
        """The best `top` entries for each text; `languages` (the customer's, per text) tunes the weights."""
        vectors = self.embedder.embed(list(texts))
        return self.retriever.rank(texts, vectors, top=top, languages=languages)

    def save(self, folder: Path) -> None:
        self.index.save(folder)
