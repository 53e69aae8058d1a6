"""Where back-in-stock subscriptions live: subscribe, cancel, and the bookkeeping of the notify runs.

Sync on purpose: a subscription is one short transaction, and the Rasa action calls these methods
through asyncio.to_thread (as bot.shop.sql does for the shop's queries).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.shop.alerts.contacts import normalise_contact
from bot.shop.alerts.errors import InvalidSubscriptionError, UnknownSubscriptionError
from bot.shop.alerts.models import (
    ACTIVE_STATUSES,
    AlertStatus,
    Channel,
    StockAlertDelivery,
    StockAlertSubscription,
)

LANGUAGES = ("en", "pl", "ro")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything stored is UTC.
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Subscription(BaseModel):
    """A subscription as callers see it: frozen and detached from the database session."""

    model_config = ConfigDict(frozen=True)

    id: int
    product_sku: str
    variant_sku: str
    size: str
    channel: Channel
    contact: str
    language: str
    consent_text: str
    consent_given_at: datetime
    conversation_id: str | None
    created_at: datetime
    status: AlertStatus
    sent_at: datetime | None
    attempts: int
    last_error: str | None


class Delivery(BaseModel):
    """One attempt to send an alert."""

    model_config = ConfigDict(frozen=True)

    id: int
    subscription_id: int
    attempted_at: datetime
    channel: Channel
    succeeded: bool
    subject: str | None
    text: str
    provider_id: str | None
    error: str | None


class StockAlerts:
    """The subscription store. Cheap to create; the engine's tables must exist (bot.db.make_engine)."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = _utcnow) -> None:
        self._engine = engine
        self._clock = clock

    # --- what the Rasa action calls -----------------------------------------------------------

    def subscribe(
        self,
        *,
        product_sku: str,
        variant_sku: str,
        size: str,
        channel: Channel | str,
        contact: str,
        language: str,
        consent_text: str,
        conversation_id: str | None = None,
        consent_given_at: datetime | None = None,
    ) -> Subscription:
        """Ask for one alert when `variant_sku` is back in stock, online or in any store.

        Idempotent: while an alert for the same contact, channel and variant is still waiting, that one
        is returned (with its original consent) and nothing new is stored. Raises InvalidContactError
        for an e-mail or phone number that cannot be used, InvalidSubscriptionError for a missing
        consent, SKU or size, or an unknown channel or language.
        """
        channel = _checked_channel(channel)
        contact = normalise_contact(channel, contact)
        language = (language or "").strip().lower()
        if language not in LANGUAGES:
            raise InvalidSubscriptionError(f"unknown language {language!r}: expected one of {', '.join(LANGUAGES)}")
        consent_text = (consent_text or "").strip()
        if not consent_text:
            raise InvalidSubscriptionError("consent_text is empty: store exactly what the customer agreed to")
        for name, value in (("product_sku", product_sku), ("variant_sku", variant_sku), ("size", size)):
            if not (value or "").strip():
                raise InvalidSubscriptionError(f"{name} is empty")
        now = self._clock()
        row = StockAlertSubscription(
            product_sku=product_sku.strip(),
            variant_sku=variant_sku.strip(),
            size=size.strip(),
            channel=channel,
            contact=contact,
            language=language,
            consent_text=consent_text,
            consent_given_at=consent_given_at or now,
            conversation_id=conversation_id,
            created_at=now,
            status=AlertStatus.PENDING,
            attempts=0,
        )
        existing = self._active(row.variant_sku, channel, contact)
        if existing is not None:
            return existing
        try:
            with Session(self._engine) as session, session.begin():
                session.add(row)
                session.flush()
                return _subscription_record(row)
        except IntegrityError:
            # The same request racing in from a second tab: the unique index on active alerts kept one.
            existing = self._active(row.variant_sku, channel, contact)
            if existing is None:
                raise
            return existing

    def unsubscribe(self, subscription_id: int) -> Subscription:
        """Cancel a waiting alert. One already sent, failed or cancelled is returned unchanged.

        Raises UnknownSubscriptionError.
        """
        with Session(self._engine) as session, session.begin():
            session.execute(
                update(StockAlertSubscription)
                .where(StockAlertSubscription.id == subscription_id)
                .where(StockAlertSubscription.status == AlertStatus.PENDING)
                .values(status=AlertStatus.CANCELLED, cancelled_at=self._clock())
            )
        return self.get(subscription_id)

    def unsubscribe_contact(self, channel: Channel | str, contact: str) -> list[Subscription]:
        """Cancel every waiting alert of one e-mail or phone number ("stop all my alerts"); returns them."""
        channel = _checked_channel(channel)
        contact = normalise_contact(channel, contact)
        with Session(self._engine) as session, session.begin():
            ids = list(
                session.scalars(
                    update(StockAlertSubscription)
                    .where(StockAlertSubscription.channel == channel)
                    .where(StockAlertSubscription.contact == contact)
                    .where(StockAlertSubscription.status == AlertStatus.PENDING)
                    .values(status=AlertStatus.CANCELLED, cancelled_at=self._clock())
                    .returning(StockAlertSubscription.id)
                )
            )
        return [self.get(subscription_id) for subscription_id in sorted(ids)]

    def get(self, subscription_id: int) -> Subscription:
        """Raises UnknownSubscriptionError."""
        with Session(self._engine) as session:
            row = session.get(StockAlertSubscription, subscription_id)
            if row is None:
                raise UnknownSubscriptionError(subscription_id)
            return _subscription_record(row)

    def of_contact(self, channel: Channel | str, contact: str) -> list[Subscription]:
        """Every alert of one e-mail or phone number, newest first (for "which alerts do I have?")."""
        channel = _checked_channel(channel)
        contact = normalise_contact(channel, contact)
        with Session(self._engine) as session:
            rows = session.scalars(
                select(StockAlertSubscription)
                .where(StockAlertSubscription.channel == channel, StockAlertSubscription.contact == contact)
                .order_by(StockAlertSubscription.id.desc())
            )
            return [_subscription_record(row) for row in rows]

    def deliveries(self, subscription_id: int) -> list[Delivery]:
        """Every attempt to send this alert, oldest first."""
        with Session(self._engine) as session:
            rows = session.scalars(
                select(StockAlertDelivery)
                .where(StockAlertDelivery.subscription_id == subscription_id)
                .order_by(StockAlertDelivery.id)
            )
            return [_delivery_record(row) for row in rows]

    # --- what the notify run uses -------------------------------------------------------------

    def pending(self) -> list[Subscription]:
        """Alerts still waiting for stock, oldest first (the first to ask hears first)."""
        with Session(self._engine) as session:
            rows = session.scalars(
                select(StockAlertSubscription)
                .where(StockAlertSubscription.status == AlertStatus.PENDING)
                .order_by(StockAlertSubscription.id)
            )
            return [_subscription_record(row) for row in rows]

    def claim(self, subscription_id: int) -> bool:
        """Take a pending alert for sending; False when another run (or a cancel) got there first.

        One conditional UPDATE: the database lets exactly one of two concurrent runs change the row.
        """
        with Session(self._engine) as session, session.begin():
            result = session.execute(
                update(StockAlertSubscription)
                .where(StockAlertSubscription.id == subscription_id)
                .where(StockAlertSubscription.status == AlertStatus.PENDING)
                .values(status=AlertStatus.SENDING, claimed_at=self._clock())
            )
            return result.rowcount == 1  # type: ignore[attr-defined]

    def release_stale_claims(self, older_than: timedelta) -> int:
        """Put back to pending the alerts claimed by a run that died mid-send; returns how many.

        Such an alert may have gone out just before the run died, so it may be sent twice: better than
        never telling the customer.
        """
        with Session(self._engine) as session, session.begin():
            result = session.execute(
                update(StockAlertSubscription)
                .where(StockAlertSubscription.status == AlertStatus.SENDING)
                .where(StockAlertSubscription.claimed_at < self._clock() - older_than)
                .values(status=AlertStatus.PENDING, claimed_at=None)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    def record_sent(
        self, subscription_id: int, *, subject: str | None, text: str, provider_id: str | None
    ) -> Subscription:
        """The claimed alert went out: mark it sent (for good) and keep what was sent."""
        now = self._clock()
        with Session(self._engine) as session, session.begin():
            row = self._claimed(session, subscription_id)
            row.status = AlertStatus.SENT
            row.sent_at = now
            row.attempts += 1
            row.last_error = None
            row.claimed_at = None
            session.add(StockAlertDelivery(
                subscription_id=row.id, attempted_at=now, channel=row.channel, succeeded=True,
                subject=subject, text=text, provider_id=provider_id,
            ))
            session.flush()
            return _subscription_record(row)

    def record_failure(
        self, subscription_id: int, *, error: str, subject: str | None, text: str, max_attempts: int
    ) -> Subscription:
        """Sending the claimed alert failed: back to pending for the next run, or failed for good
        after `max_attempts` attempts."""
        now = self._clock()
        with Session(self._engine) as session, session.begin():
            row = self._claimed(session, subscription_id)
            row.attempts += 1
            row.last_error = error
            row.claimed_at = None
            row.status = AlertStatus.FAILED if row.attempts >= max_attempts else AlertStatus.PENDING
            session.add(StockAlertDelivery(
                subscription_id=row.id, attempted_at=now, channel=row.channel, succeeded=False,
                subject=subject, text=text, provider_id=None, error=error,
            ))
            session.flush()
            return _subscription_record(row)

    def mark_failed(self, subscription_id: int, error: str) -> Subscription:
        """Give up on a waiting alert that can never be sent (its product left the shop)."""
        with Session(self._engine) as session, session.begin():
            session.execute(
                update(StockAlertSubscription)
                .where(StockAlertSubscription.id == subscription_id)
                .where(StockAlertSubscription.status == AlertStatus.PENDING)
                .values(status=AlertStatus.FAILED, last_error=error)
            )
        return self.get(subscription_id)

    # --- helpers ------------------------------------------------------------------------------

    def _active(self, variant_sku: str, channel: Channel, contact: str) -> Subscription | None:
        with Session(self._engine) as session:
            row = session.scalar(
                select(StockAlertSubscription).where(
                    StockAlertSubscription.variant_sku == variant_sku,
                    StockAlertSubscription.channel == channel,
                    StockAlertSubscription.contact == contact,
                    StockAlertSubscription.status.in_(ACTIVE_STATUSES),
                )
            )
            return _subscription_record(row) if row else None

    @staticmethod
    def _claimed(session: Session, subscription_id: int) -> StockAlertSubscription:
        row = session.get(StockAlertSubscription, subscription_id, with_for_update=True)
        if row is None:
            raise UnknownSubscriptionError(subscription_id)
        if row.status != AlertStatus.SENDING:
            # Only the run holding the claim may finish it; anything else is a bug worth stopping on.
            raise RuntimeError(f"alert {subscription_id} is {row.status.value}, not claimed for sending")
        return row


def _checked_channel(channel: Channel | str) -> Channel:
    try:
        return Channel(channel)
    except ValueError:
        raise InvalidSubscriptionError(
            f"unknown channel {channel!r}: expected one of {', '.join(c.value for c in Channel)}"
        ) from None


def _subscription_record(row: StockAlertSubscription) -> Subscription:
    return Subscription(
        id=row.id,
        product_sku=row.product_sku,
        variant_sku=row.variant_sku,
        size=row.size,
        channel=row.channel,
        contact=row.contact,
        language=row.language,
        consent_text=row.consent_text,
        consent_given_at=_aware(row.consent_given_at),
        conversation_id=row.conversation_id,
        created_at=_aware(row.created_at),
        status=row.status,
        sent_at=_aware(row.sent_at),
        attempts=row.attempts,
        last_error=row.last_error,
    )


def _delivery_record(row: StockAlertDelivery) -> Delivery:
    return Delivery(
        id=row.id,
        subscription_id=row.subscription_id,
        attempted_at=_aware(row.attempted_at),
        channel=row.channel,
        succeeded=row.succeeded,
        subject=row.subject,
        text=row.text,
        provider_id=row.provider_id,
        error=row.error,
    )
