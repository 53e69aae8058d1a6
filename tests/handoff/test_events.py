"""Reading Rasa's event stream: what a paused customer writes reaches the consultant, once."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from bot.handoff.events import RasaEventStream
from bot.handoff.models import Author
from bot.handoff.queue import HandoffQueue
from tests.handoff.test_queue import TRANSCRIPT, request


class RasaEventsFile:
    """A SQLite file in the layout of Rasa's SQL event broker (table `events`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), data TEXT)")

    def publish(self, sender: str, **event: object) -> None:
        with sqlite3.connect(self.path) as db:
            db.execute("INSERT INTO events (sender_id, data) VALUES (?, ?)", (sender, json.dumps({"sender_id": sender, **event})))


def test_customer_messages_after_the_handoff_are_stored_once(tmp_path: Path, engine: Engine, queue: HandoffQueue) -> None:
    rasa = RasaEventsFile(tmp_path / "events.db")
    rasa.publish("c-1", event="user", text="earlier, before the console started", timestamp=10.0)
    stream = RasaEventStream(rasa.path, queue, engine)
    assert stream.read_new() == []  # history before the first start is not replayed

    handoff = request(queue, "c-1")
    # Rasa publishes the turn that asked for a person after the action ran: the message is
    # already in the copied transcript and must not be stored twice.
    rasa.publish("c-1", event="user", text=TRANSCRIPT[-1][1], timestamp=TRANSCRIPT[-1][2])
    rasa.publish("c-1", event="action", name="action_handoff", timestamp=1002.5)
    rasa.publish("c-1", event="pause", timestamp=1002.6)
    rasa.publish("other", event="user", text="someone else's chat", timestamp=1003.0)
    rasa.publish("c-1", event="user", text="halo, jest tam ktoś?", timestamp=1004.0)
    rasa.publish("c-1", event="bot", text="Dzień dobry, tu Anna", metadata={"doradca_consultant": "Anna"}, timestamp=1005.0)

    updates = stream.read_new()
    lines = [(u.handoff_id, u.line.author, u.line.text) for u in updates if u.line]
    assert lines == [(handoff.id, Author.CUSTOMER, "halo, jest tam ktoś?")]
    assert any(u.queue_changed for u in updates)
    stored = queue.get(handoff.id, with_messages=True)
    assert [line.text for line in stored.messages].count("halo, jest tam ktoś?") == 1  # type: ignore[union-attr]

    # A restarted console continues after the last event it read.
    rasa.publish("c-1", event="user", text="to pilne", timestamp=1006.0)
    restarted = RasaEventStream(rasa.path, queue, engine)
    assert [u.line.text for u in restarted.read_new() if u.line] == ["to pilne"]
    assert restarted.read_new() == []


def test_no_event_file_yet_means_no_updates(tmp_path: Path, engine: Engine, queue: HandoffQueue) -> None:
    stream = RasaEventStream(tmp_path / "not-there.db", queue, engine)
    assert stream.read_new() == []
    # Rasa has created the file but not its table yet.
    sqlite3.connect(tmp_path / "empty.db").close()
    assert RasaEventStream(tmp_path / "empty.db", queue, engine).read_new() == []
