"""The cost of durable evidence: Recorder.record() with SQLite synchronous=FULL vs NORMAL.

`python -m bench.durability [--exchanges N]`: one writer records N exchanges of a quick-start
shape into a fresh store for each setting, one after the other, and prints medians and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from lib.exchange import Exchange
from lib.recorder import Recorder, engines
from lib.recorder.store import open_store


def _exchange(i: int) -> Exchange:
    reference = f"bench-{i:08d}"
    body = f'{{"amount": {{"currency": "NOK", "value": 1000}}, "reference": "{reference}"}}'
    return Exchange("POST", "http://127.0.0.1/epayment/v1/payments", "create_payment",
                    request_headers={"Content-Type": "application/json"}, request_body=body,
                    status=201, response_body=f'{{"reference": "{reference}"}}',
                    reference=reference)  # fmt: skip


def measure(setting: str, count: int, folder: Path) -> list[float]:
    engines.SYNCHRONOUS = setting
    recorder = Recorder(open_store(folder / f"{setting}.sqlite"), "durability bench")
    times = []
    for i in range(count):
        started = time.perf_counter()
        recorder.record(_exchange(i))
        times.append(time.perf_counter() - started)
    recorder.close()
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.durability", description=__doc__)
    parser.add_argument("--exchanges", type=int, default=2000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        runs = {s: measure(s, args.exchanges, Path(folder)) for s in ("NORMAL", "FULL")}
    engines.SYNCHRONOUS = "FULL"
    print(f"\nDurable evidence: Recorder.record() x {args.exchanges}, one writer, SQLite WAL")
    median = {s: statistics.median(t) * 1000 for s, t in runs.items()}
    for setting, times in runs.items():
        rate = len(times) / sum(times)
        print(f"  synchronous={setting:<6} median {median[setting]:.2f} ms  {rate:,.0f} records/s")
    print(f"  FULL / NORMAL median: {median['FULL'] / median['NORMAL']:.2f}x")


if __name__ == "__main__":
    main()
