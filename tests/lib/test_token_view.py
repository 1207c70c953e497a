"""lib.token_view: the token masked, its type and its countdown."""

from __future__ import annotations

from lib.token_view import TokenView, countdown, mask


def test_mask__never_shows_more_than_the_start() -> None:
    token = "eyJ0" + "x" * 500
    assert mask(token) == "eyJ0…•••• (504 chars)"
    assert mask("short") == "•••••"
    assert mask(None) == "(not set)"


def test_token_view__from_the_token_response() -> None:
    body = {"access_token": "eyJ0abcdefghijk", "expires_in": "3600", "token_type": "Bearer"}
    view = TokenView.from_response(body, now=1000.0)
    assert view.expires_at == 4600.0 and view.expires_in == 3600
    assert view.masked.startswith("eyJ0…") and "abcdefghijk" not in view.masked
    assert TokenView.from_response({"expires_in": "soon"}, now=5.0).expires_at == 5.0


def test_countdown() -> None:
    assert countdown(3725) == "1:02:05" and countdown(59.5) == "0:59" and countdown(0) == "expired"
