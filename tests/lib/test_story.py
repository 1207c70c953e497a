"""lib.story: the timeline, the plain sentences, the next money moves and the acts' pacing."""

from __future__ import annotations

from datetime import UTC, datetime

from lib.epayment.models import Aggregate, EventName, Money, Payment, PaymentEvent, PaymentState
from lib.story import StoryRun, acts, next_moves, timeline

T0 = datetime(2026, 11, 29, 10, 42, 3, tzinfo=UTC)


def _event(name: EventName, value: int, success: bool = True) -> PaymentEvent:
    return PaymentEvent("ref-12345678", name, Money(value), T0, success)


def _payment(state: PaymentState, authorized: int, captured: int = 0, refunded: int = 0) -> Payment:
    aggregate = Aggregate(Money(authorized), Money(captured), Money(refunded), Money(0))
    return Payment("ref-12345678", state, Money(25_000), aggregate)


def test_timeline_marks_what_happened_with_times_and_webhook_ticks() -> None:
    events = [_event(EventName.CREATED, 25_000), _event(EventName.AUTHORIZED, 25_000)]
    beats = timeline(events, webhooked={EventName.AUTHORIZED})
    assert [(b.title, b.done, b.webhook) for b in beats] == [
        ("Created", True, False),
        ("Approved", True, True),
        ("Captured", False, False),
        ("Refunded", False, False),
    ]
    assert beats[1].at == T0
    assert beats[1].sentence == (
        "The customer approved in the app: NOK 250.00 is reserved on the card."
    )
    assert beats[2].sentence == "The shop takes the money when the goods ship."


def test_timeline_skips_failed_events_and_ends_at_an_ending() -> None:
    events = [_event(EventName.CREATED, 25_000), _event(EventName.AUTHORIZED, 0, success=False)]
    events.append(_event(EventName.ABORTED, 0))
    beats = timeline(events)
    assert [b.title for b in beats] == ["Created", "Rejected"]  # nothing more is to come
    assert beats[-1].sentence == "The customer said no: nothing was reserved."


def test_next_moves_follow_the_money() -> None:
    assert next_moves(None) == []
    assert next_moves(_payment(PaymentState.CREATED, 0)) == []
    fresh = next_moves(_payment(PaymentState.AUTHORIZED, 25_000))
    assert [(m.key, m.label) for m in fresh] == [
        ("capture", "Take NOK 250.00"),
        ("cancel", "Release NOK 250.00"),
    ]
    taken = next_moves(_payment(PaymentState.AUTHORIZED, 25_000, captured=25_000, refunded=5_000))
    assert [(m.key, m.amount) for m in taken] == [("refund", Money(20_000))]


def test_the_story_waits_each_act_pause_then_moves_on() -> None:
    story = acts(True, Money(25_000), Money(5_000))
    assert [a.key for a in story] == [
        "create",
        "scan",
        "approve",
        "wait",
        "capture",
        "refund",
        "end",
    ]
    assert "the simulator does it for them" in story[2].sentence
    assert "force approve" in acts(False, Money(25_000), Money(5_000))[2].sentence
    run = StoryRun(0, since=100.0)
    assert not run.due(story, 100.0 + story[0].pause - 0.1)
    assert run.due(story, 100.0 + story[0].pause)
    last = StoryRun(len(story) - 1, 0.0).advanced(50.0)
    assert last.finished(story) and not last.due(story, 1e9)
