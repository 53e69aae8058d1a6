"""Claiming, replying, handing back and closing, against a real SQLite database and a fake Rasa."""

from __future__ import annotations

import asyncio
import time

from bot.handoff.models import Author, HandoffStatus
from tests.console.conftest import Console, ConsoleFactory, log_in


async def wait_for(condition, timeout: float = 15.0):  # type: ignore[no-untyped-def]
    """Poll a condition (the sweeper runs on its own clock) until true, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def test_queue_shows_the_request_with_its_context(console: Console) -> None:
    handoff = console.request_handoff()
    anna = await log_in(console, "anna")
    status, body = await anna.get("/api/queue")
    assert status == 200
    [item] = body["items"]
    assert item["id"] == handoff.id and item["status"] == "queued" and item["position"] == 1
    assert item["last_message"] == "chcę rozmawiać z konsultantem"
    status, detail = await anna.get(f"/api/handoffs/{handoff.id}")
    assert status == 200
    assert detail["context"]["slots"] == {"order_number": "ORD-10234"}
    assert [(m["author"], m["text"]) for m in detail["messages"]] == [("customer", "chcę rozmawiać z konsultantem")]


async def test_a_claimed_conversation_is_refused_to_a_second_consultant(console: Console) -> None:
    handoff = console.request_handoff()
    anna = await log_in(console, "anna")
    piotr = await log_in(console, "piotr")
    status, body = await anna.post(f"/api/handoffs/{handoff.id}/claim")
    assert status == 200 and body["consultant"] == "Anna Nowak"

    status, body = await piotr.post(f"/api/handoffs/{handoff.id}/claim")
    assert status == 409
    assert body == {"error": "This conversation is already being handled by Anna Nowak."}
    status, body = await piotr.get(f"/api/handoffs/{handoff.id}")
    assert status == 403 and "already being handled by Anna Nowak" in body["error"]
    status, body = await piotr.post(f"/api/handoffs/{handoff.id}/messages", {"text": "Dzień dobry"})
    assert status == 403 and "already being handled by" in body["error"]
    assert console.rasa.calls == []


async def test_two_consultants_claiming_at_the_same_moment_exactly_one_wins(console: Console) -> None:
    anna = await log_in(console, "anna")
    piotr = await log_in(console, "piotr")
    for _ in range(5):
        handoff = console.request_handoff()
        results = await asyncio.gather(
            anna.post(f"/api/handoffs/{handoff.id}/claim"), piotr.post(f"/api/handoffs/{handoff.id}/claim")
        )
        statuses = sorted(status for status, _body in results)
        assert statuses == [200, 409]
        winner = next(body["consultant"] for status, body in results if status == 200)
        loser = next(body["error"] for status, body in results if status == 409)
        assert loser == f"This conversation is already being handled by {winner}."
        view = console.queue.get(handoff.id)
        assert view is not None and view.consultant_name == winner


async def test_a_reply_goes_to_rasa_for_the_customers_channel_and_is_stored(console: Console) -> None:
    handoff = console.request_handoff()
    anna = await log_in(console, "anna")
    await anna.post(f"/api/handoffs/{handoff.id}/claim")
    status, body = await anna.post(f"/api/handoffs/{handoff.id}/messages", {"text": "  Dzień dobry, tu Anna.  "})
    assert status == 200 and body["author"] == "consultant" and body["consultant"] == "Anna Nowak"

    [call] = console.rasa.calls
    assert call.path == f"/conversations/{handoff.conversation_id}/tracker/events"
    assert call.query["token"] == console.token
    assert call.query["output_channel"] == "latest"
    assert call.query["execute_side_effects"] == "true"
    assert call.body == [
        {"event": "bot", "text": "Dzień dobry, tu Anna.", "metadata": {"doradca_consultant": "Anna Nowak"}}
    ]
    view = console.queue.get(handoff.id, with_messages=True)
    assert view is not None
    assert [(m.author, m.text, m.consultant) for m in view.messages][-1] == (
        Author.CONSULTANT, "Dzień dobry, tu Anna.", "Anna Nowak"
    )


async def test_a_reply_rasa_does_not_take_is_502_and_not_stored(console: Console) -> None:
    handoff = console.request_handoff()
    anna = await log_in(console, "anna")
    await anna.post(f"/api/handoffs/{handoff.id}/claim")
    console.rasa.failing = True
    status, body = await anna.post(f"/api/handoffs/{handoff.id}/messages", {"text": "Sprawdzam zamówienie."})
    assert status == 502
    assert body["error"].startswith("Not delivered: ") and body["error"].endswith("Your text is kept; try again.")
    view = console.queue.get(handoff.id, with_messages=True)
    assert view is not None and [m.text for m in view.messages] == ["chcę rozmawiać z konsultantem"]


async def test_a_reply_before_claiming_is_refused(console: Console) -> None:
    handoff = console.request_handoff()
    anna = await log_in(console, "anna")
    status, body = await anna.post(f"/api/handoffs/{handoff.id}/messages", {"text": "Hej"})
    assert status == 409 and body == {"error": "Claim the conversation first."}
    assert console.rasa.calls == []


async def test_hand_back_resumes_the_bot_which_says_it_is_back(console: Console) -> None:
    handoff = console.request_handoff()
    anna = await log_in(console, "anna")
    await anna.post(f"/api/handoffs/{handoff.id}/claim")
    status, body = await anna.post(f"/api/handoffs/{handoff.id}/hand-back")
    assert status == 200 and body["status"] == "handed_back"
    conversation = handoff.conversation_id
    # (What RasaConversations.utter appends after /execute, e.g. action_listen, is its own business.)
    assert [(call.path, call.body) for call in console.rasa.calls][:2] == [
        (f"/conversations/{conversation}/tracker/events", [{"event": "resume"}, {"event": "action", "name": "action_listen"}]),
        (f"/conversations/{conversation}/trigger_intent", {"name": "handoff_returned"}),
    ]
    assert all(call.query["token"] == console.token for call in console.rasa.calls)
    view = console.queue.get(handoff.id)
    assert view is not None and view.status is HandoffStatus.HANDED_BACK
    status, _ = await anna.post(f"/api/handoffs/{handoff.id}/messages", {"text": "still there?"})
    assert status == 409


async def test_close_resumes_the_bot_and_asks_for_a_rating(console: Console) -> None:
    handoff = console.request_handoff()
    anna = await log_in(console, "anna")
    await anna.post(f"/api/handoffs/{handoff.id}/claim")
    status, body = await anna.post(f"/api/handoffs/{handoff.id}/close")
    assert status == 200 and body["status"] == "closed"
    assert [call.body for call in console.rasa.calls][:2] == [[{"event": "resume"}, {"event": "action", "name": "action_listen"}], {"name": "handoff_closed"}]
    view = console.queue.get(handoff.id)
    assert view is not None and view.status is HandoffStatus.CLOSED


async def test_hand_back_while_rasa_is_down_keeps_the_conversation_claimed(console: Console) -> None:
    handoff = console.request_handoff()
    anna = await log_in(console, "anna")
    await anna.post(f"/api/handoffs/{handoff.id}/claim")
    console.rasa.failing = True
    status, body = await anna.post(f"/api/handoffs/{handoff.id}/hand-back")
    assert status == 502 and "Try again" in body["error"]
    view = console.queue.get(handoff.id)
    assert view is not None and view.status is HandoffStatus.CLAIMED


async def test_release_puts_it_back_for_a_colleague(console: Console) -> None:
    handoff = console.request_handoff()
    anna = await log_in(console, "anna")
    piotr = await log_in(console, "piotr")
    await anna.post(f"/api/handoffs/{handoff.id}/claim")
    assert (await piotr.post(f"/api/handoffs/{handoff.id}/release"))[0] == 409
    status, _ = await anna.post(f"/api/handoffs/{handoff.id}/release")
    assert status == 200
    status, body = await piotr.post(f"/api/handoffs/{handoff.id}/claim")
    assert status == 200 and body["consultant"] == "Piotr Wiśniewski"


async def test_websocket_pushes_queue_changes_and_the_claimants_messages(console: Console) -> None:
    anna = await log_in(console, "anna")
    piotr = await log_in(console, "piotr")
    origin = f"http://{console.server.host}:{console.server.port}"
    handoff = console.request_handoff()
    anna_socket = await anna.client.ws_connect("/ws", headers={"Origin": origin})
    piotr_socket = await piotr.client.ws_connect("/ws", headers={"Origin": origin})
    assert [item["id"] for item in (await anna_socket.receive_json())["items"]] == [handoff.id]
    await piotr_socket.receive_json()

    await anna.post(f"/api/handoffs/{handoff.id}/claim")
    for socket in (anna_socket, piotr_socket):
        update = await socket.receive_json(timeout=5)
        assert update["type"] == "queue" and update["items"][0]["consultant"] == "Anna Nowak"
    await anna.post(f"/api/handoffs/{handoff.id}/messages", {"text": "Już sprawdzam."})
    pushed = await anna_socket.receive_json(timeout=5)
    assert pushed["type"] == "message" and pushed["text"] == "Już sprawdzam." and pushed["handoff_id"] == handoff.id
    # Piotr's console is not told what is said in Anna's conversation: next he only sees the queue change.
    await anna.post(f"/api/handoffs/{handoff.id}/hand-back")
    assert (await piotr_socket.receive_json(timeout=5)) == {"type": "queue", "items": []}
    await anna_socket.close()
    await piotr_socket.close()


async def test_sweeper_requeues_a_silent_consultants_claim_and_expires_unclaimed_requests(
    make_console: ConsoleFactory,
) -> None:
    console = await make_console(
        DORADCA_HANDOFF_RECONNECT_GRACE_SECONDS="0.5", DORADCA_HANDOFF_WAIT_SECONDS="3600"
    )
    claimed = console.request_handoff()
    anna = await log_in(console, "anna")
    # Anna claims over the API but never opens the live connection, so she is never "seen".
    assert (await anna.post(f"/api/handoffs/{claimed.id}/claim"))[0] == 200
    requeued = await wait_for(lambda: (view := console.queue.get(claimed.id)) and view.status is HandoffStatus.QUEUED and view)
    assert requeued.consultant_id is None


async def test_sweeper_hands_an_unclaimed_customer_back_to_the_bot_with_the_no_consultant_offer(
    make_console: ConsoleFactory,
) -> None:
    console = await make_console(DORADCA_HANDOFF_WAIT_SECONDS="0.5")
    waiting = console.request_handoff()
    await wait_for(lambda: (view := console.queue.get(waiting.id)) and view.status is HandoffStatus.UNANSWERED)
    await wait_for(lambda: len(console.rasa.calls) >= 2)
    conversation = waiting.conversation_id
    assert [(call.path, call.body) for call in console.rasa.calls][:2] == [
        (f"/conversations/{conversation}/tracker/events", [{"event": "resume"}, {"event": "action", "name": "action_listen"}]),
        (f"/conversations/{conversation}/trigger_intent", {"name": "handoff_unanswered"}),
    ]


async def test_a_connected_consultant_keeps_their_claim(make_console: ConsoleFactory) -> None:
    console = await make_console(DORADCA_HANDOFF_RECONNECT_GRACE_SECONDS="1")
    handoff = console.request_handoff()
    anna = await log_in(console, "anna")
    await anna.post(f"/api/handoffs/{handoff.id}/claim")
    origin = f"http://{console.server.host}:{console.server.port}"
    socket = await anna.client.ws_connect("/ws", headers={"Origin": origin})
    await socket.receive_json()
    # While the socket is open the console keeps marking Anna as seen: several grace periods and sweeps
    # later her claim is still hers (a silent consultant loses it within one grace period plus a sweep).
    await asyncio.sleep(4)
    view = console.queue.get(handoff.id)
    assert view is not None and view.status is HandoffStatus.CLAIMED
    await socket.close()
