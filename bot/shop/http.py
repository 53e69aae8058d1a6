"""The shop backend on a shop's own REST API (docs/shop-api.md), through aiohttp.

Every call either returns records validated from the shop's JSON, raises the ShopError the shop
answered with (out of stock, unknown product...), or raises ShopUnavailableError saying which call
failed and how. Timeouts, dropped connections, 5xx answers and garbled JSON are retried a few times
with a short exponential backoff; writes carry one Idempotency-Key for all their tries, so a retry
after a lost answer cannot place an order twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

import aiohttp
from pydantic import BaseModel, ValidationError
from yarl import URL

from bot.privacy import mask_pii
from bot.settings import SettingsError
from bot.shop.api_wire import (
    IDEMPOTENCY_KEY_HEADER,
    ORDER_NOT_FOUND,
    AvailabilityList,
    ErrorBody,
    OrderLineRequest,
    OrderList,
    PickupReservationRequest,
    PlaceOrderRequest,
    ProductList,
    StoreList,
    VerifyOwnerRequest,
    describe_validation_error,
    shop_error_from_body,
)
from bot.shop.errors import ShopError, ShopUnavailableError
from bot.shop.records import Availability, Delivery, Order, Product, Store
from bot.shop.text import normalise_order_number

log = logging.getLogger(__name__)

Answer = TypeVar("Answer", bound=BaseModel)

# 429 and the 5xx a proxy or an overloaded shop gives are worth another try; other refusals are final.
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BACKOFF_SECONDS = 2.0


@dataclass(frozen=True)
class _Call:
    """One call to the shop API, and how to name it in logs and errors without personal data."""

    name: str
    method: str
    path: tuple[str, ...]
    shown_path: str
    params: dict[str, str] | None = None
    body: dict[str, Any] | None = None
    idempotency_key: str | None = None
    customer_email: str = field(default="", repr=False)

    def __str__(self) -> str:
        return f"{self.name} ({self.method} {self.shown_path})"


@dataclass(frozen=True)
class _Reply:
    status: int
    body: Any  # parsed JSON; None when a refusal's body was not JSON


class _WorthRetrying(Exception):
    """One try failed in a way another try may not: timeout, lost connection, 5xx, garbled JSON."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class HttpShopBackend:
    """ShopBackend on a shop's REST API. Cheap to create; the HTTP session opens on the first call."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str = "",
        timeout_seconds: float = 5.0,
        retries: int = 2,
        backoff_seconds: float = 0.2,
    ) -> None:
        url = URL(base_url.strip())
        if url.scheme not in ("http", "https") or not url.host:
            # A settings problem (shop_backend http without a URL): the CLIs print it as one line.
            raise SettingsError(f"shop_api_url must be the http(s) base URL of the shop's API, not {base_url!r}")
        if timeout_seconds <= 0 or retries < 0 or backoff_seconds < 0:
            raise ValueError("timeout_seconds must be positive, retries and backoff_seconds not negative")
        self._base_url = str(url).rstrip("/")
        self._token = token
        self._timeout_seconds = timeout_seconds
        self._retries = retries
        self._backoff_seconds = backoff_seconds
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    # --- the ShopBackend protocol -------------------------------------------------------------

    async def find_order(self, number: str) -> Order | None:
        canonical = normalise_order_number(number)
        if canonical is None:  # cannot be an order number: no need to ask
            return None
        call = _Call("find_order", "GET", ("orders", canonical), f"/orders/{mask_pii(canonical)}")
        return await self._order_or_none(call)

    async def verify_order_owner(self, number: str, email_or_postcode: str) -> Order | None:
        canonical = normalise_order_number(number)
        if canonical is None:
            return None
        call = _Call(
            "verify_order_owner",
            "POST",  # the e-mail or postcode goes in the body, never in a URL that access logs keep
            ("orders", canonical, "verify"),
            f"/orders/{mask_pii(canonical)}/verify",
            body=VerifyOwnerRequest(email_or_postcode=email_or_postcode).model_dump(mode="json"),
        )
        return await self._order_or_none(call)

    async def orders_of_customer(self, email: str) -> list[Order]:
        call = _Call("orders_of_customer", "GET", ("customers", email.strip(), "orders"), "/customers/***/orders")
        return list((await self._ask(call, OrderList)).orders)

    async def search_products(self, text: str, language: str = "en", limit: int = 10) -> list[Product]:
        call = _Call(
            "search_products",
            "GET",
            ("products",),
            "/products",
            params={"q": text, "language": language, "limit": str(limit)},
        )
        return list((await self._ask(call, ProductList)).products)

    async def availability(self, sku: str, size: str | None = None) -> list[Availability]:
        sku = sku.strip()
        call = _Call(
            "availability",
            "GET",
            ("products", sku, "availability"),
            f"/products/{sku}/availability",
            params={"size": size} if size is not None else None,
        )
        return list((await self._ask(call, AvailabilityList)).availability)

    async def stores(self) -> list[Store]:
        return list((await self._ask(_Call("stores", "GET", ("stores",), "/stores"), StoreList)).stores)

    async def place_order(
        self,
        customer_email: str,
        lines: Sequence[tuple[str, int]],
        delivery: Delivery,
        *,
        placed_by: str | None = None,
        customer_name: str | None = None,
        customer_phone: str | None = None,
        customer_postcode: str | None = None,
    ) -> Order:
        request = PlaceOrderRequest(
            customer_email=customer_email,
            lines=tuple(OrderLineRequest(variant_sku=sku, quantity=quantity) for sku, quantity in lines),
            delivery=delivery,
            placed_by=placed_by,
            customer_name=customer_name,
            customer_phone=customer_phone,
            customer_postcode=customer_postcode,
        )
        return await self._write(_Call("place_order", "POST", ("orders",), "/orders"), request, customer_email)

    async def reserve_for_pickup(
        self,
        customer_email: str,
        variant_sku: str,
        store_code: str,
        quantity: int = 1,
        *,
        placed_by: str | None = None,
        customer_name: str | None = None,
        customer_phone: str | None = None,
    ) -> Order:
        request = PickupReservationRequest(
            customer_email=customer_email,
            variant_sku=variant_sku,
            store_code=store_code,
            quantity=quantity,
            placed_by=placed_by,
            customer_name=customer_name,
            customer_phone=customer_phone,
        )
        call = _Call("reserve_for_pickup", "POST", ("pickup-reservations",), "/pickup-reservations")
        return await self._write(call, request, customer_email)

    # --- one call: tries, answers and refusals -----------------------------------------------

    async def _write(self, call: _Call, request: BaseModel, customer_email: str) -> Order:
        # One key for every try of this write: the shop applies it once and replays its answer.
        write = _Call(
            call.name,
            call.method,
            call.path,
            call.shown_path,
            body=request.model_dump(mode="json"),
            idempotency_key=uuid.uuid4().hex,
            customer_email=customer_email,
        )
        return await self._ask(write, Order)

    async def _order_or_none(self, call: _Call) -> Order | None:
        reply = await self._send(call)
        if reply.status == 404 and _error_code(reply.body) == ORDER_NOT_FOUND:
            return None
        return self._answer(call, reply, Order)

    async def _ask(self, call: _Call, model: type[Answer]) -> Answer:
        return self._answer(call, await self._send(call), model)

    def _answer(self, call: _Call, reply: _Reply, model: type[Answer]) -> Answer:
        if not 200 <= reply.status < 300:
            raise self._refusal(call, reply)
        try:
            return model.model_validate(reply.body)
        except ValidationError as error:
            raise ShopUnavailableError(
                f"the shop API's answer to {call} does not fit {model.__name__}: {describe_validation_error(error)}"
            ) from error

    def _refusal(self, call: _Call, reply: _Reply) -> ShopError:
        if reply.status in (401, 403):
            return ShopUnavailableError(
                f"the shop API refused {call} with HTTP {reply.status}: check the shop_api_token setting"
            )
        try:
            detail = ErrorBody.model_validate(reply.body).error
        except ValidationError:
            return ShopUnavailableError(
                f"the shop API refused {call} with HTTP {reply.status} and no error body of docs/shop-api.md "
                "(is shop_api_url right?)"
            )
        try:
            error = shop_error_from_body(detail, customer_email=call.customer_email)
        except ValidationError as invalid:
            return ShopUnavailableError(
                f"the shop API's {detail.code} error for {call} lacks fields: {describe_validation_error(invalid)}"
            )
        if error is not None:
            return error
        return ShopUnavailableError(
            f"the shop API refused {call} with HTTP {reply.status}: {detail.code}: {detail.message}"
        )

    async def _send(self, call: _Call) -> _Reply:
        tries = self._retries + 1
        reason = ""
        for attempt in range(tries):
            try:
                return await self._try_once(call)
            except _WorthRetrying as failure:
                reason = failure.reason
            if attempt + 1 < tries:
                delay = min(self._backoff_seconds * 2**attempt, MAX_BACKOFF_SECONDS)
                log.warning("shop API %s failed: %s; retry %d of %d in %.2f s", call, reason, attempt + 1, self._retries, delay)
                await asyncio.sleep(delay)
        raise ShopUnavailableError(
            f"the shop API did not answer {call} after {tries} {'try' if tries == 1 else 'tries'}: {reason}"
        )

    async def _try_once(self, call: _Call) -> _Reply:
        headers = {IDEMPOTENCY_KEY_HEADER: call.idempotency_key} if call.idempotency_key else {}
        try:
            async with self._client_session().request(
                call.method,
                self._url(call.path),
                params=call.params,
                json=call.body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self._timeout_seconds),
            ) as response:
                status = response.status
                raw = await response.read()
        except TimeoutError as error:  # aiohttp's own timeouts subclass it too
            raise _WorthRetrying(f"timed out after {self._timeout_seconds} s") from error
        except aiohttp.ClientConnectionError as error:
            raise _WorthRetrying(f"connection failed: {error.__class__.__name__}: {error}") from error
        except aiohttp.ClientError as error:
            raise _WorthRetrying(f"{error.__class__.__name__}: {error}") from error
        if status in RETRYABLE_STATUSES:
            raise _WorthRetrying(f"HTTP {status}")
        try:
            body = json.loads(raw)
        except ValueError as error:
            if 200 <= status < 300:
                # A cut-off or garbled body (a proxy's HTML page, a dropped connection) may come right next time.
                raise _WorthRetrying(f"invalid JSON: {error}") from error
            body = None
        return _Reply(status, body)

    def _url(self, path: tuple[str, ...]) -> URL:
        # Each segment fully percent-encoded ('/' too), so an e-mail or SKU stays one segment.
        return URL(self._base_url + "/" + "/".join(quote(segment, safe="@") for segment in path), encoded=True)

    def _client_session(self) -> aiohttp.ClientSession:
        # Made inside the running loop on first use: a ClientSession belongs to the loop it was made in,
        # and the backend is built (by the factory) before any loop runs. A new loop gets a new session.
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._session_loop is not loop:
            headers = {"Accept": "application/json", "User-Agent": "Doradca shop client"}
            if self._token:
                headers["Authorization"] = f"Bearer {self._token}"
            self._session = aiohttp.ClientSession(headers=headers)
            self._session_loop = loop
        return self._session


def _error_code(body: Any) -> str | None:
    try:
        return ErrorBody.model_validate(body).error.code
    except ValidationError:
        return None
