"""Handing a conversation to a live consultant, and what happens when none can take it.

`action_handoff` queues the request with the conversation so far and pauses the bot; the
consultant console (bot/console) takes it from there and resumes the bot when done. Outside
working hours, or on a channel that cannot show a consultant's replies, the customer is offered
a callback or an e-mail reply instead (`handoff_ticket_form`, `action_create_ticket`).
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import bot_turn_before_latest_message, responses_in

logger = logging.getLogger(__name__)

# Channels that can show a message the customer did not just ask for (a consultant's reply).
# Rasa's REST channel answers only inside the customer's own request.
CHANNELS_THAT_CANNOT_PUSH = frozenset({"rest"})
# Slots a consultant needs to see; the rest is the bot's bookkeeping.
_HIDDEN_SLOTS = frozenset({"requested_slot", "human_offered", "ticket_consent", "session_started_metadata"})
EXTERNAL_PREFIX = "EXTERNAL: "
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_CHARS = re.compile(r"[\s().-]")
_PHONE = re.compile(r"^\+?\d{7,15}$")


def is_external(event: dict[str, Any]) -> bool:
    """A message the console triggered through Rasa's API ("EXTERNAL: handoff_returned")."""
    return str(event.get("text") or "").startswith(EXTERNAL_PREFIX)


def handoff_reason(tracker: Tracker) -> str:
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent == "complain":
        return "complaint"
    if intent == "affirm":
        offered = responses_in(bot_turn_before_latest_message(tracker))
        if "utter_faq_offer_human" in offered:
            return "faq_entry"
        if "utter_fallback_offer_human" in offered:
            return "fallback"
    return "requested"


def transcript_of(tracker: Tracker) -> list[tuple[str, str, float]]:
    """(author, text, timestamp) of the customer's and the bot's messages in this session."""
    lines: list[tuple[str, str, float]] = []
    for event in tracker.events:
        kind = event.get("event")
        if kind in ("session_started", "restart"):
            lines = []
        elif kind in ("user", "bot") and event.get("text") and not is_external(event):
            lines.append(("customer" if kind == "user" else "bot", str(event["text"]), float(event.get("timestamp") or 0)))
    return lines


def context_of(tracker: Tracker) -> dict[str, Any]:
    intents = [
        (event.get("parse_data") or {}).get("intent", {}).get("name")
        for event in tracker.events
        if event.get("event") == "user"
    ]
    slots = {
        name: value
        for name, value in tracker.current_slot_values().items()
        if value not in (None, "", [], False) and name not in _HIDDEN_SLOTS
    }
    return {
        "last_intents": [name for name in intents if name][-5:],
        "slots": slots,
        # The order the customer proved is theirs (actions/orders.py), if any: the consultant can
        # then talk about it without asking again.
        "verified": tracker.get_slot("order_verified") or None,
    }


def _working_hours():  # type: ignore[no-untyped-def]
    from bot.handoff.hours import BusinessHours
    from bot.settings import get_settings

    settings = get_settings()
    return BusinessHours.parse(settings.handoff_hours, settings.handoff_timezone)


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        from bot.db import get_engine
        from bot.handoff.moments import format_moment
        from bot.handoff.queue import HandoffQueue

        language = tracker.get_slot("language") or "en"
        channel = tracker.get_latest_input_channel() or "unknown"
        if channel in CHANNELS_THAT_CANNOT_PUSH:
            dispatcher.utter_message(response="utter_handoff_channel_cannot_push")
            return []
        hours = _working_hours()
        now = datetime.now(timezone.utc)
        if not hours.is_open(now):
            opening = hours.next_opening(now)
            opens = format_moment(opening, language, hours.zone) if opening else "-"
            dispatcher.utter_message(response="utter_handoff_closed_hours", opens=opens)
            return []
        queue = HandoffQueue(get_engine())
        try:
            view = await asyncio.to_thread(
                queue.request,
                conversation_id=tracker.sender_id,
                channel=channel,
                language=language,
                reason=handoff_reason(tracker),
                context=context_of(tracker),
                transcript=transcript_of(tracker),
            )
        except Exception:
            # The customer must not be left waiting for someone who was never called.
            logger.exception("could not queue a handoff request")
            dispatcher.utter_message(response="utter_handoff_no_consultant")
            return []
        logger.info("handoff %s queued (%s, %s), position %s", view.id, channel, view.reason, view.position)
        dispatcher.utter_message(response="utter_handoff_queued", position=view.position or 1)
        return [ConversationPaused()]


class ActionRateConsultant(Action):
    """The customer's 1-5 rating after a consultant closed the conversation."""

    def name(self) -> str:
        return "action_rate_consultant"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        from bot.db import get_engine
        from bot.handoff.queue import HandoffQueue

        rating = next(
            (str(e.get("value")) for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "rating"),
            "",
        )
        if rating.isdigit() and 1 <= int(rating) <= 5:
            await asyncio.to_thread(HandoffQueue(get_engine()).rate_last_closed, tracker.sender_id, int(rating))
        dispatcher.utter_message(response="utter_rating_thanks")
        return []


class ValidateHandoffTicketForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_ticket_form"

    async def validate_ticket_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if tracker.get_slot("contact_kind") == "email":
            if _EMAIL.match(text):
                return {"ticket_contact": text}
        else:
            phone = _PHONE_CHARS.sub("", text)
            if _PHONE.match(phone):
                return {"ticket_contact": phone}
        dispatcher.utter_message(response="utter_ticket_contact_invalid")
        return {"ticket_contact": None}


class ActionCreateTicket(Action):
    """Store the callback / e-mail ticket (only with consent) and say when the shop will reply."""

    def name(self) -> str:
        return "action_create_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        from bot.db import get_engine
        from bot.handoff.moments import format_moment, promised_reply
        from bot.handoff.tickets import create_ticket
        from bot.settings import get_settings

        reset = [SlotSet("contact_kind", None), SlotSet("ticket_contact", None), SlotSet("ticket_consent", None)]
        if tracker.get_slot("ticket_consent") is not True or not tracker.get_slot("ticket_contact"):
            dispatcher.utter_message(response="utter_ticket_not_stored")
            return reset
        language = tracker.get_slot("language") or "en"
        hours = _working_hours()
        reply_by = promised_reply(hours, datetime.now(timezone.utc), get_settings().handoff_ticket_reply_hours)
        summary = "\n".join(f"{author}: {text}" for author, text, _stamp in transcript_of(tracker)[-20:])
        await asyncio.to_thread(
            create_ticket,
            get_engine(),
            conversation_id=tracker.sender_id,
            language=language,
            contact_kind=tracker.get_slot("contact_kind") or "phone",
            contact=str(tracker.get_slot("ticket_contact")),
            summary=summary,
            reply_by=reply_by,
        )
        dispatcher.utter_message(response="utter_ticket_created", reply_by=format_moment(reply_by, language, hours.zone))
        return reset
