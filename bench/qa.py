"""The QA battery on the embedded simulator, and the evidence exports of a 100,000-row log.

`python -m bench.qa` alone, or as part of `make bench`. Prints medians; targets: the battery and
each export under 10 s.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from lib.exchange import Exchange
from lib.qa import SCENARIOS, from_simulator
from lib.recorder import Recorder, write_csv, write_har, write_json, write_xlsx
from lib.report import ReportInfo, render_report
from simulator import SimulatorConfig, SimulatorServer

TARGET_SECONDS = 10.0
LOG_ROWS = 100_000


@dataclass(frozen=True)
class Timing:
    name: str
    samples: list[float]  # seconds
    size: int | None = None  # bytes written, for exports

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def line(self) -> str:
        size = f"{self.size / 1e6:8.1f} MB" if self.size is not None else " " * 11
        verdict = "ok" if self.median < TARGET_SECONDS else "OVER 10 s"
        runs = len(self.samples)
        return f"{self.name:<28}{self.median:9.2f} s{size}   {runs} runs   {verdict}"


def timed(name: str, call: Callable[[], int | None], runs: int) -> Timing:
    samples, size = [], None
    for _ in range(runs):
        started = time.perf_counter()
        size = call()
        samples.append(time.perf_counter() - started)
    return Timing(name, samples, size)


def battery(sim: SimulatorServer, recorder: Recorder) -> list[Exchange]:
    """One full battery, as the dashboard runs it (its own run in a SQLite evidence file)."""
    recorder.start_run("bench QA battery")
    run = from_simulator(sim, recorder=recorder)
    result = run.run(SCENARIOS)
    if result.failed:
        failed = ", ".join(f"{s.scenario}:{s.step}" for s in result.failed)
        raise RuntimeError(f"the battery failed on the simulator: {failed}")
    return run.exchanges


def big_log(seed: list[Exchange], rows: int) -> list[Exchange]:
    """`rows` exchanges: the real battery log repeated, with fresh ids, later times and, per
    copy, references of their own (a real log of that size holds thousands of payments)."""
    span = seed[-1].started_at - seed[0].started_at + timedelta(seconds=1)
    out = []
    for i in range(rows):
        copy, base = divmod(i, len(seed))
        base = seed[base]
        out.append(_renamed(base, f"-{copy}") if copy else base)
        out[-1] = replace(out[-1], id=i + 1, started_at=base.started_at + span * copy)
    return out


def _renamed(ex: Exchange, suffix: str) -> Exchange:
    if not ex.reference:
        return ex
    new = ex.reference[: 64 - len(suffix)] + suffix

    def swap(text: str | None) -> str | None:
        return text.replace(ex.reference, new) if text else text

    return replace(ex, reference=new, url=swap(ex.url), request_body=swap(ex.request_body),
                   response_body=swap(ex.response_body))  # fmt: skip


def export(write: Callable[[list[Exchange], io.BytesIO], None], log: list[Exchange]) -> int:
    buffer = io.BytesIO()
    write(log, buffer)
    return buffer.tell()


def report(log: list[Exchange]) -> int:
    return len(render_report(log, info=ReportInfo(target="simulator")).encode())


def main(argv: list[str] | None = None) -> list[Timing]:
    parser = argparse.ArgumentParser(prog="python -m bench.qa", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="battery runs (median)")
    parser.add_argument("--export-runs", type=int, default=3, help="runs per export (median)")
    parser.add_argument("--rows", type=int, default=LOG_ROWS, help="rows of the exported log")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder, Recorder.open(Path(folder) / "b.sqlite") as rec:
        # The dashboard's simulator: default config (rate limits on, 10-minute expiry).
        with SimulatorServer(SimulatorConfig(port=0)) as sim:
            battery(sim, rec)  # warm-up: imports, first token, SQLite pages
            runs: list[list[Exchange]] = []
            timings = [timed("QA battery (all scenarios)",
                             lambda: runs.append(battery(sim, rec)), args.runs)]  # fmt: skip
        log = big_log(runs[-1], args.rows)
    for name, write in (("CSV", write_csv), ("Excel", write_xlsx), ("HAR 1.2", write_har),
                        ("JSON", write_json)):  # fmt: skip
        timings.append(timed(f"export {name}", lambda w=write: export(w, log), args.export_runs))
    timings.append(timed("report (HTML)", lambda: report(log), args.export_runs))
    steps = sum(len(s.steps) for s in SCENARIOS)
    print(f"\nQA battery: {len(SCENARIOS)} scenarios, {steps} steps, "
          f"{len(runs[-1])} exchanges per run; exports of {len(log):,} exchanges "
          f"(the battery's log repeated)\n")  # fmt: skip
    print("\n".join(t.line() for t in timings))
    return timings


if __name__ == "__main__":
    main()
