"""From ranked entries to what the bot does: answer, ask "did you mean", or admit it does not know."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Sequence


class DecisionKind(str, Enum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    FALLBACK = "fallback"


@dataclass(frozen=True)
class RankedEntry:
    entry_id: str
    score: float
    question: str  # the entry's question that matched best


@dataclass(frozen=True)
class Thresholds:
    """Calibrated on the evaluation sets with held-out entries (see bot/faq/calibration.py)."""

    answer: float
    clarify: float
    clarify_options: int = 3

    def __post_init__(self) -> None:
        if not self.clarify <= self.answer:
            raise ValueError(f"the clarify threshold ({self.clarify}) must not exceed the answer threshold ({self.answer})")


@dataclass(frozen=True)
class Decision:
    kind: DecisionKind
    ranked: tuple[RankedEntry, ...]

    @property
    def entry_id(self) -> str | None:
        """The answered entry (only for ANSWER)."""
        return self.ranked[0].entry_id if self.kind is DecisionKind.ANSWER else None

    @property
    def options(self) -> tuple[RankedEntry, ...]:
        """The entries offered as "did you mean" (only for CLARIFY)."""
        return self.ranked if self.kind is DecisionKind.CLARIFY else ()


def decide(ranked: Sequence[RankedEntry], thresholds: Thresholds) -> Decision:
    """Answer above the high threshold; offer the top few between the two; otherwise fall back."""
    if not ranked or ranked[0].score < thresholds.clarify:
        return Decision(DecisionKind.FALLBACK, tuple(ranked[:1]))
    if ranked[0].score >= thresholds.answer:
        return Decision(DecisionKind.ANSWER, (ranked[0],))
    options = [r for r in ranked[: thresholds.clarify_options] if r.score >= thresholds.clarify]
    return Decision(DecisionKind.CLARIFY, tuple(options))
