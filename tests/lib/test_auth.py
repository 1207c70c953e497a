"""TokenAuth: lazy fetch, caching with a string expires_in, invalidation, one shared fetch."""

import threading
import time
from typing import Any

from lib.epayment.auth import TokenAuth


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(lifetime: str = "3600") -> tuple[TokenAuth, list[int], Clock]:
    calls: list[int] = []
    clock = Clock()

    def fetch() -> dict[str, Any]:
        calls.append(1)
        return {"access_token": f"tok-{len(calls)}", "expires_in": lifetime}

    return TokenAuth(fetch, clock=clock), calls, clock


def test_fetches_lazily_and_caches() -> None:
    auth, calls, _ = make()
    assert calls == []
    assert auth.header() == "Bearer tok-1"
    assert auth.token() == "tok-1"
    assert len(calls) == 1 and auth.cached


def test_refetches_shortly_before_expiry() -> None:
    auth, calls, clock = make("3600")
    auth.token()
    clock.now += 3600 - 61
    assert auth.token() == "tok-1"
    clock.now += 2  # inside the 60 s safety margin
    assert auth.token() == "tok-2"


def test_short_lived_tokens_keep_most_of_their_life() -> None:
    auth, _, clock = make("100")
    auth.token()
    clock.now += 85
    assert auth.token() == "tok-1"  # margin is a tenth of the lifetime here


def test_invalidate_only_forgets_the_token_that_failed() -> None:
    auth, calls, _ = make()
    auth.token()
    auth.invalidate_header("Bearer some-older-token")
    assert auth.token() == "tok-1"
    auth.invalidate_header("Bearer tok-1")
    assert auth.token() == "tok-2" and len(calls) == 2


def test_store_reports_each_new_token() -> None:
    seen: list[str] = []
    auth = TokenAuth(lambda: {}, on_token=seen.append)
    auth.store({"access_token": "abc", "expires_in": "3600"})
    assert seen == ["abc"] and auth.token() == "abc"


def test_concurrent_callers_share_one_fetch() -> None:
    calls: list[int] = []
    gate = threading.Event()

    def slow_fetch() -> dict[str, Any]:
        calls.append(1)
        gate.wait(5)
        return {"access_token": "tok", "expires_in": "3600"}

    auth = TokenAuth(slow_fetch)
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(auth.token())) for _ in range(8)]
    for t in threads:
        t.start()
    while not calls:
        time.sleep(0.001)
    gate.set()
    for t in threads:
        t.join(5)
    assert results == ["tok"] * 8 and len(calls) == 1
