"""Session tokens: what a login returns and what later connections present instead of the password.

A token is 32 random bytes, valid for ``ttl`` seconds and only for the user it was issued to. Tokens
live in memory: a restarted node has none, and clients log in again (as they do when a token expires).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from aerolite.result_codes import ResultCode

_SWEEP_EVERY = 1024


class Sessions:
    """Issued tokens and their expiry."""

    def __init__(self, ttl: int, clock: Callable[[], float] = time.monotonic) -> None:
        if ttl < 1:
            raise ValueError(f"session TTL must be at least 1 second, not {ttl}")
        self.ttl = ttl
        self._clock = clock
        self._tokens: dict[bytes, tuple[str, float]] = {}

    def issue(self, user: str) -> bytes:
        """A fresh token for ``user``."""
        now = self._clock()
        if len(self._tokens) >= _SWEEP_EVERY:
            self._tokens = {t: v for t, v in self._tokens.items() if v[1] > now}
        token = secrets.token_bytes(32)
        self._tokens[token] = (user, now + self.ttl)
        return token

    def check(self, user: str, token: bytes) -> ResultCode:
        """OK, EXPIRED_SESSION, or INVALID_CREDENTIAL (unknown token, or another user's)."""
        entry = self._tokens.get(token)
        if entry is None or entry[0] != user:
            return ResultCode.INVALID_CREDENTIAL
        if entry[1] <= self._clock():
            del self._tokens[token]
            return ResultCode.EXPIRED_SESSION
        return ResultCode.OK

    def revoke(self, user: str) -> None:
        """Forget every token of ``user`` (dropped, or a new password)."""
        self._tokens = {t: v for t, v in self._tokens.items() if v[0] != user}
