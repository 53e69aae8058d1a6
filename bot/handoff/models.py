"""Tables of the handoff: consultants, handoff requests with their messages, and tickets."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class HandoffStatus(StrEnum):
    QUEUED = "queued"            # waiting for a consultant
    CLAIMED = "claimed"          # one consultant is talking to the customer
    HANDED_BACK = "handed_back"  # the consultant gave the conversation back to the bot
    CLOSED = "closed"            # the consultant ended it; the customer was asked for a rating
    UNANSWERED = "unanswered"    # nobody claimed it in time; the customer was offered a ticket


ACTIVE_STATUSES = (HandoffStatus.QUEUED, HandoffStatus.CLAIMED)


class Author(StrEnum):
    CUSTOMER = "customer"
    BOT = "bot"
    CONSULTANT = "consultant"


class Consultant(Base):
    __tablename__ = "consultants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Refreshed while the consultant's console is connected; a claim whose consultant has been
    # silent longer than the grace period goes back to the queue (survives console restarts).
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Handoff(Base):
    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255), index=True)
    channel: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True, default=HandoffStatus.QUEUED)
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Rasa event timestamp of the last message copied into the transcript when the request was
    # queued: later events from Rasa's event stream are appended only if newer.
    transcript_until: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    consultant_id: Mapped[int | None] = mapped_column(ForeignKey("consultants.id"), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)


class HandoffMessage(Base):
    __tablename__ = "handoff_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"), index=True)
    author: Mapped[str] = mapped_column(String(16))
    consultant_id: Mapped[int | None] = mapped_column(ForeignKey("consultants.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Ticket(Base):
    """A callback or e-mail reply promised to a customer when no consultant could take the chat."""

    __tablename__ = "handoff_tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255), index=True)
    language: Mapped[str] = mapped_column(String(8))
    contact_kind: Mapped[str] = mapped_column(String(16))  # "phone" or "email"
    contact: Mapped[str] = mapped_column(String(255))
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reply_by: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="open")


class EventCursor(Base):
    """How far the console has read Rasa's event stream, so a restart resumes where it stopped."""

    __tablename__ = "handoff_event_cursor"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(Integer, default=0)
