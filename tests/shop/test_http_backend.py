"""The HTTP shop backend: against our API server on the SQL backend (the contract), and against a
faulty stand-in shop that is slow, fails, garbles its JSON or answers in the wrong shape."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.settings import PROJECT_ROOT, SettingsError
from bot.shop.api_server import IdempotencyStore, StoredResponse, create_shop_api_app
from bot.shop.api_wire import error_body
from bot.shop.backend import ShopBackend
from bot.shop.demo_data import CUSTOMERS, FIXED_STOCK, ORDERS, PRODUCTS
from bot.shop.enums import DeliveryMethod, OrderStatus
from bot.shop.errors import (
    InvalidOrderError,
    OutOfStockError,
    ShopError,
    ShopUnavailableError,
    UnknownCustomerError,
    UnknownProductError,
    UnknownStoreError,
)
from bot.shop.http import HttpShopBackend
from bot.shop.records import Customer, Delivery, Money, Order, Store
from bot.shop.sql import SqlShopBackend
from bot.stack.ports import free_port

TOKEN = "shop-api-test-token"
API_PREFIX = "/doradca/v1"  # a base URL with a path, as a shop behind a gateway would have
SHIPPED = next(demo for demo in ORDERS if demo.status is OrderStatus.SHIPPED)
OWNER = next(customer for customer in CUSTOMERS if customer.email == SHIPPED.email)
SOMEONE_ELSE = next(customer for customer in CUSTOMERS if customer.email != SHIPPED.email)
UNUSED_NUMBER = "ORD-" + str(max(int(demo.number.removeprefix("ORD-")) for demo in ORDERS) + 1000)
SOLD_OUT = next(sku for sku, (online, shelves) in FIXED_STOCK.items() if online == 0 and not any(shelves.values()))
ON_A_SHELF_ONLY = next(sku for sku, (online, shelves) in FIXED_STOCK.items() if online == 0 and any(shelves.values()))
SHELF_STORE = next(code for code, quantity in FIXED_STOCK[ON_A_SHELF_ONLY][1].items() if quantity > 0)
CUSTOMER = CUSTOMERS[0]
COURIER = Delivery(method=DeliveryMethod.COURIER, address=CUSTOMER.address)

HttpBackendMaker = Callable[..., HttpShopBackend]


@pytest.fixture
async def http_backend_maker() -> AsyncIterator[HttpBackendMaker]:
    """Makes HTTP backends on a server's URL (our token, short backoff), closing them afterwards."""
    made: list[HttpShopBackend] = []

    def make(base_url: str, **options: Any) -> HttpShopBackend:
        options = {"token": TOKEN, "timeout_seconds": 5.0, "retries": 2, "backoff_seconds": 0.01, **options}
        backend = HttpShopBackend(base_url, **options)
        made.append(backend)
        return backend

    yield make
    for backend in made:
        await backend.close()


async def _serve_api(aiohttp_server: Any, backend: ShopBackend, outermost: Any = None) -> TestServer:
    """Our shop API on `backend` under API_PREFIX; `outermost` is a middleware in front of it all."""
    api = create_shop_api_app(backend, TOKEN)
    if outermost is not None:
        api.middlewares.insert(0, outermost)
    root = web.Application()
    root.add_subapp(API_PREFIX, api)
    return await aiohttp_server(root)


def _base_url(server: TestServer) -> str:
    return str(server.make_url(API_PREFIX))


def _same_error(over_http: BaseException, direct: BaseException) -> None:
    assert type(over_http) is type(direct)
    assert str(over_http) == str(direct)
    assert vars(over_http) == vars(direct)


async def _raised(call: Awaitable[object]) -> ShopError:
    with pytest.raises(ShopError) as caught:
        await call
    return caught.value


# --- the contract: our API server on the SQL backend answers as the SQL backend does ----------------


@pytest.fixture
async def over_http(
    read_only_backend: SqlShopBackend, aiohttp_server: Any, http_backend_maker: HttpBackendMaker
) -> HttpShopBackend:
    return http_backend_maker(_base_url(await _serve_api(aiohttp_server, read_only_backend)))


@pytest.mark.parametrize("number", [SHIPPED.number, SHIPPED.number.lower(), " ord 10234 ", UNUSED_NUMBER, "my parcel"])
async def test_find_order_matches_sql(
    over_http: HttpShopBackend, read_only_backend: SqlShopBackend, number: str
) -> None:
    assert await over_http.find_order(number) == await read_only_backend.find_order(number)


async def test_found_order_is_the_whole_record(over_http: HttpShopBackend, read_only_backend: SqlShopBackend) -> None:
    order = await over_http.find_order(SHIPPED.number)
    assert order is not None and order == await read_only_backend.find_order(SHIPPED.number)
    assert order.tracking_url and order.lines and order.created_at.tzinfo is not None


@pytest.mark.parametrize(
    ("number", "proof", "owner_proven"),
    [
        (SHIPPED.number, OWNER.email.upper(), True),
        (SHIPPED.number, OWNER.postcode.replace("-", " "), True),
        (SHIPPED.number, SOMEONE_ELSE.email, False),
        (SHIPPED.number, SOMEONE_ELSE.postcode, False),
        (UNUSED_NUMBER, OWNER.email, False),
    ],
)
async def test_verify_order_owner_matches_sql(
    over_http: HttpShopBackend, read_only_backend: SqlShopBackend, number: str, proof: str, owner_proven: bool
) -> None:
    verified = await over_http.verify_order_owner(number, proof)
    assert verified == await read_only_backend.verify_order_owner(number, proof)
    assert (verified is not None) is owner_proven


@pytest.mark.parametrize("email", [OWNER.email, f" {SOMEONE_ELSE.email.upper()}", "nobody@example.com"])
async def test_orders_of_customer_match_sql(
    over_http: HttpShopBackend, read_only_backend: SqlShopBackend, email: str
) -> None:
    orders = await over_http.orders_of_customer(email)
    assert orders == await read_only_backend.orders_of_customer(email)
    assert bool(orders) is (email != "nobody@example.com")


@pytest.mark.parametrize(
    ("text", "language", "limit"),
    [(PRODUCTS[0].en, "en", 10), (PRODUCTS[3].pl.lower(), "pl", 10), ("koszula", "pl", 1), ("zzzz nothing", "en", 10)],
)
async def test_search_products_matches_sql(
    over_http: HttpShopBackend, read_only_backend: SqlShopBackend, text: str, language: str, limit: int
) -> None:
    found = await over_http.search_products(text, language=language, limit=limit)
    assert found == await read_only_backend.search_products(text, language=language, limit=limit)
    assert len(found) <= limit and bool(found) is (text != "zzzz nothing")


@pytest.mark.parametrize(
    ("sku", "size"),
    [(PRODUCTS[0].sku, None), (PRODUCTS[0].sku, PRODUCTS[0].sizes[1].lower()), (ON_A_SHELF_ONLY, None)],
)
async def test_availability_matches_sql(
    over_http: HttpShopBackend, read_only_backend: SqlShopBackend, sku: str, size: str | None
) -> None:
    stock = await over_http.availability(sku, size)
    assert stock and stock == await read_only_backend.availability(sku, size)


@pytest.mark.parametrize(("sku", "size"), [("NOPE-1", None), (PRODUCTS[0].sku, "XXXL")])
async def test_unknown_product_or_size_is_the_same_error(
    over_http: HttpShopBackend, read_only_backend: SqlShopBackend, sku: str, size: str | None
) -> None:
    over_http_error = await _raised(over_http.availability(sku, size))
    _same_error(over_http_error, await _raised(read_only_backend.availability(sku, size)))
    assert isinstance(over_http_error, UnknownProductError)


async def test_stores_match_sql(over_http: HttpShopBackend, read_only_backend: SqlShopBackend) -> None:
    stores = await over_http.stores()
    assert stores == await read_only_backend.stores()
    assert all(store.opening_hours for store in stores)


# --- the contract for writes, on a fresh shop per test ----------------------------------------------


@pytest.fixture
async def shop_api(backend: SqlShopBackend, aiohttp_server: Any) -> TestServer:
    return await _serve_api(aiohttp_server, backend)


async def test_place_order_over_http_takes_stock_once(
    shop_api: TestServer, backend: SqlShopBackend, http_backend_maker: HttpBackendMaker
) -> None:
    over_http = http_backend_maker(_base_url(shop_api))
    [before] = await backend.availability(PRODUCTS[0].sku, PRODUCTS[0].sizes[0])
    assert before.online >= 2

    order = await over_http.place_order(
        CUSTOMER.email, [(before.variant_sku, 2)], COURIER, placed_by="ewa", customer_name="ignored for a known customer"
    )

    assert order == await backend.find_order(order.number)
    assert order.placed_by == "ewa" and order.lines[0].quantity == 2
    [after] = await backend.availability(before.variant_sku)
    assert after.online == before.online - 2


async def test_reserve_for_pickup_over_http(
    shop_api: TestServer, backend: SqlShopBackend, http_backend_maker: HttpBackendMaker
) -> None:
    over_http = http_backend_maker(_base_url(shop_api))

    order = await over_http.reserve_for_pickup(
        "new.customer@example.com", ON_A_SHELF_ONLY, SHELF_STORE, customer_name="Nowa Klientka", customer_phone="+48 600"
    )

    assert order == await backend.find_order(order.number)
    assert order.status is OrderStatus.READY_FOR_PICKUP and order.pickup_store is not None
    assert order.pickup_store.code == SHELF_STORE and order.customer.name == "Nowa Klientka"


@pytest.mark.parametrize(
    ("lines", "delivery", "email", "error"),
    [
        ([(SOLD_OUT, 1)], COURIER, CUSTOMER.email, OutOfStockError),
        ([("NOPE-1-M", 1)], COURIER, CUSTOMER.email, UnknownProductError),
        ([(ON_A_SHELF_ONLY, 1)], Delivery(method=DeliveryMethod.CLICK_AND_COLLECT, store_code="XXX99"),
         CUSTOMER.email, UnknownStoreError),
        ([(ON_A_SHELF_ONLY, 1)], COURIER, "stranger@example.com", UnknownCustomerError),
        ([(ON_A_SHELF_ONLY, 0)], COURIER, CUSTOMER.email, InvalidOrderError),
        ([], COURIER, CUSTOMER.email, InvalidOrderError),
    ],
)
async def test_refused_orders_raise_the_same_errors_over_http(
    shop_api: TestServer,
    backend: SqlShopBackend,
    http_backend_maker: HttpBackendMaker,
    lines: list[tuple[str, int]],
    delivery: Delivery,
    email: str,
    error: type[ShopError],
) -> None:
    over_http = http_backend_maker(_base_url(shop_api))
    orders_before = await backend.orders_of_customer(email)

    over_http_error = await _raised(over_http.place_order(email, lines, delivery))

    assert isinstance(over_http_error, error)
    _same_error(over_http_error, await _raised(backend.place_order(email, lines, delivery)))
    assert await backend.orders_of_customer(email) == orders_before


async def test_out_of_stock_reservation_keeps_its_fields_over_http(
    shop_api: TestServer, backend: SqlShopBackend, http_backend_maker: HttpBackendMaker
) -> None:
    over_http = http_backend_maker(_base_url(shop_api))
    empty_store = next(code for code, quantity in FIXED_STOCK[ON_A_SHELF_ONLY][1].items() if quantity == 0)

    refused = await _raised(over_http.reserve_for_pickup(CUSTOMER.email, ON_A_SHELF_ONLY, empty_store, 1))

    assert isinstance(refused, OutOfStockError)
    assert (refused.sku, refused.requested, refused.available) == (ON_A_SHELF_ONLY, 1, 0)
    assert refused.product_name("pl") and "store" in refused.where
    _same_error(refused, await _raised(backend.reserve_for_pickup(CUSTOMER.email, ON_A_SHELF_ONLY, empty_store, 1)))


async def test_a_write_whose_answer_is_lost_is_retried_with_its_key_and_applied_once(
    backend: SqlShopBackend, aiohttp_server: Any, http_backend_maker: HttpBackendMaker
) -> None:
    keys_seen: list[str] = []

    @web.middleware
    async def lose_the_first_answer(request: web.Request, handler: Any) -> web.StreamResponse:
        response = await handler(request)  # the shop applies the write...
        if request.method == "POST":
            keys_seen.append(request.headers.get("Idempotency-Key", ""))
            if len(keys_seen) == 1:
                raise web.HTTPBadGateway()  # ...and a gateway loses its answer
        return response

    server = await _serve_api(aiohttp_server, backend, outermost=lose_the_first_answer)
    over_http = http_backend_maker(_base_url(server))
    [before] = await backend.availability(PRODUCTS[0].sku, PRODUCTS[0].sizes[0])
    orders_before = await backend.orders_of_customer(CUSTOMER.email)

    order = await over_http.place_order(CUSTOMER.email, [(before.variant_sku, 1)], COURIER)

    assert len(keys_seen) == 2 and keys_seen[0] and keys_seen[0] == keys_seen[1]
    [after] = await backend.availability(before.variant_sku)
    assert after.online == before.online - 1
    assert [o.number for o in await backend.orders_of_customer(CUSTOMER.email)] == [
        order.number, *(o.number for o in orders_before)
    ]


async def test_the_api_replays_a_write_by_its_key_and_refuses_a_reused_key(shop_api: TestServer) -> None:
    place = {
        "customer_email": CUSTOMER.email,
        "lines": [{"variant_sku": f"{PRODUCTS[0].sku}-{PRODUCTS[0].sizes[0]}", "quantity": 1}],
        "delivery": {"method": "courier", "address": CUSTOMER.address},
    }
    headers = {"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": "order-attempt-1"}
    async with aiohttp.ClientSession(base_url=shop_api.make_url("/")) as session:
        url = f"{API_PREFIX}/orders"
        first = await session.post(url, json=place, headers=headers)
        again = await session.post(url, json=place, headers=headers)
        other = await session.post(url, json={**place, "placed_by": "ewa"}, headers=headers)
        keyless = await session.post(url, json=place, headers={"Authorization": f"Bearer {TOKEN}"})

        assert (first.status, again.status) == (201, 201)
        assert await first.json() == await again.json()
        assert other.status == 422 and (await other.json())["error"]["code"] == "idempotency_key_reused"
        assert keyless.status == 400 and "Idempotency-Key" in (await keyless.json())["error"]["message"]


@pytest.mark.parametrize("token", ["not-the-token", ""])
async def test_a_wrong_token_is_a_clear_error(
    shop_api: TestServer, http_backend_maker: HttpBackendMaker, token: str
) -> None:
    over_http = http_backend_maker(_base_url(shop_api), token=token)
    with pytest.raises(ShopUnavailableError, match=r"stores \(GET /stores\) with HTTP 401: check the shop_api_token"):
        await over_http.stores()


async def test_the_api_refuses_a_bad_search_with_the_reason(shop_api: TestServer) -> None:
    async with aiohttp.ClientSession(base_url=shop_api.make_url("/")) as session:
        response = await session.get(
            f"{API_PREFIX}/products", params={"q": "shirt", "limit": "0"}, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert response.status == 400
        assert "'limit'" in (await response.json())["error"]["message"]



async def test_a_retry_arriving_while_the_first_try_runs_waits_for_its_answer() -> None:
    store = IdempotencyStore()
    first_try_may_finish = asyncio.Event()
    writes_run = 0

    async def write() -> StoredResponse:
        nonlocal writes_run
        writes_run += 1
        await first_try_may_finish.wait()
        return StoredResponse(201, b'{"number": "ORD-20001"}')

    first = asyncio.create_task(store.run_once("key-1", "request-a", write))
    retry = asyncio.create_task(store.run_once("key-1", "request-a", write))
    await asyncio.sleep(0)  # both tries reach the store
    first_try_may_finish.set()

    assert await first == await retry == StoredResponse(201, b'{"number": "ORD-20001"}')
    assert writes_run == 1


async def test_a_write_that_failed_without_an_answer_runs_again_on_retry() -> None:
    store = IdempotencyStore()
    outcomes: list[StoredResponse | Exception] = [RuntimeError("database went away"), StoredResponse(201, b"{}")]

    async def write() -> StoredResponse:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    with pytest.raises(RuntimeError):
        await store.run_once("key-1", "request-a", write)
    assert await store.run_once("key-1", "request-a", write) == StoredResponse(201, b"{}")
    assert outcomes == []

# --- a faulty shop: slow, failing, garbling, misshapen ------------------------------------------------

Answer = Callable[[web.Request], Awaitable[web.StreamResponse]]
STORE = Store(code="WAW01", name="Centrum", city="Warszawa", address="ul. X 1", postcode="00-001",
              time_zone="Europe/Warsaw", opening_hours=())
STORES_JSON = {"stores": [STORE.model_dump(mode="json")]}
AN_ORDER = Order(
    number="ORD-20001", status=OrderStatus.PLACED,
    customer=Customer(email=CUSTOMER.email, name=CUSTOMER.name, phone=None, postcode=CUSTOMER.postcode),
    delivery_method=DeliveryMethod.COURIER, pickup_store=None, delivery_address=CUSTOMER.address,
    postcode=CUSTOMER.postcode, carrier=None, tracking_url=None, expected_date=None, hold_until=None,
    delivered_on=None, refund_method=None, refund_state=None, total=Money(amount_minor=5999), lines=(),
    placed_by=None, created_at=datetime(2025, 3, 12, tzinfo=timezone.utc), updated_at=datetime(2025, 3, 12, tzinfo=timezone.utc),
)


@dataclass
class FaultyShop:
    """A stand-in shop API giving the answers in turn (the last one again and again), counting requests."""

    answers: list[Answer] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)  # lets slow answers finish

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.method, request.path, dict(request.headers)))
        return await self.answers[min(len(self.requests), len(self.answers)) - 1](request)

    async def slow(self, request: web.Request) -> web.StreamResponse:
        await self.release.wait()
        return web.json_response(STORES_JSON)


def status(code: int, body: Any = None) -> Answer:
    async def answer(request: web.Request) -> web.StreamResponse:
        return web.json_response(body, status=code) if body is not None else web.Response(status=code)
    return answer


def raw(text: str, code: int = 200) -> Answer:
    async def answer(request: web.Request) -> web.StreamResponse:
        return web.Response(text=text, status=code, content_type="application/json")
    return answer


@pytest.fixture
async def faulty(aiohttp_server: Any, http_backend_maker: HttpBackendMaker) -> AsyncIterator[tuple[FaultyShop, HttpShopBackend]]:
    shop = FaultyShop()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", shop.handle)
    server = await aiohttp_server(app)
    yield shop, http_backend_maker(str(server.make_url("/api")), timeout_seconds=0.2, retries=2)
    shop.release.set()  # before the server closes, which waits for its handlers


async def test_a_slow_shop_times_out_on_every_try(faulty: tuple[FaultyShop, HttpShopBackend]) -> None:
    shop, client = faulty
    shop.answers = [shop.slow]
    with pytest.raises(ShopUnavailableError, match=r"did not answer stores \(GET /stores\) after 3 tries: timed out after 0.2 s"):
        await client.stores()
    assert len(shop.requests) == 3


async def test_a_failing_shop_is_tried_again_then_unavailable(faulty: tuple[FaultyShop, HttpShopBackend]) -> None:
    shop, client = faulty
    shop.answers = [status(500)]
    with pytest.raises(ShopUnavailableError, match=r"after 3 tries: HTTP 500"):
        await client.availability("TSH-100")
    assert [path for _, path, _ in shop.requests] == ["/api/products/TSH-100/availability"] * 3


async def test_garbled_json_is_tried_again_then_unavailable(faulty: tuple[FaultyShop, HttpShopBackend]) -> None:
    shop, client = faulty
    shop.answers = [raw('{"stores": [')]
    with pytest.raises(ShopUnavailableError, match=r"after 3 tries: invalid JSON: "):
        await client.stores()
    assert len(shop.requests) == 3


async def test_json_of_the_wrong_shape_names_the_field_and_is_not_retried(
    faulty: tuple[FaultyShop, HttpShopBackend],
) -> None:
    shop, client = faulty
    misshapen = {"stores": [{**STORE.model_dump(mode="json"), "opening_hours": [{"weekday": 9, "opens": "10:00"}]}]}
    shop.answers = [status(200, misshapen)]
    with pytest.raises(ShopUnavailableError, match=r"does not fit StoreList: stores\.0\.opening_hours\.0\.weekday: .*"
                                                    r"stores\.0\.opening_hours\.0\.closes: Field required"):
        await client.stores()
    assert len(shop.requests) == 1


async def test_a_shop_failing_twice_then_answering_is_retried(faulty: tuple[FaultyShop, HttpShopBackend]) -> None:
    shop, client = faulty
    shop.answers = [status(503), shop.slow, status(200, STORES_JSON)]
    assert await client.stores() == [STORE]
    assert len(shop.requests) == 3
    assert {headers["Authorization"] for _, _, headers in shop.requests} == {f"Bearer {TOKEN}"}


async def test_a_write_keeps_one_idempotency_key_for_all_its_tries(faulty: tuple[FaultyShop, HttpShopBackend]) -> None:
    shop, client = faulty
    shop.answers = [status(502), raw("<html>Bad gateway</html>"), status(201, AN_ORDER.model_dump(mode="json"))]

    assert await client.place_order(CUSTOMER.email, [("TSH-100-S", 1)], COURIER) == AN_ORDER

    keys = [headers.get("Idempotency-Key") for _, _, headers in shop.requests]
    assert len(keys) == 3 and keys[0] and len(set(keys)) == 1
    second = await client.place_order(CUSTOMER.email, [("TSH-100-S", 1)], COURIER)
    assert second == AN_ORDER and shop.requests[-1][2]["Idempotency-Key"] != keys[0], "a new write, a new key"


async def test_a_refusal_is_final_and_keeps_its_fields(faulty: tuple[FaultyShop, HttpShopBackend]) -> None:
    shop, client = faulty
    fields = {"sku": "TSH-100-S", "product_names": {"en": "T-shirt", "pl": "Koszulka"}, "size": "S",
              "requested": 2, "available": 1, "where": "online"}
    shop.answers = [status(409, error_body("out_of_stock", "not enough", **fields))]

    refused = await _raised(client.place_order(CUSTOMER.email, [("TSH-100-S", 2)], COURIER))

    assert isinstance(refused, OutOfStockError)
    assert (refused.sku, refused.size, refused.requested, refused.available, refused.where) == (
        "TSH-100-S", "S", 2, 1, "online")
    assert refused.product_name("pl") == "Koszulka"
    assert len(shop.requests) == 1


async def test_no_such_order_needs_the_shops_error_code(faulty: tuple[FaultyShop, HttpShopBackend]) -> None:
    shop, client = faulty
    shop.answers = [status(404, error_body("order_not_found", "no such order"))]
    assert await client.find_order("ORD-10234") is None

    shop.answers = [status(404)]  # a bare 404: a wrong base URL, not a missing order
    shop.requests.clear()
    with pytest.raises(ShopUnavailableError, match="HTTP 404 and no error body.*is shop_api_url right"):
        await client.find_order("ORD-10234")


async def test_a_shop_that_is_not_listening_is_unavailable(http_backend_maker: HttpBackendMaker) -> None:
    client = http_backend_maker(f"http://127.0.0.1:{free_port()}", retries=1)
    with pytest.raises(ShopUnavailableError, match=r"after 2 tries: connection failed"):
        await client.stores()


async def test_retries_are_logged_without_personal_data(
    faulty: tuple[FaultyShop, HttpShopBackend], caplog: pytest.LogCaptureFixture
) -> None:
    shop, client = faulty
    shop.answers = [status(500)]
    caplog.set_level(logging.WARNING, logger="bot.shop.http")

    with pytest.raises(ShopUnavailableError) as lookup:
        await client.verify_order_owner("ORD-10234", CUSTOMER.email)
    with pytest.raises(ShopUnavailableError) as listing:
        await client.orders_of_customer(CUSTOMER.email)

    retries = [record.getMessage() for record in caplog.records if "retry" in record.getMessage()]
    assert len(retries) == 4
    assert "ORD-***34" in retries[0] and "HTTP 500" in retries[0]
    everything = "\n".join([*retries, str(lookup.value), str(listing.value)])
    assert "10234" not in everything
    assert CUSTOMER.email.split("@")[0] not in everything


def test_construction_is_cheap_and_checks_the_url() -> None:
    # No running loop here: a session made in __init__ would fail or belong to no loop.
    HttpShopBackend("https://shop.example.com/doradca/v1", token="t")
    with pytest.raises(SettingsError, match="shop_api_url"):
        HttpShopBackend("")


# --- `python -m bot.shop serve-api` as a shop without an API runs it ----------------------------------


def _serve_api_environment(database_url: str, tmp_path: Path, token: str) -> dict[str, str]:
    return {
        **os.environ,
        "DORADCA_SETTINGS": str(tmp_path / "none.yml"),
        "DORADCA_VAR_DIR": str(tmp_path / "var"),
        "DORADCA_DATABASE_URL": database_url,
        "DORADCA_SHOP_API_TOKEN": token,
        "PYTHONUNBUFFERED": "1",  # so the "Running on" line arrives when it is printed
    }


async def test_serve_api_command_serves_the_shop_database(
    backend: SqlShopBackend, database_url: str, tmp_path: Path, http_backend_maker: HttpBackendMaker
) -> None:
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.shop", "serve-api", "--host", "127.0.0.1", "--port", str(port),
        cwd=PROJECT_ROOT, env=_serve_api_environment(database_url, tmp_path, TOKEN),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    try:
        assert server.stdout is not None
        output = b""
        while b"Running on" not in output and not server.stdout.at_eof():
            output += await asyncio.wait_for(server.stdout.readline(), timeout=60)
        assert b"Running on" in output, output.decode()

        over_http = http_backend_maker(f"http://127.0.0.1:{port}")
        assert await over_http.stores() == await backend.stores()
        assert await over_http.verify_order_owner(SHIPPED.number, OWNER.postcode) == await backend.find_order(
            SHIPPED.number
        )
    finally:
        server.terminate()
        await server.wait()


def test_serve_api_command_refuses_to_run_without_a_token(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.shop", "serve-api", "--port", str(free_port())],
        cwd=PROJECT_ROOT, env=_serve_api_environment("sqlite://", tmp_path, ""),
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert "shop_api_token" in result.stderr
