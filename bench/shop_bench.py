"""What asking the shop costs per call: our SQL backend directly, and the same data through the
HTTP backend and the shop API server (what a shop with its own API adds), on this machine.

Seeds the demo shop into a temporary SQLite file (or `--database-url`), serves it with
`create_shop_api_app` on a free port, and times each read the bot makes in a conversation.
Printed per call and backend: p50 / p95 in milliseconds, and the HTTP / SQL ratio of the p50s
(compare ratios: the machine is noisy).

    .venv/actions/bin/python bench/shop_bench.py [--calls 200] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.db import make_engine  # noqa: E402
from bot.shop.api_server import create_shop_api_app  # noqa: E402
from bot.shop.backend import ShopBackend  # noqa: E402
from bot.shop.http import HttpShopBackend  # noqa: E402
from bot.shop.seed import seed_demo_shop  # noqa: E402
from bot.shop.sql import SqlShopBackend  # noqa: E402
from bot.stack.ports import free_port  # noqa: E402

TOKEN = "bench-token"


def calls(shop: ShopBackend) -> dict[str, Callable[[], Awaitable[object]]]:
    """The reads a conversation makes: prove an order, fetch it, find a product, its stock."""
    return {
        "verify_order_owner": lambda: shop.verify_order_owner("ORD-10234", "anna.kowalska@example.com"),
        "find_order": lambda: shop.find_order("ORD-10234"),
        "search_products": lambda: shop.search_products("lniana sukienka midi", "pl", 5),
        "availability": lambda: shop.availability("DRS-300", "M"),
        "orders_of_customer": lambda: shop.orders_of_customer("katarzyna.wisniewska@example.com"),
    }


async def timed(call: Callable[[], Awaitable[object]], count: int) -> list[float]:
    await call()  # warm: connections, caches
    times = []
    for _ in range(count):
        start = time.perf_counter()
        await call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


async def main(count: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(database_url or f"sqlite:///{Path(folder) / 'shop.db'}")
        seed_demo_shop(engine)
        sql = SqlShopBackend(engine)
        runner = web.AppRunner(create_shop_api_app(sql, TOKEN))
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        http = HttpShopBackend(f"http://127.0.0.1:{port}", token=TOKEN, timeout_seconds=5, retries=0)
        try:
            print(f"{count} calls each, after one warm-up call; ms")
            print(f"{'call':<20} {'sql p50':>8} {'sql p95':>8} {'http p50':>9} {'http p95':>9} {'http/sql':>9}")
            sql_calls, http_calls = calls(sql), calls(http)
            for name in sql_calls:
                direct = await timed(sql_calls[name], count)
                remote = await timed(http_calls[name], count)
                ratio = statistics.median(remote) / statistics.median(direct)
                print(
                    f"{name:<20} {statistics.median(direct):8.2f} {p95(direct):8.2f} "
                    f"{statistics.median(remote):9.2f} {p95(remote):9.2f} {ratio:9.2f}"
                )
        finally:
            await http.close()
            await runner.cleanup()
            engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="timed calls per backend and read (default 200)")
    parser.add_argument("--database-url", help="SQLAlchemy URL of an empty database to seed (default: a temp SQLite)")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.calls, arguments.database_url))
