"""`python -m bot.faq eval`: its JSON report is a contract (keys and meaning must stay stable)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT

KB = """\
entries:
  - id: shipping-cost
    questions:
      en: [How much is delivery?, What are the shipping fees?, Is shipping free?]
    answer: {en: Delivery costs 14.99 PLN.}
  - id: returns-window
    questions:
      en: [How long do I have to return an item?, Can I return something after a month?, What is the return period?]
    answer: {en: You have 30 days.}
  - id: store-hours
    questions:
      en: [When are your stores open?, What are the opening hours?, Are shops open on Sunday?]
    answer: {en: 10:00-21:00 every day.}
"""

QUERIES = [
    {"text": "how much does delivery cost", "lang": "en", "expected": "shipping-cost"},
    {"text": "how many days do I have to send something back", "lang": "en", "expected": "returns-window"},
    {"text": "what time do the stores open", "lang": "en", "expected": "store-hours"},
    {"text": "what is the life expectancy of a polar bear?", "lang": "en", "expected": None},
]


def run_eval(tmp_path: Path, queries_text: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "faq.yml").write_text(KB, encoding="utf-8")
    (tmp_path / "queries.jsonl").write_text(queries_text, encoding="utf-8")
    env = {**os.environ, "DORADCA_CACHE_DIR": str(tmp_path / "cache"), "DORADCA_VAR_DIR": str(tmp_path / "var"),
           "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "bot.faq", "eval", "--kb", str(tmp_path / "faq.yml"),
         "--queries", str(tmp_path / "queries.jsonl"), "--json"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


def test_the_json_report_has_the_contract_keys_and_scores_the_queries(tmp_path: Path) -> None:
    result = run_eval(tmp_path, "\n".join(json.dumps(q) for q in QUERIES) + "\n")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(report) == {"n", "top1", "mrr5", "answered_correct", "oos_recall", "p50_ms", "p95_ms"}
    assert report["n"] == 4
    assert report["top1"] == 1.0 and report["mrr5"] == 1.0
    assert report["oos_recall"] == 1.0  # the polar bear is not answered
    assert 0 < report["p50_ms"] <= report["p95_ms"]
    assert list((tmp_path / "cache" / "faq-models").iterdir())  # the fine-tune was made and cached


def test_a_bad_query_line_is_reported_with_file_and_line(tmp_path: Path) -> None:
    result = run_eval(tmp_path, json.dumps(QUERIES[0]) + "\n{not json\n")
    assert result.returncode == 2
    assert f"{tmp_path / 'queries.jsonl'}:2:" in result.stderr
