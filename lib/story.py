"""A payment told as a story: its timeline, one plain sentence per step, the acts to play."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from lib.epayment.models import Aggregate, EventName, Money, Payment, PaymentEvent, PaymentState

# The four milestones a successful payment passes, always drawn (done or still to come).
MILESTONES: tuple[tuple[EventName, str], ...] = (
    (EventName.CREATED, "Created"),
    (EventName.AUTHORIZED, "Approved"),
    (EventName.CAPTURED, "Captured"),
    (EventName.REFUNDED, "Refunded"),
)
# Endings that replace the rest of the road when they happen.
ENDINGS: dict[EventName, str] = {
    EventName.ABORTED: "Rejected",
    EventName.EXPIRED: "Expired",
    EventName.CANCELLED: "Cancelled",
    EventName.TERMINATED: "Cancelled",
}
SENTENCES: dict[EventName, str] = {
    EventName.CREATED: "The shop asked for {amount}; the customer gets a link or a QR code.",
    EventName.AUTHORIZED: "The customer approved in the app: {amount} is reserved on the card.",
    EventName.CAPTURED: "The goods shipped, so the shop took {amount}.",
    EventName.REFUNDED: "The shop gave {amount} back to the customer.",
    EventName.ABORTED: "The customer said no: nothing was reserved.",
    EventName.EXPIRED: "Nobody approved in time: nothing was reserved.",
    EventName.CANCELLED: "The shop released {amount} it no longer needs.",
    EventName.TERMINATED: "The shop cancelled before the customer approved.",
}
UPCOMING: dict[EventName, str] = {
    EventName.CREATED: "The shop asks for the money.",
    EventName.AUTHORIZED: "The customer approves in the app.",
    EventName.CAPTURED: "The shop takes the money when the goods ship.",
    EventName.REFUNDED: "If something comes back, the shop refunds it.",
}


@dataclass(frozen=True)
class Beat:
    """One step on the payment's timeline, done or still to come."""

    event: EventName
    title: str
    sentence: str
    at: datetime | None = None
    amount: Money | None = None
    webhook: bool = False  # a verified webhook told the shop about it, too
    done: bool = False


def sentence(event: EventName, amount: Money | None) -> str:
    return SENTENCES[event].format(amount=amount if amount is not None else "the amount")


def timeline(events: Sequence[PaymentEvent], webhooked: Collection[EventName] = ()) -> list[Beat]:
    """The milestones in order with what happened (time, amount, webhook tick), then what is
    still to come; after an ending (rejected, expired, cancelled) nothing more is to come."""
    happened = [e for e in events if e.success and e.name is not None]
    beats = [
        Beat(e.name, _title(e.name), sentence(e.name, e.amount), e.timestamp, e.amount,
             e.name in webhooked, True)
        for e in happened
        if e.name is not None
    ]  # fmt: skip
    if any(
        e.name in (EventName.ABORTED, EventName.EXPIRED, EventName.TERMINATED) for e in happened
    ):
        return beats
    seen = {b.event for b in beats}
    beats += [Beat(name, title, UPCOMING[name]) for name, title in MILESTONES if name not in seen]
    return beats


def _title(event: EventName) -> str:
    return dict(MILESTONES).get(event) or ENDINGS.get(event) or str(event)


@dataclass(frozen=True)
class Move:
    """The next money move a presenter can make, as a big button."""

    key: str  # "capture" | "refund" | "cancel"
    label: str
    amount: Money


def next_moves(payment: Payment | None) -> list[Move]:
    """What the shop can do now: capture what is reserved, refund what was taken, or release."""
    if payment is None or payment.state != PaymentState.AUTHORIZED:
        return []
    a: Aggregate = payment.aggregate
    moves = []
    if a.capturable:
        moves.append(Move("capture", f"Take {a.capturable}", a.capturable))
    if a.refundable:
        moves.append(Move("refund", f"Give back {a.refundable}", a.refundable))
    if a.capturable:
        moves.append(Move("cancel", f"Release {a.capturable}", a.capturable))
    return moves


@dataclass(frozen=True)
class Act:
    """One step of "tell the story": what happens, said in one plain sentence, after a pause."""

    key: str  # create | scan | approve | wait | capture | refund | end
    sentence: str
    pause: float  # seconds the audience gets before this act happens


def acts(on_simulator: bool, amount: Money, refund: Money) -> tuple[Act, ...]:
    """A whole payment: ask, scan, approve, reserved, take, give back part, done."""
    approve = (
        "The customer taps Approve on the phone (the simulator does it for them)."
        if on_simulator
        else "A test user approves (force approve stands in for the phone)."
    )
    return (
        Act("create", f"A customer buys something for {amount}: the shop asks for it.", 2.0),
        Act("scan", "The customer scans the QR code and sees the payment on the phone.", 4.0),
        Act("approve", approve, 4.0),
        Act("wait", f"The shop sees the approval: {amount} is reserved, not yet taken.", 2.0),
        Act("capture", f"The goods ship, so the shop takes the {amount}.", 4.0),
        Act("refund", f"One item comes back: the shop gives {refund} back.", 4.0),
        Act("end", "That is a whole payment: asked, approved, taken and partly given back.", 4.0),
    )


@dataclass(frozen=True)
class StoryRun:
    """Where a telling is: which act is next and since when it waits (epoch seconds)."""

    index: int
    since: float

    def due(self, story: Sequence[Act], now: float) -> bool:
        return not self.finished(story) and now - self.since >= story[self.index].pause

    def finished(self, story: Sequence[Act]) -> bool:
        return self.index >= len(story)

    def advanced(self, now: float) -> StoryRun:
        return StoryRun(self.index + 1, now)
