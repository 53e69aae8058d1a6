"""Open callback / e-mail tickets, promised to customers no consultant could take, newest first."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.console.state import ENGINE
from bot.handoff.models import Ticket
from bot.handoff.queue import as_utc


def open_tickets(engine: Engine, limit: int = 100) -> list[dict[str, Any]]:
    with Session(engine) as session:
        rows = session.scalars(
            select(Ticket).where(Ticket.status == "open").order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)
        ).all()
        return [
            {
                "id": ticket.id,
                "conversation_id": ticket.conversation_id,
                "language": ticket.language,
                "contact_kind": ticket.contact_kind,
                "contact": ticket.contact,
                "summary": ticket.summary,
                "created_at": as_utc(ticket.created_at).isoformat(),
                "reply_by": as_utc(ticket.reply_by).isoformat(),
            }
            for ticket in rows
        ]


async def tickets(request: web.Request) -> web.Response:
    return web.json_response({"items": await asyncio.to_thread(open_tickets, request.app[ENGINE])})
