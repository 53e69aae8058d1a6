"""The real stack for end-to-end tests: Rasa, the action server and the web app on free ports."""

from __future__ import annotations

import json
import time
import secrets
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from bot.settings import PROJECT_ROOT, Settings, load_settings
from bot.stack.ports import free_port
from bot.stack.services import all_services
from bot.stack.supervisor import Supervisor
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.callback import CallbackListener


@dataclass
class Stack:
    settings: Settings
    supervisor: Supervisor
    token: str
    callback: CallbackListener

    def say_on_callback(self, sender: str, text: str) -> None:
        """Send a customer message on Rasa's callback channel; replies go to `self.callback`."""
        request = urllib.request.Request(
            f"{self.settings.rasa_url}/webhooks/callback/webhook",
            data=json.dumps({"sender": sender, "message": text}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        """Send a customer message over Rasa's REST channel; return the bot's replies."""
        return post_json(f"{self.settings.rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": text})

    def texts(self, sender: str, text: str) -> list[str]:
        return [reply.get("text", "") for reply in self.say(sender, text)]

    def tracker(self, sender: str, token: str | None = None) -> tuple[int, dict[str, Any]]:
        query = "" if token is None else f"?token={token}"
        return get_json(f"{self.settings.rasa_url}/conversations/{sender}/tracker{query}")


def post_json(url: str, body: Any) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def get_json(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    model = PROJECT_ROOT / "models" / "doradca.tar.gz"
    if not model.exists():
        pytest.fail(f"no trained model at {model}: run `make train` (make test does it first)")
    root = tmp_path_factory.mktemp("stack")
    var_dir: Path = root / "var"
    # A copy of the FAQ, so tests can edit it while the bot runs.
    faq_dir = root / "faq"
    shutil.copytree(PROJECT_ROOT / "faq", faq_dir)
    token = secrets.token_urlsafe(24)
    # Rasa's channels plus the callback channel, whose bot messages go to a local listener.
    callback = CallbackListener().start()
    credentials = root / "credentials.yml"
    credentials.write_text(
        (PROJECT_ROOT / "credentials.yml").read_text() + f"\ncallback:\n  url: {callback.url}\n"
    )
    settings = load_settings(
        environ={
            "DORADCA_VAR_DIR": str(var_dir),
            "DORADCA_RASA_PORT": str(free_port()),
            "DORADCA_ACTION_PORT": str(free_port()),
            "DORADCA_WEB_PORT": str(free_port()),
            "DORADCA_CONSOLE_PORT": str(free_port()),
            "DORADCA_RASA_CREDENTIALS": str(credentials),
            # Consultants are always at work in tests; a request nobody claims for 30 s is offered a ticket.
            "DORADCA_HANDOFF_HOURS": "mon-sun 00:00-24:00",
            "DORADCA_HANDOFF_WAIT_SECONDS": "30",
            "DORADCA_RASA_TOKEN": token,
            "DORADCA_FAQ_DIR": str(faq_dir),
            "DORADCA_FAQ_RELOAD_SECONDS": "0.5",
            # The tests edit the FAQ; a fine-tune for each edit would take both cores for minutes while
            # the other tests run. tests/faq/test_engine.py covers the background fine-tune itself.
            "DORADCA_FAQ_TUNING_DELAY_SECONDS": "3600",
        },
        settings_file=var_dir / "no-settings-file.yml",
    )
    supervisor = Supervisor(settings, all_services(settings))
    supervisor.start()
    try:
        yield Stack(settings, supervisor, token, callback)
    finally:
        supervisor.stop()
        callback.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Real headless Chromium (Debian's), driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/ensure-chromium.sh (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def wait_until(condition: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    """Poll `condition` until it returns something truthy; each poll asks a real service."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)  # between polls of a real service, not in place of the condition
