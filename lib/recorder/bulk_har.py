"""HAR 1.2 entries written by the database, the same text as
`json.dumps(har_entry(e), ensure_ascii=False, separators=(",", ":"))`.

One template for both databases, printed by string operators (a JSON function per value would
parse and print each entry again). Since schema 6 each row keeps its headers as HAR's lists
(lib/recorder/rows.py), copied as they are. Rows stored before have only the headers as Python's
`json.dumps` of a str -> str mapping, whose text becomes HAR's name/value list by replacing its
separators: `", "` and `": "` occur nowhere else, as every quote inside a name or value is
escaped. Entries whose URL has a query string go to Python (`parse_qsl` decodes it), as do the
rows lib/recorder/unusual.py names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus

from lib.recorder.rows import HAR_HEADERS, LOOKED_UP

HTTP = "HTTP/1.1"  # lib/recorder/har.py HTTP_VERSION

# The reason phrases as JSON strings already (one JSON function less a row).
_PHRASES = " ".join(
    f"WHEN {s.value} THEN '{json.dumps(s.phrase).replace(chr(39), chr(39) * 2)}'"
    for s in HTTPStatus
)
STATUS_JSON = f"CASE status {_PHRASES} ELSE '\"\"' END"


@dataclass(frozen=True)
class Dialect:
    quote: str  # a value as a JSON string, 'null' for NULL; {x}
    size: str  # UTF-8 bytes of a text, NULL for NULL; {x}
    number: str  # a float as Python's repr prints it; {x}
    find: str  # position of {needle} in {x}, 0 when absent
    get: str  # the text value of key {key} in the JSON object {x}
    time: str  # started_at as ISO 8601 text
    rest: str  # {x} without its first character
    ascii_lower: str  # {x} with A-Z lowered, other characters as they are


SQLITE = Dialect(
    quote="json_quote({x})",
    size="length(CAST({x} AS BLOB))",
    number="{x}",  # SQLite prints a REAL as Python does, but for the unusual rows
    find="instr({x}, {needle})",
    get="json_extract({x}, '$.\"' || {key} || '\"')",
    time="started_at",
    rest="substr({x}, 2)",
    ascii_lower="lower({x})",  # SQLite's own lower() is ASCII only
)
POSTGRES = Dialect(
    quote="coalesce(to_json({x})::text, 'null')",
    size="octet_length({x})",
    # Python's repr: "12.0" where PostgreSQL says "12"; elsewhere both print the shortest digits.
    number="CASE WHEN {x} = trunc({x}) AND abs({x}) < 1e16"
    " THEN trunc({x})::bigint::text || '.0' ELSE ({x})::text END",
    find="strpos({x}, {needle})",
    get="({x}::json ->> {key})",
    # One to_char a row (two cost the HAR entry 2.6 us a row with its to_json).
    time="CASE WHEN date_trunc('second', started_at) = started_at"
    " THEN to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"')"
    " ELSE to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"') END",
    # substr() counts the characters of all the text after (UTF-8); right() steps over one.
    rest="right({x}, -1)",
    ascii_lower='lower({x} COLLATE "C")',  # not the locale's: a few times faster
)


def _headers(d: Dialect, column: str) -> str:
    """The headers as HAR's name/value list: kept beside the row since schema 6, rewritten from
    the headers' text for rows stored before."""
    kept = next(k for k, headers in HAR_HEADERS.items() if headers == column)
    # {"A": "x", "B": "y"} -> {"A","value":"x"},{"name":"B","value":"y"}, whose first
    # character gives way to [{"name": and a ] closes it. No length(), no substr(): PostgreSQL
    # counts UTF-8 text character by character (200,000 HAR entries: 20 -> 16.8 us a row).
    names = f'replace(replace({column}, \'": "\', \'","value":"\'), \'", "\', \'"}},{{"name":"\')'
    listed = f"'[{{\"name\":' || {d.rest.format(x=names)} || ']'"
    return f"coalesce({kept}, CASE WHEN {column} = '{{}}' THEN '[]' ELSE {listed} END)"


def _header(d: Dialect, column: str, name: str) -> str:
    """The value of the first header called `name` in any case (Python's `header_value`): kept
    beside the row since schema 4, searched in the headers' text for rows stored before."""
    stored = next(k for k, found in LOOKED_UP.items() if found == (column, name))
    # ASCII lower case is enough: no other character lowers to a letter of these names.
    at = d.find.format(x=d.ascii_lower.format(x=column), needle=f'\'"{name}": "\'')
    # A missing header gives a NULL key, so json_extract / ->> give NULL: one search per row.
    key = f"substr({column}, nullif({at}, 0) + 1, {len(name)})"
    return f"coalesce({stored}, {d.get.format(x=column, key=key)})"


def _mime(d: Dialect, column: str, default: str) -> str:
    return d.quote.format(
        x=f"coalesce(nullif({_header(d, column, 'content-type')}, ''), '{default}')"
    )


def entry_sql(d: Dialect) -> str:
    def q(x: str) -> str:
        return d.quote.format(x=x)

    def size(x: str) -> str:
        return f"coalesce({d.size.format(x=x)}, 0)"

    # max(latency or 0.0, 0.0): NULL, zero and below print 0.0 (NaN is Python's: unusual.py).
    wait = f"CASE WHEN latency_ms > 0 THEN {d.number.format(x='latency_ms')} ELSE '0.0' END"
    answered = "coalesce(status, 0) <> 0"
    failed = "error IS NOT NULL AND error <> ''"
    post = (
        "CASE WHEN request_body IS NULL THEN '' ELSE ',\"postData\":{\"mimeType\":' || "
        f"{_mime(d, 'request_headers', 'application/octet-stream')} || ',\"text\":' || "
        f"{q('request_body')} || '}}' END"
    )
    location = f"coalesce({_header(d, 'response_headers', 'location')}, '')"
    text = f"CASE WHEN response_body IS NULL THEN '' ELSE ',\"text\":' || {q('response_body')} END"
    error = f"CASE WHEN {failed} THEN ',\"_error\":' || {q('error')} ELSE '' END"
    request = (
        f"'{{\"method\":' || {q('method')} || ',\"url\":' || {q('url')} || "
        f'\',"httpVersion":"{HTTP}","cookies":[],"headers":\' || '
        f'{_headers(d, "request_headers")} || \',"queryString":[],"headersSize":-1,'
        f"\"bodySize\":' || {size('request_body')} || {post} || '}}'"
    )
    response = (
        f"'{{\"status\":' || coalesce(status, 0) || ',\"statusText\":' || {STATUS_JSON} || "
        f"',\"httpVersion\":' || CASE WHEN {answered} THEN '\"{HTTP}\"' ELSE '\"\"' END || "
        f'\',"cookies":[],"headers":\' || {_headers(d, "response_headers")} || '
        f'\',"content":{{"size":\' || {size("response_body")} || \',"mimeType":\' || '
        f"{_mime(d, 'response_headers', 'x-unknown')} || {text} || '}},\"redirectURL\":' || "
        f"{q(location)} || "
        '\',"headersSize":-1,"bodySize":\' || '
        f"CASE WHEN {answered} THEN {size('response_body')} ELSE -1 END || {error} || '}}'"
    )
    return (
        f'\'{{"startedDateTime":"\' || {d.time} || \'","time":\' || {wait} || '
        f"',\"request\":' || {request} || ',\"response\":' || {response} || "
        '\',"cache":{},"timings":{"blocked":-1,"dns":-1,"connect":-1,"ssl":-1,'
        f'"send":0,"wait":\' || {wait} || \',"receive":0}},"_operation":\' || '
        f"{q('operation')} || ',\"_step\":' || {q('step')} || ',\"_reference\":' || "
        f"{q('reference')} || ',\"_idempotencyKey\":' || {q('idempotency_key')} || "
        f"',\"_attempt\":' || attempt || ',\"_target\":' || {q('target')} || "
        f"',\"_runId\":' || {q('run_id')} || ',\"_id\":' || id || {error} || '}}'"
    )
