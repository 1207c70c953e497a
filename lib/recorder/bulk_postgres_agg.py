"""JSON records, HAR entries and curl commands from PostgreSQL a chunk per query, on several
connections at once (CONNECTIONS).

PostgreSQL prints in its server, one backend per connection, so several connections print
chunks at once on all cores; each chunk comes back as one text (string_agg in id order, taken
as the UTF-8 bytes it came in), so the client touches it once, not once per row as with COPY. A
chunk holding a row Python prints (lib/recorder/unusual.py) is read again row by row.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Select, func, literal, literal_column, select

from lib.recorder.bulk_rows import Printer, reprinted
from lib.recorder.bulk_sqlite import Span, id_ranges
from lib.recorder.filters import ExchangeFilter
from lib.recorder.schema import exchanges
from lib.recorder.store import Store

# Chunks printed at once. One per core left a core idle while a chunk travels to this process
# and the next query goes out: a third connection took 200,000 rows 8-10% faster here (two
# cores; HAR 3.8 -> 3.4-3.6 s, Excel 3.3 -> 3.0 s, JSON 2.9 -> 2.6 s), one chunk more in memory.
CONNECTIONS = 3
T = TypeVar("T")


def agg_chunks(
    store: Store,
    where: ExchangeFilter | None,
    chunk: int,
    line: str,
    redo: str,
    printer: Printer,
    sep: str = ",",
) -> Iterator[list[bytes]]:
    """Each chunk's records (or entries, commands) in id order, `line` printing one, `sep`
    between them; `redo` is true for the rows Python prints."""

    def chunk_of(bounds: Span) -> list[bytes] | None:
        return _printed(store, where, (line, sep), redo, printer, bounds) or None

    yield from in_order(chunk_of, id_ranges(store, where, chunk))


def in_order(work: Callable[[Span], T | None], ranges: Iterable[Span]) -> Iterator[T]:
    """`work` on each range, CONNECTIONS at once, the results in the ranges' order (None: a
    range with nothing in it); a few results in flight at most."""
    with ThreadPoolExecutor(CONNECTIONS, thread_name_prefix="export-postgres") as pool:
        pending: deque[Future[T | None]] = deque()
        for bounds in ranges:
            pending.append(pool.submit(work, bounds))
            while len(pending) > CONNECTIONS:
                if (done := pending.popleft().result()) is not None:
                    yield done
        while pending:
            if (done := pending.popleft().result()) is not None:
                yield done


def chunk_rows(where: ExchangeFilter | None, columns: list[Any], bounds: Span) -> Select[Any]:
    """`columns` of the selection's rows with ids in `bounds`, in id order, for string_agg."""
    ids = exchanges.c.id
    return (
        select(*columns)
        .where((where or ExchangeFilter()).condition(), ids > bounds[0], ids <= bounds[1])
        .order_by(ids)
        # The LIMIT keeps PostgreSQL from pulling the subquery up, so string_agg takes the rows
        # in its order; an ORDER BY inside string_agg would sort ~10 MB again (spilled to disk).
        .limit(bounds[1] - bounds[0])
    )


@cache
def _utf8_loader() -> type[Any]:
    """Text as the server sends it in binary results: its UTF-8 bytes, not decoded (a chunk
    goes to a file as it came). Asking the server for bytea instead (convert_to) cost it a copy
    and a check of every chunk: 200,000 JSON records 2.6 -> 2.1-2.2 s. Imported here: a SQLite
    user never loads psycopg."""
    from psycopg.adapt import Loader
    from psycopg.pq import Format

    class Utf8(Loader):
        format = Format.BINARY

        def load(self, data: Any) -> bytes:
            return bytes(data)

    return Utf8


def fetched(store: Store, query: Select[Any]) -> list[Any]:
    """The driver's own rows of `query`, text as UTF-8 bytes (binary results), from one server
    process: a parallel plan would take a core from the chunks the other connections print."""
    sql = query.compile(dialect=store.engine.dialect, compile_kwargs={"render_postcompile": True})
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor(binary=True)
        cursor.adapters.register_loader("text", _utf8_loader())
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(str(sql), sql.params)
        found = list(cursor.fetchall())
        cursor.close()
        raw.commit()
        return found
    finally:
        raw.close()


def _printed(
    store: Store,
    where: ExchangeFilter | None,
    printing: tuple[str, str],
    redo: str,
    printer: Printer,
    bounds: Span,
) -> list[bytes]:
    line, sep = printing
    columns = [
        literal_column(line).label("line"),
        exchanges.c.id,
        literal_column(redo).label("redo"),
    ]
    rows = chunk_rows(where, columns, bounds).subquery("r")
    whole: Select[Any] = select(
        func.string_agg(literal_column("r.line"), literal(sep)),
        literal_column("count(*) FILTER (WHERE r.redo)"),
    ).select_from(rows)
    text, to_redo = fetched(store, whole)[0]
    if not to_redo:  # a chunk of rows Python prints has no text: string_agg leaves NULLs out
        return [] if text is None else [text]
    each = fetched(store, chunk_rows(where, columns, bounds))
    printed = [b"" if row[2] else row[0] for row in each]
    again = {i: row[1] for i, row in enumerate(each) if row[2]}
    return reprinted(store, printed, again, printer)
