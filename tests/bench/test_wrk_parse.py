"""The benchmark's wrk summary parser and percentile helper (no load is generated here)."""

from __future__ import annotations

import pytest

from bench.__main__ import percentile
from bench.wrk import parse

SAMPLE = """Running 1s test @ http://127.0.0.1:18577/epayment/v1/payments/abcdefgh
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.24ms    2.50ms  21.78ms   91.37%
    Req/Sec     8.69k     4.47k   14.52k    70.00%
  Latency Distribution
     50%  321.00us
     75%  734.00us
     90%    3.31ms
     99%   13.95ms
  8646 requests in 1.00s, 2.49MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 40
Requests/sec:   8618.45
Transfer/sec:      2.48MB
"""


def test_parse_wrk_summary() -> None:
    result = parse(SAMPLE)
    assert result.requests == 8646
    assert result.errors == 43  # 40 non-2xx + 3 socket errors
    assert result.requests_per_second == pytest.approx(8618.45)
    assert result.median == pytest.approx(321e-6)
    assert result.p99 == pytest.approx(13.95e-3)


def test_parse_wrk_summary_without_errors() -> None:
    clean = "\n".join(
        line for line in SAMPLE.splitlines() if "errors" not in line and "Non-2xx" not in line
    )
    assert parse(clean).errors == 0


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([7.0], 99) == 7.0
