"""The handoff queue on SQLite and PostgreSQL: one consultant per conversation, nothing lost."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine

from bot.db import make_engine
from bot.handoff.consultants import ConsultantView, authenticate
from bot.handoff.models import Author, HandoffStatus
from bot.handoff.queue import HandoffQueue

TRANSCRIPT = [
    (Author.CUSTOMER, "gdzie jest moja paczka?", 1000.0),
    (Author.BOT, "Przepraszam, nie znam odpowiedzi.", 1001.0),
    (Author.CUSTOMER, "chcę rozmawiać z konsultantem", 1002.0),
]


def request(queue: HandoffQueue, conversation: str = "c-1", reason: str = "requested"):  # type: ignore[no-untyped-def]
    return queue.request(
        conversation_id=conversation,
        channel="socketio",
        language="pl",
        reason=reason,
        context={"last_intents": ["faq", "request_human"], "slots": {"language": "pl"}, "verified": False},
        transcript=TRANSCRIPT,
    )


def test_a_request_is_queued_with_its_transcript_and_position(queue: HandoffQueue) -> None:
    first = request(queue, "c-1")
    second = request(queue, "c-2")
    assert (first.status, first.position, second.position) == (HandoffStatus.QUEUED, 1, 2)
    view = queue.get(first.id, with_messages=True)
    assert view is not None
    assert [(line.author, line.text) for line in view.messages] == [(a, t) for a, t, _ in TRANSCRIPT]
    assert view.context["last_intents"] == ["faq", "request_human"]
    assert view.last_message == "chcę rozmawiać z konsultantem"


def test_asking_again_while_waiting_does_not_queue_twice(queue: HandoffQueue) -> None:
    first = request(queue)
    again = request(queue)
    assert again.id == first.id
    assert [h.id for h in queue.active()] == [first.id]


def test_a_second_claim_is_refused_naming_who_has_it(
    queue: HandoffQueue, anna: ConsultantView, piotr: ConsultantView
) -> None:
    handoff = request(queue)
    assert queue.claim(handoff.id, anna.id).claimed
    refused = queue.claim(handoff.id, piotr.id)
    assert not refused.claimed
    assert refused.refusal == "This conversation is already being handled by Anna Nowak."
    # The position of the remaining queue moves up once a request is claimed.
    later = request(queue, "c-2")
    assert later.position == 1


def test_claims_at_the_same_moment_have_exactly_one_winner(
    database_url: str, queue: HandoffQueue, anna: ConsultantView, piotr: ConsultantView
) -> None:
    for round_ in range(3):
        handoff = request(queue, f"race-{round_}")
        barrier = threading.Barrier(2)
        results: dict[int, bool] = {}

        def claim(consultant_id: int) -> None:
            # Separate engines: separate connection pools, as two console processes would have.
            engine = make_engine(database_url)
            try:
                barrier.wait()
                results[consultant_id] = HandoffQueue(engine).claim(handoff.id, consultant_id).claimed
            finally:
                engine.dispose()

        threads = [threading.Thread(target=claim, args=(cid,)) for cid in (anna.id, piotr.id)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results.values()) == [False, True]
        winner = next(cid for cid, won in results.items() if won)
        assert queue.get(handoff.id).consultant_id == winner  # type: ignore[union-attr]


def test_only_the_claimant_can_hand_back(queue: HandoffQueue, anna: ConsultantView, piotr: ConsultantView) -> None:
    handoff = request(queue)
    queue.claim(handoff.id, anna.id)
    assert not queue.end(handoff.id, piotr.id, HandoffStatus.HANDED_BACK)
    assert queue.end(handoff.id, anna.id, HandoffStatus.HANDED_BACK)
    assert queue.active_for("c-1") is None
    assert queue.refusal(queue.get(handoff.id), anna.id) == "This conversation has already ended."


def test_a_silent_consultants_conversation_returns_to_the_queue(
    queue: HandoffQueue, anna: ConsultantView, piotr: ConsultantView
) -> None:
    kept, lost = request(queue, "c-anna"), request(queue, "c-piotr")
    queue.claim(kept.id, anna.id)
    queue.claim(lost.id, piotr.id)
    later = datetime.now(timezone.utc) + timedelta(seconds=90)
    queue.touch_consultant(anna.id, later)  # Anna's console is still connected
    assert queue.requeue_abandoned(timedelta(seconds=60), now=later + timedelta(seconds=1)) == [lost.id]
    assert queue.get(lost.id).status is HandoffStatus.QUEUED  # type: ignore[union-attr]
    assert queue.get(kept.id).status is HandoffStatus.CLAIMED  # type: ignore[union-attr]


def test_a_request_nobody_claims_in_time_is_expired_once(queue: HandoffQueue) -> None:
    handoff = request(queue)
    assert queue.expire_waiting(timedelta(minutes=3)) == []
    later = datetime.now(timezone.utc) + timedelta(minutes=4)
    expired = queue.expire_waiting(timedelta(minutes=3), now=later)
    assert [view.id for view in expired] == [handoff.id]
    assert expired[0].status is HandoffStatus.UNANSWERED
    assert queue.expire_waiting(timedelta(minutes=3), now=later) == []


def test_the_rating_goes_to_the_closed_conversation(queue: HandoffQueue, anna: ConsultantView) -> None:
    assert not queue.rate_last_closed("c-1", 5)
    handoff = request(queue)
    queue.claim(handoff.id, anna.id)
    queue.end(handoff.id, anna.id, HandoffStatus.CLOSED)
    assert queue.rate_last_closed("c-1", 4)
    assert queue.get(handoff.id).status is HandoffStatus.CLOSED  # type: ignore[union-attr]


def test_passwords_are_hashed_and_checked(engine: Engine, anna: ConsultantView) -> None:
    from sqlalchemy import text

    with engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM consultants")).scalar()
    assert "correct horse" not in stored and stored.startswith("$argon2id$")
    assert authenticate(engine, "anna", "correct horse battery") == anna
    assert authenticate(engine, "ANNA ", "correct horse battery") == anna
    assert authenticate(engine, "anna", "wrong password") is None
    assert authenticate(engine, "nobody", "correct horse battery") is None
