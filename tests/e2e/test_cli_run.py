"""`python -m bot run` as a user starts it: the URLs, Ctrl-C, and a port that is taken."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from bot.stack.ports import free_port, port_is_free

pytestmark = pytest.mark.e2e


def bot_run(tmp_path: Path, ports: dict[str, int]) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DORADCA_VAR_DIR": str(tmp_path / "var"),
        "DORADCA_SETTINGS": str(tmp_path / "no-settings.yml"),
        **{f"DORADCA_{name.upper()}": str(port) for name, port in ports.items()},
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=PROJECT_ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )


def test_taken_port_stops_start_up_with_a_message_naming_the_setting(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        process = bot_run(
            tmp_path, {"rasa_port": free_port(), "action_port": free_port(), "web_port": taken, "console_port": free_port()}
        )
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 1
    assert f"port {taken}" in output
    assert "web_port" in output and "DORADCA_WEB_PORT" in output


def test_ctrl_c_stops_every_service(tmp_path: Path) -> None:
    ports = {"rasa_port": free_port(), "action_port": free_port(), "web_port": free_port(), "console_port": free_port()}
    process = bot_run(tmp_path, ports)
    assert process.stdout is not None
    lines = []
    for line in process.stdout:  # blocks until the next line: waits for start-up, no sleeping
        lines.append(line)
        if "Press Ctrl-C to stop." in line:
            break
    else:
        pytest.fail("bot run ended before it was ready:\n" + "".join(lines))
    assert f"http://127.0.0.1:{ports['web_port']}/" in "".join(lines)
    assert f"http://127.0.0.1:{ports['console_port']}/" in "".join(lines)

    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    assert "Stopped." in rest
    assert all(port_is_free("127.0.0.1", port) for port in ports.values())
