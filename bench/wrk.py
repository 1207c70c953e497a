"""Runs wrk against GET payment and parses its summary (throughput, latency percentiles, errors)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("get_payment.lua")
UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


@dataclass(frozen=True)
class WrkResult:
    requests: int
    errors: int  # non-2xx responses plus socket errors
    requests_per_second: float
    median: float  # seconds
    p99: float
    raw: str


def available() -> bool:
    return shutil.which("wrk") is not None


def _seconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def parse(output: str) -> WrkResult:
    percentile = dict(re.findall(r"^\s+(50|99)\.000%\s+(\S+)", output, re.M))
    if not percentile:  # wrk 4.1 prints "50%" without decimals
        percentile = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.M))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in socket.groups()) if socket else 0
    )
    return WrkResult(
        requests=total,
        errors=errors,
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        median=_seconds(percentile["50"]),
        p99=_seconds(percentile["99"]),
        raw=output,
    )


def run_get(
    base_url: str,
    headers: dict[str, str],
    references: list[str],
    *,
    seconds: int,
    connections: int,
    threads: int = 1,
) -> WrkResult:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["-s", str(SCRIPT)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(base_url)
    env = {**os.environ, "BENCH_REFERENCES": ",".join(references)}
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + 30, check=True
    )
    return parse(done.stdout)
