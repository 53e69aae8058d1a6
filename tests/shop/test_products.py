"""Product search (any language, with or without diacritics) and stock per size online and per store."""

from __future__ import annotations

import pytest

from bot.shop.demo_data import FIXED_STOCK, PRODUCTS, STORES
from bot.shop.errors import UnknownProductError
from bot.shop.sql import SqlShopBackend
from bot.shop.text import fold

BY_SKU = {product.sku: product for product in PRODUCTS}


@pytest.mark.parametrize(
    ("typed", "language", "sku"),
    [
        ("swieca zapachowa", "pl", "HOM-903"),         # Świeca
        ("recznik kapielowy", "pl", "HOM-901"),        # Ręcznik kąpielowy
        ("trampki plocienne", "pl", "SHO-800"),        # płócienne: ł does not decompose
        ("czy macie lniana sukienke w rozmiarze M?", "pl", "DRS-300"),  # inflected, in a sentence
        ("SKÓRZANE BOTKI", "pl", "SHO-810"),
        ("lumanare parfumata", "ro", "HOM-903"),       # Lumânare parfumată
        ("ghete din piele", "ro", "SHO-810"),
        ("ankle boots", "en", "SHO-810"),
    ],
)
async def test_search_finds_the_product_without_diacritics(
    read_only_backend: SqlShopBackend, typed: str, language: str, sku: str
) -> None:
    found = await read_only_backend.search_products(typed, language)

    assert found, f"nothing found for {typed!r}"
    assert found[0].sku == sku
    assert found[0].name(language) == BY_SKU[sku].names[language]


async def test_search_returns_every_product_of_a_kind(read_only_backend: SqlShopBackend) -> None:
    dresses = {product.sku for product in PRODUCTS if "sukienka" in fold(product.pl)}

    found = await read_only_backend.search_products("sukienka", "pl")

    assert {product.sku for product in found} == dresses
    assert len(dresses) >= 2


async def test_search_with_nothing_to_match(read_only_backend: SqlShopBackend) -> None:
    assert await read_only_backend.search_products("zzzz qqqq", "pl") == []
    assert await read_only_backend.search_products("  ", "pl") == []


async def test_found_products_carry_sizes_and_price(read_only_backend: SqlShopBackend) -> None:
    [boots] = await read_only_backend.search_products("skorzane botki", "pl")

    assert [variant.size for variant in boots.variants] == list(BY_SKU["SHO-810"].sizes)
    assert boots.price.amount_minor == BY_SKU["SHO-810"].price_minor and boots.price.currency == "PLN"


@pytest.mark.parametrize("variant_sku", sorted(FIXED_STOCK))
async def test_availability_online_and_per_store(read_only_backend: SqlShopBackend, variant_sku: str) -> None:
    online, shelves = FIXED_STOCK[variant_sku]
    product_sku, size = variant_sku.rsplit("-", 1)

    by_variant = await read_only_backend.availability(variant_sku)
    by_size = await read_only_backend.availability(product_sku, size.lower())

    assert by_variant == by_size
    [stock] = by_variant
    assert (stock.variant_sku, stock.size, stock.online) == (variant_sku, size, online)
    assert {store.store_code: store.quantity for store in stock.stores} == shelves
    assert [store.store_code for store in stock.stores] == [store.code for store in STORES]
    assert stock.in_stock_anywhere == (online > 0 or any(shelves.values()))


async def test_availability_of_every_size(read_only_backend: SqlShopBackend) -> None:
    sizes = await read_only_backend.availability("SHO-800")
    assert [stock.size for stock in sizes] == list(BY_SKU["SHO-800"].sizes)


@pytest.mark.parametrize(("sku", "size"), [("NOPE-1", None), ("SHO-800", "XXL"), ("SHO-800-99", None)])
async def test_availability_of_unknown_product_or_size(read_only_backend: SqlShopBackend, sku: str, size: str | None) -> None:
    with pytest.raises(UnknownProductError, match=sku):
        await read_only_backend.availability(sku, size)


async def test_stores_with_opening_hours(read_only_backend: SqlShopBackend) -> None:
    stores = await read_only_backend.stores()

    assert [store.code for store in stores] == [store.code for store in STORES]
    for store, demo in zip(stores, STORES, strict=True):
        assert {hours.weekday: (hours.opens, hours.closes) for hours in store.opening_hours} == demo.hours
        for weekday in range(7):
            assert (store.hours_on(weekday) is None) == (weekday not in demo.hours)
