"""The customer chat page in real headless Chromium, against the real stack."""

from __future__ import annotations

import secrets
import threading

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.e2e.browser import output_dir
from tests.e2e.conftest import Stack, post_json

pytestmark = pytest.mark.e2e


def open_chat(stack: Stack, browser: Browser, csp_violations: list[str], locale: str = "en-GB") -> Page:
    """The chat page, once its socket.io connection has joined the conversation."""
    page = browser.new_page(locale=locale)
    # The websocket must pass the page's `connect-src 'self'`; Chromium logs any refusal to the console.
    page.on("console", lambda message: _note_csp_violation(message, csp_violations))
    page.goto(f"{stack.settings.web_url}/")
    expect(page.locator(".chat")).to_have_attribute("data-connection", "online")
    return page

def _note_csp_violation(message: ConsoleMessage, csp_violations: list[str]) -> None:
    if "Content Security Policy" in message.text:
        csp_violations.append(message.text)

def test_customer_chats_in_polish_on_the_page(stack: Stack, browser: Browser) -> None:
    csp_violations: list[str] = []
    page = open_chat(stack, browser, csp_violations, locale="pl-PL")
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
    said = [event for event in tracker["events"] if event["event"] == "user"]
    assert [event["text"] for event in said] == ["dzień dobry", "czy jesteś botem?"]
    # Over socket.io, with the browser's language as a hint for the bot.
    assert tracker["latest_input_channel"] == "socketio"
    assert [event["metadata"].get("language") for event in said] == ["pl", "pl"]
    assert csp_violations == []
    page.close()

def test_a_message_pushed_later_appears_on_the_open_page(stack: Stack, browser: Browser) -> None:
    csp_violations: list[str] = []
    page = open_chat(stack, browser, csp_violations)
    page.fill("#text", "hello")
    page.press("#text", "Enter")
    expect(page.locator(".msg--bot").first).to_contain_text("Doradca")
    sender = page.evaluate("localStorage.getItem('doradca.sender')")

    # Later, without the customer writing, someone (a consultant, say) sends a message through Rasa.
    pushed = f"A consultant will be with you shortly ({secrets.token_hex(4)})."
    events_url = (
        f"{stack.settings.rasa_url}/conversations/{sender}/tracker/events"
        f"?output_channel=latest&execute_side_effects=true&token={stack.token}"
    )
    post_json(events_url, [{"event": "bot", "text": pushed}])
    expect(page.locator(".msg--bot", has_text=pushed)).to_have_count(1)

    # A message that says which consultant wrote it shows their name.
    signed = f"Anna here, let me check your order ({secrets.token_hex(4)})."
    custom = {"data": {"text": signed, "metadata": {"consultant": {"display_name": "Anna"}}}}
    post_json(events_url, [{"event": "bot", "data": {"custom": custom}}])
    message = page.locator(".msg--bot", has_text=signed)
    expect(message.locator(".msg__author")).to_have_text("Anna")
    expect(page.locator(".msg--user")).to_have_text(["hello"])
    assert csp_violations == []
    page.close()

def test_while_rasa_is_down_the_page_keeps_the_message_and_sends_it_after_reconnecting(
    stack: Stack, browser: Browser
) -> None:
    csp_violations: list[str] = []
    page = open_chat(stack, browser, csp_violations)
    # Restarting Rasa takes a while; meanwhile the page is driven from this thread.
    restart = threading.Thread(target=stack.supervisor.restart, args=("Rasa server",))
    restart.start()
    try:
        expect(page.locator(".chat")).to_have_attribute("data-connection", "offline")
        page.fill("#text", "hello")
        page.press("#text", "Enter")
        expect(page.locator("#status")).to_contain_text("Asystent jest chwilowo niedostępny")
        expect(page.locator("#text")).to_have_value("hello")
        expect(page.locator(".msg--user")).to_have_count(0)
    finally:
        restart.join()
    # socket.io reconnects by itself and the page joins its conversation again.
    expect(page.locator(".chat")).to_have_attribute("data-connection", "online", timeout=30_000)
    expect(page.locator("#status")).to_be_hidden()
    page.press("#text", "Enter")
    expect(page.locator(".msg--bot").first).to_contain_text("Doradca")
    expect(page.locator(".msg--user")).to_have_text(["hello"])
    assert csp_violations == []
    page.close()
