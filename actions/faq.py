"""`action_answer_faq`: answer from the curated FAQ, ask "did you mean", or admit it does not know."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import previous_user_text
from actions.unanswered import respond_unanswered

logger = logging.getLogger(__name__)

CHOICE_INTENT = "faq_choice"
NONE_INTENT = "faq_none"
ENTRY_ENTITY = "faq_id"
LAST_ANSWERED_SLOT = "faq_last_answered"

_NONE_OF_THESE = {"en": "None of these", "pl": "Żadne z tych", "ro": "Niciuna dintre acestea"}


def _start_warm_up_in_worker() -> None:
    # The embedding model must not load at import in rasa-sdk's main process (it
    # fixes multiprocessing's start method to fork and Sanic then refuses to spawn
    # its worker). In the worker, loading it in the background at start makes the
    # first customer question as fast as the rest.
    if os.environ.get("SANIC_WORKER_NAME"):
        def warm_up() -> None:
            try:
                # The database and the language detector first: they are quick, and the first
                # request for a consultant or greeting should not wait ~1.5 s for them.
                from bot.db import get_engine
                from bot.language import detect_language

                get_engine()
                detect_language("dzień dobry", "en")
            except Exception:
                logger.exception("warm-up of the database or language detector failed; the first message will retry")
            try:
                from bot.faq.service import get_faq_engine

                get_faq_engine()
            except Exception:
                logger.exception("FAQ warm-up failed; the first question will retry")

        threading.Thread(target=warm_up, name="faq-warm-up", daemon=True).start()


_start_warm_up_in_worker()


def _entity(tracker: Tracker, name: str) -> str | None:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def _button_title(entry: Any, language: str, fallback: str) -> str:
    questions = entry.questions.get(language) or ()
    return questions[0] if questions else fallback


class ActionAnswerFaq(Action):
    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        from bot.faq.decision import DecisionKind
        from bot.faq.service import get_faq_engine

        language = tracker.get_slot("language") or "en"
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = tracker.latest_message.get("text") or ""
        loop = asyncio.get_running_loop()
        # Embedding and search are CPU work; keep Sanic's loop free for other customers.
        engine = await loop.run_in_executor(None, get_faq_engine)

        if intent == NONE_INTENT:
            respond_unanswered(dispatcher, tracker, previous_user_text(tracker) or text)
            return []

        if intent == CHOICE_INTENT:
            searcher = engine.searcher
            entry_id = _entity(tracker, ENTRY_ENTITY)
            entry = searcher.knowledge_base.get(entry_id) if searcher and entry_id else None
            if entry is None:  # a stale button after the FAQ changed, or a hand-typed payload
                respond_unanswered(dispatcher, tracker, previous_user_text(tracker) or text)
                return []
            return self._answer(dispatcher, entry, language)

        reply = await loop.run_in_executor(None, engine.ask, text, language)
        if reply is None or reply.kind is DecisionKind.FALLBACK:
            if reply is None:
                logger.error("no FAQ is loaded; see `python -m bot.faq check`")
            respond_unanswered(dispatcher, tracker, text)
            return []
        if reply.kind is DecisionKind.ANSWER:
            return self._answer(dispatcher, reply.entry(reply.decision.ranked[0].entry_id), language)

        buttons = [
            {
                "title": _button_title(reply.entry(option.entry_id), language, option.question),
                "payload": f"/{CHOICE_INTENT}{json.dumps({ENTRY_ENTITY: option.entry_id})}",
            }
            for option in reply.decision.options
        ]
        buttons.append({"title": _NONE_OF_THESE.get(language, _NONE_OF_THESE["en"]), "payload": f"/{NONE_INTENT}"})
        dispatcher.utter_message(response="utter_faq_did_you_mean", buttons=buttons)
        return []

    @staticmethod
    def _answer(dispatcher: CollectingDispatcher, entry: Any, language: str) -> list[dict[str, Any]]:
        text, used = entry.answer_in(language)
        if used != language:
            dispatcher.utter_message(response="utter_faq_untranslated")
        if entry.links:
            text = text + "\n" + "\n".join(entry.links)
        dispatcher.utter_message(text=text)
        if entry.handoff:
            dispatcher.utter_message(response="utter_faq_offer_human")
        return [SlotSet(LAST_ANSWERED_SLOT, entry.id)]
