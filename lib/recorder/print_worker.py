"""A second printer of a big SQLite export, in a process of its own (lib/recorder/bulk_pair.py).

`python print_worker.py`: the first stdin line is the job (JSON: the database's path and the
chunk query the lab compiled, lib/recorder/bulk_sqlite.py); each later line "after through"
asks for the rows (after, through] printed, and the answer on stdout is their text's length
(8 bytes, big-endian) and the text. A closed stdin ends the process.

Why a process: two SQLite connections in one process do not print at once (measured: two
threads printing chunks took longer than one), two processes do. Why the standard library
only: it starts in ~50 ms and holds a few MB, where importing the lab (pandas) would cost a
second and 130 MB.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from typing import Any, BinaryIO


def printed(con: sqlite3.Connection, query: dict[str, Any], after: int, through: int) -> bytes:
    """The rows (after, through] as the query prints them, joined; b"" when there are none."""
    values = {**query["values"], "after": after, "through": through, "width": through - after}
    row = con.execute(query["sql"], [values[name] for name in query["names"]]).fetchone()
    return bytes(row[0] or b"")


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    job = json.loads(requests.readline())
    con = sqlite3.connect(job["database"])
    con.text_factory = bytes
    for line in requests:
        after, through = map(int, line.split())
        text = printed(con, job["chunk"], after, through)
        answers.write(len(text).to_bytes(8, "big"))
        answers.write(text)
        answers.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
