"""Rasa's event stream, read by the console: customer messages of handed-off conversations.

While a conversation is paused Rasa still stores what the customer writes but calls no action,
so the only place those messages appear is Rasa itself. Rasa publishes every event to its event
broker; the embedded default is its SQL broker writing to a SQLite file (endpoints.yml), which
this module tails by id. The last id read is kept in the project's database, so a console
restart resumes where it stopped and loses nothing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.handoff.models import Author, EventCursor
from bot.handoff.queue import HandoffQueue, TranscriptLine

logger = logging.getLogger(__name__)

CURSOR_NAME = "rasa-events"
BATCH = 500
# Events that say a handoff was requested (the action pauses the conversation).
_QUEUE_EVENTS = frozenset({"pause"})


@dataclass(frozen=True)
class StreamUpdate:
    handoff_id: int
    line: TranscriptLine | None
    queue_changed: bool


class RasaEventStream:
    def __init__(self, events_db: Path, queue: HandoffQueue, engine: Engine) -> None:
        self._events_db = events_db
        self._queue = queue
        self._engine = engine
        self._events: Engine | None = None
        self._cursor: int | None = None
        self._routes: dict[str, int] = {}

    def read_new(self) -> list[StreamUpdate]:
        """Read the events published since the last call and store the customers' messages."""
        rows = self._fetch()
        if not rows:
            return []
        events = [(row_id, sender, _decode(data)) for row_id, sender, data in rows]
        queue_changed = any(event.get("event") in _QUEUE_EVENTS for _i, _s, event in events)
        if queue_changed or any(sender not in self._routes for _i, sender, _e in events):
            self._routes = self._queue.active_conversations()
        updates: list[StreamUpdate] = []
        until: dict[int, float] = {}
        for _row_id, sender, event in events:
            handoff_id = self._routes.get(sender)
            if handoff_id is None:
                continue
            line = self._line(handoff_id, event, until)
            if line is not None:
                updates.append(StreamUpdate(handoff_id, line, False))
        if queue_changed:
            updates.append(StreamUpdate(0, None, True))
        self._save_cursor(rows[-1][0])
        return updates

    def _line(self, handoff_id: int, event: dict[str, Any], until: dict[int, float]) -> TranscriptLine | None:
        kind = event.get("event")
        if kind not in ("user", "bot") or not event.get("text"):
            return None
        if str(event["text"]).startswith("EXTERNAL: "):
            return None  # an intent the console triggered, not something the customer wrote
        if kind == "bot" and (event.get("metadata") or {}).get("doradca_consultant"):
            return None  # the console stored the consultant's message when it sent it
        stamp = float(event.get("timestamp") or 0.0)
        if handoff_id not in until:
            until[handoff_id] = self._queue.transcript_until(handoff_id)
        if stamp and stamp <= until[handoff_id]:
            return None  # already in the transcript copied when the handoff was requested
        author = Author.CUSTOMER if kind == "user" else Author.BOT
        sent_at = datetime.fromtimestamp(stamp, timezone.utc) if stamp else None
        return self._queue.add_message(handoff_id, author, str(event["text"]), sent_at=sent_at)

    def _fetch(self) -> list[tuple[int, str, str]]:
        if not self._events_db.exists():
            return []
        if self._events is None:
            self._events = create_engine(f"sqlite:///{self._events_db}", connect_args={"timeout": 5})
        if self._cursor is None:
            self._cursor = self._load_cursor()
        try:
            with self._events.connect() as connection:
                rows = connection.execute(
                    text("SELECT id, sender_id, data FROM events WHERE id > :cursor ORDER BY id LIMIT :batch"),
                    {"cursor": self._cursor, "batch": BATCH},
                ).all()
        except OperationalError as error:  # Rasa has not created its table yet
            logger.debug("Rasa's event stream is not readable yet: %s", error)
            return []
        return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]

    def _load_cursor(self) -> int:
        with Session(self._engine) as session, session.begin():
            cursor = session.get(EventCursor, CURSOR_NAME)
            if cursor is None:
                # First start: history before the console existed holds no handoff to follow.
                cursor = EventCursor(name=CURSOR_NAME, last_event_id=self._latest_event_id())
                session.add(cursor)
            return cursor.last_event_id

    def _latest_event_id(self) -> int:
        assert self._events is not None
        try:
            with self._events.connect() as connection:
                return int(connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM events")).scalar() or 0)
        except OperationalError:
            return 0

    def _save_cursor(self, last_id: int) -> None:
        self._cursor = last_id
        with Session(self._engine) as session, session.begin():
            cursor = session.get(EventCursor, CURSOR_NAME)
            if cursor is None:
                session.add(EventCursor(name=CURSOR_NAME, last_event_id=last_id))
            else:
                cursor.last_event_id = last_id


def _decode(data: str) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
