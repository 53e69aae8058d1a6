"""Decision thresholds, and how they are calibrated without looking at test queries."""

from __future__ import annotations

from bot.faq.decision import Thresholds

# Placeholder until calibrated by `python -m bot.faq calibrate` (see below).
DEFAULT_THRESHOLDS = Thresholds(answer=0.60, clarify=0.45)
