"""Real headless Chromium for page tests, driven by Playwright."""

from __future__ import annotations

import os
from pathlib import Path

from bot.settings import PROJECT_ROOT

CHROMIUM = Path(os.environ.get("DORADCA_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps dialling out, which this
# machine's closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def output_dir() -> Path:
    """Where the test run keeps screenshots and reports."""
    out = Path(os.environ.get("DORADCA_TEST_OUTPUT", PROJECT_ROOT / "var" / "test-results"))
    out.mkdir(parents=True, exist_ok=True)
    return out
