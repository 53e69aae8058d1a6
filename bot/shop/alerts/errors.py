"""What can go wrong when a customer subscribes to, or cancels, a back-in-stock alert."""

from __future__ import annotations

from bot.privacy import mask_pii


class StockAlertError(Exception):
    """Base of every error the alert store raises on purpose."""


class InvalidSubscriptionError(StockAlertError, ValueError):
    """The request cannot become a subscription (no consent, unknown language...); nothing was stored."""


class InvalidContactError(InvalidSubscriptionError):
    """The e-mail address or phone number cannot receive an alert; `reason` can be told to the customer."""

    def __init__(self, channel: str, contact: str, reason: str) -> None:
        what = "e-mail address" if channel == "email" else "phone number"
        # Masked: this message ends up in logs and in the action server's error reports.
        super().__init__(f"invalid {what} {mask_pii(contact or '')!r}: {reason}")
        self.channel = channel
        self.reason = reason


class UnknownSubscriptionError(StockAlertError, LookupError):
    def __init__(self, subscription_id: int) -> None:
        super().__init__(f"no back-in-stock alert with id {subscription_id}")
        self.subscription_id = subscription_id
