"""Two printers for a big SQLite export: this process and a partner process share the chunks,
so a two-core machine prints it in about half the time.

SQLite prints in the client, and two connections in one process do not print at once
(measured: two threads took longer than one), so the partner is a small process of its own
(lib/recorder/print_worker.py, standard library only). This process walks the chunks' id
bounds, keeps the partner supplied with chunks and prints the others itself, including every
chunk with a row Python prints (lib/recorder/unusual.py), then gives the chunks back in id
order. The partner's text comes through a pipe, read as it is written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine, Select

from lib.recorder import print_worker

Bounds = tuple[int, int]  # the rows with ids (after, through]
IN_FLIGHT = 4  # chunks printed but not yet given back: memory stays at a few chunks
PARTNER_AHEAD = 2  # chunks asked of the partner and not yet answered: it never waits for work


def compiled(engine: Engine, query: Select[Any]) -> dict[str, Any]:
    """SQL with ? placeholders, their names in order, and the values of all but :after,
    :through and :width, as the driver receives them (SQLAlchemy's bind processors applied)."""
    sql = query.compile(dialect=engine.dialect, compile_kwargs={"render_postcompile": True})
    processors: dict[str, Any] = dict(sql._bind_processors)  # what execute() applies
    values = {
        name: processors[name](value) if name in processors else value
        for name, value in sql.params.items()
        if name not in ("after", "through", "width")
    }
    return {"sql": str(sql), "names": list(sql.positiontup or []), "values": values}


class Partner:
    """The partner process: asked for a chunk's bounds, answers with the chunk's text."""

    def __init__(self, database: str, chunk_query: dict[str, Any]) -> None:
        self._process = subprocess.Popen(
            [sys.executable, print_worker.__file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._send(json.dumps({"database": database, "chunk": chunk_query}))

    def _send(self, line: str) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(line.encode("utf-8") + b"\n")
        self._process.stdin.flush()

    def ask(self, bounds: Bounds) -> None:
        self._send(f"{bounds[0]} {bounds[1]}")

    def answer(self) -> bytes:
        size = int.from_bytes(self._read(8), "big")
        return self._read(size)

    def _read(self, size: int) -> bytes:
        assert self._process.stdout is not None
        data = self._process.stdout.read(size)
        if len(data) < size:
            raise RuntimeError(f"The export's second printer stopped: {self._last_words()}")
        return data

    def _last_words(self) -> str:
        assert self._process.stderr is not None
        self._process.wait()
        said = self._process.stderr.read().decode("utf-8", "replace").strip().splitlines()
        return said[-1] if said else f"exit status {self._process.returncode}"

    def __enter__(self) -> Partner:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        if kind is not None:  # the export stopped early: the partner's work is not wanted
            self._process.kill()
        self._process.wait()
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()


def paired(
    partner: Partner,
    ranges: Iterable[Bounds],
    print_here: Callable[[Bounds], list[bytes]],
    needs_python: Callable[[Bounds], bool],
) -> Iterator[list[bytes]]:
    """Each range's printed chunk in order. The partner always has the next chunks to print
    (PARTNER_AHEAD asked, unless a row in one needs Python); this process prints a range
    whenever the partner has enough, so whichever is faster prints more (this one also
    writes the file). A thread reads the partner's answers as they come (a pipe read lets go
    of the GIL); a few chunks are in flight at most."""
    queue: deque[Future[bytes] | list[bytes]] = deque()
    with ThreadPoolExecutor(1, thread_name_prefix="export-partner") as reader:
        for bounds in ranges:
            asked = sum(1 for item in queue if isinstance(item, Future) and not item.done())
            if asked < PARTNER_AHEAD and not needs_python(bounds):
                partner.ask(bounds)
                queue.append(reader.submit(partner.answer))
            else:
                queue.append(print_here(bounds))
            while len(queue) > IN_FLIGHT:
                yield from _ready(queue.popleft())
        while queue:
            yield from _ready(queue.popleft())


def _ready(item: Future[bytes] | list[bytes]) -> Iterator[list[bytes]]:
    chunk = [item.result()] if isinstance(item, Future) else item
    if chunk and chunk != [b""]:
        yield chunk
