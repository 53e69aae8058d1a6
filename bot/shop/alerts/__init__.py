"""Back-in-stock alerts: a customer asks in chat to hear, by e-mail or SMS, when a size is back.

`StockAlerts` stores the subscriptions (with the consent given); `Notifier` (`python -m bot notify`)
sends each one once when the shop has the size again, through `EmailSender` (SMTP) or `SmsSender`
(an HTTP gateway), and records every attempt.
"""

from bot.shop.alerts.errors import (
    InvalidContactError,
    InvalidSubscriptionError,
    StockAlertError,
    UnknownSubscriptionError,
)
from bot.shop.alerts.messages import AlertMessage, compose_alert
from bot.shop.alerts.models import AlertStatus, Channel
from bot.shop.alerts.notifier import AlertOutcome, Notifier, NotifyReport, Outcome
from bot.shop.alerts.senders import AlertSender, EmailSender, SendError, SmsSender, senders_from_settings
from bot.shop.alerts.store import Delivery, StockAlerts, Subscription

__all__ = [
    "AlertMessage",
    "AlertOutcome",
    "AlertSender",
    "AlertStatus",
    "Channel",
    "Delivery",
    "EmailSender",
    "InvalidContactError",
    "InvalidSubscriptionError",
    "Notifier",
    "NotifyReport",
    "Outcome",
    "SendError",
    "SmsSender",
    "StockAlertError",
    "StockAlerts",
    "Subscription",
    "UnknownSubscriptionError",
    "compose_alert",
    "senders_from_settings",
]
