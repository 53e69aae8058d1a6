"""Slows down password guessing: after 5 failures in 5 minutes a username is locked for the rest of the window."""

from __future__ import annotations

import time
from collections import defaultdict, deque

MAX_FAILURES = 5
WINDOW_SECONDS = 300.0


class LoginThrottle:
    """In memory on purpose: one console process, and a restart only lifts a five-minute lock."""

    def __init__(self, max_failures: int = MAX_FAILURES, window_seconds: float = WINDOW_SECONDS) -> None:
        self._max = max_failures
        self._window = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def locked(self, username: str, now: float | None = None) -> bool:
        return len(self._recent(username, now)) >= self._max

    def failed(self, username: str, now: float | None = None) -> None:
        self._recent(username, now).append(time.monotonic() if now is None else now)

    def succeeded(self, username: str) -> None:
        self._failures.pop(self._key(username), None)

    def _recent(self, username: str, now: float | None) -> deque[float]:
        now = time.monotonic() if now is None else now
        failures = self._failures[self._key(username)]
        while failures and failures[0] < now - self._window:
            failures.popleft()
        return failures

    @staticmethod
    def _key(username: str) -> str:
        return username.strip().lower()
