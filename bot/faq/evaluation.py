"""Retrieval quality and speed on a query set: the contract behind `python -m bot.faq eval`.

Metrics (over the queries of the file):
  top1, mrr5        ranking of in-scope queries (expected is an entry id), thresholds ignored
  answered_correct  share of in-scope queries the decision answers with the right entry
  oos_recall        share of out-of-scope queries (expected null) not answered; None if there are none
  p50_ms, p95_ms    latency of one query (embedding, retrieval and decision), measured one by one
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from bot.faq.decision import DecisionKind, RankedEntry, Thresholds, decide

# Latency is measured query by query on an evenly spread sample: timing all 3,080
# Banking77 queries one at a time would take most of a minute and say nothing more.
LATENCY_SAMPLE = 100


@dataclass(frozen=True)
class Query:
    text: str
    lang: str
    expected: str | None


@dataclass(frozen=True)
class EvalReport:
    n: int
    top1: float
    mrr5: float
    answered_correct: float
    oos_recall: float | None
    p50_ms: float
    p95_ms: float

    def as_json(self) -> str:
        return json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()})


class QueryFileError(ValueError):
    """A line of the query file is not a {"text", "lang", "expected"} object."""


def load_queries(path: Path) -> list[Query]:
    queries = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                queries.append(Query(str(item["text"]), str(item.get("lang") or "en"), item.get("expected")))
            except (ValueError, KeyError, TypeError) as error:
                raise QueryFileError(f"{path}:{number}: expected {{\"text\", \"lang\", \"expected\"}}: {error}") from error
    if not queries:
        raise QueryFileError(f"{path}: no queries")
    return queries


def evaluate(
    queries: Sequence[Query],
    rank: Callable[..., list[list[RankedEntry]]],
    thresholds: Thresholds,
    known_ids: set[str],
) -> EvalReport:
    """Score `rank` (texts, languages= -> ranked entries) on `queries`."""
    unknown = sorted({q.expected for q in queries if q.expected is not None and q.expected not in known_ids})
    if unknown:
        raise QueryFileError(f"queries expect entries that the FAQ does not have: {', '.join(unknown[:5])}")
    ranked = rank([q.text for q in queries], languages=[q.lang for q in queries])
    in_scope = [(q, r) for q, r in zip(queries, ranked) if q.expected is not None]
    out_of_scope = [r for q, r in zip(queries, ranked) if q.expected is None]

    def reciprocal_rank(expected: str, entries: list[RankedEntry]) -> float:
        return next((1.0 / (k + 1) for k, e in enumerate(entries[:5]) if e.entry_id == expected), 0.0)

    top1 = float(np.mean([bool(r) and r[0].entry_id == q.expected for q, r in in_scope])) if in_scope else 0.0
    mrr5 = float(np.mean([reciprocal_rank(str(q.expected), r) for q, r in in_scope])) if in_scope else 0.0
    answered_correct = (
        float(np.mean([decide(r, thresholds).entry_id == q.expected for q, r in in_scope])) if in_scope else 0.0
    )
    oos_recall = (
        float(np.mean([decide(r, thresholds).kind is not DecisionKind.ANSWER for r in out_of_scope]))
        if out_of_scope else None
    )

    step = max(1, len(queries) // LATENCY_SAMPLE)
    timings = []
    for query in list(queries)[::step][:LATENCY_SAMPLE]:
        started = time.perf_counter()
        decide(rank([query.text], languages=[query.lang])[0], thresholds)
        timings.append((time.perf_counter() - started) * 1000)
    return EvalReport(
        n=len(queries), top1=top1, mrr5=mrr5, answered_correct=answered_correct, oos_recall=oos_recall,
        p50_ms=float(np.percentile(timings, 50)), p95_ms=float(np.percentile(timings, 95)),
    )
