"""FAQ retrieval benchmark: quality on every evaluation set, and speed and memory at scale.

    .venv/actions/bin/python bench/faq_bench.py            # everything (about 15 minutes on 2 cores)
    .venv/actions/bin/python bench/faq_bench.py --scales 1000,10000 --sets banking77

Quality, all methods in one run, each with thresholds calibrated the same way
(bot/faq/calibration.py: held-out entries and questions of the knowledge bases,
never the queries), on:
  - every set in ../shared/eval/ (English, in scope);
  - banking77-oos: Banking77 with 15 of its 77 entries removed from the FAQ, so
    their 600 test queries are questions the FAQ cannot answer (expected null);
  - faq-held-out: this project's faq/ with the last paraphrase of every entry
    in every language held out as the queries (English, Polish, Romanian),
    in all and per language (faq-held-out-en, -pl, -ro).
Methods:
  tfidf-words, tfidf-chars  TF-IDF nearest question (words; character 2-5 grams)
  dense                     all-MiniLM-L6-v2 nearest question, no training
  dense+bm25                0.8 dense + 0.2 BM25 words and character n-grams (the first hybrid)
  doradca                   what the bot runs: the model fine-tuned on the FAQ, an entry
                            classifier, BM25 for languages the model does not read

Scale (each size in its own process, so peak memory is its own): synthetic
entries with two questions each; build = embedding + FAISS + BM25 + classifier
(the fine-tune is capped at TuningRecipe.max_steps and reported per step);
latency = one query at a time, embedding included.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bot.faq.calibration import calibration_probes, choose_thresholds  # noqa: E402
from bot.faq.decision import RankedEntry, Thresholds  # noqa: E402
from bot.faq.embedder import SentenceEmbedder  # noqa: E402
from bot.faq.evaluation import EvalReport, Query, evaluate, load_queries  # noqa: E402
from bot.faq.index import FaqIndex  # noqa: E402
from bot.faq.loader import load_valid_knowledge_base  # noqa: E402
from bot.faq.model import KnowledgeBase  # noqa: E402
from bot.faq.retriever import DENSE_CANDIDATES, RetrievalWeights  # noqa: E402
from bot.faq.searcher import FaqSearcher, indexed_questions, tuned_embedder  # noqa: E402
from bot.faq.tuning import EmbeddingTuner  # noqa: E402
from bot.settings import get_settings  # noqa: E402

EVAL_DIR = ROOT.parent / "shared" / "eval"
OOS_HELD_OUT_ENTRIES = 15
Rank = Callable[..., list[list[RankedEntry]]]


@dataclass(frozen=True)
class EvalSet:
    name: str
    kb: KnowledgeBase
    queries: list[Query]


# ---------------------------------------------------------------- evaluation sets

def shared_sets(names: Sequence[str] | None) -> list[EvalSet]:
    sets = []
    for folder in sorted(p for p in EVAL_DIR.iterdir() if (p / "faq.yml").is_file()):
        if names and folder.name not in names:
            continue
        sets.append(EvalSet(folder.name, load_valid_knowledge_base(folder / "faq.yml"),
                            load_queries(folder / "queries.jsonl")))
    return sets


def without_entries(base: EvalSet, count: int, seed: int = 1) -> EvalSet:
    """The set with `count` entries removed from the FAQ: their queries become unanswerable."""
    removed = set(random.Random(seed).sample([e.id for e in base.kb.entries], count))
    kb = KnowledgeBase(base.kb.sections, tuple(e for e in base.kb.entries if e.id not in removed))
    queries = [Query(q.text, q.lang, None if q.expected in removed else q.expected) for q in base.queries]
    return EvalSet(f"{base.name}-oos", kb, queries)


def project_faq_held_out() -> list[EvalSet]:
    """faq/ with the last paraphrase of each entry and language held out as a query; all and per language."""
    kb = load_valid_knowledge_base(ROOT / "faq")
    entries, queries = [], []
    for entry in kb.entries:
        kept = {}
        for lang, texts in entry.questions.items():
            if len(texts) > 1:
                queries.append(Query(texts[-1], lang, entry.id))
                texts = texts[:-1]
            kept[lang] = texts
        entries.append(entry.model_copy(update={"questions": kept}))
    held_out = KnowledgeBase(kb.sections, tuple(entries))
    per_language = [EvalSet(f"faq-held-out-{lang}", held_out, [q for q in queries if q.lang == lang])
                    for lang in sorted({q.lang for q in queries})]
    return [EvalSet("faq-held-out", held_out, queries), *per_language]


# ---------------------------------------------------------------- methods

class TfidfNearestQuestion:
    """Baseline: TF-IDF cosine to the nearest question of each entry."""

    def __init__(self, kb: KnowledgeBase, analyzer: str, ngrams: tuple[int, int]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        questions = indexed_questions(kb)
        self.vectorizer = TfidfVectorizer(analyzer=analyzer, ngram_range=ngrams, sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform([q.text for q in questions])
        self.entry_ids = [e.id for e in kb.entries]
        number = {e: i for i, e in enumerate(self.entry_ids)}
        self.entry_of_row = np.array([number[q.entry_id] for q in questions])
        self.texts = [q.text for q in questions]

    def rank(self, texts: Sequence[str], top: int = 5, languages: Sequence[str | None] | None = None,
             ) -> list[list[RankedEntry]]:
        similarity = (self.vectorizer.transform(list(texts)) @ self.matrix.T).toarray()
        results = []
        for row in similarity:
            best = np.full(len(self.entry_ids), -1.0)
            np.maximum.at(best, self.entry_of_row, row)
            order = np.argsort(-best, kind="stable")[:top]
            results.append([RankedEntry(self.entry_ids[e], float(best[e]), "") for e in order])
        return results


def build_method(name: str, kb: KnowledgeBase, base: SentenceEmbedder, tuner: EmbeddingTuner) -> Rank:
    if name == "tfidf-words":
        return TfidfNearestQuestion(kb, "word", (1, 1)).rank
    if name == "tfidf-chars":
        return TfidfNearestQuestion(kb, "char_wb", (2, 5)).rank
    if name == "dense":
        return FaqSearcher.build(kb, base, weights=RetrievalWeights(1.0, 0.0, 0.0, 0.0)).rank
    if name == "dense+bm25":
        return FaqSearcher.build(kb, base, weights=RetrievalWeights(0.8, 0.2, 0.0, 0.2)).rank
    if name == "doradca":
        return FaqSearcher.build(kb, tuned_embedder(kb, base, tuner, progress=True)).rank
    raise ValueError(name)


METHODS = ["tfidf-words", "tfidf-chars", "dense", "dense+bm25", "doradca"]


def calibrated(method: str, calibration_sets: Sequence[EvalSet], base: SentenceEmbedder,
               tuner: EmbeddingTuner) -> Thresholds:
    """The method's thresholds by bot/faq/calibration.py on the knowledge bases (not the queries)."""
    return choose_thresholds([
        calibration_probes(s.kb, lambda kb: build_method(method, kb, base, tuner)) for s in calibration_sets
    ])


def quality(sets: Sequence[EvalSet], calibration_sets: Sequence[EvalSet], base: SentenceEmbedder,
            tuner: EmbeddingTuner) -> list[dict[str, object]]:
    rows = []
    for method in METHODS:
        started = time.perf_counter()
        thresholds = calibrated(method, calibration_sets, base, tuner)
        print(f"[{method}] thresholds answer {thresholds.answer}, clarify {thresholds.clarify} "
              f"({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
        for eval_set in sets:
            started = time.perf_counter()
            rank = build_method(method, eval_set.kb, base, tuner)
            build_seconds = time.perf_counter() - started
            report = evaluate(eval_set.queries, rank, thresholds, {e.id for e in eval_set.kb.entries})
            row = {"set": eval_set.name, "method": method, **report_dict(report),
                   "answer_threshold": thresholds.answer, "build_s": round(build_seconds, 1)}
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def report_dict(report: EvalReport) -> dict[str, object]:
    return json.loads(report.as_json())


# ---------------------------------------------------------------- scale

WORDS = {
    "subject": ["order", "parcel", "refund", "jacket", "sofa", "lamp", "voucher", "gift card", "account", "invoice",
                "return label", "size guide", "loyalty points", "delivery slot", "store pickup", "payment"],
    "verb": ["change", "cancel", "track", "return", "pay for", "reserve", "find", "collect", "exchange", "repair"],
    "place": ["in Warsaw", "in Kraków", "online", "abroad", "on Sunday", "after 30 days", "with a courier",
              "at a parcel locker", "by phone", "in the app"],
}


def synthetic_kb(entries: int, seed: int = 7) -> tuple[KnowledgeBase, list[str]]:
    """`entries` distinct entries with two questions each, and queries that paraphrase some of them."""
    from bot.faq.model import FaqEntry

    rng = random.Random(seed)
    result, queries = [], []
    for number in range(entries):
        subject, verb, place = (rng.choice(WORDS[k]) for k in ("subject", "verb", "place"))
        tag = f"#{number}"  # keeps every question unique, as the loader requires
        questions = (f"How do I {verb} my {subject} {place}? {tag}", f"Can I {verb} a {subject} {place} {tag}")
        result.append(FaqEntry(id=f"e{number}", section="synthetic", questions={"en": questions},
                               answer={"en": f"Answer {number}."}, source=Path("synthetic.yml"), line=number + 1))
        if len(queries) < 300:
            queries.append(f"is it possible to {verb} the {subject} {place}")
    return KnowledgeBase((), tuple(result)), queries


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def scale_one(entries: int) -> dict[str, object]:
    base = SentenceEmbedder()
    base.warm_up()
    base.embed(["warm up"])
    kb, queries = synthetic_kb(entries)
    before = rss_mb()
    started = time.perf_counter()
    searcher = FaqSearcher.build(kb, base, progress=True)
    build_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        searcher.save(Path(folder))
        on_disk = sum(f.stat().st_size for f in Path(folder).iterdir())
    timings = []
    for text in queries:
        t = time.perf_counter()
        searcher.rank([text], languages=["en"])
        timings.append((time.perf_counter() - t) * 1000)
    return {**flat_versus_hnsw(searcher.index, base.embed(queries)), **{
        "entries": entries, "questions": searcher.stats.questions, "index": searcher.stats.kind,
        "classifier": searcher.retriever.classifier.fitted,
        "build_s": round(build_seconds, 1), "index_on_disk_mb": round(on_disk / 2**20, 1),
        "rss_after_model_mb": round(before), "rss_after_build_mb": round(rss_mb()),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "p50_ms": round(float(np.percentile(timings, 50)), 1), "p95_ms": round(float(np.percentile(timings, 95)), 1),
    }}


def flat_versus_hnsw(index: FaqIndex, query_vectors: np.ndarray) -> dict[str, object]:
    """Search time of the exact index against an HNSW graph over the same vectors, and HNSW's recall:
    the data behind DEFAULT_APPROXIMATE_ABOVE in bot/faq/index.py."""
    flat = FaqIndex(index.questions, index.vectors, index.model_name, approximate_above=len(index))
    started = time.perf_counter()
    hnsw = FaqIndex(index.questions, index.vectors, index.model_name, approximate_above=0)
    hnsw_build = time.perf_counter() - started

    def per_query_ms(candidate: FaqIndex) -> tuple[float, np.ndarray]:
        timings, found = [], []
        for vector in query_vectors:
            t = time.perf_counter()
            _, rows = candidate.search(vector[None, :], DENSE_CANDIDATES)
            timings.append((time.perf_counter() - t) * 1000)
            found.append(rows[0][:10])
        return float(np.percentile(timings, 50)), np.array(found)

    flat_ms, exact = per_query_ms(flat)
    hnsw_ms, approximate = per_query_ms(hnsw)
    recall = np.mean([len(set(a) & set(e)) / len(e) for a, e in zip(approximate, exact)])
    return {"flat_search_ms": round(flat_ms, 2), "hnsw_search_ms": round(hnsw_ms, 2),
            "hnsw_build_s": round(hnsw_build, 1), "hnsw_recall_at_10": round(float(recall), 3)}


def tuning_seconds_per_step(base: SentenceEmbedder, tuner_dir: Path) -> float:
    """Fine-tune a few steps on synthetic questions (never cached) to price a step."""
    from bot.faq.tuning import TuningRecipe

    kb, _ = synthetic_kb(200, seed=int(time.time()))
    tuner = EmbeddingTuner(tuner_dir, TuningRecipe(epochs=1, max_steps=5))
    result = tuner.tune(base.model_name, [(q.entry_id, q.text) for q in indexed_questions(kb)])
    return result.seconds / max(1, result.steps)


# ---------------------------------------------------------------- report

def markdown(rows: list[dict[str, object]], scale: list[dict[str, object]], step_seconds: float | None) -> str:
    lines = []
    if rows:
        lines += ["| set | method | top1 | mrr5 | answered_correct | oos_recall | p50 ms | p95 ms | answer threshold |",
                  "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        oos = "-" if r["oos_recall"] is None else f"{r['oos_recall']:.3f}"
        lines.append(f"| {r['set']} | {r['method']} | {r['top1']:.3f} | {r['mrr5']:.3f} | "
                     f"{r['answered_correct']:.3f} | {oos} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
                     f"{r['answer_threshold']} |")
    if scale:
        columns = ("entries", "questions", "index", "classifier", "build_s", "index_on_disk_mb", "rss_after_model_mb",
                   "rss_after_build_mb", "peak_rss_mb", "p50_ms", "p95_ms", "flat_search_ms", "hnsw_search_ms",
                   "hnsw_build_s", "hnsw_recall_at_10")
        lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        for s in scale:
            lines.append("| " + " | ".join(str(s[k]) for k in columns) + " |")
    if step_seconds is not None:
        lines += [f"Fine-tuning: {step_seconds:.2f} s per step (batch of 32 pairs) here; capped at "
                      f"TuningRecipe.max_steps steps for large FAQs."]
    return "\n".join(lines).replace("|\n| entries", "|\n\n| entries").replace("|\nFine", "|\n\nFine")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", help="comma-separated ../shared/eval sets (default: all)")
    parser.add_argument("--scales", default="1000,10000,50000", help="entry counts for the scale test ('' to skip)")
    parser.add_argument("--skip-quality", action="store_true", help="only the scale test")
    parser.add_argument("--out", help="also write the JSON results here")
    parser.add_argument("--scale-one", type=int, help=argparse.SUPPRESS)  # internal: one size, in a child process
    args = parser.parse_args(argv)

    if args.scale_one:
        print(json.dumps(scale_one(args.scale_one)))
        return 0

    settings = get_settings()
    base = SentenceEmbedder(settings.faq_model)
    tuner = EmbeddingTuner(settings.faq_tuned_models_path)
    rows: list[dict[str, object]] = []
    if not args.skip_quality:
        names = args.sets.split(",") if args.sets else None
        sets = shared_sets(names)
        calibration_sets = list(sets)
        banking = next((s for s in sets if s.name == "banking77"), None)
        if banking is not None:
            sets.append(without_entries(banking, OOS_HELD_OUT_ENTRIES))
        sets.extend(project_faq_held_out())
        rows = quality(sets, calibration_sets, base, tuner)

    scale = []
    for size in [int(s) for s in args.scales.split(",") if s.strip()]:
        started = time.perf_counter()
        child = subprocess.run([sys.executable, __file__, "--scale-one", str(size)], capture_output=True, text=True)
        if child.returncode != 0:
            print(child.stderr[-3000:], file=sys.stderr)
            return 1
        scale.append(json.loads(child.stdout.strip().splitlines()[-1]))
        print(f"[scale {size}] {scale[-1]} ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    step_seconds = None
    if scale:
        with tempfile.TemporaryDirectory() as folder:
            step_seconds = tuning_seconds_per_step(base, Path(folder))

    if args.out:
        Path(args.out).write_text(json.dumps({"quality": rows, "scale": scale, "tuning_s_per_step": step_seconds},
                                             indent=1))
    print(markdown(rows, scale, step_seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
