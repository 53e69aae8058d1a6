"""GET /api/tickets: open callback / e-mail tickets, promised to customers no consultant could take."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.console.state import ENGINE
from bot.handoff.tickets import TicketView, open_tickets


def _ticket(ticket: TicketView) -> dict[str, object]:
    return {
        "id": ticket.id,
        "conversation_id": ticket.conversation_id,
        "language": ticket.language,
        "contact_kind": ticket.contact_kind,
        "contact": ticket.contact,
        "summary": ticket.summary,
        "created_at": ticket.created_at.isoformat(),
        "reply_by": ticket.reply_by.isoformat(),
    }


async def tickets(request: web.Request) -> web.Response:
    found = await asyncio.to_thread(open_tickets, request.app[ENGINE])
    return web.json_response({"items": [_ticket(ticket) for ticket in found]})
