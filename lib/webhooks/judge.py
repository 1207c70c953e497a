"""A delivery's verdict: verified against the secrets for its path, then read as an event."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from lib.webhooks.events import ReceivedEvent
from lib.webhooks.evidence import parse_event
from lib.webhooks.http import MAX_BODY
from lib.webhooks.signature import Outcome, Verdict, path_and_query, signed_host, verify

# A secret for every path, or a function from the path (and query) to the secret(s) for it.
SecretSource = str | Callable[[str], str | Sequence[str] | None] | None


@dataclass(frozen=True)
class Registration:
    """A webhook registered to deliver here: the URL exactly as registered, and its secret."""

    url: str
    secret: str = field(repr=False)
    id: str | None = None


Judgement = tuple[Verdict, Registration | None, ReceivedEvent | None]


def candidates(
    registered: Sequence[Registration], secret: SecretSource, target: str, own_netloc: str
) -> list[Registration]:
    """The registrations for `target`, then the fallback secret(s) as if registered on our own
    URL (`own_netloc`: the public host, or this server's host:port)."""
    found = list(registered)
    secrets: Any = secret(target) if callable(secret) else secret
    if isinstance(secrets, str):
        secrets = [secrets]
    own_url = f"http://{own_netloc}{target}"
    found.extend(Registration(own_url, s) for s in secrets or [] if s)
    return found


def judge(
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    size: int,
    now: datetime,
    candidates_for: Callable[[str], list[Registration]],
    max_skew: timedelta | None,
) -> Judgement:
    """The verdict, the registration it verified against, and the event (None: refused).
    `candidates_for` is asked only for a body within MAX_BODY."""
    if size > MAX_BODY:
        reason = f"a body of {size:,} bytes is over the receiver's {MAX_BODY:,}-byte limit"
        return Verdict(Outcome.BAD_PAYLOAD, reason), None, None
    found = candidates_for(target)
    verdict, registration = _verify(method, target, headers, body, now, found, max_skew)
    if not verdict.ok:
        return verdict, registration, None
    try:
        event = parse_event(body, now, registration.id if registration else None)
    except RecursionError:
        reason = "authentic, but its JSON is nested too deep to read"
        return Verdict(Outcome.BAD_PAYLOAD, reason), registration, None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        reason = f"authentic, but not a readable event ({type(exc).__name__})"
        return Verdict(Outcome.BAD_PAYLOAD, reason), registration, None
    if event is None:
        reason = "authentic, but not a JSON event object"
        return Verdict(Outcome.BAD_PAYLOAD, reason), registration, None
    return verdict, registration, event


def _verify(
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
    found: Sequence[Registration],
    max_skew: timedelta | None,
) -> tuple[Verdict, Registration | None]:
    if not found:
        reason = f"no webhook secret known for {target} (register it: add_registration)"
        return Verdict(Outcome.NO_SECRET, reason), None
    verdicts = []
    for registration in found:
        verdict = verify(
            method=method,
            path_and_query=path_and_query(registration.url),
            host=signed_host(registration.url),
            headers=headers,
            body=body,
            secret=registration.secret,
            now=now,
            max_skew=max_skew,
        )
        if verdict.ok:
            return verdict, registration
        verdicts.append((verdict, registration))
    # A verdict that got past the signature (stale date) says more than "bad signature".
    return next((v for v in verdicts if v[0].outcome is not Outcome.BAD_SIGNATURE), verdicts[0])
