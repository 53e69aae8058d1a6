"""The shop REST API of docs/shop-api.md, served from any ShopBackend.

Two uses: a shop without an API of its own can run our SQL backend behind it
(`python -m bot.shop serve-api`), and the HTTP client is tested against a real server that
speaks exactly the documented API.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from bot.shop.api_wire import (
    IDEMPOTENCY_KEY_HEADER,
    IDEMPOTENCY_KEY_REUSED,
    INVALID_REQUEST,
    ORDER_NOT_FOUND,
    STATUS_OF_CODE,
    UNAUTHORIZED,
    UNAVAILABLE,
    UNKNOWN_PRODUCT,
    AvailabilityList,
    OrderList,
    PickupReservationRequest,
    PlaceOrderRequest,
    ProductList,
    StoreList,
    VerifyOwnerRequest,
    describe_validation_error,
    error_body,
    shop_error_body,
)
from bot.shop.backend import ShopBackend
from bot.shop.errors import ShopError, ShopUnavailableError, UnknownProductError

MAX_SEARCH_LIMIT = 100
# Writes remembered for replay; a retry comes within seconds, so the newest ten thousand are plenty.
IDEMPOTENCY_CAPACITY = 10_000

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Body = TypeVar("Body", bound=BaseModel)


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: bytes


class _WriteUnfinished(Exception):
    """The first try of a write failed without an answer; a retry waiting on it runs the write itself."""


@dataclass(frozen=True)
class _Remembered:
    fingerprint: str
    response: asyncio.Future[StoredResponse]


class IdempotencyStore:
    """Idempotency-Key -> the response of the write it first came with, the newest `capacity` kept.

    A retry that arrives while the first try is still running (the client timed out, the shop did
    not) waits for that try's response instead of applying the write a second time.
    """

    def __init__(self, capacity: int = IDEMPOTENCY_CAPACITY) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[str, _Remembered] = OrderedDict()

    async def run_once(
        self, key: str, fingerprint: str, write: Callable[[], Awaitable[StoredResponse]]
    ) -> StoredResponse | None:
        """The response of the write under `key`, running `write` only if no earlier try answered;
        None if the key came before with a different request."""
        while (known := self._entries.get(key)) is not None:
            if known.fingerprint != fingerprint:
                return None
            try:
                return await asyncio.shield(known.response)
            except _WriteUnfinished:
                continue
        response: asyncio.Future[StoredResponse] = asyncio.get_running_loop().create_future()
        self._entries[key] = _Remembered(fingerprint, response)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
        try:
            stored = await write()
        except BaseException:
            # Forgotten, so a retry is free to run the write again (it was not applied, or rolled back).
            self._entries.pop(key, None)
            response.set_exception(_WriteUnfinished())
            response.exception()  # marks it retrieved: no waiter is not a bug
            raise
        if stored.status >= 500:
            self._entries.pop(key, None)  # the shop failed, it did not answer: a retry runs it again
        response.set_result(stored)
        return stored


BACKEND = web.AppKey("shop_backend", ShopBackend)
TOKEN = web.AppKey("shop_api_token", str)
IDEMPOTENCY = web.AppKey("shop_idempotency", IdempotencyStore)


def create_shop_api_app(backend: ShopBackend, token: str) -> web.Application:
    """The shop API on `backend`, answering only requests with `Authorization: Bearer <token>`."""
    if not token:
        raise ValueError("the shop API needs a token: an API without one would hand orders to anyone")
    app = web.Application(middlewares=[_bearer_token, _errors_as_json])
    app[BACKEND] = backend
    app[TOKEN] = token
    app[IDEMPOTENCY] = IdempotencyStore()
    app.router.add_get("/orders/{number}", _find_order)
    app.router.add_post("/orders/{number}/verify", _verify_order_owner)
    app.router.add_get("/customers/{email}/orders", _orders_of_customer)
    app.router.add_get("/products", _search_products)
    app.router.add_get("/products/{sku}/availability", _availability)
    app.router.add_get("/stores", _stores)
    app.router.add_post("/orders", _place_order)
    app.router.add_post("/pickup-reservations", _reserve_for_pickup)
    return app


# --- middlewares ----------------------------------------------------------------------------------


@web.middleware
async def _bearer_token(request: web.Request, handler: Handler) -> web.StreamResponse:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), request.app[TOKEN].encode()):
        return web.json_response(
            error_body(UNAUTHORIZED, "missing or wrong bearer token"),
            status=401,
            headers={"WWW-Authenticate": 'Bearer realm="shop"'},
        )
    return await handler(request)


class _BadRequest(Exception):
    """The request does not follow docs/shop-api.md; the message says which part."""


@web.middleware
async def _errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except _BadRequest as error:
        return web.json_response(error_body(INVALID_REQUEST, str(error)), status=400)
    except ShopUnavailableError as error:
        return web.json_response(error_body(UNAVAILABLE, str(error)), status=503)
    except ShopError as error:
        return _shop_error_response(error)


def _shop_error_response(error: ShopError, status: int | None = None) -> web.Response:
    body = shop_error_body(error)
    if body is None:
        raise error
    return web.json_response(body, status=status or STATUS_OF_CODE[body["error"]["code"]])


# --- reads ----------------------------------------------------------------------------------------


def _order_not_found() -> web.Response:
    # The same answer for "no such order" and "not its owner", so order numbers cannot be probed.
    return web.json_response(error_body(ORDER_NOT_FOUND, "no order with this number and e-mail or postcode"), status=404)


def _record(model: BaseModel, status: int = 200) -> web.Response:
    return web.json_response(text=model.model_dump_json(), status=status)


async def _find_order(request: web.Request) -> web.Response:
    order = await request.app[BACKEND].find_order(request.match_info["number"])
    return _record(order) if order else _order_not_found()


async def _verify_order_owner(request: web.Request) -> web.Response:
    proof = await _body(request, VerifyOwnerRequest)
    order = await request.app[BACKEND].verify_order_owner(request.match_info["number"], proof.email_or_postcode)
    return _record(order) if order else _order_not_found()


async def _orders_of_customer(request: web.Request) -> web.Response:
    orders = await request.app[BACKEND].orders_of_customer(request.match_info["email"])
    return _record(OrderList(orders=tuple(orders)))


async def _search_products(request: web.Request) -> web.Response:
    text = request.query.get("q")
    if text is None:
        raise _BadRequest("the query parameter 'q' (the words to search for) is missing")
    limit_text = request.query.get("limit", "10")
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_SEARCH_LIMIT:
        raise _BadRequest(f"the query parameter 'limit' must be a whole number from 1 to {MAX_SEARCH_LIMIT}")
    products = await request.app[BACKEND].search_products(
        text, language=request.query.get("language", "en"), limit=int(limit_text)
    )
    return _record(ProductList(products=tuple(products)))


async def _availability(request: web.Request) -> web.Response:
    try:
        stock = await request.app[BACKEND].availability(request.match_info["sku"], request.query.get("size"))
    except UnknownProductError as error:
        return _shop_error_response(error, status=404)  # the URL names the product, so: not found
    return _record(AvailabilityList(availability=tuple(stock)))


async def _stores(request: web.Request) -> web.Response:
    return _record(StoreList(stores=tuple(await request.app[BACKEND].stores())))


# --- writes ---------------------------------------------------------------------------------------


async def _place_order(request: web.Request) -> web.StreamResponse:
    placing = await _body(request, PlaceOrderRequest)

    async def place() -> web.Response:
        order = await request.app[BACKEND].place_order(
            placing.customer_email,
            [(line.variant_sku, line.quantity) for line in placing.lines],
            placing.delivery,
            placed_by=placing.placed_by,
            customer_name=placing.customer_name,
            customer_phone=placing.customer_phone,
            customer_postcode=placing.customer_postcode,
        )
        return _record(order, status=201)

    return await _idempotent(request, place)


async def _reserve_for_pickup(request: web.Request) -> web.StreamResponse:
    reserving = await _body(request, PickupReservationRequest)

    async def reserve() -> web.Response:
        order = await request.app[BACKEND].reserve_for_pickup(
            reserving.customer_email,
            reserving.variant_sku,
            reserving.store_code,
            reserving.quantity,
            placed_by=reserving.placed_by,
            customer_name=reserving.customer_name,
            customer_phone=reserving.customer_phone,
        )
        return _record(order, status=201)

    return await _idempotent(request, reserve)


async def _idempotent(request: web.Request, write: Callable[[], Awaitable[web.Response]]) -> web.Response:
    key = request.headers.get(IDEMPOTENCY_KEY_HEADER, "").strip()
    if not key:
        raise _BadRequest(f"a write needs an {IDEMPOTENCY_KEY_HEADER} header, so that a retry is not applied twice")
    fingerprint = hashlib.sha256(f"{request.method} {request.path}\n".encode() + await request.read()).hexdigest()

    async def write_and_store() -> StoredResponse:
        try:
            response = await write()
        except ShopUnavailableError as error:
            response = web.json_response(error_body(UNAVAILABLE, str(error)), status=503)
        except ShopError as error:
            response = _shop_error_response(error)  # a refusal is an answer too: replayed, not re-run
        assert response.body is not None and isinstance(response.body, bytes)
        return StoredResponse(response.status, response.body)

    stored = await request.app[IDEMPOTENCY].run_once(key, fingerprint, write_and_store)
    if stored is None:
        return web.json_response(
            error_body(IDEMPOTENCY_KEY_REUSED, f"this {IDEMPOTENCY_KEY_HEADER} came before with a different request"),
            status=422,
        )
    return web.Response(body=stored.body, status=stored.status, content_type="application/json")


# --- request bodies -------------------------------------------------------------------------------


async def _body(request: web.Request, model: type[Body]) -> Body:
    try:
        data: Any = await request.json()
    except ValueError as error:
        raise _BadRequest(f"the body is not JSON: {error}") from error
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _BadRequest(f"the body does not fit {model.__name__}: {describe_validation_error(error)}") from error

