"""The questions pages ask the store, answered in the database on both backends: a page of the
log with filters and totals, one exchange's bodies, the sidebar's facts, runs by who and where."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lib.exchange import Exchange
from lib.recorder import ExchangeFilter, Recorder, RunFilter, SqlStore, open_store

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
SIM = "http://127.0.0.1:8090"


def _ex(op: str, status: int | None, ref: str | None, **fields: object) -> Exchange:
    fields.setdefault("request_headers", {"Merchant-Serial-Number": "123456"})
    fields.setdefault("url", f"{SIM}/epayment/v1/payments")
    return Exchange(method="GET", operation=op, status=status, reference=ref, **fields)  # type: ignore[arg-type]


def _fill(location: str) -> tuple[Recorder, Recorder]:
    """Anna's dashboard run on the simulator and Bob's QA run on the test environment."""
    anna = Recorder.open(location, run_label="dashboard", person="anna")
    anna.record(_ex("access_token", 200, None, request_headers={}, url=f"{SIM}/accesstoken/get"))
    for i in range(30):
        with anna.step("3 Create" if i % 3 == 0 else "5 Status"):
            op, status = ("create_payment", 201) if i % 3 == 0 else ("get_payment", 200)
            anna.record(_ex(op, status, f"Anna-{i // 3:04d}", started_at=T0 + timedelta(seconds=i)))
    anna.record(_ex("get_payment", 404, "Anna-missing"))
    anna.record(_ex("get_payment", None, "Anna-0001", error="ReadTimeout: slow"))
    bob = Recorder.open(location, run_label="qa", person="bob")
    url = "https://apitest.vipps.no/epayment/v1/payments"
    for i in range(5):
        headers = {"Merchant-Serial-Number": "654321"}
        bob.record(_ex("create_payment", 201, f"bob-{i}", target="test", url=url,
                       request_headers=headers))  # fmt: skip
    return anna, bob


@pytest.fixture
def filled(location: str) -> tuple[SqlStore, Recorder, Recorder]:
    anna, bob = _fill(location)
    store = open_store(location)
    yield store, anna, bob  # type: ignore[misc]
    for closing in (store, anna, bob):
        closing.close()


def test_page__newest_first_without_bodies_with_the_total(filled) -> None:
    store, anna, _ = filled
    page = store.page(ExchangeFilter(run_ids=(anna.run_id,)), limit=10)
    assert page.total == 33 and len(page.rows) == 10 and page.pages == 4
    ids = [e.id for e in page.rows]
    assert ids == sorted(ids, reverse=True)
    assert all(e.response_body is None and e.request_headers == {} for e in page.rows)
    last = store.page(ExchangeFilter(run_ids=(anna.run_id,)), offset=30, limit=10)
    assert len(last.rows) == 3 and last.rows[-1].operation == "access_token"
    opened = store.exchange(ids[0])
    assert opened is not None and opened.request_headers == {"Merchant-Serial-Number": "123456"}


def test_page__filters_by_step_status_class_and_reference(filled) -> None:
    store, anna, _ = filled
    mine = ExchangeFilter(run_ids=(anna.run_id,))
    assert store.count(ExchangeFilter(run_ids=(anna.run_id,), steps=("3 Create",))) == 10
    classes = {c: store.count(ExchangeFilter(run_ids=mine.run_ids, status_classes=(c,)))
               for c in ("2xx", "4xx", "5xx", "no response")}  # fmt: skip
    assert classes == {"2xx": 31, "4xx": 1, "5xx": 0, "no response": 1}
    both = ExchangeFilter(run_ids=mine.run_ids, status_classes=("4xx", "no response"))
    assert {e.reference for e in store.page(both).rows} == {"Anna-missing", "Anna-0001"}
    assert store.count(ExchangeFilter(reference_contains="Anna-000")) == 31  # 0000..0009 + 2
    assert store.count(ExchangeFilter(reference_contains="anna-000")) == 0  # case matters
    assert store.count(ExchangeFilter(reference_contains="%")) == 0  # a literal, not a wildcard
    assert store.count(ExchangeFilter(reference="Anna-0003")) == 3
    ops = ExchangeFilter(operations=("create_payment",), steps=("3 Create",))
    assert store.page(ops).total == 10


def test_filters_by_who_and_where(filled) -> None:
    store, anna, bob = filled
    assert store.count(ExchangeFilter(who=RunFilter(persons=("bob",)))) == 5
    assert store.count(ExchangeFilter(targets=("test",))) == 5
    assert store.count(ExchangeFilter(msns=("123456",))) == 32  # the token call sent none
    assert store.count(ExchangeFilter(who=RunFilter(msns=("654321",)))) == 5
    assert store.count(ExchangeFilter(run_ids=())) == 0
    runs = {r.label: r for r in store.runs()}
    assert (runs["dashboard"].person, runs["dashboard"].target, runs["dashboard"].msn) == (
        "anna", "simulator", "123456")  # fmt: skip
    assert (runs["qa"].person, runs["qa"].target, runs["qa"].count) == ("bob", "test", 5)
    assert runs["qa"].host and runs["qa"].host == runs["dashboard"].host
    assert [r.label for r in store.runs(RunFilter(persons=("anna",)))] == ["dashboard"]
    assert [r.label for r in store.runs(RunFilter(targets=("test",)))] == ["qa"]
    assert [r.label for r in store.runs(newest=1)] == ["qa"]
    assert store.who_values()["person"] == ["anna", "bob"]
    assert store.run(bob.run_id) == runs["qa"] and store.run("nope") is None


def test_sidebar_facts__token_of_this_run_and_the_last_payment_of_this_unit(filled) -> None:
    store, anna, bob = filled
    facts = store.sidebar_facts(anna.run_id, SIM, "123456")
    assert facts.token_issued and facts.last_reference == "Anna-0009"
    assert not store.sidebar_facts(bob.run_id, SIM, "123456").token_issued
    other_unit = store.sidebar_facts(anna.run_id, SIM, "999999")
    assert other_unit.token_issued and other_unit.last_reference is None  # token has no MSN
    test = store.sidebar_facts(bob.run_id, "https://apitest.vipps.no", "654321")
    assert test.last_reference == "bob-4" and not test.token_issued


def test_iter_exchanges__in_chunks_oldest_first_with_bodies(filled) -> None:
    store, anna, _ = filled
    streamed = list(store.iter_exchanges(ExchangeFilter(run_ids=(anna.run_id,)), chunk=4))
    assert streamed == anna.exchanges()
    assert streamed[1].request_headers == {"Merchant-Serial-Number": "123456"}
    since = ExchangeFilter(since=T0 + timedelta(seconds=25), reference_contains="Anna-00")
    refs = [e.reference for e in store.iter_exchanges(since, chunk=2)]
    assert refs == ["Anna-0008"] * 2 + ["Anna-0009"] * 3 + ["Anna-0001"]  # the last one: now


def test_unknown_status_class_is_refused() -> None:
    with pytest.raises(ValueError, match="status class"):
        ExchangeFilter(status_classes=("2XX-ish",)).condition()


def test_reference_contains_pages_and_counts_through_the_summary_index(filled) -> None:
    """A "contains" filter reads the summary index (schema 6): the same pages and totals as the
    other filters give, combined with each of them, page after page."""
    store, anna, _ = filled
    contains = ExchangeFilter(reference_contains="Anna-000")
    assert store.count(contains) == 31 and store.page(contains, limit=10).total == 31
    pages = [store.page(contains, offset=o, limit=10).rows for o in (0, 10, 20, 30)]
    ids = [e.id for page in pages for e in page]
    assert len(ids) == 31 == len(set(ids)) and ids == sorted(ids, reverse=True)
    assert all(e.reference and "Anna-000" in e.reference for e in pages[0])
    combined = {
        "who": ExchangeFilter(reference_contains="-", who=RunFilter(persons=("bob",))),
        "since": ExchangeFilter(reference_contains="Anna-0", since=T0 + timedelta(seconds=25)),
        "status": ExchangeFilter(reference_contains="Anna", status_classes=("4xx",)),
        "step": ExchangeFilter(
            reference_contains="Anna", steps=("3 Create",), run_ids=(anna.run_id,)
        ),
        "nothing": ExchangeFilter(reference_contains="zzz", operations=("get_payment",)),
    }
    found = {
        k: (store.count(f), [e.reference for e in store.page(f).rows]) for k, f in combined.items()
    }
    assert found["who"] == (5, [f"bob-{i}" for i in reversed(range(5))])
    # 25-29 s after T0, and the timed-out call recorded now
    assert found["since"][0] == 6 and set(found["since"][1]) == {
        "Anna-0001",
        "Anna-0008",
        "Anna-0009",
    }
    assert found["status"] == (1, ["Anna-missing"])
    assert found["step"][0] == 10 and found["step"][1][0] == "Anna-0009"
    assert found["nothing"] == (0, [])


def test_sqlite_is_told_to_read_the_summary_index(tmp_path) -> None:
    """SQLite's planner would search another index and read each wide row; the page and the
    count name the summary index (INDEXED BY)."""
    from lib.recorder.summary_scan import summary_count, summary_page_ids

    store = open_store(str(tmp_path / "lab.sqlite"))
    store.add_exchange(_ex("get_payment", 200, "Anna-0001"))
    where = ExchangeFilter(
        operations=("get_payment",), status_classes=("2xx",), reference_contains="-0"
    )
    with store.engine.connect() as conn:
        for query in (summary_count(where.condition()), summary_page_ids(where.condition(), 0, 50)):
            compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
            assert "COVERING INDEX ix_exchanges_summary" in " ".join(str(s[-1]) for s in plan)
    assert store.page(where).total == 1
    store.close()


def test_a_schema_5_store_gains_the_summary_index_and_har_lists(location: str) -> None:
    """Schema 6 adds the summary index and the HAR header lists to a store that has its rows
    already (both backends); the rows stored before keep NULL lists and export as before."""
    from sqlalchemy import inspect

    from lib.recorder import export_bytes
    from lib.recorder.exports import Selection
    from lib.recorder.migrations import _set_version
    from lib.recorder.rows import HAR_HEADERS
    from lib.recorder.schema import SCHEMA_VERSION, SUMMARY_INDEX

    store = open_store(location)
    store.add_exchange(_ex("get_payment", 200, "Anna-0001"))
    with store.engine.begin() as conn:  # back to schema 5
        SUMMARY_INDEX.drop(conn)
        for column in HAR_HEADERS:
            conn.exec_driver_sql(f"ALTER TABLE exchanges DROP COLUMN {column}")
        _set_version(conn, 5)
    store.close()
    store = open_store(location)
    names = {i["name"] for i in inspect(store.engine).get_indexes("exchanges")}
    assert store.schema_version == SCHEMA_VERSION == 6 and SUMMARY_INDEX.name in names
    assert store.page(ExchangeFilter(reference_contains="a-00")).total == 1
    store.add_exchange(_ex("get_payment", 200, "Anna-0002"))
    with store.engine.connect() as conn:
        kept = conn.exec_driver_sql("SELECT request_har_headers FROM exchanges ORDER BY id").all()
    assert [r[0] for r in kept] == [None, '[{"name":"Merchant-Serial-Number","value":"123456"}]']
    assert export_bytes(Selection(store), "har") == export_bytes(store.exchanges(), "har")
    store.close()
