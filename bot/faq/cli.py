"""`python -m bot.faq ...`: check, build, ask, evaluate, and generate the NLU examples."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from typing import TYPE_CHECKING

from bot.settings import Settings, SettingsError, get_settings

if TYPE_CHECKING:
    from bot.faq.engine import FaqEngine, Tuning


def thresholds_from(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.faq.calibration import DEFAULT_THRESHOLDS
    from bot.faq.decision import Thresholds

    return Thresholds(
        answer=settings.faq_answer_threshold if settings.faq_answer_threshold is not None else DEFAULT_THRESHOLDS.answer,
        clarify=settings.faq_clarify_threshold if settings.faq_clarify_threshold is not None else DEFAULT_THRESHOLDS.clarify,
    )


def _faq_path(args: argparse.Namespace, settings: Settings) -> Path:
    return Path(args.path) if getattr(args, "path", None) else settings.path(settings.faq_dir)


def _cmd_check(args: argparse.Namespace) -> int:
    from bot.faq.loader import load_knowledge_base

    settings = get_settings()
    path = _faq_path(args, settings)
    try:
        result = load_knowledge_base(path)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for problem in result.problems:
        print(problem)
    if result.problems:
        print(f"{len(result.problems)} problem(s) in {path}; the bot keeps answering from the last good version.",
              file=sys.stderr)
        return 1
    kb = result.knowledge_base
    per_language: dict[str, int] = {}
    for entry in kb.entries:
        for lang in entry.answer:
            per_language[lang] = per_language.get(lang, 0) + 1
    languages = ", ".join(f"{lang} {count}" for lang, count in sorted(per_language.items()))
    print(f"OK: {len(kb.entries)} entries in {len(kb.sections)} sections ({languages}) in {path}")
    return 0


def engine_from(settings: Settings, tuning: "Tuning", faq_dir: Path | None = None) -> "FaqEngine":
    """The FAQ engine the settings describe; `tuning` says when it may fine-tune."""
    from bot.faq.embedder import SentenceEmbedder
    from bot.faq.engine import FaqEngine, Tuning
    from bot.faq.tuning import EmbeddingTuner

    return FaqEngine(
        faq_dir=faq_dir or settings.path(settings.faq_dir),
        index_dir=settings.faq_index_path,
        embedder=SentenceEmbedder(settings.faq_model),
        thresholds=thresholds_from(settings),
        reload_seconds=settings.faq_reload_seconds,
        tuner=EmbeddingTuner(settings.faq_tuned_models_path),
        tuning=tuning if settings.faq_tuning else Tuning.OFF,
        tuning_delay=settings.faq_tuning_delay_seconds,
    )


def _cmd_build(args: argparse.Namespace) -> int:
    from bot.faq.engine import Tuning

    settings = get_settings()
    engine = engine_from(settings, Tuning.NOW, _faq_path(args, settings))
    engine.warm_up(progress=True)
    if engine.problems:
        for problem in engine.problems:
            print(problem, file=sys.stderr)
        print("error: the FAQ has problems; the index was not rebuilt", file=sys.stderr)
        return 1
    searcher = engine.searcher
    assert searcher is not None
    stats = searcher.stats
    print(
        f"FAQ index: {len(searcher.knowledge_base.entries)} entries, {stats.questions} questions "
        f"({stats.embedded} embedded, {stats.reused} reused), {stats.kind} search, "
        f"{stats.seconds:.1f} s -> {engine.index_dir}"
    )
    return 0


def _cmd_ask(args: argparse.Namespace) -> int:
    from bot.faq.decision import DecisionKind
    from bot.language import detect_language

    from bot.faq.engine import Tuning

    settings = get_settings()
    engine = engine_from(settings, Tuning.BACKGROUND)  # the bot's model; never minutes of training to ask
    engine.warm_up()
    language = args.lang or detect_language(args.question, settings.default_language).language
    reply = engine.ask(args.question, language)
    if reply is None:
        print("error: no FAQ could be loaded; run `python -m bot.faq check`", file=sys.stderr)
        return 1
    decision = reply.decision
    print(f"decision: {decision.kind.value} (language {language})")
    if decision.kind is DecisionKind.ANSWER:
        entry = reply.entry(decision.ranked[0].entry_id)
        text, used = entry.answer_in(language)
        note = "" if used == language else f" [no {language} translation; answered in {used}]"
        print(f"answer ({entry.id}){note}:\n  {text}")
    elif decision.kind is DecisionKind.CLARIFY:
        print("did you mean:")
        for option in decision.options:
            print(f"  - {option.entry_id}: {option.question}")
    print("top candidates:")
    searcher = engine.searcher
    assert searcher is not None
    for ranked in searcher.rank([args.question], top=args.top, languages=[language])[0]:
        print(f"  {ranked.score:6.3f}  {ranked.entry_id:32}  {ranked.question}")
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    import tempfile

    from bot.faq.engine import Tuning
    from bot.faq.evaluation import QueryFileError, evaluate, load_queries
    from bot.faq.loader import FaqInvalidError, load_valid_knowledge_base

    settings = get_settings()
    try:
        kb = load_valid_knowledge_base(Path(args.kb))
        queries = load_queries(Path(args.queries))
    except (FaqInvalidError, QueryFileError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    # The same engine the bot runs (fine-tuned on this knowledge base, cached), with a throwaway index.
    with tempfile.TemporaryDirectory(prefix="doradca-eval-") as index_dir:
        settings = settings.model_copy(update={"faq_index_dir": Path(index_dir)})
        engine = engine_from(settings, Tuning.NOW, Path(args.kb))
        # Progress goes to stderr even with --json: a cold fine-tune takes a while, stdout stays the JSON.
        engine.warm_up(progress=True)
        searcher = engine.searcher
        assert searcher is not None
        try:
            report = evaluate(queries, searcher.rank, engine.thresholds, set(kb.by_id))
        except QueryFileError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    if not args.json:
        print(f"queries {report.n}: top1 {report.top1:.3f}, mrr5 {report.mrr5:.3f}, "
              f"answered_correct {report.answered_correct:.3f}, oos_recall "
              f"{'n/a' if report.oos_recall is None else f'{report.oos_recall:.3f}'}, "
              f"latency p50 {report.p50_ms:.1f} ms, p95 {report.p95_ms:.1f} ms")
    print(report.as_json())
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from bot.faq.calibration import calibration_probes, choose_thresholds
    from bot.faq.embedder import SentenceEmbedder
    from bot.faq.loader import FaqInvalidError, load_valid_knowledge_base
    from bot.faq.model import KnowledgeBase
    from bot.faq.searcher import FaqSearcher, tuned_embedder
    from bot.faq.tuning import EmbeddingTuner

    settings = get_settings()
    base = SentenceEmbedder(settings.faq_model)
    tuner = EmbeddingTuner(settings.faq_tuned_models_path)

    def ranker(kb: KnowledgeBase):  # type: ignore[no-untyped-def]
        embedder = tuned_embedder(kb, base, tuner, progress=True) if settings.faq_tuning else base
        return FaqSearcher.build(kb, embedder).rank

    per_kb = []
    for path in args.kb:
        try:
            kb = load_valid_knowledge_base(Path(path))
        except (FaqInvalidError, FileNotFoundError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        scores = calibration_probes(kb, ranker, splits=args.splits)
        alone = choose_thresholds([scores])
        per_kb.append(scores)
        print(f"{path}: {len(scores.in_scope)} in-scope and {len(scores.out_of_scope)} out-of-scope probes, "
              f"probe top1 {scores.correct.mean():.3f}; alone it would pick answer {alone.answer}, "
              f"clarify {alone.clarify}")
    thresholds = choose_thresholds(per_kb)
    print("calibrated thresholds (settings faq_answer_threshold, faq_clarify_threshold):")
    print(f"faq_answer_threshold: {thresholds.answer}\nfaq_clarify_threshold: {thresholds.clarify}")
    return 0


def _run_in_background_of(parent: int) -> None:
    """A fine-tune started by the running bot: lowest CPU priority, and end when the bot ends (Linux)."""
    import ctypes
    import os
    import signal

    os.nice(10)  # well below answering customers, yet not starved on a busy machine
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the bot ended before prctl took effect
        raise SystemExit(1)


def _cmd_tune(args: argparse.Namespace) -> int:
    if args.background_of:
        _run_in_background_of(args.background_of)
    from bot.faq.loader import FaqInvalidError, load_valid_knowledge_base
    from bot.faq.searcher import tuning_questions
    from bot.faq.tuning import EmbeddingTuner

    settings = get_settings()
    try:
        kb = load_valid_knowledge_base(_faq_path(args, settings))
    except (FaqInvalidError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    tuner = EmbeddingTuner(Path(args.cache_dir) if args.cache_dir else settings.faq_tuned_models_path)
    questions = tuning_questions(kb)
    if not tuner.can_learn_from(questions):
        print("nothing to learn: fine-tuning needs two entries with two questions each", file=sys.stderr)
        return 1
    result = tuner.tune(args.model or settings.faq_model, questions, progress=True)
    how = "already cached" if result.cached else f"{result.steps} steps, {result.seconds:.0f} s"
    print(f"fine-tuned model for {len(kb.entries)} entries ({how}): {result.path}")
    return 0


def _cmd_nlu(args: argparse.Namespace) -> int:
    from bot.faq.nlu import write_faq_nlu

    settings = get_settings()
    out = Path(args.out) if args.out else settings.home / "data" / "nlu" / "faq.generated.yml"
    try:
        count = write_faq_nlu(settings.path(settings.faq_dir), settings.home / "data", out)
    except Exception as error:  # noqa: BLE001 - shown to the person running make
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {count} FAQ examples to {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.faq", description="The curated FAQ: check, build, ask, evaluate, fine-tune.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="validate the FAQ files; every problem with file and line",
                                description="Validate the FAQ files; every problem is printed with file and line.")
    check.add_argument("path", nargs="?", help="a FAQ file or folder (default: the faq_dir setting)")
    check.set_defaults(handler=_cmd_check)

    build = commands.add_parser("build", help="build (or update) the FAQ index; re-embeds only what changed",
                                description="Build or update the persisted FAQ index; re-embeds only changed questions.")
    build.add_argument("path", nargs="?", help="a FAQ file or folder (default: the faq_dir setting)")
    build.set_defaults(handler=_cmd_build)

    ask = commands.add_parser("ask", help="ask the FAQ a question and see the decision and candidates",
                              description="Ask the FAQ a question; shows the decision, the answer and the candidates.")
    ask.add_argument("question")
    ask.add_argument("--lang", choices=["en", "pl", "ro"], help="answer language (default: detected)")
    ask.add_argument("--top", type=int, default=5, help="how many candidates to show")
    ask.set_defaults(handler=_cmd_ask)

    evaluate = commands.add_parser("eval", help="measure retrieval on a query set",
                                   description="Measure retrieval quality and latency on a query set.")
    evaluate.add_argument("--kb", required=True, help="FAQ file or folder")
    evaluate.add_argument("--queries", required=True, help='JSONL with {"text", "lang", "expected"} per line')
    evaluate.add_argument("--json", action="store_true", help="print only the JSON report (its last line)")
    evaluate.set_defaults(handler=_cmd_eval)

    tune = commands.add_parser(
        "tune", help="fine-tune the embedding model on the FAQ's questions (cached)",
        description="Fine-tune the embedding model on the FAQ's questions; the result is cached by content, "
                    "so running it again for the same FAQ returns at once. `build` does this too.")
    tune.add_argument("path", nargs="?", help="a FAQ file or folder (default: the faq_dir setting)")
    tune.add_argument("--model", help="base model (default: the faq_model setting)")
    tune.add_argument("--cache-dir", help="where fine-tuned models are kept (default: <cache_dir>/faq-models)")
    tune.add_argument("--background-of", type=int, metavar="PID", help=argparse.SUPPRESS)  # set by the running bot
    tune.set_defaults(handler=_cmd_tune)

    calibrate = commands.add_parser(
        "calibrate", help="calibrate the answer and clarify thresholds on knowledge bases (no test queries)",
        description="Hold out a fifth of the entries (as questions the FAQ cannot answer) and one question of "
                    "every other entry, build from the rest, and pick the thresholds on those probes.")
    calibrate.add_argument("--kb", action="append", required=True, help="FAQ file or folder (repeat for several)")
    calibrate.add_argument("--splits", type=int, default=3, help="how many different held-out splits to pool")
    calibrate.set_defaults(handler=_cmd_calibrate)

    nlu = commands.add_parser("nlu", help="generate Rasa NLU examples of the 'faq' intent from the FAQ questions",
                              description="Generate data/nlu/faq.generated.yml from the FAQ questions.")
    nlu.add_argument("--out", help="output file (default: data/nlu/faq.generated.yml)")
    nlu.set_defaults(handler=_cmd_nlu)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.handler(args))
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
