"""How long a message takes between a customer and a consultant, through the real stack.

Starts Rasa, the action server, the web app and the console on free ports (the trained model in
models/ is needed), with Rasa's callback channel pointed at a local listener standing in for the
customer's chat app. One customer asks for a person; a consultant, logged in over the console's
HTTP API and websocket, claims the request; then N messages go each way. Printed per direction:
p50 / p95 / max in milliseconds.

    .venv/actions/bin/python bench/handoff_bench.py [--messages 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.db import make_engine  # noqa: E402
from bot.handoff.consultants import add_consultant  # noqa: E402
from bot.settings import PROJECT_ROOT, load_settings  # noqa: E402
from bot.stack.ports import free_port  # noqa: E402
from bot.stack.services import all_services  # noqa: E402
from bot.stack.supervisor import Supervisor  # noqa: E402

PASSWORD = "benchmark password"


class Customer:
    """The customer's chat app: receives Rasa's callback posts."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox: asyncio.Queue[tuple[float, dict]] = asyncio.Queue()

    async def receive(self, request: web.Request) -> web.Response:
        await self.inbox.put((time.perf_counter(), await request.json()))
        return web.Response(text="ok")

    async def next_text(self, predicate) -> float:  # type: ignore[no-untyped-def]
        while True:
            arrived, message = await asyncio.wait_for(self.inbox.get(), 30)
            if predicate(message.get("text") or ""):
                return arrived


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    return f"p50 {statistics.median(ordered):7.1f}  p95 {p95:7.1f}  max {ordered[-1]:7.1f}"


async def run(messages: int, requests: int) -> None:
    customer = Customer()
    listener = web.Application()
    listener.router.add_post("/bot", customer.receive)
    runner = web.AppRunner(listener)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", customer.port).start()

    root = Path(tempfile.mkdtemp(prefix="doradca-handoff-bench-"))
    credentials = root / "credentials.yml"
    credentials.write_text(
        (PROJECT_ROOT / "credentials.yml").read_text() + f"\ncallback:\n  url: http://127.0.0.1:{customer.port}/bot\n"
    )
    settings = load_settings(
        environ={
            "DORADCA_VAR_DIR": str(root / "var"),
            "DORADCA_RASA_PORT": str(free_port()),
            "DORADCA_ACTION_PORT": str(free_port()),
            "DORADCA_WEB_PORT": str(free_port()),
            "DORADCA_CONSOLE_PORT": str(free_port()),
            "DORADCA_RASA_CREDENTIALS": str(credentials),
            "DORADCA_HANDOFF_HOURS": "mon-sun 00:00-24:00",
            "DORADCA_FAQ_TUNING_DELAY_SECONDS": "3600",
        },
        settings_file=root / "none.yml",
    )
    supervisor = Supervisor(settings, all_services(settings))
    print("starting the stack...", flush=True)
    await asyncio.to_thread(supervisor.start)
    try:
        add_consultant(make_engine(settings.database), "bench", "Bench Consultant", PASSWORD)
        console = settings.console_url
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            page = await (await http.get(f"{console}/login")).text()
            token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]  # type: ignore[index]
            await http.post(f"{console}/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
            page = await (await http.get(f"{console}/")).text()
            csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)[1]  # type: ignore[index]
            headers = {"X-CSRF-Token": csrf}
            socket = await http.ws_connect(f"{console}/ws", headers={"Origin": console})
            pushes: asyncio.Queue[tuple[float, dict]] = asyncio.Queue()

            async def read_socket() -> None:
                async for frame in socket:
                    if frame.type == aiohttp.WSMsgType.TEXT:
                        await pushes.put((time.perf_counter(), json.loads(frame.data)))

            reader = asyncio.create_task(read_socket())

            async def pushed(predicate) -> tuple[float, dict]:  # type: ignore[no-untyped-def]
                while True:
                    arrived, push = await asyncio.wait_for(pushes.get(), 30)
                    if predicate(push):
                        return arrived, push

            async def say(text: str) -> float:
                sent = time.perf_counter()
                async with http.post(
                    f"{settings.rasa_url}/webhooks/callback/webhook", json={"sender": sender, "message": text}
                ) as response:
                    assert response.status == 200, await response.text()
                return sent

            # The first message after start loads lingua's language models (about a second); warm up.
            sender = f"bench-warm-{uuid.uuid4().hex[:6]}"
            await say("dzień dobry")
            await customer.next_text(lambda t: t.startswith("Dzień dobry"))

            to_queue = []
            for n in range(requests):
                sender = f"bench-{n}-{uuid.uuid4().hex[:6]}"
                asked = await say("chcę rozmawiać z konsultantem")
                queued_at, queue = await pushed(
                    lambda p: p["type"] == "queue" and any(i["conversation_id"] == sender for i in p["items"])
                )
                to_queue.append((queued_at - asked) * 1000)
            handoff_id = next(i["id"] for i in queue["items"] if i["conversation_id"] == sender)
            async with http.post(f"{console}/api/handoffs/{handoff_id}/claim", headers=headers) as response:
                assert response.status == 200, await response.text()

            to_console, to_customer = [], []
            for n in range(messages):
                text = f"pytanie klienta {n}"
                sent = await say(text)
                arrived, _ = await pushed(lambda p: p["type"] == "message" and p.get("text") == text)
                to_console.append((arrived - sent) * 1000)

                reply = f"odpowiedź konsultanta {n}"
                sent = time.perf_counter()
                async with http.post(
                    f"{console}/api/handoffs/{handoff_id}/messages", json={"text": reply}, headers=headers
                ) as response:
                    assert response.status == 200, await response.text()
                arrived = await customer.next_text(lambda t, reply=reply: t == reply)
                to_customer.append((arrived - sent) * 1000)
            reader.cancel()
            await socket.close()

        print(f"\nrequest for a person -> in the console's queue (websocket push), {requests} customers: {percentiles(to_queue)} ms")
        print(f"customer -> console (callback webhook -> websocket push), {messages} messages: {percentiles(to_console)} ms")
        print(f"consultant -> customer (console API -> callback delivery), {messages} messages: {percentiles(to_customer)} ms")
    finally:
        await asyncio.to_thread(supervisor.stop)
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20, help="messages each way (default 20)")
    parser.add_argument("--requests", type=int, default=10, help="customers asking for a person (default 10)")
    args = parser.parse_args()
    asyncio.run(run(args.messages, args.requests))


if __name__ == "__main__":
    main()
