"""The console app's shared state, as typed `web.AppKey`s (one place, so modules do not import each other)."""

from __future__ import annotations

import aiohttp
from aiohttp import web
from sqlalchemy import Engine

from bot.console.faq_search import FaqSearch
from bot.console.live import LiveHub
from bot.console.throttle import LoginThrottle
from bot.handoff.delivery import RasaConversations
from bot.handoff.queue import HandoffQueue
from bot.settings import Settings
from bot.shop.sql import SqlShopBackend

SETTINGS = web.AppKey("settings", Settings)
ENGINE = web.AppKey("engine", Engine)
QUEUE = web.AppKey("queue", HandoffQueue)
SHOP = web.AppKey("shop", SqlShopBackend)
FAQ = web.AppKey("faq", FaqSearch)
HUB = web.AppKey("hub", LiveHub)
THROTTLE = web.AppKey("throttle", LoginThrottle)
HTTP = web.AppKey("http", aiohttp.ClientSession)
DELIVERY = web.AppKey("delivery", RasaConversations)
