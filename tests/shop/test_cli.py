"""`python -m bot.shop seed` as an operator runs it, on the configured database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT
from bot.shop.demo_data import ORDERS, PRODUCTS


def _shop_cli(*args: str, database_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "DORADCA_SETTINGS": str(tmp_path / "none.yml"),
        "DORADCA_VAR_DIR": str(tmp_path / "var"),
        "DORADCA_DATABASE_URL": database_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.shop", *args],
        cwd=PROJECT_ROOT, env=environ, capture_output=True, text=True, timeout=120,
    )


def _added(output: str, kind: str) -> tuple[int, int]:
    match = re.search(rf"^\s*{kind}\s+(\d+) \((\d+) added\)", output, re.MULTILINE)
    assert match, output
    return int(match.group(1)), int(match.group(2))


def test_seed_twice_then_reset(database_url: str, tmp_path: Path) -> None:
    first = _shop_cli("seed", database_url=database_url, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert _added(first.stdout, "products") == (len(PRODUCTS), len(PRODUCTS))
    assert _added(first.stdout, "orders") == (len(ORDERS), len(ORDERS))

    again = _shop_cli("seed", database_url=database_url, tmp_path=tmp_path)
    assert again.returncode == 0, again.stderr
    assert _added(again.stdout, "products") == (len(PRODUCTS), 0)
    assert _added(again.stdout, "orders") == (len(ORDERS), 0)

    reset = _shop_cli("seed", "--reset", database_url=database_url, tmp_path=tmp_path)
    assert reset.returncode == 0, reset.stderr
    assert "Emptied" in reset.stdout
    assert _added(reset.stdout, "orders") == (len(ORDERS), len(ORDERS))


def test_help(tmp_path: Path) -> None:
    result = _shop_cli("seed", "--help", database_url="sqlite://", tmp_path=tmp_path)
    assert result.returncode == 0
    assert "--reset" in result.stdout


def test_unreachable_database_is_a_readable_error(tmp_path: Path) -> None:
    # Port 9 (discard) is closed on a test machine: the connection is refused at once.
    result = _shop_cli(
        "seed", database_url="postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=3", tmp_path=tmp_path
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: could not seed the shop database postgresql+psycopg://nobody@127.0.0.1:9")
    assert "connection" in result.stderr.lower()
    assert "Traceback" not in result.stderr
