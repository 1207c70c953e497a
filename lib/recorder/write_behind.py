"""Writing an export while its next part is read: the database and the disk work at once.

SQLite's step and a file's write both release the GIL, so on a machine with two cores an
export of a million rows takes about the longer of the two instead of their sum. One block is
written while the next is made: memory stays at two blocks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO


def joined(head: bytes, chunks: Iterable[list[bytes]], sep: bytes, tail: bytes) -> Iterator[bytes]:
    """`head`, then every printed item with `sep` between them, then `tail`, a block per chunk."""
    yield head
    first = True
    for printed in chunks:
        if printed:
            if sep and not first:
                yield sep
            # A chunk printed as one text is written as it is: no copy of ~10 MB per chunk.
            yield printed[0] if len(printed) == 1 else sep.join(printed)
            first = False
    yield tail


# A block, or the work that makes it (run on the writer's thread, e.g. Excel's escapes).
Block = bytes | Callable[[], bytes]


def write_behind(out: IO[bytes], blocks: Iterable[Block]) -> None:
    """Each block made (when it is work) and written on a second thread while the next one is
    read; errors surface here."""
    with ThreadPoolExecutor(1, thread_name_prefix="export-write") as writer:
        pending: Future[int] | None = None
        for block in blocks:
            if pending is not None:
                pending.result()
            pending = writer.submit(_write, out, block)
        if pending is not None:
            pending.result()


def _write(out: IO[bytes], block: Block) -> int:
    return out.write(block() if callable(block) else block)
