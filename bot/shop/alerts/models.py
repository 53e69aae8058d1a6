"""The tables of back-in-stock alerts: what a customer asked for (with their consent) and every send.

Deliberately not prefixed `shop_`: `python -m bot shop seed --reset` empties every shop_ table, and a
demo reseed must not wipe customers' subscriptions nor the record of the consent they gave. No foreign
key to shop_variants either: the stock may live in a shop's API (shop_backend http), not our tables.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, DateTime, Enum, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db import Base, string_enum


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class AlertStatus(StrEnum):
    PENDING = "pending"
    # Claimed by one notify run while it sends; the conditional UPDATE pending -> sending is what keeps
    # two concurrent runs from sending the same alert twice.
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"
    FAILED = "failed"


# Still waiting for stock: a second request for the same thing gives back this subscription.
ACTIVE_STATUSES = (AlertStatus.PENDING, AlertStatus.SENDING)


def _enum(kind: type[StrEnum], name: str) -> Enum:
    return string_enum(kind, name, 16)


_ACTIVE = "status IN ('pending', 'sending')"


class StockAlertSubscription(Base):
    """One customer's request to hear, once, when one size of a product is back in stock."""

    __tablename__ = "stock_alert_subscriptions"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="stock_alert_subscriptions_attempts_not_negative"),
        CheckConstraint("language IN ('en', 'pl', 'ro')", name="stock_alert_subscriptions_language"),
        # One active alert per contact and size, enforced by the database so two requests racing
        # (a double click, two chat tabs) cannot both insert.
        Index(
            "stock_alert_subscriptions_one_active",
            "variant_sku",
            "channel",
            "contact",
            unique=True,
            sqlite_where=text(_ACTIVE),
            postgresql_where=text(_ACTIVE),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_sku: Mapped[str] = mapped_column(String(32))
    variant_sku: Mapped[str] = mapped_column(String(40), index=True)
    size: Mapped[str] = mapped_column(String(16))
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "stock_alert_channel"))
    contact: Mapped[str] = mapped_column(String(255), doc="Normalised: lower-case e-mail, or +E.164 phone number.")
    language: Mapped[str] = mapped_column(String(2))
    consent_text: Mapped[str] = mapped_column(Text, doc="Exactly what the customer was shown and agreed to.")
    consent_given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    conversation_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[AlertStatus] = mapped_column(
        _enum(AlertStatus, "stock_alert_status"), default=AlertStatus.PENDING, index=True
    )
    claimed_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True, doc="When a notify run took it to send; finds runs that died."
    )
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, doc="Send attempts so far, failed or not.")
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)

    deliveries: Mapped[list[StockAlertDelivery]] = relationship(
        back_populates="subscription", order_by="StockAlertDelivery.id", cascade="all, delete-orphan"
    )


class StockAlertDelivery(Base):
    """One attempt to send an alert, successful or not, with what was sent: the audit trail."""

    __tablename__ = "stock_alert_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("stock_alert_subscriptions.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "stock_alert_delivery_channel"))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    subject: Mapped[str | None] = mapped_column(String(255), nullable=True, doc="E-mails only.")
    text: Mapped[str] = mapped_column(Text, doc="The message body as sent.")
    provider_id: Mapped[str | None] = mapped_column(
        String(255), nullable=True, doc="The e-mail's Message-ID, or the id the SMS gateway answered with."
    )
    error: Mapped[str | None] = mapped_column(Text, nullable=True)

    subscription: Mapped[StockAlertSubscription] = relationship(back_populates="deliveries")
