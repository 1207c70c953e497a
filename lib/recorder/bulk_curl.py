"""curl commands written by the database: the text of lib/recorder/curl.py's `curl_block`.

A curl export of a million exchanges cost ~9x the database's own CSV while Python parsed each
row's headers and body. The request headers' part of a command is kept beside each row since
schema 5 (`curl_headers`, printed by curl.py when the row is stored); the database adds the
comment line, method, URL and body, quoting them as `shlex.quote` does, so Python only passes
the text on.

Where the database cannot decide as Python would, the row's text is NULL and Python prints it
(lib/recorder/bulk_sqlite.py, bulk_postgres_agg.py name those rows with `undecided`): a row
stored before schema 5, a request body that may hold a secret-named field or a placeholder
(`redact_json_fields`, `«redacted:name»`), a placeholder of an unknown name in the URL, a
method that is not ASCII letters (Python's upper() is Unicode's; shlex.quote quotes the rest),
and in SQLite a NUL in a text (its GLOB and substr() stop there: found by
tests/store/test_curl_fuzz.py, where an unquoted body ran as a command).
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.recorder.curl import NEXT_LINE
from lib.recorder.redaction import SECRET_FIELDS, SECRET_HEADERS, placeholder
from lib.recorder.rows import CURL_HEADERS

# What shlex.quote leaves bare (its re.ASCII \w, then @%+=:,./-), as a bracket expression.
SHELL_SAFE = "A-Za-z0-9_@%+=:,./-"
# The names placeholders carry when the recorder wrote them (lib/recorder/redaction.py).
KNOWN_NAMES = sorted({*SECRET_HEADERS.values(), *SECRET_FIELDS.values(), "authorization", "secret"})
# A body holding one of these may have a secret-named field (`redact_json_fields` parses it):
# every letter of "secret" and "token" is U+0063-U+0074, so a name spelled with escapes holds
# "\u006" or "\u007"; or a placeholder.
BODY_UNDECIDED = ("«", "secret", "token", "\\u006", "\\u007")
# The texts the database quotes, tests or cuts (GLOB, substr).
NUL_CHECKED = ("method", "url", "request_body", "step", "operation", "reference")


@dataclass(frozen=True)
class Dialect:
    find: str  # position of {needle} (a literal) in {x}, 0 when absent
    has: str  # {x} holds a character of the bracket expression {set}
    text: str  # {x} (an integer) as text
    newline: str  # a line feed
    upper: str  # {x} with a-z raised, other characters as they are (as Python's for ASCII)
    nul: str | None  # NUL, where text can hold it


SQLITE = Dialect(
    find="instr({x}, {needle})",
    has="{x} GLOB '*[{set}]*'",
    text="{x}",
    newline="char(10)",
    upper="upper({x})",  # ASCII only in SQLite
    nul="char(0)",
)
POSTGRES = Dialect(
    find="strpos({x}, {needle})",
    has="{x} COLLATE \"C\" ~ '[{set}]'",  # the bracket's ranges by code point
    text="{x}::text",
    newline="chr(10)",
    upper='upper({x} COLLATE "C")',  # not the locale's (a Turkish one raises "i" to "İ")
    nul=None,  # text cannot hold NUL (the store keeps U+FFFD)
)


def _fill(template: str, **values: str) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class _Sql:
    """The pieces of a curl block in one dialect."""

    def __init__(self, d: Dialect) -> None:
        self.d = d
        # NEXT_LINE (" \\" and a line feed) as SQL.
        self.next_line = f"{_literal(NEXT_LINE.rstrip(chr(10)))} || {d.newline}"
        self.upper_method = _fill(d.upper, x="method")

    def find(self, x: str, needle: str) -> str:
        return _fill(self.d.find, x=x, needle=_literal(needle))

    def shell_quoted(self, x: str) -> str:
        """shlex.quote(x)."""
        unsafe = _fill(self.d.has, x=x, set="^" + SHELL_SAFE)
        return (
            f"CASE WHEN {x} = '' THEN '''''' WHEN {unsafe} THEN"
            f" '''' || replace({x}, '''', '''\"''\"''') || '''' ELSE {x} END"
        )

    def placeholders(self, x: str) -> str:
        """`«redacted:name»` -> `<name>` for the known names; a "«" left means Python decides."""
        chain = x
        for name in KNOWN_NAMES:
            chain = f"replace({chain}, {_literal(placeholder(name))}, {_literal(f'<{name}>')})"
        return f"CASE WHEN {self.find(x, '«')} = 0 THEN {x} ELSE {chain} END"

    def title(self) -> str:
        """`# step / operation / reference (attempt n, status s)` and a line feed."""
        parts = " || ".join(f"coalesce(' / ' || nullif({c}, ''), '')"
                            for c in ("step", "operation", "reference"))  # fmt: skip
        outcome = (
            f"CASE WHEN coalesce(status, 0) <> 0 THEN {_fill(self.d.text, x='status')}"
            " ELSE coalesce(error, 'None') END"
        )
        attempt = _fill(self.d.text, x="attempt")
        return (
            f"'# ' || substr({parts}, 4) || ' (attempt ' || {attempt} || ', status ' ||"
            f" {outcome} || ')' || {self.d.newline}"
        )

    def data(self) -> str:
        body = self.shell_quoted("request_body")
        return (
            f"CASE WHEN request_body IS NOT NULL THEN {self.next_line} || '--data ' || {body}"
            f" WHEN {self.upper_method} IN ('POST', 'PUT', 'PATCH') THEN {self.next_line}"
            " || '--data ''''' ELSE '' END"
        )

    def undecided(self) -> str:
        body = " OR ".join(f"{self.find('request_body', s)} > 0" for s in BODY_UNDECIDED)
        letters = _fill(self.d.has, x="method", set="^A-Za-z")
        url = self.find(self.placeholders("url"), "«")
        # SQLite's GLOB and substr() stop at a NUL: a text holding one is Python's.
        nul = "".join(
            f" OR instr({c}, {self.d.nul}) > 0" for c in NUL_CHECKED if self.d.nul is not None
        )
        return (
            f"({CURL_HEADERS} IS NULL OR method = '' OR {letters} OR {url} > 0"
            f" OR (request_body IS NOT NULL AND ({body})){nul})"
        )

    def block(self) -> str:
        url = self.shell_quoted(self.placeholders("url"))
        return (
            f"CASE WHEN {self.undecided()} THEN NULL ELSE {self.title()} || 'curl -X ' ||"
            f" {self.upper_method} || ' ' || {url} || {CURL_HEADERS} || {self.data()} END"
        )


def block_sql(d: Dialect) -> str:
    """One exchange's curl block (comment line and command), NULL where Python prints it."""
    return _Sql(d).block()


def undecided_sql(d: Dialect) -> str:
    """True for the rows whose block Python prints."""
    return _Sql(d).undecided()
