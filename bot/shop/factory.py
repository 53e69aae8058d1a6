"""The shop backend the settings choose: our SQL database, or a shop's REST API."""

from __future__ import annotations

from bot.settings import Settings
from bot.shop.backend import ShopBackend


def shop_backend_from_settings(settings: Settings) -> ShopBackend:
    """A new backend for `settings.shop_backend`; cheap, nothing is connected until first use."""
    if settings.shop_backend == "http":
        from bot.shop.http import HttpShopBackend

        return HttpShopBackend(
            settings.shop_api_url,
            token=settings.shop_api_token,
            timeout_seconds=settings.shop_api_timeout_seconds,
            retries=settings.shop_api_retries,
        )
    from bot.db import get_engine
    from bot.shop.sql import SqlShopBackend

    return SqlShopBackend(get_engine())
