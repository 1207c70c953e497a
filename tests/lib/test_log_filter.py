"""lib.log_filter: the request log's filters as one store query, a page at a time."""

from __future__ import annotations

from lib.exchange import Exchange
from lib.log_filter import choices, label, log_filter, page_of, rehearsed, span, table
from lib.recorder import Page, Recorder


def _log() -> Recorder:
    rec = Recorder.open(":memory:", person="ada")
    for i, (step, status, target) in enumerate(
        [
            ("create", 201, "test"),
            ("capture", 400, "test"),
            ("status", 200, "simulator"),
            ("status", None, "simulator"),
        ]  # fmt: skip
    ):
        ref = f"ref-{'ab'[i % 2]}"
        rec.record(Exchange(method="GET", url="https://x.test/", operation=f"op{i}", step=step,
                            status=status, target=target, reference=ref))  # fmt: skip
    return rec


def test_the_filters_are_one_store_query() -> None:
    rec = _log()
    store = rec.store
    assert store.count(log_filter(rec.run_id)) == 4
    assert store.count(log_filter("another run")) == 0
    assert store.count(log_filter(None, steps=["capture"])) == 1
    assert store.count(log_filter(None, statuses=["2xx"])) == 2
    assert store.count(log_filter(None, statuses=["no response"])) == 1
    assert store.count(log_filter(None, reference=" ref-b ")) == 2
    assert store.count(log_filter(None, who={"person": ["ada"]})) == 4
    assert store.count(log_filter(None, who={"person": ["bob"]})) == 0
    assert store.count(log_filter(None, who={"msn": ["nope"], "host": []})) == 0


def test_a_page_past_the_end_is_the_last_page() -> None:
    rec = _log()
    page, number = page_of(rec.store, log_filter(None), 1, size=3)
    assert number == 1 and page.total == 4 and page.pages == 2
    assert [e.operation for e in page.rows] == ["op3", "op2", "op1"]  # newest first
    page, number = page_of(rec.store, log_filter(None), 9, size=3)
    assert number == 2 and [e.operation for e in page.rows] == ["op0"]
    assert span(page) == "Exchanges 4-4 of 4, newest first"
    assert list(table(page)["step"]) == ["create"]
    page, number = page_of(rec.store, log_filter(None, steps=["nothing"]), 0)
    assert number == 1 and page.rows == [] and page.total == 0
    assert span(page) == "Exchanges 0-0 of 0, newest first"


def test_choices_keep_an_exchange_opened_from_another_page() -> None:
    rec = _log()
    page, _ = page_of(rec.store, log_filter(None), 1, size=2)
    ids = [e.id for e in page.rows]
    assert list(choices(page)) == ids
    assert list(choices(page, pinned=1, chosen=1)) == [1, *ids]
    assert list(choices(page, pinned=1, chosen=ids[0])) == ids  # another chosen since
    assert list(choices(page, pinned=ids[1], chosen=ids[1])) == ids  # on the page already
    assert choices(Page([], 0, 0, 50)) == {}
    assert label(page.rows[1]).startswith(f"#{ids[1]} op2 200 ref-a")
    assert label(page.rows[0]) == f"#{ids[0]} op3 - ref-b"


def test_rehearsed_asks_whether_any_matching_exchange_went_to_a_rehearsal() -> None:
    rec = _log()
    assert rehearsed(rec.store, log_filter(None))
    assert not rehearsed(rec.store, log_filter(None, steps=["create", "capture"]))


def test_missing_texts_show_as_empty_cells() -> None:
    rec = Recorder.open(":memory:")
    rec.record(Exchange("POST", "https://x.test/hook", "webhook_delivery", status=200))
    rec.record(Exchange("GET", "https://x.test/", "get_payment", step="status", error="Timeout"))
    page = page_of(rec.store, log_filter(rec.run_id), 1)[0]
    shown = table(page)
    assert list(shown["step"]) == ["status", ""] and list(shown["error"]) == ["Timeout", ""]
    assert shown["status"].isna().tolist() == [True, False]  # numbers stay numbers
