"""`python -m lib.integration`: record a system's own traffic on a target, then grade it."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from lib.integration.findings import Finding, has_errors, write_findings
from lib.integration.recording import REHEARSAL
from lib.integration.session import IntegrationSession
from lib.recorder import open_store
from lib.recorder.location import evidence_location
from lib.report import ReportInfo, write_evidence_pack

EXIT_OK, EXIT_FINDINGS, EXIT_SETUP = 0, 1, 2


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m lib.integration",
        description="Point your own system at the lab; get findings and an evidence pack.",
    )
    parser.add_argument(
        "--target",
        default="simulator",
        help="simulator, test (https://apitest.vipps.no) or an http(s) URL",
    )
    parser.add_argument("--port", type=int, default=8091, help="127.0.0.1 port (0: any free)")
    parser.add_argument("--out", type=Path, required=True, help="directory for the results")
    parser.add_argument(
        "--db",
        help="evidence store: a SQLite path or postgresql:// URL "
        "(default: EPAYMENT_LAB_DB, else OUT/evidence.sqlite)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        help="seconds to record (default: until Ctrl+C or SIGTERM)",
    )
    parser.add_argument(
        "--ca-file",
        default=None,
        help="trust these CA certificates for the upstream (proxy targets)",
    )
    return parser.parse_args(argv)


def _target_error(target: str) -> str | None:
    if target in ("simulator", "test") or target.startswith(("http://", "https://")):
        return None
    return f"--target must be simulator, test or an http(s) URL, not {target!r}"


def banner(session: IntegrationSession) -> str:
    lines = [f"Point your system's ePayment base URL at: {session.base_url}", ""]
    if session.kind == "simulator":
        for unit in session.sales_units:
            lines += [
                f"Sales unit {unit.name!r} ({unit.currency}), test keys of this simulator:",
                f"  Merchant-Serial-Number:    {unit.merchant_serial_number}",
                f"  client_id:                 {unit.client_id}",
                f"  client_secret:             {unit.client_secret}",
                f"  Ocp-Apim-Subscription-Key: {unit.subscription_key}",
            ]
        lines += ["", f"Control plane: {session.base_url}/_sim/health. Evidence is a {REHEARSAL}."]
    else:
        lines += [f"Requests are forwarded unchanged to {session.upstream} over verified TLS."]
        if session.kind == "custom":
            lines += [f"Evidence is a {REHEARSAL}."]
    return "\n".join(lines + ["Recording until Ctrl+C (SIGINT) or SIGTERM."])


def wait(duration: float | None) -> None:
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    done.wait(duration)


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    args = parse_args(argv)
    problem = _target_error(args.target)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_SETUP
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        store = open_store(evidence_location(args.db, args.out / "evidence.sqlite"))
        session = IntegrationSession(
            args.target, store=store, port=args.port, ca_file=args.ca_file
        ).start()
    except (OSError, RuntimeError, ValueError) as error:
        print(f"Cannot start on {args.target}: {error}", file=sys.stderr)
        return EXIT_SETUP
    print(banner(session), file=out, flush=True)
    wait(args.duration)
    session.stop()
    return finish(session, args.out, out)


def finish(session: IntegrationSession, directory: Path, out: TextIO) -> int:
    findings = session.findings()
    exchanges = session.exchanges()
    write_findings(findings, directory / "findings.json")
    now = datetime.now(UTC)
    info = ReportInfo(
        title="Your integration under test",
        target=session.kind,
        label=f"integration ({session.kind})",
        generated_at=now,
    )
    pack = write_evidence_pack(exchanges, directory, info=info, now=now)
    print(summary(findings, len(exchanges), session.recording_failures), file=out)
    print(f"Findings: {directory / 'findings.json'}\nEvidence pack: {pack}", file=out)
    return EXIT_FINDINGS if has_errors(findings) else EXIT_OK


def summary(findings: Sequence[Finding], exchanges: int, failures: int) -> str:
    counts = Counter(str(f.severity) for f in findings)
    lines = [f"\nRecorded {exchanges} exchanges; recording failures: {failures}."]
    lines += [f"  {f.severity:<7} {f.rule}: {f.message}" for f in findings]
    totals = ", ".join(f"{counts[s]} {s}" for s in ("error", "warning", "info"))
    return "\n".join([*lines, f"Findings: {totals}."])
