"""What a consultant looks up or does for the customer: FAQ answers, orders, products, a new order."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from bot.console.auth import signed_in
from bot.console.state import FAQ, SHOP
from bot.shop.errors import ShopError
from bot.shop.records import Delivery

_LANGUAGES = ("en", "pl", "ro")
MAX_ORDER_LINES = 50


def _error(message: str, status: int = 400) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def faq(request: web.Request) -> web.Response:
    query = request.query.get("q", "")
    language = request.query.get("lang", "en")
    if language not in _LANGUAGES:
        return _error(f"Unknown language {language!r}: use en, pl or ro.")
    hits = await asyncio.to_thread(request.app[FAQ].search, query, language)
    return web.json_response(
        {"items": [{"id": h.id, "question": h.question, "answer": h.answer, "language": h.language} for h in hits]}
    )


async def orders(request: web.Request) -> web.Response:
    shop = request.app[SHOP]
    email = request.query.get("email", "").strip()
    number = request.query.get("number", "").strip()
    if email:
        found = await shop.orders_of_customer(email)
    elif number:
        order = await shop.find_order(number)
        found = [order] if order else []
    else:
        return _error("Give the customer's e-mail (?email=) or an order number (?number=).")
    return web.json_response({"items": [order.model_dump(mode="json") for order in found]})


async def products(request: web.Request) -> web.Response:
    query = request.query.get("q", "").strip()
    if not query:
        return web.json_response({"items": []})
    found = await request.app[SHOP].search_products(query, request.query.get("lang", "en"))
    return web.json_response({"items": [product.model_dump(mode="json") for product in found]})


async def place_order(request: web.Request) -> web.Response:
    """Place an order for the customer; the order records which consultant placed it."""
    try:
        body = await request.json()
    except ValueError:
        return _error("Expected a JSON body.")
    if not isinstance(body, dict):
        return _error("Expected a JSON object.")
    email = body.get("email")
    if not isinstance(email, str) or "@" not in email:
        return _error("Give the customer's e-mail address.")
    lines = _order_lines(body.get("lines"))
    if isinstance(lines, str):
        return _error(lines)
    try:
        delivery = Delivery.model_validate(body.get("delivery") or {})
    except ValidationError as error:
        problems = "; ".join(item["msg"].removeprefix("Value error, ") for item in error.errors())
        return _error(f"Delivery: {problems}.")
    optional = {key: body[key] for key in ("customer_name", "customer_phone", "customer_postcode") if body.get(key)}
    try:
        order = await request.app[SHOP].place_order(
            email.strip(), lines, delivery, placed_by=signed_in(request).username, **optional
        )
    except ShopError as error:
        return _error(str(error))
    return web.json_response(order.model_dump(mode="json"), status=201)


def _order_lines(raw: Any) -> list[tuple[str, int]] | str:
    """[(variant SKU, quantity)] from [{"sku": ..., "quantity": ...}], or what is wrong with it."""
    if not isinstance(raw, list) or not raw:
        return "Add at least one line: a product variant's SKU and a quantity."
    if len(raw) > MAX_ORDER_LINES:
        return f"At most {MAX_ORDER_LINES} lines per order."
    lines = []
    for number, item in enumerate(raw, start=1):
        sku = item.get("sku") if isinstance(item, dict) else None
        quantity = item.get("quantity", 1) if isinstance(item, dict) else None
        if not isinstance(sku, str) or not sku.strip():
            return f"Line {number}: give the variant's SKU."
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= 99:
            return f"Line {number}: the quantity must be a whole number from 1 to 99."
        lines.append((sku.strip(), quantity))
    return lines
