"""The FAQ as the running bot uses it: built once, rebuilt when faq/ changes, never left broken.

A broken edit (malformed YAML, duplicate id, ...) is logged with file and line
and the engine keeps answering from the last good state; the fixed file is
picked up by the next check. A rebuild happens in a background thread and the
new state replaces the old one in a single assignment, so no question is ever
answered from a half-built index.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from bot.faq.decision import Decision, DecisionKind, Thresholds, decide
from bot.faq.embedder import SentenceEmbedder
from bot.faq.index import FaqIndex
from bot.faq.loader import FaqProblem, faq_files, load_knowledge_base
from bot.faq.model import FaqEntry, FaqSection, KnowledgeBase
from bot.faq.searcher import FaqSearcher

logger = logging.getLogger(__name__)

KB_SNAPSHOT = "knowledge_base.json"


@dataclass(frozen=True)
class FaqReply:
    decision: Decision
    knowledge_base: KnowledgeBase

    @property
    def kind(self) -> DecisionKind:
        return self.decision.kind

    def entry(self, entry_id: str) -> FaqEntry:
        return self.knowledge_base.by_id[entry_id]


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Cheap fingerprint of the FAQ files: names, sizes and modification times."""
    try:
        files = faq_files(folder)
    except FileNotFoundError:
        return ()
    result = []
    for file in files:
        try:
            stat = file.stat()
        except FileNotFoundError:
            continue
        result.append((str(file), stat.st_size, stat.st_mtime_ns))
    return tuple(result)


def save_snapshot(searcher: FaqSearcher, folder: Path) -> None:
    """Persist the index and the knowledge base it was built from (answers included)."""
    searcher.save(folder)
    kb = searcher.knowledge_base
    snapshot = {
        "sections": [s.model_dump(mode="json") for s in kb.sections],
        "entries": [e.model_dump(mode="json") for e in kb.entries],
    }
    (folder / KB_SNAPSHOT).write_text(json.dumps(snapshot, ensure_ascii=False))


def load_snapshot(folder: Path) -> tuple[KnowledgeBase, FaqIndex] | None:
    index = FaqIndex.load(folder)
    if index is None:
        return None
    try:
        data = json.loads((folder / KB_SNAPSHOT).read_text())
        kb = KnowledgeBase(
            tuple(FaqSection.model_validate(s) for s in data["sections"]),
            tuple(FaqEntry.model_validate(e) for e in data["entries"]),
        )
    except (OSError, ValueError, KeyError) as error:
        logger.warning("ignoring the unreadable FAQ snapshot in %s: %s", folder, error)
        return None
    return kb, index


class FaqEngine:
    """Answers customer questions from the curated FAQ in `faq_dir`."""

    def __init__(
        self,
        faq_dir: Path,
        index_dir: Path,
        embedder: SentenceEmbedder,
        thresholds: Thresholds,
        reload_seconds: float = 2.0,
    ) -> None:
        self.faq_dir = faq_dir
        self.index_dir = index_dir
        self.embedder = embedder
        self.thresholds = thresholds
        self.reload_seconds = reload_seconds
        self.problems: tuple[FaqProblem, ...] = ()
        self._searcher: FaqSearcher | None = None
        self._signature: tuple[tuple[str, int, int], ...] | None = None
        self._reload_lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def ready(self) -> bool:
        return self._searcher is not None

    @property
    def searcher(self) -> FaqSearcher | None:
        return self._searcher

    def warm_up(self, progress: bool = False, watch: bool = False) -> None:
        """Load the model and the FAQ (reusing the saved index), then optionally watch for edits."""
        self.embedder.warm_up()
        if self._searcher is None:
            self._restore_snapshot()
        self.reload(progress=progress)
        if watch and self._watcher is None:
            self._watcher = threading.Thread(target=self._watch, name="faq-watcher", daemon=True)
            self._watcher.start()

    def _restore_snapshot(self) -> None:
        """Start from the last good state on disk, so a broken file at start-up still leaves answers."""
        restored = load_snapshot(self.index_dir)
        if restored is None:
            return
        kb, index = restored
        if index.model_name != self.embedder.model_name:
            return
        try:
            self._searcher = FaqSearcher.build(kb, self.embedder, previous=index)
        except Exception:  # a snapshot we cannot use is rebuilt from the files instead
            logger.exception("could not restore the FAQ snapshot in %s", self.index_dir)

    def reload(self, progress: bool = False) -> bool:
        """Rebuild if the files changed; returns True when a new state is now serving."""
        with self._reload_lock:
            signature = _signature(self.faq_dir)
            if signature == self._signature:
                return False
            result = load_knowledge_base(self.faq_dir)
            if result.problems:
                self._signature = signature  # report a broken version once, not every check
                self.problems = result.problems
                logger.error(
                    "FAQ not reloaded: %d problem(s); still answering from the previous version:\n%s",
                    len(result.problems), "\n".join(str(p) for p in result.problems),
                )
                return False
            previous = self._searcher.index if self._searcher else None
            if previous is None:
                restored = load_snapshot(self.index_dir)
                previous = restored[1] if restored else None
            searcher = FaqSearcher.build(result.knowledge_base, self.embedder, previous=previous, progress=progress)
            try:
                save_snapshot(searcher, self.index_dir)
            except OSError:
                logger.exception("could not save the FAQ index to %s; serving it from memory", self.index_dir)
            self._searcher = searcher  # one assignment: questions see the old state or the new one
            self._signature = signature  # only now: a failed build is retried at the next check
            self.problems = ()
            return True

    def _watch(self) -> None:
        while not self._stop.wait(self.reload_seconds):
            try:
                self.reload()
            except Exception:  # keep watching: the next edit may fix it
                logger.exception("FAQ reload failed; still answering from the previous version")

    def stop(self) -> None:
        self._stop.set()

    def ask(self, text: str) -> FaqReply | None:
        """Rank the FAQ for `text` and decide; None when no FAQ has ever loaded."""
        searcher = self._searcher
        if searcher is None:
            return None
        (ranked,) = searcher.rank([text], top=max(5, self.thresholds.clarify_options))
        return FaqReply(decide(ranked, self.thresholds), searcher.knowledge_base)
