"""The process-wide FAQ engine of the action server, built from the settings."""

from __future__ import annotations

import threading

from bot.faq.engine import FaqEngine, Tuning
from bot.settings import get_settings

_lock = threading.Lock()
_engine: FaqEngine | None = None


def get_faq_engine() -> FaqEngine:
    """The engine, warmed up and watching faq/ for edits; the first call loads the model."""
    global _engine
    with _lock:  # a request arriving during the start-up warm-up waits for it
        if _engine is None:
            from bot.faq.cli import engine_from

            engine = engine_from(get_settings(), Tuning.BACKGROUND)
            engine.warm_up(watch=True)
            _engine = engine
        return _engine
