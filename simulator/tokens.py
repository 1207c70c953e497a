"""Access tokens: JWT-shaped, HMAC-signed by a per-process key, carrying sales unit and expiry."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
import uuid
from dataclasses import dataclass

from simulator.clock import SimClock
from simulator.config import SalesUnit

ISSUER = "https://epayment-lab.simulator/accesstoken"
RESOURCE = "00000002-0000-0000-c000-000000000000"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class TokenClaims:
    msn: str
    client_id: str
    expires_at: int


class TokenError(Exception):
    """The token is malformed, forged, altered, from before a reset, or expired."""


class TokenIssuer:
    """Signs and verifies access tokens. reset() rotates the key, so old tokens stop working."""

    def __init__(self, clock: SimClock, lifetime_seconds: int = 3600) -> None:
        self._clock = clock
        self.lifetime_seconds = lifetime_seconds
        self._key = os.urandom(32)
        self._verified: dict[str, TokenClaims] = {}  # cache: the GET path stays cheap
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._key = os.urandom(32)
            self._verified = {}

    def issue(self, unit: SalesUnit) -> dict[str, str]:
        """The 200 body of POST /accesstoken/get: all seven fields, every one a string."""
        now = int(self._clock.now())
        exp = now + self.lifetime_seconds
        header = {"typ": "JWT", "alg": "HS256", "kid": "epayment-lab-sim"}
        payload = {
            "aud": RESOURCE,
            "iss": ISSUER,
            "iat": now,
            "nbf": now,
            "exp": exp,
            "appid": unit.client_id,
            "msn": unit.merchant_serial_number,
            "jti": str(uuid.uuid4()),
        }
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
        signature = _b64(hmac.new(self._key, signing_input.encode(), hashlib.sha256).digest())
        return {
            "token_type": "Bearer",
            "expires_in": str(self.lifetime_seconds),
            "ext_expires_in": "0",
            "expires_on": str(exp),
            "not_before": str(now),
            "resource": RESOURCE,
            "access_token": f"{signing_input}.{signature}",
        }

    def verify(self, token: str) -> TokenClaims:
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify_signature(token)
            with self._lock:
                if len(self._verified) > 10_000:
                    self._verified = {}
                self._verified[token] = claims
        if self._clock.now() >= claims.expires_at:
            raise TokenError("The access token has expired. Get a new one from /accesstoken/get.")
        return claims

    def _verify_signature(self, token: str) -> TokenClaims:
        parts = token.split(".")
        if len(parts) != 3 or not token.isascii():  # a JWT is base64url; compare_digest needs ASCII
            raise TokenError("The access token is not a JWT.")
        signing_input = f"{parts[0]}.{parts[1]}".encode()
        expected = _b64(hmac.new(self._key, signing_input, hashlib.sha256).digest())
        if not hmac.compare_digest(expected, parts[2]):
            raise TokenError("The access token signature is invalid.")
        try:
            payload = json.loads(_unb64(parts[1]))
            return TokenClaims(str(payload["msn"]), str(payload["appid"]), int(payload["exp"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise TokenError("The access token payload is malformed.") from exc
