"""The status page's webhook-vs-poll line reads as a sentence a demo audience understands."""

from lib.ui.webhooks import timing


def test_timing__poll_after_webhook() -> None:
    line = timing("AUTHORIZED", 0.12, 1.9)
    assert line == "AUTHORIZED: webhook 0.1 s after the event; the poll saw it 1.9 s later"


def test_timing__poll_before_webhook() -> None:
    assert timing("CAPTURED", None, -0.4).endswith("the poll saw it 0.4 s before the webhook came")


def test_timing__not_polled_yet() -> None:
    assert (
        timing("CREATED", 0.0, None)
        == "CREATED: webhook 0.0 s after the event; no poll has seen it yet"
    )
