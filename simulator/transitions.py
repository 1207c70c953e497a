"""How a CREATED payment becomes AUTHORIZED without a person: manual, immediate, polls, seconds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["manual", "immediate", "after_polls", "after_seconds"]
MODES: tuple[str, ...] = ("manual", "immediate", "after_polls", "after_seconds")


@dataclass
class TransitionPolicy:
    """CREATED -> AUTHORIZED progression, like moto's state manager.

    manual (default): only the landing page, the control plane or force approve authorize.
    immediate: authorized right after creation. after_polls: on the N-th GET of the payment.
    after_seconds: N simulated seconds after creation (evaluated lazily and by the sweep).
    """

    mode: Mode = "manual"
    polls: int = 3
    seconds: float = 5.0

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")
        if not isinstance(self.polls, int) or isinstance(self.polls, bool) or self.polls < 1:
            raise ValueError("polls must be a positive integer")
        if not isinstance(self.seconds, int | float) or isinstance(self.seconds, bool):
            raise ValueError("seconds must be a number")
        if self.seconds < 0:
            raise ValueError("seconds must be >= 0")

    def due(self, polls: int, age_seconds: float) -> bool:
        if self.mode == "immediate":
            return True
        if self.mode == "after_polls":
            return polls >= self.polls
        if self.mode == "after_seconds":
            return age_seconds >= self.seconds
        return False

    def to_dict(self) -> dict[str, object]:
        return {"mode": self.mode, "polls": self.polls, "seconds": self.seconds}
