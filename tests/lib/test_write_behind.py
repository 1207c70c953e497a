"""Exports written on a second thread: every block, in order; a failed write is not lost."""

from __future__ import annotations

import io

import pytest

from lib.recorder.write_behind import joined, write_behind


def test_blocks_arrive_in_order_with_separators() -> None:
    out = io.BytesIO()
    chunks = [[b"a", b"b"], [], [b"c"], [b"d", b"e", b"f"]]
    write_behind(out, joined(b"[", iter(chunks), b",", b"]"))
    assert out.getvalue() == b"[a,b,c,d,e,f]"
    empty = io.BytesIO()
    write_behind(empty, joined(b"[", iter([]), b",", b"]"))
    assert empty.getvalue() == b"[]"


def test_a_failed_write_raises_in_the_exporting_thread() -> None:
    class Full(io.BytesIO):
        def write(self, data: bytes) -> int:  # type: ignore[override]
            if len(self.getvalue()) > 2:
                raise OSError(28, "No space left on device")
            return super().write(data)

    made: list[int] = []

    def blocks():  # type: ignore[no-untyped-def]
        for n in range(100):
            made.append(n)
            yield b"xx"

    with pytest.raises(OSError, match="No space"):
        write_behind(Full(), blocks())
    assert len(made) < 100  # the export stops at the failure, not after reading everything
