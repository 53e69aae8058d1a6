"""CSRF protection: a random token per session, required on the login form and every state change.

The session cookie is SameSite=Strict already; the token is the second lock, for browsers or proxies
that do not honour SameSite. Forms send it as the `csrf_token` field, the page's fetch calls as the
`X-CSRF-Token` header.
"""

from __future__ import annotations

import hmac
import secrets

from aiohttp_session import Session

SESSION_KEY = "csrf"
HEADER = "X-CSRF-Token"
FORM_FIELD = "csrf_token"
REFUSAL = "Missing or wrong CSRF token: reload the page and try again."


def csrf_token(session: Session) -> str:
    """The session's token, created on first use."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def token_matches(session: Session, sent: str | None) -> bool:
    expected = session.get(SESSION_KEY)
    return isinstance(expected, str) and isinstance(sent, str) and hmac.compare_digest(expected, sent)
