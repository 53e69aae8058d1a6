"""Lexical FAQ search for consultants: BM25 over each entry's questions and answers, in every language.

The console does not load the embedding model (seconds of start-up and hundreds of MB for a search
box); BM25 over words and character n-grams finds entries by their words, with or without diacritics.
The FAQ is reloaded when a file under faq/ changes, so an edit shows up at the next search.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from bot.faq.lexical import LexicalScorer
from bot.faq.loader import faq_files, load_knowledge_base
from bot.faq.model import FaqEntry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FaqHit:
    id: str
    question: str
    answer: str
    language: str
    score: float


class FaqSearch:
    def __init__(self, faq_dir: Path) -> None:
        self._faq_dir = faq_dir
        self._lock = threading.Lock()  # searches run in worker threads
        self._stamp: tuple[tuple[str, float], ...] | None = None
        self._entries: tuple[FaqEntry, ...] = ()
        self._scorer: LexicalScorer | None = None

    def search(self, query: str, language: str, limit: int = 5) -> list[FaqHit]:
        query = query.strip()
        if not query:
            return []
        with self._lock:
            self._reload_if_changed()
            if self._scorer is None:
                return []
            scores = self._scorer.scores([query])[0]
            entries = self._entries
        best = sorted(range(len(entries)), key=lambda i: -scores[i])[:limit]
        hits = []
        for index in best:
            if scores[index] <= 0:
                break
            entry = entries[index]
            answer, answer_language = entry.answer_in(language)
            questions = entry.questions.get(answer_language) or next(iter(entry.questions.values()))
            hits.append(FaqHit(entry.id, questions[0], answer, answer_language, round(float(scores[index]), 3)))
        return hits

    def _reload_if_changed(self) -> None:
        files = faq_files(self._faq_dir) if self._faq_dir.exists() else []
        stamp = tuple((str(file), file.stat().st_mtime) for file in files)
        if stamp == self._stamp:
            return
        self._stamp = stamp
        result = load_knowledge_base(self._faq_dir)
        if result.problems:
            # Like the bot: entries with problems are left out, the rest stay searchable.
            logger.warning("FAQ has %d problem(s); searching the valid entries", len(result.problems))
        entries = result.knowledge_base.entries
        if not entries:
            self._entries, self._scorer = (), None
            return
        documents = [
            " ".join([*(q for _lang, q in entry.all_questions()), *entry.answer.values()]) for entry in entries
        ]
        self._entries, self._scorer = entries, LexicalScorer().fit(documents)
