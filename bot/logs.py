"""Logging set-up shared by the web app, the action server and the CLI."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from bot.privacy import PiiMaskingFilter

_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def configure_logging(level: str = "INFO", log_file: Path | None = None) -> None:
    """Log to stderr (and `log_file`), masking personal data in every handler."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    root = logging.getLogger()
    for handler in handlers:
        handler.setFormatter(logging.Formatter(_FORMAT))
        # On the handler, not a logger: records from every library pass through it.
        handler.addFilter(PiiMaskingFilter())
        root.addHandler(handler)
    root.setLevel(level.upper())
