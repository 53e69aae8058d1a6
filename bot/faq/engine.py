"""The FAQ as the running bot uses it: built once, rebuilt when faq/ changes, never left broken.

A broken edit (malformed YAML, duplicate id, ...) is logged with file and line
and the engine keeps answering from the last good state; the fixed file is
picked up by the next check. A rebuild happens in a background thread and the
new state replaces the old one in a single assignment, so no question is ever
answered from a half-built index.

The embedding model is fine-tuned on the FAQ's questions (bot/faq/tuning.py).
`python -m bot.faq build` does that at once; the running bot cannot wait
minutes after an edit, so it answers at once with the last fine-tune it has
(which already knows the shop's language: only the edited questions are
embedded anew), and fine-tunes for the new content in a lower-priority (nice 10) child
process once the FAQ has been quiet for `tuning_delay` seconds; the result
replaces the serving state like any other rebuild.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from bot.faq.decision import Decision, DecisionKind, Thresholds, decide
from bot.faq.embedder import SentenceEmbedder
from bot.faq.index import FaqIndex
from bot.faq.loader import FaqProblem, faq_files, load_knowledge_base
from bot.faq.model import FaqEntry, FaqSection, KnowledgeBase
from bot.faq.searcher import FaqSearcher, tuning_questions
from bot.faq.tuning import EmbeddingTuner

logger = logging.getLogger(__name__)

KB_SNAPSHOT = "knowledge_base.json"
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # where `python -m bot.faq` is importable


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


class Tuning(str, Enum):
    """When the engine fine-tunes the embedding model for new FAQ content."""

    OFF = "off"  # the base model only
    NOW = "now"  # before building (the CLI: `build`, `eval`)
    BACKGROUND = "background"  # after the FAQ has been quiet for a while, in a child process (the bot)


class FaqEngine:
    """Answers customer questions from the curated FAQ in `faq_dir`."""

    def __init__(
        self,
        faq_dir: Path,
        index_dir: Path,
        embedder: SentenceEmbedder,
        thresholds: Thresholds,
        reload_seconds: float = 2.0,
        tuner: EmbeddingTuner | None = None,
        tuning: Tuning = Tuning.OFF,
        tuning_delay: float = 60.0,
    ) -> None:
        self.faq_dir = faq_dir
        self.index_dir = index_dir
        self.embedder = embedder  # the base model; fine-tunes start from it
        self.thresholds = thresholds
        self.reload_seconds = reload_seconds
        self.tuner = tuner
        self.tuning = tuning if tuner is not None else Tuning.OFF
        self.tuning_delay = tuning_delay
        self.problems: tuple[FaqProblem, ...] = ()
        self._searcher: FaqSearcher | None = None
        self._signature: tuple[tuple[str, int, int], ...] | None = None
        self._reload_lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._tuned: SentenceEmbedder | None = None  # the loaded fine-tune, if any
        self._tuning_due: float | None = None
        self._tuning_process: subprocess.Popen[bytes] | None = None

    @property
    def ready(self) -> bool:
        return self._searcher is not None

    @property
    def searcher(self) -> FaqSearcher | None:
        return self._searcher

    def warm_up(self, progress: bool = False, watch: bool = False) -> None:
        """Load the model and the FAQ (reusing the saved index), then optionally watch for edits."""
        if self._searcher is None:
            self._restore_snapshot()
        self.reload(progress=progress)
        if self._searcher is not None:
            self._searcher.embedder.warm_up()  # even when every vector was reused, the first question needs it
        if watch and self._watcher is None:
            self._watcher = threading.Thread(target=self._watch, name="faq-watcher", daemon=True)
            self._watcher.start()

    def _restore_snapshot(self) -> None:
        """Start from the last good state on disk, so a broken file at start-up still leaves answers."""
        restored = load_snapshot(self.index_dir)
        if restored is None:
            return
        kb, index = restored
        embedder = self._embedder_named(index.model_name)
        if embedder is None:
            return
        try:
            self._searcher = FaqSearcher.build(kb, embedder, previous=index)
        except Exception:  # a snapshot we cannot use is rebuilt from the files instead
            logger.exception("could not restore the FAQ snapshot in %s", self.index_dir)

    def _embedder_named(self, model_name: str) -> SentenceEmbedder | None:
        """The base model, or a fine-tune of it still on disk (None when it is gone)."""
        if model_name == self.embedder.model_name:
            return self.embedder
        if self.tuning is Tuning.OFF or not Path(model_name).is_dir():
            return None
        if self._tuned is None or self._tuned.model_name != model_name:
            # A fine-tune reads the languages its base model reads.
            tuned = SentenceEmbedder(model_name, batch_size=self.embedder.batch_size, languages=self.embedder.languages)
            tuned.warm_up()
            self._tuned = tuned  # only the newest fine-tune stays in memory
        return self._tuned

    def _embedder_for(self, kb: KnowledgeBase, progress: bool) -> SentenceEmbedder:
        """The model to build `kb` with: its own fine-tune when there is one (or, under NOW, is made)."""
        if self.tuner is None or self.tuning is Tuning.OFF:
            return self.embedder
        questions = tuning_questions(kb)
        if not self.tuner.can_learn_from(questions):
            return self.embedder
        if self.tuning is Tuning.NOW:
            folder: Path | None = self.tuner.tune(self.embedder.model_name, questions, progress=progress).path
        else:
            folder = self.tuner.cached(self.embedder.model_name, questions)
        if folder is not None:
            embedder = self._embedder_named(str(folder))
            if embedder is not None:
                return embedder
        self._tuning_due = time.monotonic() + self.tuning_delay  # every edit restarts the quiet period
        current = self._searcher.embedder if self._searcher else None
        return current or self.embedder

    def _tick_tuning(self) -> None:
        """Start the background fine-tune when due; when it is done, rebuild with its result."""
        if self._tuning_process is not None:
            code = self._tuning_process.poll()
            if code is None:
                return
            self._tuning_process = None
            if code != 0:
                logger.error("fine-tuning the FAQ model failed (exit %s); the next FAQ edit tries again", code)
                return
            logger.info("fine-tuned FAQ model ready; rebuilding the index with it")
            with self._reload_lock:
                self._signature = None  # rebuild even though the files did not change
            self.reload()
            return
        if self._tuning_due is None or time.monotonic() < self._tuning_due or self.tuner is None:
            return
        self._tuning_due = None
        command = [
            sys.executable, "-m", "bot.faq", "tune", str(self.faq_dir),
            "--model", self.embedder.model_name, "--cache-dir", str(self.tuner.cache_dir),
            "--background-of", str(os.getpid()),  # lowest priority, and it dies with this process
        ]
        logger.info("fine-tuning the FAQ model for the edited FAQ in the background: %s", " ".join(command))
        self._tuning_process = subprocess.Popen(command, cwd=PACKAGE_ROOT)  # noqa: S603 - our own CLI, no shell

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
            embedder = self._embedder_for(result.knowledge_base, progress)
            searcher = FaqSearcher.build(result.knowledge_base, embedder, previous=previous, progress=progress)
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
                self._tick_tuning()
            except Exception:  # keep watching: the next edit may fix it
                logger.exception("FAQ reload failed; still answering from the previous version")

    def stop(self) -> None:
        self._stop.set()
        process = self._tuning_process
        if process is not None and process.poll() is None:
            process.terminate()

    def ask(self, text: str, language: str | None = None) -> FaqReply | None:
        """Rank the FAQ for `text` (in `language`, when known) and decide; None when no FAQ has ever loaded."""
        searcher = self._searcher
        if searcher is None:
            return None
        (ranked,) = searcher.rank([text], top=max(5, self.thresholds.clarify_options), languages=[language])
        return FaqReply(decide(ranked, self.thresholds), searcher.knowledge_base)
