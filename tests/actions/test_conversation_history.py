from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.conversation import (
    bot_turn_before_latest_message,
    consecutive_turns_with_response,
    previous_user_text,
    responses_in,
)


def user(text: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {}}


def action(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


def bot(response: str) -> dict[str, Any]:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


def tracker(events: list[dict[str, Any]]) -> Tracker:
    return Tracker("someone", {}, {}, events, False, None, {}, "action_listen")


FALLBACKS = {"utter_fallback", "utter_fallback_offer_human"}


def test_counts_fallbacks_in_a_row_before_the_current_message() -> None:
    events = [
        user("what?"), action("action_answer_faq"), bot("utter_fallback"), action("action_listen"),
        user("huh?"), action("action_fallback"), bot("utter_fallback_offer_human"), action("action_listen"),
        user("again"), action("action_extract_slots"),
    ]
    assert consecutive_turns_with_response(tracker(events), FALLBACKS) == 2


def test_an_answered_turn_breaks_the_run() -> None:
    events = [
        user("what?"), action("action_fallback"), bot("utter_fallback"), action("action_listen"),
        user("hello"), action("utter_greet"), bot("utter_greet"), action("action_listen"),
        user("huh?"),
    ]
    assert consecutive_turns_with_response(tracker(events), FALLBACKS) == 0


def test_a_restart_forgets_earlier_fallbacks() -> None:
    events = [
        user("what?"), action("action_fallback"), bot("utter_fallback"), action("action_listen"),
        {"event": "restart"},
        user("huh?"),
    ]
    assert consecutive_turns_with_response(tracker(events), FALLBACKS) == 0


def test_previous_user_text_is_the_question_before_a_button_click() -> None:
    events = [user("how much?"), bot("utter_faq_did_you_mean"), user("/faq_none")]
    assert previous_user_text(tracker(events)) == "how much?"
    assert previous_user_text(tracker(events[:1])) is None


def test_bot_turn_before_latest_message_reads_only_the_last_bot_turn() -> None:
    events = [
        user("are you a bot?"), action("utter_iamabot"), bot("utter_iamabot"), action("action_listen"),
        user("thanks"), action("utter_you_are_welcome"), bot("utter_you_are_welcome"), action("action_listen"),
        user("yes"),
    ]
    assert responses_in(bot_turn_before_latest_message(tracker(events))) == {"utter_you_are_welcome"}
    assert responses_in(bot_turn_before_latest_message(tracker(events[:5]))) == {"utter_iamabot"}
