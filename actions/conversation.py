"""Small readers of the conversation history shared by several actions."""

from __future__ import annotations

from typing import Any, Iterable

from rasa_sdk import Tracker


def bot_turn_before_latest_message(tracker: Tracker) -> list[dict[str, Any]]:
    """The bot events between the customer's previous message and their latest one."""
    events = list(tracker.events)
    user_positions = [i for i, event in enumerate(events) if event.get("event") == "user"]
    if not user_positions:
        return []
    latest = user_positions[-1]
    previous = user_positions[-2] if len(user_positions) > 1 else -1
    return [event for event in events[previous + 1 : latest] if event.get("event") == "bot"]


def responses_in(events: Iterable[dict[str, Any]]) -> set[str]:
    """Names of the domain responses (utter_*) that produced these bot events."""
    return {str(event.get("metadata", {}).get("utter_action")) for event in events} - {"None"}


def _turns(events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Split events into customer turns: each starts at a customer message."""
    turns: list[list[dict[str, Any]]] = []
    for event in events:
        kind = event.get("event")
        if kind in ("restart", "session_started"):
            turns = []  # nothing before a restart counts
        elif kind == "user":
            turns.append([event])
        elif turns:
            turns[-1].append(event)
    return turns


def consecutive_turns_with_response(tracker: Tracker, responses: Iterable[str]) -> int:
    """How many customer turns in a row, before the current one, the bot answered with one of `responses`."""
    wanted = set(responses)
    count = 0
    for turn in reversed(_turns(list(tracker.events))[:-1]):
        if not responses_in(e for e in turn if e.get("event") == "bot") & wanted:
            break
        count += 1
    return count


def previous_user_text(tracker: Tracker) -> str | None:
    """The customer's message before the latest one (e.g. the question behind a button click)."""
    texts = [e.get("text") for e in tracker.events if e.get("event") == "user"]
    return texts[-2] if len(texts) >= 2 else None
