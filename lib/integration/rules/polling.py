"""polling.too-frequent, polling.after-final, polling.ignores-429: polling as the guidelines ask."""

from __future__ import annotations

import statistics
from collections import defaultdict

from lib.epayment.retry import parse_retry_after
from lib.integration.findings import Finding, Severity
from lib.integration.operations import MODIFICATIONS
from lib.integration.rules.base import finding, plural
from lib.integration.traffic import Seen, Traffic


def _polls_until_final(seen: list[Seen]) -> list[Seen]:
    """The GETs of one payment up to the first answer showing a final state."""
    polls = []
    for s in seen:
        if s.op == "get_payment":
            polls.append(s)
            if s.is_final:
                break
    return polls


def too_frequent(traffic: Traffic) -> list[Finding]:
    t = traffic.thresholds
    first_min = t.first_poll_seconds * t.tolerance
    gap_min = t.poll_interval_seconds * t.tolerance
    found = []
    for (_, reference), seen in traffic.by_payment.items():
        polls = _polls_until_final(seen)
        if not polls:
            continue
        created = next((s for s in seen if s.op == "create_payment" and s.ok), None)
        soon = [b for a, b in zip(polls, polls[1:], strict=False) if b.at - a.at < gap_min]
        if created is not None and polls[0].at - created.at < first_min:
            soon.insert(0, polls[0])
        if len(soon) > t.too_soon_allowed:
            gaps = [b.at - a.at for a, b in zip(polls, polls[1:], strict=False)]
            median = f"; median gap {statistics.median(gaps):.2f} s" if gaps else ""
            found.append(
                finding(
                    "polling.too-frequent",
                    Severity.WARNING,
                    f"{reference} was polled {plural(len(polls), 'time')} before its state was "
                    f"final, {len(soon)} sooner than the guidelines allow{median}. Wait about "
                    f"{t.first_poll_seconds:g} s after create, then poll about every "
                    f"{t.poll_interval_seconds:g} s (webhooks tell you sooner).",
                    soon,
                    reference,
                )
            )
    return found


def after_final(traffic: Traffic) -> list[Finding]:
    allowed = traffic.thresholds.polls_after_final_allowed
    found = []
    for (_, reference), seen in traffic.by_payment.items():
        final = False
        extra: list[Seen] = []
        flagged: list[Seen] = []
        for s in seen:
            if s.op in MODIFICATIONS:
                extra = []  # reading the payment back after a change is fine
            elif s.op in ("get_payment", "get_payment_event_log") and final:
                extra.append(s)
                if len(extra) > allowed:
                    flagged.append(s)
            if s.op == "get_payment" and s.is_final:
                final = True
        if flagged:
            found.append(
                finding(
                    "polling.after-final",
                    Severity.WARNING,
                    f"{reference} kept being read after its state was final "
                    f"({plural(len(flagged), 'read')} beyond the {allowed} allowed; AUTHORIZED, "
                    "ABORTED, EXPIRED and TERMINATED never change). Stop polling at a final "
                    "state; read the payment again only after you change it.",
                    flagged,
                    reference,
                )
            )
    return found


def ignores_429(traffic: Traffic) -> list[Finding]:
    t = traffic.thresholds
    groups: dict[tuple[str, str | None, str | None], list[Seen]] = defaultdict(list)
    for s in traffic.seen:
        groups[(s.op, s.msn, s.reference)].append(s)
    found = []
    for (op, _, reference), seen in groups.items():
        early = []
        for limited, following in zip(seen, seen[1:], strict=False):
            if limited.status != 429:
                continue
            after = parse_retry_after(limited.response_header("Retry-After"))
            wait = after if after is not None else t.poll_interval_seconds
            if following.at - limited.at < wait * t.tolerance:
                early += [limited, following]
        if early:
            found.append(
                finding(
                    "polling.ignores-429",
                    Severity.WARNING,
                    f"{op}{' on ' + reference if reference else ''} was sent again right after "
                    f"429 Too Many Requests ({len(early) // 2}x). Back off: wait for Retry-After "
                    f"when given, else at least {t.poll_interval_seconds:g} s, and slow down.",
                    list(dict.fromkeys(early)),
                    reference,
                )
            )
    return found
