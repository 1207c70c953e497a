"""polling.too-frequent, polling.after-final, polling.ignores-429 (timestamps driven)."""

from __future__ import annotations

from lib.integration.rules import polling
from lib.integration.traffic import Thresholds, Traffic
from tests.integration.builders import amount, create_body, exchange, payment

CREATED, AUTHORIZED = payment("CREATED"), payment("AUTHORIZED")


def polls(times: list[float], final_at: int | None = None) -> list:
    log = [exchange("create_payment", 0, status=201, body=create_body(), key="k")]
    for i, at in enumerate(times):
        state = AUTHORIZED if final_at is not None and i >= final_at else CREATED
        log.append(exchange("get_payment", at, response=state))
    return log


def test_too_frequent__every_100_ms_from_the_start() -> None:
    log = polls([0.1 * i for i in range(1, 11)], final_at=9)
    found = polling.too_frequent(Traffic(log))
    assert len(found) == 1 and len(found[0].exchange_ids) == 10
    assert "median gap 0.10 s" in found[0].message


def test_too_frequent__the_guidelines_pass() -> None:
    log = polls([5.0, 7.0, 9.1, 11.0, 13.2], final_at=4)
    assert polling.too_frequent(Traffic(log)) == []


def test_too_frequent__scaled_thresholds() -> None:
    log = polls([0.5, 0.7, 0.9, 1.1], final_at=3)
    assert polling.too_frequent(Traffic(log, Thresholds().scaled(0.1))) == []
    assert polling.too_frequent(Traffic(log)) != []


def test_after_final__keeps_polling() -> None:
    log = polls([5, 7, 9, 11, 13, 15], final_at=1)
    found = polling.after_final(Traffic(log))
    assert found[0].exchange_ids == tuple(e.id for e in log[-2:])  # two reads are allowed


def test_after_final__reading_back_after_a_capture_passes() -> None:
    log = polls([5, 7], final_at=1)
    log += [exchange("capture_payment", 8, body=amount(1000), key="c")]
    log += [exchange("get_payment", 9, response=AUTHORIZED), exchange("get_payment", 10)]
    assert polling.after_final(Traffic(log)) == []


def test_ignores_429__retry_after_not_honoured() -> None:
    limited = exchange("get_payment", 0, status=429, response_headers={"Retry-After": "10"})
    log = [limited, exchange("get_payment", 1), exchange("get_payment", 30)]
    found = polling.ignores_429(Traffic(log))
    assert found[0].exchange_ids == (log[0].id, log[1].id)


def test_ignores_429__waiting_passes() -> None:
    log = [
        exchange("get_payment", 0, status=429, response_headers={"Retry-After": "10"}),
        exchange("get_payment", 10.5),
    ]
    assert polling.ignores_429(Traffic(log)) == []
    no_header = [exchange("get_payment", 0, status=429), exchange("get_payment", 2)]
    assert polling.ignores_429(Traffic(no_header)) == []
