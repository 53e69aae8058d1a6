"""The shop's fixed vocabularies: order status, delivery method, refund method and refund state."""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    PLACED = "placed"                      # accepted, not paid yet (or paid on pickup)
    PAID = "paid"                          # paid, being packed
    SHIPPED = "shipped"                    # with the carrier; has a tracking link
    READY_FOR_PICKUP = "ready_for_pickup"  # waiting in the pickup store
    DELIVERED = "delivered"                # delivered or collected; the return window runs from here
    RETURNED = "returned"                  # the goods came back; refund not finished yet
    REFUNDED = "refunded"                  # the money went back to the customer


class DeliveryMethod(StrEnum):
    COURIER = "courier"
    CLICK_AND_COLLECT = "click_and_collect"


class RefundMethod(StrEnum):
    TRANSFER = "transfer"  # bank transfer / back to the card
    CASH = "cash"          # cash at the store's till


class RefundState(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"


LANGUAGES = ("en", "pl", "ro")
