"""Callback and e-mail tickets: what the shop promised a customer no consultant could take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.handoff.models import Ticket, utcnow
from bot.handoff.queue import as_utc


@dataclass(frozen=True)
class TicketView:
    id: int
    conversation_id: str
    language: str
    contact_kind: str
    contact: str
    summary: str
    created_at: datetime
    reply_by: datetime
    status: str


def create_ticket(
    engine: Engine,
    *,
    conversation_id: str,
    language: str,
    contact_kind: str,
    contact: str,
    summary: str,
    reply_by: datetime,
) -> TicketView:
    """Store a ticket; called only after the customer consented to their contact being kept."""
    with Session(engine) as session, session.begin():
        ticket = Ticket(
            conversation_id=conversation_id,
            language=language,
            contact_kind=contact_kind,
            contact=contact,
            consent_at=utcnow(),
            summary=summary,
            reply_by=reply_by,
        )
        session.add(ticket)
        session.flush()
        return _view(ticket)


def open_tickets(engine: Engine) -> list[TicketView]:
    with Session(engine) as session:
        rows = session.scalars(select(Ticket).where(Ticket.status == "open").order_by(Ticket.id.desc()))
        return [_view(ticket) for ticket in rows]


def _view(ticket: Ticket) -> TicketView:
    return TicketView(
        ticket.id,
        ticket.conversation_id,
        ticket.language,
        ticket.contact_kind,
        ticket.contact,
        ticket.summary,
        as_utc(ticket.created_at),
        as_utc(ticket.reply_by),
        ticket.status,
    )
