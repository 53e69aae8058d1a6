"""The JSON of the shop REST API (docs/shop-api.md): request bodies, list envelopes and error bodies.

One module for both sides, so the client (bot.shop.http) and the server (bot.shop.api_server) cannot
drift apart: a field renamed here is renamed for both, and the contract tests catch the rest.
Records themselves (bot.shop.records) are the response bodies as they are.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.shop.errors import (
    InvalidOrderError,
    OutOfStockError,
    ShopError,
    UnknownCustomerError,
    UnknownProductError,
    UnknownStoreError,
)
from bot.shop.records import Availability, Delivery, Order, Product, Store

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"

# The `code` of an error body. The client decides by the code, never by the status alone: a bare 404
# from a proxy or a wrong base URL must not read as "no such order".
ORDER_NOT_FOUND = "order_not_found"
OUT_OF_STOCK = "out_of_stock"
UNKNOWN_PRODUCT = "unknown_product"
UNKNOWN_STORE = "unknown_store"
UNKNOWN_CUSTOMER = "unknown_customer"
INVALID_ORDER = "invalid_order"
INVALID_REQUEST = "invalid_request"
UNAUTHORIZED = "unauthorized"
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
UNAVAILABLE = "unavailable"


class WireModel(BaseModel):
    model_config = ConfigDict(frozen=True)


# --- request bodies -------------------------------------------------------------------------------


class VerifyOwnerRequest(WireModel):
    email_or_postcode: str


class OrderLineRequest(WireModel):
    variant_sku: str
    quantity: int


class PlaceOrderRequest(WireModel):
    customer_email: str
    lines: tuple[OrderLineRequest, ...]
    delivery: Delivery
    placed_by: str | None = None
    customer_name: str | None = None
    customer_phone: str | None = None
    customer_postcode: str | None = None


class PickupReservationRequest(WireModel):
    customer_email: str
    variant_sku: str
    store_code: str
    quantity: int = 1
    placed_by: str | None = None
    customer_name: str | None = None
    customer_phone: str | None = None


# --- response envelopes ---------------------------------------------------------------------------
# Lists come wrapped in an object, so a shop can add fields (paging, say) without breaking us.


class OrderList(WireModel):
    orders: tuple[Order, ...]


class ProductList(WireModel):
    products: tuple[Product, ...]


class AvailabilityList(WireModel):
    availability: tuple[Availability, ...]


class StoreList(WireModel):
    stores: tuple[Store, ...]


# --- errors ---------------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    # Extra fields carry what the code needs (out_of_stock's sku, size, ...).
    model_config = ConfigDict(extra="allow", frozen=True)

    code: str
    message: str = ""


class ErrorBody(WireModel):
    error: ErrorDetail


def error_body(code: str, message: str, **fields: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **fields}}


# Default status of each ShopError's code; GET /products/{sku}/availability answers 404 instead of 422.
STATUS_OF_CODE = {
    OUT_OF_STOCK: 409,
    UNKNOWN_PRODUCT: 422,
    UNKNOWN_STORE: 422,
    UNKNOWN_CUSTOMER: 422,
    INVALID_ORDER: 422,
}


def shop_error_body(error: ShopError) -> dict[str, Any] | None:
    """The error body for one of the ShopErrors a shop refuses a request with; None for any other."""
    if isinstance(error, OutOfStockError):
        return error_body(
            OUT_OF_STOCK,
            str(error),
            sku=error.sku,
            product_names=error.product_names,
            size=error.size,
            requested=error.requested,
            available=error.available,
            where=error.where,
        )
    if isinstance(error, UnknownProductError):
        return error_body(UNKNOWN_PRODUCT, str(error), sku=error.sku)
    if isinstance(error, UnknownStoreError):
        return error_body(UNKNOWN_STORE, str(error), store_code=error.code)
    if isinstance(error, UnknownCustomerError):
        return error_body(UNKNOWN_CUSTOMER, str(error))
    if isinstance(error, InvalidOrderError):
        return error_body(INVALID_ORDER, str(error))
    return None


class _OutOfStockFields(BaseModel):
    sku: str
    product_names: dict[str, str]
    size: str
    requested: int
    available: int
    where: str


def shop_error_from_body(detail: ErrorDetail, *, customer_email: str = "") -> ShopError | None:
    """The ShopError an error body stands for, or None if its code is not one of them.

    `customer_email` is what we sent: unknown_customer's body need not repeat it.
    Raises ValidationError when an out_of_stock body lacks its fields.
    """
    fields: dict[str, Any] = detail.model_extra or {}
    if detail.code == OUT_OF_STOCK:
        stock = _OutOfStockFields.model_validate(fields)
        return OutOfStockError(
            sku=stock.sku,
            product_names=stock.product_names,
            size=stock.size,
            requested=stock.requested,
            available=stock.available,
            where=stock.where,
        )
    if detail.code == UNKNOWN_PRODUCT:
        return UnknownProductError(str(fields.get("sku", "")))
    if detail.code == UNKNOWN_STORE:
        return UnknownStoreError(str(fields.get("store_code", "")))
    if detail.code == UNKNOWN_CUSTOMER:
        return UnknownCustomerError(customer_email)
    if detail.code == INVALID_ORDER:
        return InvalidOrderError(detail.message or "the shop refused the order as malformed")
    return None


def describe_validation_error(error: ValidationError) -> str:
    """ "stores.0.name: Field required; ..." — the fields at fault, without the values (they may be personal)."""
    problems = [
        f"{'.'.join(str(part) for part in problem['loc']) or '(body)'}: {problem['msg']}"
        for problem in error.errors(include_url=False, include_input=False)
    ]
    shown = problems[:3] + ([f"and {len(problems) - 3} more"] if len(problems) > 3 else [])
    return "; ".join(shown)
