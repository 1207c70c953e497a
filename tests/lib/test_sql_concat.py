"""The bulk exports' long concatenations, rebalanced: same text, same value in the database."""

from __future__ import annotations

import sqlite3

import pytest

from lib.recorder.bulk_har import SQLITE, entry_sql
from lib.recorder.sql_concat import balanced, pieces

CHAIN = "'a' || b || CASE WHEN b = 'x' THEN 'c' || b ELSE '' END || (b || 'e' || b) || 'g''||h'"


def test_pieces_split_only_the_top_level_chain() -> None:
    assert pieces(CHAIN) == [
        "'a'", "b", "CASE WHEN b = 'x' THEN 'c' || b ELSE '' END", "(b || 'e' || b)", "'g''||h'",
    ]  # fmt: skip
    assert pieces("coalesce(a || b, '')") == ["coalesce(a || b, '')"]


@pytest.mark.parametrize("value", ["x", "y", "", None])
def test_a_balanced_chain_has_the_same_value(value: str | None) -> None:
    with sqlite3.connect(":memory:") as conn:
        chained, tree = (
            conn.execute(f"SELECT {sql} FROM (SELECT ? AS b)", (value,)).fetchone()[0]
            for sql in (CHAIN, balanced(CHAIN))
        )
    assert chained == tree and (value is None or chained.startswith("a"))
    assert balanced(CHAIN).count("||") == CHAIN.count("||")


def test_the_har_entry_keeps_every_piece_when_balanced() -> None:
    entry = entry_sql(SQLITE)
    assert balanced(entry).count("||") == entry.count("||")
    assert balanced(entry).count("'") == entry.count("'")
