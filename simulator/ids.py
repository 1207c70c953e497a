"""Seeded identifiers: pspReferences, UUIDs and landing tokens from one random source."""

from __future__ import annotations

import random
import uuid


class SeededIds:
    """One seeded `random.Random`, so a seeded simulator repeats its ids run after run. The order
    of the draws is part of that promise: a refused operation draws nothing."""

    def __init__(self, seed: int | None = None) -> None:
        self._seed = seed
        self._random = random.Random(seed)

    def reset(self) -> None:
        """Back to the first id of the seed (POST /_sim/reset)."""
        self._random = random.Random(self._seed)

    def psp(self) -> str:
        """An event's pspReference: ten digits."""
        return str(self._random.randrange(10**9, 10**10))

    def uuid(self) -> str:
        """A version-4 UUID (the payment's pspReference, a profile's `sub`)."""
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def token(self) -> str:
        """The redirectUrl token: 32 hex digits."""
        return f"{self._random.getrandbits(128):032x}"
