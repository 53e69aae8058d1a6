"""A website's signed-in customer, passed to the bot as signed message metadata.

The shop's website knows who is signed in; the chat widget forwards that as
`metadata.customer = {"email", "name", "expires", "signature"}` where `signature` is
HMAC-SHA256 (hex) over "email\\nname\\nexpires" with a secret shared by the website and the bot
(the `shop_identity_secret` setting). A customer with a valid signature is not asked to prove
they own their orders again; anything unsigned, expired or tampered with counts as anonymous.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from bot.shop.text import normalise_email

# A page may stay open for a working day; the website signs again on each page load.
DEFAULT_LIFETIME_SECONDS = 12 * 3600


@dataclass(frozen=True)
class SignedInCustomer:
    email: str
    name: str


def _payload(email: str, name: str, expires: int) -> bytes:
    return f"{normalise_email(email)}\n{name}\n{expires}".encode("utf-8")


def sign_customer(
    email: str, name: str, secret: str, *, lifetime_seconds: int = DEFAULT_LIFETIME_SECONDS, now: float | None = None
) -> dict[str, Any]:
    """The metadata a website puts into its chat widget for a signed-in customer."""
    expires = int((time.time() if now is None else now) + lifetime_seconds)
    signature = hmac.new(secret.encode("utf-8"), _payload(email, name, expires), hashlib.sha256).hexdigest()
    return {"email": normalise_email(email), "name": name, "expires": expires, "signature": signature}


def verified_customer(metadata: Any, secret: str, *, now: float | None = None) -> SignedInCustomer | None:
    """The signed-in customer in a message's metadata, or None if absent, expired or not signed by `secret`."""
    if not isinstance(metadata, dict) or not secret:
        return None
    claim = metadata.get("customer")
    if not isinstance(claim, dict):
        return None
    email, name, expires, signature = (claim.get(key) for key in ("email", "name", "expires", "signature"))
    if not isinstance(email, str) or not isinstance(signature, str) or not isinstance(name, (str, type(None))):
        return None
    try:
        expires = int(expires)
    except (TypeError, ValueError):
        return None
    if expires < (time.time() if now is None else now):
        return None
    expected = hmac.new(secret.encode("utf-8"), _payload(email, name or "", expires), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature.encode("utf-8"), expected.encode("utf-8")):
        return None
    return SignedInCustomer(email=normalise_email(email), name=name or "")
