"""The handoff queue in the project's database: request, claim (one consultant only), messages, end.

Every state change is a single conditional UPDATE, so two consoles, or two consultants clicking at
the same moment, cannot both win: the database decides, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Sequence

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from bot.handoff.models import (
    ACTIVE_STATUSES,
    Author,
    Consultant,
    Handoff,
    HandoffMessage,
    HandoffStatus,
    utcnow,
)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class TranscriptLine:
    author: Author
    text: str
    sent_at: datetime
    consultant: str | None = None


@dataclass(frozen=True)
class HandoffView:
    id: int
    conversation_id: str
    channel: str
    language: str
    reason: str
    status: HandoffStatus
    context: dict[str, Any]
    created_at: datetime
    consultant_id: int | None
    consultant_name: str | None
    position: int | None  # place in the queue (1 = next), None once claimed or ended
    last_message: str | None = None
    messages: tuple[TranscriptLine, ...] = field(default=())


@dataclass(frozen=True)
class ClaimResult:
    claimed: bool
    handoff: HandoffView | None
    # Why a claim was refused, for the consultant: "claimed by Anna", "ended", "no such conversation".
    refusal: str | None = None


class HandoffQueue:
    """Handoff requests and their transcripts, shared by the action server and the console."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # -- requests (action server) -------------------------------------------------------------

    def request(
        self,
        *,
        conversation_id: str,
        channel: str,
        language: str,
        reason: str,
        context: dict[str, Any],
        transcript: Sequence[tuple[Author, str, float]],
    ) -> HandoffView:
        """Queue a request with the conversation so far; an already active one is returned as is."""
        with Session(self._engine) as session, session.begin():
            active = self._active(session, conversation_id)
            if active is None:
                active = Handoff(
                    conversation_id=conversation_id,
                    channel=channel,
                    language=language,
                    reason=reason,
                    status=HandoffStatus.QUEUED,
                    context=context,
                    transcript_until=max((stamp for _a, _t, stamp in transcript), default=0.0),
                )
                session.add(active)
                session.flush()
                for author, text, stamp in transcript:
                    session.add(
                        HandoffMessage(
                            handoff_id=active.id,
                            author=author,
                            text=text,
                            sent_at=datetime.fromtimestamp(stamp, timezone.utc),
                        )
                    )
            handoff_id = active.id
        view = self.get(handoff_id)
        assert view is not None
        return view

    # -- reading --------------------------------------------------------------------------------

    def get(self, handoff_id: int, with_messages: bool = False) -> HandoffView | None:
        with Session(self._engine) as session:
            handoff = session.get(Handoff, handoff_id)
            return None if handoff is None else self._view(session, handoff, with_messages)

    def active_for(self, conversation_id: str) -> HandoffView | None:
        with Session(self._engine) as session:
            handoff = self._active(session, conversation_id)
            return None if handoff is None else self._view(session, handoff)

    def active(self) -> list[HandoffView]:
        """Queued and claimed conversations, oldest first: what the console's queue shows."""
        with Session(self._engine) as session:
            rows = session.scalars(
                select(Handoff).where(Handoff.status.in_(ACTIVE_STATUSES)).order_by(Handoff.id)
            ).all()
            return [self._view(session, handoff) for handoff in rows]

    def active_conversations(self) -> dict[str, int]:
        """conversation id -> active handoff id, for routing Rasa's event stream."""
        with Session(self._engine) as session:
            rows = session.execute(
                select(Handoff.conversation_id, Handoff.id, Handoff.transcript_until).where(
                    Handoff.status.in_(ACTIVE_STATUSES)
                )
            ).all()
        return {conversation_id: handoff_id for conversation_id, handoff_id, _until in rows}

    def transcript_until(self, handoff_id: int) -> float:
        with Session(self._engine) as session:
            value = session.scalar(select(Handoff.transcript_until).where(Handoff.id == handoff_id))
        return float(value or 0.0)

    # -- claims ---------------------------------------------------------------------------------

    def claim(self, handoff_id: int, consultant_id: int) -> ClaimResult:
        with Session(self._engine) as session, session.begin():
            won = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.status == HandoffStatus.QUEUED)
                .values(status=HandoffStatus.CLAIMED, consultant_id=consultant_id, claimed_at=utcnow())
            ).rowcount
        view = self.get(handoff_id, with_messages=True)
        if won == 1:
            return ClaimResult(True, view)
        return ClaimResult(False, view, refusal=self.refusal(view, consultant_id))

    @staticmethod
    def refusal(view: HandoffView | None, consultant_id: int) -> str | None:
        """Why this consultant may not act on this conversation, or None if they may."""
        if view is None:
            return "There is no such conversation."
        if view.status is HandoffStatus.CLAIMED and view.consultant_id != consultant_id:
            return f"This conversation is already being handled by {view.consultant_name}."
        if view.status not in ACTIVE_STATUSES:
            return "This conversation has already ended."
        return None

    def release(self, handoff_id: int, consultant_id: int) -> bool:
        """Put a claimed conversation back in the queue (the consultant gives it to a colleague)."""
        with Session(self._engine) as session, session.begin():
            return session.execute(
                update(Handoff)
                .where(
                    Handoff.id == handoff_id,
                    Handoff.status == HandoffStatus.CLAIMED,
                    Handoff.consultant_id == consultant_id,
                )
                .values(status=HandoffStatus.QUEUED, consultant_id=None, claimed_at=None)
            ).rowcount == 1

    def end(self, handoff_id: int, consultant_id: int, status: HandoffStatus) -> bool:
        """Hand back or close; only the consultant who claimed it can."""
        assert status in (HandoffStatus.HANDED_BACK, HandoffStatus.CLOSED)
        with Session(self._engine) as session, session.begin():
            return session.execute(
                update(Handoff)
                .where(
                    Handoff.id == handoff_id,
                    Handoff.status == HandoffStatus.CLAIMED,
                    Handoff.consultant_id == consultant_id,
                )
                .values(status=status, ended_at=utcnow())
            ).rowcount == 1

    # -- messages -------------------------------------------------------------------------------

    def add_message(
        self,
        handoff_id: int,
        author: Author,
        text: str,
        consultant_id: int | None = None,
        sent_at: datetime | None = None,
    ) -> TranscriptLine:
        sent_at = sent_at or utcnow()
        with Session(self._engine) as session, session.begin():
            session.add(
                HandoffMessage(
                    handoff_id=handoff_id, author=author, text=text, consultant_id=consultant_id, sent_at=sent_at
                )
            )
            name = session.get(Consultant, consultant_id).display_name if consultant_id else None
        return TranscriptLine(author, text, sent_at, name)

    # -- housekeeping (the console's sweeper) ---------------------------------------------------

    def touch_consultant(self, consultant_id: int, now: datetime | None = None) -> None:
        with Session(self._engine) as session, session.begin():
            session.execute(
                update(Consultant).where(Consultant.id == consultant_id).values(last_seen_at=now or utcnow())
            )

    def requeue_abandoned(self, grace: timedelta, now: datetime | None = None) -> list[int]:
        """Claims whose consultant has not been seen for `grace` go back to the queue."""
        cutoff = (now or utcnow()) - grace
        with Session(self._engine) as session, session.begin():
            silent = select(Consultant.id).where(
                (Consultant.last_seen_at.is_(None)) | (Consultant.last_seen_at < cutoff)
            )
            ids = list(
                session.scalars(
                    select(Handoff.id).where(
                        Handoff.status == HandoffStatus.CLAIMED,
                        Handoff.consultant_id.in_(silent),
                        Handoff.claimed_at < cutoff,
                    )
                )
            )
            requeued = []
            for handoff_id in ids:
                done = session.execute(
                    update(Handoff)
                    .where(Handoff.id == handoff_id, Handoff.status == HandoffStatus.CLAIMED)
                    .values(status=HandoffStatus.QUEUED, consultant_id=None, claimed_at=None)
                ).rowcount
                if done:
                    requeued.append(handoff_id)
        return requeued

    def expire_waiting(self, wait: timedelta, now: datetime | None = None) -> list[HandoffView]:
        """Requests nobody claimed within `wait` become UNANSWERED (each exactly once)."""
        cutoff = (now or utcnow()) - wait
        with Session(self._engine) as session, session.begin():
            ids = list(
                session.scalars(
                    select(Handoff.id).where(Handoff.status == HandoffStatus.QUEUED, Handoff.created_at < cutoff)
                )
            )
            expired = [
                handoff_id
                for handoff_id in ids
                if session.execute(
                    update(Handoff)
                    .where(Handoff.id == handoff_id, Handoff.status == HandoffStatus.QUEUED)
                    .values(status=HandoffStatus.UNANSWERED, ended_at=utcnow())
                ).rowcount
            ]
        return [view for view in (self.get(handoff_id) for handoff_id in expired) if view]

    def rate_last_closed(self, conversation_id: str, rating: int) -> bool:
        """Store the customer's 1-5 rating on their most recently closed conversation."""
        with Session(self._engine) as session, session.begin():
            handoff_id = session.scalar(
                select(Handoff.id)
                .where(Handoff.conversation_id == conversation_id, Handoff.status == HandoffStatus.CLOSED)
                .order_by(Handoff.id.desc())
                .limit(1)
            )
            if handoff_id is None:
                return False
            session.execute(update(Handoff).where(Handoff.id == handoff_id).values(rating=rating))
            return True

    # -- helpers --------------------------------------------------------------------------------

    @staticmethod
    def _active(session: Session, conversation_id: str) -> Handoff | None:
        return session.scalars(
            select(Handoff)
            .where(Handoff.conversation_id == conversation_id, Handoff.status.in_(ACTIVE_STATUSES))
            .order_by(Handoff.id.desc())
            .limit(1)
        ).first()

    @staticmethod
    def _view(session: Session, handoff: Handoff, with_messages: bool = False) -> HandoffView:
        status = HandoffStatus(handoff.status)
        position = None
        if status is HandoffStatus.QUEUED:
            position = session.scalar(
                select(func.count()).where(Handoff.status == HandoffStatus.QUEUED, Handoff.id <= handoff.id)
            )
        consultant_name = (
            session.get(Consultant, handoff.consultant_id).display_name if handoff.consultant_id else None
        )
        last = session.scalar(
            select(HandoffMessage.text)
            .where(HandoffMessage.handoff_id == handoff.id, HandoffMessage.author == Author.CUSTOMER)
            .order_by(HandoffMessage.id.desc())
            .limit(1)
        )
        messages: Iterable[TranscriptLine] = ()
        if with_messages:
            rows = session.execute(
                select(HandoffMessage, Consultant.display_name)
                .outerjoin(Consultant, Consultant.id == HandoffMessage.consultant_id)
                .where(HandoffMessage.handoff_id == handoff.id)
                .order_by(HandoffMessage.id)
            ).all()
            messages = [
                TranscriptLine(Author(message.author), message.text, as_utc(message.sent_at), name)
                for message, name in rows
            ]
        return HandoffView(
            id=handoff.id,
            conversation_id=handoff.conversation_id,
            channel=handoff.channel,
            language=handoff.language,
            reason=handoff.reason,
            status=status,
            context=dict(handoff.context or {}),
            created_at=as_utc(handoff.created_at),
            consultant_id=handoff.consultant_id,
            consultant_name=consultant_name,
            position=position,
            last_message=last,
            messages=tuple(messages),
        )
