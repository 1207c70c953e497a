"""The access token as an auth object: fetched lazily, cached until shortly before expiry."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

# Renew this long before expiry so a token never dies in flight (at most a tenth of its lifetime).
EXPIRY_MARGIN = 60.0


class TokenAuth:
    """Holds one access token for one client. Thread-safe: concurrent callers share one fetch.

    `fetch` performs the (recorded) token call and returns its JSON body; `expires_in` in that body
    is a string of seconds (Access Token API), parsed here.
    """

    def __init__(
        self,
        fetch: Callable[[], Mapping[str, Any]],
        *,
        clock: Callable[[], float] = time.monotonic,
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._on_token = on_token
        self._lock = threading.RLock()
        self._token: str | None = None
        self._renew_at = 0.0

    def token(self) -> str:
        """A valid token, fetching one when none is cached or it is about to expire."""
        with self._lock:
            if self._token is None or self._clock() >= self._renew_at:
                self.store(self._fetch())
            assert self._token is not None
            return self._token

    def header(self) -> str:
        return f"Bearer {self.token()}"

    def store(self, body: Mapping[str, Any]) -> None:
        """Cache a token response (also used when the caller fetched one explicitly)."""
        token = str(body.get("access_token") or "")
        if not token:
            raise ValueError("The token response has no access_token.")
        try:
            lifetime = float(body.get("expires_in", 0))
        except (TypeError, ValueError):
            lifetime = 0.0
        with self._lock:
            self._token = token
            self._renew_at = self._clock() + lifetime - min(EXPIRY_MARGIN, lifetime / 10)
        if self._on_token:
            self._on_token(token)

    def invalidate(self, token: str | None = None) -> None:
        """Forget the token after a 401; only if it is still the one that failed (another thread
        may already have refreshed it)."""
        with self._lock:
            if token is None or token == self._token:
                self._token = None

    def invalidate_header(self, authorization: str | None) -> None:
        """invalidate() for the Authorization value ("Bearer ...") that got a 401."""
        self.invalidate(authorization.removeprefix("Bearer ") if authorization else None)

    @property
    def cached(self) -> bool:
        with self._lock:
            return self._token is not None and self._clock() < self._renew_at
