"""Where evidence comes from: the environment an item is about, and the targets that rehearse."""

from __future__ import annotations

from collections.abc import Iterable

# Exchanges with these targets show how an integration behaves, but Vipps accepts none of them.
REHEARSALS: tuple[str, ...] = ("simulator", "custom")
NAMES = {
    "simulator": "the simulator",
    "custom": "a custom URL",
    "test": "the test environment",
    "production": "production",
}


def is_rehearsal(target: str) -> bool:
    return target in REHEARSALS


def words(targets: Iterable[str]) -> str:
    """Targets in plain words: "the simulator and a custom URL"."""
    names = [NAMES.get(t, repr(t)) for t in dict.fromkeys(targets)]
    if len(names) <= 1:
        return "".join(names) or "nowhere"
    return ", ".join(names[:-1]) + " and " + names[-1]
