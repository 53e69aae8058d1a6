"""The notify run: send every waiting alert whose size is back in stock, once, and record it.

Safe to run from cron, a loop (`python -m bot notify --every 300`) or two machines at once: each alert
is claimed with a conditional UPDATE (pending -> sending) before it is sent, so only one run sends it.
A failed send goes back to pending for the next run, and after `max_attempts` is marked failed.
One alert's trouble (a refused address, the gateway down, the shop not answering) never stops the rest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.privacy import mask_pii
from bot.settings import Settings
from bot.shop.alerts.messages import AlertMessage, compose_alert, product_url
from bot.shop.alerts.models import AlertStatus, Channel
from bot.shop.alerts.senders import AlertSender, SendError, senders_from_settings
from bot.shop.alerts.store import StockAlerts, Subscription
from bot.shop.backend import ShopBackend
from bot.shop.errors import ShopError, UnknownProductError
from bot.shop.records import Product

logger = logging.getLogger(__name__)

# A run that holds a claim this long has died mid-send (a send times out in seconds).
DEFAULT_STALE_CLAIM_AFTER = timedelta(minutes=15)


class Outcome(StrEnum):
    WAITING = "waiting"                  # not in stock yet
    SENT = "sent"
    WOULD_SEND = "would_send"            # --dry-run: in stock, nothing sent
    RETRY = "retry"                      # the send failed; the next run tries again
    FAILED = "failed"                    # given up: too many failed sends, or the product left the shop
    TAKEN = "taken"                      # another run claimed it first (or it was just cancelled)
    SHOP_UNAVAILABLE = "shop_unavailable"  # stock could not be checked; the next run asks again
    NOT_CONFIGURED = "not_configured"    # no sender for its channel (smtp_host / sms_gateway_url unset)
    ERROR = "error"                      # something unexpected (the database?); see the log


@dataclass(frozen=True)
class AlertOutcome:
    """What happened to one alert in one run. `contact` is masked: reports end up in logs."""

    subscription_id: int
    variant_sku: str
    channel: Channel
    contact: str
    outcome: Outcome
    in_stock: bool
    detail: str = ""

    def line(self) -> str:
        text = f"alert {self.subscription_id} ({self.variant_sku}, {self.channel.value} {self.contact}): {self.outcome.value}"
        return f"{text}: {self.detail}" if self.detail else text


@dataclass(frozen=True)
class NotifyReport:
    outcomes: tuple[AlertOutcome, ...]
    dry_run: bool = False

    @property
    def checked(self) -> int:
        return len(self.outcomes)

    @property
    def in_stock(self) -> int:
        return sum(outcome.in_stock for outcome in self.outcomes)

    @property
    def sent(self) -> int:
        return self.count(Outcome.SENT)

    @property
    def failed(self) -> int:
        """Sends that failed in this run, whether they will be retried or not."""
        return self.count(Outcome.RETRY) + self.count(Outcome.FAILED) + self.count(Outcome.ERROR)

    def count(self, outcome: Outcome) -> int:
        return sum(item.outcome == outcome for item in self.outcomes)

    def summary(self) -> str:
        sent = f"would send {self.count(Outcome.WOULD_SEND)}" if self.dry_run else f"sent {self.sent}"
        text = f"checked {self.checked}, in stock {self.in_stock}, {sent}, failed {self.failed}"
        extras = [
            f"{self.count(outcome)} {label}"
            for outcome, label in (
                (Outcome.RETRY, "to retry next run"),
                (Outcome.TAKEN, "taken by another run"),
                (Outcome.SHOP_UNAVAILABLE, "not checked: shop unavailable"),
                (Outcome.NOT_CONFIGURED, "channel not configured"),
            )
            if self.count(outcome)
        ]
        return f"{text} ({'; '.join(extras)})" if extras else text


ProgressCallback = Callable[[AlertOutcome, int, int], None]
"""Called after each alert with its outcome, how many are done and how many there are."""


class Notifier:
    """Sends the back-in-stock alerts that are due. Cheap to create; `run()` does the work."""

    def __init__(
        self,
        alerts: StockAlerts,
        shop: ShopBackend,
        senders: Mapping[Channel, AlertSender],
        *,
        product_url_template: str = "",
        max_attempts: int = 5,
        stale_claim_after: timedelta = DEFAULT_STALE_CLAIM_AFTER,
    ) -> None:
        self.alerts = alerts
        self.shop = shop
        self.senders = dict(senders)
        self.product_url_template = product_url_template
        self.max_attempts = max_attempts
        self.stale_claim_after = stale_claim_after

    @classmethod
    def from_settings(cls, settings: Settings) -> Notifier:
        """The notifier on the configured database, shop backend and senders. Raises SettingsError."""
        from bot.db import get_engine
        from bot.shop.factory import shop_backend_from_settings

        return cls(
            StockAlerts(get_engine()),
            shop_backend_from_settings(settings),
            senders_from_settings(settings),
            product_url_template=settings.shop_product_url,
            max_attempts=settings.alert_max_attempts,
        )

    def run(self, *, dry_run: bool = False, on_progress: ProgressCallback | None = None) -> NotifyReport:
        """One pass over the waiting alerts, from sync code (the CLI, a thread)."""
        async def one_pass() -> NotifyReport:
            try:
                return await self.run_async(dry_run=dry_run, on_progress=on_progress)
            finally:
                # Each pass has its own event loop: an HTTP shop client's session dies with it, so
                # close it here rather than leak its sockets pass after pass (`notify --every`).
                close = getattr(self.shop, "close", None)
                if close is not None:
                    await close()

        return asyncio.run(one_pass())

    async def run_async(self, *, dry_run: bool = False, on_progress: ProgressCallback | None = None) -> NotifyReport:
        """One pass over the waiting alerts, on the caller's event loop.

        `dry_run` checks stock and reports what would be sent, changing nothing.
        """
        if not dry_run:
            released = await asyncio.to_thread(self.alerts.release_stale_claims, self.stale_claim_after)
            if released:
                logger.warning("%d alert(s) claimed by a run that did not finish are pending again", released)
        pending = await asyncio.to_thread(self.alerts.pending)
        by_variant: dict[str, list[Subscription]] = {}
        for subscription in pending:
            by_variant.setdefault(subscription.variant_sku, []).append(subscription)
        products: dict[str, Product | None] = {}
        outcomes: list[AlertOutcome] = []
        for variant_sku, subscriptions in by_variant.items():
            # One stock query per size, however many customers wait for it.
            for outcome in await self._variant_outcomes(variant_sku, subscriptions, products, dry_run):
                outcomes.append(outcome)
                logger.info("%s", outcome.line())
                if on_progress is not None:
                    on_progress(outcome, len(outcomes), len(pending))
        return NotifyReport(outcomes=tuple(outcomes), dry_run=dry_run)

    async def _variant_outcomes(
        self,
        variant_sku: str,
        subscriptions: list[Subscription],
        products: dict[str, Product | None],
        dry_run: bool,
    ) -> list[AlertOutcome]:
        try:
            availability = await self.shop.availability(variant_sku)
        except UnknownProductError as error:
            # The size left the shop for good: nobody will ever be told, so say so rather than wait.
            outcomes = []
            for subscription in subscriptions:
                if not dry_run:
                    await asyncio.to_thread(self.alerts.mark_failed, subscription.id, str(error))
                outcomes.append(_outcome(subscription, Outcome.FAILED, False, str(error)))
            return outcomes
        except Exception as error:  # noqa: BLE001  (ShopUnavailableError or a bug: the next run asks again)
            if not isinstance(error, ShopError):
                logger.exception("checking stock of %s failed", variant_sku)
            detail = f"{error.__class__.__name__}: {error}"
            return [_outcome(subscription, Outcome.SHOP_UNAVAILABLE, False, detail) for subscription in subscriptions]
        in_stock = any(item.in_stock_anywhere for item in availability if item.variant_sku == variant_sku)
        if not in_stock:
            return [_outcome(subscription, Outcome.WAITING, False) for subscription in subscriptions]
        return [await self._deliver_safely(subscription, products, dry_run) for subscription in subscriptions]

    async def _deliver_safely(
        self, subscription: Subscription, products: dict[str, Product | None], dry_run: bool
    ) -> AlertOutcome:
        try:
            return await self._deliver(subscription, products, dry_run)
        except Exception as error:  # noqa: BLE001  (one alert's trouble must not stop the others)
            logger.exception("alert %d: unexpected error", subscription.id)
            return _outcome(subscription, Outcome.ERROR, True, mask_pii(f"{error.__class__.__name__}: {error}"))

    async def _deliver(
        self, subscription: Subscription, products: dict[str, Product | None], dry_run: bool
    ) -> AlertOutcome:
        sender = self.senders.get(subscription.channel)
        if sender is None:
            setting = "smtp_host" if subscription.channel == Channel.EMAIL else "sms_gateway_url"
            return _outcome(subscription, Outcome.NOT_CONFIGURED, True, f"set {setting} to send these")
        message = await self._message(subscription, products)
        if dry_run:
            return _outcome(subscription, Outcome.WOULD_SEND, True)
        if not await asyncio.to_thread(self.alerts.claim, subscription.id):
            return _outcome(subscription, Outcome.TAKEN, True)
        try:
            provider_id = await sender.send(subscription.contact, message)
        except Exception as error:  # noqa: BLE001  (SendError, or a sender's bug: the claim must be released)
            if not isinstance(error, SendError):
                logger.exception("sending alert %d failed unexpectedly", subscription.id)
            detail = mask_pii(f"{error}" if isinstance(error, SendError) else f"{error.__class__.__name__}: {error}")
            updated = await asyncio.to_thread(
                self.alerts.record_failure,
                subscription.id,
                error=detail,
                subject=message.subject,
                text=message.text,
                max_attempts=self.max_attempts,
            )
            if updated.status == AlertStatus.FAILED:
                return _outcome(subscription, Outcome.FAILED, True, f"{detail} (gave up after {updated.attempts} attempts)")
            return _outcome(subscription, Outcome.RETRY, True, f"{detail} (attempt {updated.attempts} of {self.max_attempts})")
        try:
            await asyncio.to_thread(
                self.alerts.record_sent,
                subscription.id,
                subject=message.subject,
                text=message.text,
                provider_id=provider_id,
            )
        except Exception as error:  # noqa: BLE001
            # It went out but is still claimed: after stale_claim_after a later run may send it again.
            logger.exception("alert %d was sent but could not be recorded", subscription.id)
            return _outcome(subscription, Outcome.SENT, True, f"sent, but not recorded: {error.__class__.__name__}")
        return _outcome(subscription, Outcome.SENT, True)

    async def _message(self, subscription: Subscription, products: dict[str, Product | None]) -> AlertMessage:
        sku = subscription.product_sku
        if sku not in products:
            products[sku] = await self._product(sku, subscription.language)
        product = products[sku]
        name = product.name(subscription.language) if product else sku
        url = product_url(self.product_url_template, sku)
        return compose_alert(subscription.channel, subscription.language, name, subscription.size, url)

    async def _product(self, sku: str, language: str) -> Product | None:
        # The name in the subscriber's language comes from the shop (names may have changed since they
        # subscribed); searching by SKU and keeping the exact match works on every backend.
        try:
            found = await self.shop.search_products(sku, language=language)
        except Exception:  # noqa: BLE001  (a name is nice to have; the SKU will do)
            logger.warning("could not look up the name of %s; the alert names its SKU", sku, exc_info=True)
            return None
        return next((product for product in found if product.sku.casefold() == sku.casefold()), None)


def _outcome(subscription: Subscription, outcome: Outcome, in_stock: bool, detail: str = "") -> AlertOutcome:
    return AlertOutcome(
        subscription_id=subscription.id,
        variant_sku=subscription.variant_sku,
        channel=subscription.channel,
        contact=mask_pii(subscription.contact),
        outcome=outcome,
        in_stock=in_stock,
        detail=detail,
    )
