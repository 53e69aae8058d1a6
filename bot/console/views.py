"""JSON shapes the console's page reads: handoffs, transcript lines, orders."""

from __future__ import annotations

from typing import Any

from bot.handoff.queue import HandoffView, TranscriptLine


def queue_item(view: HandoffView) -> dict[str, Any]:
    return {
        "id": view.id,
        "conversation_id": view.conversation_id,
        "channel": view.channel,
        "language": view.language,
        "reason": view.reason,
        "status": str(view.status),
        "position": view.position,
        "consultant_id": view.consultant_id,
        "consultant": view.consultant_name,
        "created_at": view.created_at.isoformat(),
        "last_message": view.last_message,
    }


def line(handoff_id: int, transcript_line: TranscriptLine) -> dict[str, Any]:
    return {
        "handoff_id": handoff_id,
        "author": str(transcript_line.author),
        "text": transcript_line.text,
        "sent_at": transcript_line.sent_at.isoformat(),
        "consultant": transcript_line.consultant,
    }


def handoff_detail(view: HandoffView) -> dict[str, Any]:
    return {
        **queue_item(view),
        "context": view.context,
        "messages": [line(view.id, message) for message in view.messages],
    }
