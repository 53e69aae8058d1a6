"""The handoff API: the queue, one conversation, claim, reply, hand back, close, release.

Only the consultant who claimed a conversation may read it or act on it; HandoffQueue decides
(one conditional UPDATE per change), these handlers only translate its answers to HTTP.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

from bot.console import views
from bot.console.auth import signed_in
from bot.console.state import DELIVERY, HUB, QUEUE
from bot.handoff.delivery import DeliveryError
from bot.handoff.models import Author, HandoffStatus
from bot.handoff.queue import HandoffView

logger = logging.getLogger(__name__)

MAX_REPLY_CHARS = 4000


def _error(message: str, status: int) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _handoff_id(request: web.Request) -> int:
    try:
        return int(request.match_info["handoff_id"])
    except ValueError:
        raise web.HTTPNotFound(text="no such conversation")


async def _view_for_claimant(request: web.Request) -> HandoffView | web.Response:
    """The conversation, if the signed-in consultant has claimed it; else the refusal to send."""
    view = await asyncio.to_thread(request.app[QUEUE].get, _handoff_id(request))
    refusal = request.app[QUEUE].refusal(view, signed_in(request).id)
    if refusal is not None:
        # 403: a colleague's conversation; 409: it ended meanwhile.
        status = 404 if view is None else 403 if view.status is HandoffStatus.CLAIMED else 409
        return _error(refusal, status)
    assert view is not None
    if view.status is HandoffStatus.QUEUED:
        return _error("Claim the conversation first.", 409)
    return view


async def queue(request: web.Request) -> web.Response:
    items = await asyncio.to_thread(request.app[QUEUE].active)
    return web.json_response({"items": [views.queue_item(view) for view in items]})


async def detail(request: web.Request) -> web.Response:
    view = await asyncio.to_thread(request.app[QUEUE].get, _handoff_id(request), True)
    if view is None:
        return _error("There is no such conversation.", 404)
    # A colleague's conversation stays private; ended ones can still be read back.
    if view.status is HandoffStatus.CLAIMED and view.consultant_id != signed_in(request).id:
        return _error(request.app[QUEUE].refusal(view, signed_in(request).id) or "", 403)
    return web.json_response(views.handoff_detail(view))


async def claim(request: web.Request) -> web.Response:
    result = await asyncio.to_thread(request.app[QUEUE].claim, _handoff_id(request), signed_in(request).id)
    if not result.claimed:
        status = 404 if result.handoff is None else 409
        return _error(result.refusal or "This conversation cannot be claimed.", status)
    assert result.handoff is not None
    await request.app[HUB].queue_changed()
    return web.json_response(views.handoff_detail(result.handoff))


async def send_message(request: web.Request) -> web.Response:
    body = await _json(request)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        return _error("Write a message first.", 400)
    if len(text) > MAX_REPLY_CHARS:
        return _error(f"The message is too long ({len(text)} characters, at most {MAX_REPLY_CHARS}).", 400)
    view = await _view_for_claimant(request)
    if isinstance(view, web.Response):
        return view
    consultant = signed_in(request)
    try:
        await request.app[DELIVERY].send_consultant_message(view.conversation_id, text.strip(), consultant.name)
    except DeliveryError as error:
        return _error(f"Not delivered: {error}. Your text is kept; try again.", 502)
    # Stored only once Rasa took it: the transcript never shows a message the customer did not get.
    line = await asyncio.to_thread(
        request.app[QUEUE].add_message, view.id, Author.CONSULTANT, text.strip(), consultant.id
    )
    await request.app[HUB].new_line(view.id, line)
    return web.json_response(views.line(view.id, line))


async def hand_back(request: web.Request) -> web.Response:
    return await _end(request, HandoffStatus.HANDED_BACK, "handoff_returned")


async def close(request: web.Request) -> web.Response:
    return await _end(request, HandoffStatus.CLOSED, "handoff_closed")


async def _end(request: web.Request, status: HandoffStatus, intent: str) -> web.Response:
    view = await _view_for_claimant(request)
    if isinstance(view, web.Response):
        return view
    delivery = request.app[DELIVERY]
    # Resume Rasa first and end the claim after: if Rasa is unreachable the conversation stays with
    # the consultant, who can try again, instead of a customer left with a silent, paused bot.
    try:
        await delivery.resume(view.conversation_id)
        await delivery.trigger(view.conversation_id, intent)
    except DeliveryError as error:
        return _error(f"The bot could not take the conversation back: {error}. Try again.", 502)
    ended = await asyncio.to_thread(request.app[QUEUE].end, view.id, signed_in(request).id, status)
    if not ended:
        return _error("This conversation is no longer yours (it went back to the queue).", 409)
    await request.app[HUB].queue_changed()
    return web.json_response({"id": view.id, "status": str(status)})


async def release(request: web.Request) -> web.Response:
    handoff_id = _handoff_id(request)
    released = await asyncio.to_thread(request.app[QUEUE].release, handoff_id, signed_in(request).id)
    if not released:
        view = await asyncio.to_thread(request.app[QUEUE].get, handoff_id)
        refusal = request.app[QUEUE].refusal(view, signed_in(request).id)
        return _error(refusal or "This conversation is not claimed by you.", 404 if view is None else 409)
    await request.app[HUB].queue_changed()
    return web.json_response({"id": handoff_id, "status": str(HandoffStatus.QUEUED)})


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text='{"error": "Expected a JSON body."}', content_type="application/json")
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text='{"error": "Expected a JSON object."}', content_type="application/json")
    return body
