"""The customer chat page in real headless Chromium, against the real stack."""

from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, output_dir
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/ensure-chromium.sh (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def test_customer_chats_in_polish_on_the_page(stack: Stack, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(f"{stack.settings.web_url}/")
    page.fill("#text", "dzień dobry")
    page.press("#text", "Enter")
    replies = page.locator(".msg--bot")
    expect(replies.first).to_contain_text("Dzień dobry! Jestem Doradca")
    page.fill("#text", "czy jesteś botem?")
    page.click("button[type=submit]")
    expect(replies.nth(1)).to_contain_text("Jestem botem")
    expect(page.locator(".msg--user")).to_have_text(["dzień dobry", "czy jesteś botem?"])
    page.screenshot(path=str(output_dir() / "chat-page.png"), full_page=True)

    # A reload continues the same conversation: the page keeps its conversation id.
    sender = page.evaluate("localStorage.getItem('doradca.sender')")
    status, tracker = stack.tracker(sender, stack.token)
    assert status == 200
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["dzień dobry", "czy jesteś botem?"]
    page.close()
