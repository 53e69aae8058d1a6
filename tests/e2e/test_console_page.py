"""The consultants' console in real headless Chromium, against the real stack (Rasa, actions, console)."""

from __future__ import annotations

import secrets
import time
import uuid
from typing import Any, Callable, Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, expect, sync_playwright

from bot.db import make_engine
from bot.handoff.consultants import add_consultant
from bot.handoff.models import Author
from bot.handoff.queue import HandoffQueue
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, output_dir
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e
PASSWORD = "marta's long password"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/ensure-chromium.sh (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def wait_until(condition: Callable[[], Any], timeout: float = 15.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)  # between polls of Rasa's tracker, not in place of the condition


def tracker_events(stack: Stack, sender: str) -> list[dict[str, Any]]:
    status, tracker = stack.tracker(sender, stack.token)
    assert status == 200
    return tracker["events"]


def test_consultant_logs_in_claims_replies_and_hands_back(stack: Stack, browser: Browser) -> None:
    engine = make_engine(stack.settings.database)
    add_consultant(engine, "marta", "Marta Zielińska", PASSWORD)
    sender = f"console-{uuid.uuid4().hex[:12]}"
    assert stack.texts(sender, "hello")  # a real conversation in Rasa's tracker
    handoff = HandoffQueue(engine).request(
        conversation_id=sender,
        channel="rest",
        language="en",
        reason="asked_for_human",
        context={"last_intents": ["greet"], "slots": {}, "verified": False},
        transcript=[(Author.CUSTOMER, "hello", time.time())],
    )

    csp_violations: list[str] = []
    page = browser.new_page()
    page.on("console", lambda message: _note_csp_violation(message, csp_violations))
    page.goto(f"{stack.settings.console_url}/")
    expect(page).to_have_url(f"{stack.settings.console_url}/login")

    page.fill("#username", "marta")
    page.fill("#password", "not her password")
    page.click("#login")
    expect(page.locator("#status")).to_have_text("Wrong username or password.")
    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page.locator(".topbar__who")).to_have_text("Marta Zielińska")
    expect(page.locator("body")).to_have_attribute("data-connection", "online")

    item = page.locator(f'#queue li[data-handoff-id="{handoff.id}"]')
    expect(item).to_have_attribute("data-status", "queued")
    item.click()
    expect(page.locator("#transcript .line--customer")).to_contain_text(["hello"])
    expect(page.locator("#context")).to_contain_text("greet")
    expect(page.locator("#send")).to_be_disabled()  # not hers until she claims it

    page.click("#claim")
    expect(item).to_have_attribute("data-status", "claimed")
    expect(page.locator("#claim")).to_be_disabled()
    reply = f"Hello, this is Marta. How can I help? ({secrets.token_hex(3)})"
    page.fill("#reply", reply)
    page.press("#reply", "Enter")
    expect(page.locator("#transcript .line--consultant")).to_contain_text([reply])
    expect(page.locator("#reply")).to_have_value("")
    expect(page.locator("#status")).to_be_hidden()

    # Delivered through Rasa: the customer's conversation now holds the consultant's message.
    wait_until(
        lambda: any(e["event"] == "bot" and e.get("text") == reply for e in tracker_events(stack, sender)),
        what="the reply in Rasa's tracker",
    )

    # What the customer writes next appears live on the page (Rasa's event stream -> websocket).
    stack.say(sender, "Is my parcel on its way?")
    expect(page.locator("#transcript .line--customer")).to_contain_text(["hello", "Is my parcel on its way?"])
    page.screenshot(path=str(output_dir() / "console.png"), full_page=True)

    page.click("#hand-back")
    expect(item).to_have_count(0)
    expect(page.locator("#hand-back")).to_be_disabled()
    # Rasa resumed the conversation and the bot said it is back, after the consultant's reply.
    events = tracker_events(stack, sender)
    kinds = [(e["event"], e.get("name") or e.get("text")) for e in events]
    replied = kinds.index(("bot", reply))
    assert ("resume", None) in kinds[replied:]
    assert ("action", "utter_handoff_back") in kinds[replied:]
    assert csp_violations == []
    page.close()


def _note_csp_violation(message: ConsoleMessage, csp_violations: list[str]) -> None:
    if "Content Security Policy" in message.text:
        csp_violations.append(message.text)
