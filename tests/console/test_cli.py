"""`python -m bot consultants ...` as an operator runs it: add, list, change a password, readable errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.console.app import open_engine
from bot.handoff.consultants import authenticate
from bot.settings import PROJECT_ROOT, load_settings


def bot_cli(tmp_path: Path, *args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "DORADCA_SETTINGS": str(tmp_path / "none.yml"),
        "DORADCA_VAR_DIR": str(tmp_path / "var"),
    }
    environ.pop("DORADCA_CONSULTANT_PASSWORD", None)
    if password is not None:
        environ["DORADCA_CONSULTANT_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=environ, capture_output=True, text=True,
        timeout=120, stdin=subprocess.DEVNULL,
    )


def test_add_list_and_change_password(tmp_path: Path) -> None:
    added = bot_cli(tmp_path, "consultants", "add", "anna", "--name", "Anna Nowak", password="first password")
    assert added.returncode == 0, added.stderr
    assert "Added consultant anna (Anna Nowak)" in added.stdout

    listed = bot_cli(tmp_path, "consultants", "list")
    assert listed.returncode == 0 and "anna" in listed.stdout and "Anna Nowak" in listed.stdout

    changed = bot_cli(tmp_path, "consultants", "passwd", "anna", password="second password")
    assert changed.returncode == 0, changed.stderr
    settings = load_settings(environ={"DORADCA_VAR_DIR": str(tmp_path / "var")}, settings_file=tmp_path / "none.yml")
    engine = open_engine(settings)
    assert authenticate(engine, "anna", "second password") is not None
    assert authenticate(engine, "anna", "first password") is None


def test_refusals_are_one_readable_line_and_exit_1(tmp_path: Path) -> None:
    short = bot_cli(tmp_path, "consultants", "add", "anna", "--name", "Anna", password="short")
    assert short.returncode == 1
    assert short.stderr.strip() == "error: the password must have at least 10 characters"
    bot_cli(tmp_path, "consultants", "add", "anna", "--name", "Anna", password="long enough pw")
    twice = bot_cli(tmp_path, "consultants", "add", "anna", "--name", "Anna", password="long enough pw")
    assert twice.returncode == 1 and twice.stderr.strip() == "error: a consultant named 'anna' already exists"
    no_password = bot_cli(tmp_path, "consultants", "add", "piotr", "--name", "Piotr")
    assert no_password.returncode == 1 and "set DORADCA_CONSULTANT_PASSWORD" in no_password.stderr
    unknown = bot_cli(tmp_path, "consultants", "passwd", "nobody", password="long enough pw")
    assert unknown.returncode == 1 and "no consultant named 'nobody'" in unknown.stderr


def test_every_command_has_help(tmp_path: Path) -> None:
    for command in (["console"], ["consultants"], ["consultants", "add"], ["consultants", "list"],
                    ["consultants", "passwd"], ["shop"]):
        shown = bot_cli(tmp_path, *command, "--help")
        assert shown.returncode == 0 and shown.stdout.startswith("usage: python -m bot"), command
