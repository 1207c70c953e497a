"""The access token as the token page shows it: masked, typed, counting down to its expiry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def mask(secret: str | None, keep: int = 4) -> str:
    """'eyJ0eXAiOiJKV1Qi...' -> 'eyJ0…(1043 chars)'; never more than `keep` characters shown."""
    if not secret:
        return "(not set)"
    if len(secret) <= keep * 2:
        return "•" * len(secret)
    return f"{secret[:keep]}…•••• ({len(secret)} chars)"


@dataclass(frozen=True)
class TokenView:
    """What the token page shows; the token itself is never kept, only its masked form."""

    masked: str
    token_type: str
    expires_in: int  # seconds, as the Access Token API said
    expires_at: float  # epoch seconds

    @classmethod
    def from_response(cls, body: Mapping[str, Any] | None, now: float) -> TokenView:
        body = body or {}
        try:
            expires_in = int(str(body.get("expires_in") or 0))
        except ValueError:
            expires_in = 0
        return cls(
            masked=mask(str(body.get("access_token") or "")),
            token_type=str(body.get("token_type") or "Bearer"),
            expires_in=expires_in,
            expires_at=now + expires_in,
        )


def countdown(seconds_left: float) -> str:
    """3725 -> '1:02:05', 59 -> '0:59', negative -> 'expired'."""
    if seconds_left <= 0:
        return "expired"
    minutes, seconds = divmod(int(seconds_left), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
