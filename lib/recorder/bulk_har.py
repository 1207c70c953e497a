"""HAR 1.2 entries written by the database (SQLite's JSON functions; PostgreSQL's to_json and
json_each), the same text `json.dumps(har_entry(e), separators=(",", ":"))` writes.

Entries whose URL has a query string go to Python (`parse_qsl` decodes it), as do the rows
lib/recorder/unusual.py names.
"""

from __future__ import annotations

from http import HTTPStatus

HTTP = "HTTP/1.1"  # lib/recorder/har.py HTTP_VERSION
NEEDS_PYTHON = "instr(url, '?') > 0"  # SQLite; PostgreSQL: strpos

_PHRASES = " ".join(
    f"WHEN {s.value} THEN '{s.phrase.replace(chr(39), chr(39) * 2)}'" for s in HTTPStatus
)
STATUS_TEXT = f"CASE status {_PHRASES} ELSE '' END"


def _sqlite_header(column: str, name: str) -> str:
    return f"(SELECT value FROM json_each({column}) WHERE lower(key) = '{name}')"


def _sqlite_headers(column: str) -> str:
    return (
        "json((SELECT json_group_array(json_object('name', key, 'value', value))"
        f" FROM json_each({column})))"
    )


def _sqlite_size(column: str) -> str:
    return f"coalesce(length(CAST({column} AS BLOB)), 0)"


def sqlite_entry() -> str:
    wait = "max(coalesce(latency_ms, 0.0), 0.0)"
    answered = "coalesce(status, 0) <> 0"
    request = (
        f"json_object('method', method, 'url', url, 'httpVersion', '{HTTP}',"
        f" 'cookies', json_array(), 'headers', {_sqlite_headers('request_headers')},"
        " 'queryString', json_array(), 'headersSize', -1,"
        f" 'bodySize', {_sqlite_size('request_body')})"
    )
    post = (
        "json_object('mimeType', coalesce(nullif("
        f"{_sqlite_header('request_headers', 'content-type')}, ''), 'application/octet-stream'),"
        " 'text', request_body)"
    )
    request = (
        f"CASE WHEN request_body IS NULL THEN {request}"
        f" ELSE json_set({request}, '$.postData', {post}) END"
    )
    content = (
        f"json_object('size', {_sqlite_size('response_body')}, 'mimeType', coalesce(nullif("
        f"{_sqlite_header('response_headers', 'content-type')}, ''), 'x-unknown'))"
    )
    content = (
        f"CASE WHEN response_body IS NULL THEN {content}"
        f" ELSE json_set({content}, '$.text', response_body) END"
    )
    response = (
        f"json_object('status', coalesce(status, 0), 'statusText', {STATUS_TEXT},"
        f" 'httpVersion', iif({answered}, '{HTTP}', ''), 'cookies', json_array(),"
        f" 'headers', {_sqlite_headers('response_headers')}, 'content', {content},"
        f" 'redirectURL', coalesce({_sqlite_header('response_headers', 'location')}, ''),"
        f" 'headersSize', -1,"
        f" 'bodySize', iif({answered}, {_sqlite_size('response_body')}, -1))"
    )
    failed = "error IS NOT NULL AND error <> ''"
    response = (
        f"CASE WHEN {failed} THEN json_set({response}, '$._error', error) ELSE {response} END"
    )
    entry = (
        f"json_object('startedDateTime', started_at, 'time', {wait}, 'request', {request},"
        f" 'response', {response}, 'cache', json_object(), 'timings', json_object("
        "'blocked', -1, 'dns', -1, 'connect', -1, 'ssl', -1, 'send', 0,"
        f" 'wait', {wait}, 'receive', 0), '_operation', operation, '_step', step,"
        " '_reference', reference, '_idempotencyKey', idempotency_key, '_attempt', attempt,"
        " '_target', target, '_runId', run_id, '_id', id)"
    )
    return f"CASE WHEN {failed} THEN json_set({entry}, '$._error', error) ELSE {entry} END"


def _pg_json(value: str) -> str:
    return f"coalesce(to_json({value})::text, 'null')"


def _pg_header(column: str, name: str) -> str:
    return (
        f"(SELECT h.value FROM json_each_text({column}::json) WITH ORDINALITY AS h(key, value, n)"
        f" WHERE lower(h.key) = '{name}' ORDER BY h.n LIMIT 1)"
    )


def _pg_type(column: str, default: str) -> str:
    return f"coalesce(nullif({_pg_header(column, 'content-type')}, ''), '{default}')"


def _pg_headers(column: str) -> str:
    # A header's value is JSON text already (json keeps the stored text, Python's own dumps).
    return (
        "'[' || coalesce((SELECT string_agg('{\"name\":' || to_json(h.key)::text ||"
        " ',\"value\":' || h.value::text || '}', ',' ORDER BY h.n)"
        f" FROM json_each({column}::json) WITH ORDINALITY AS h(key, value, n)), '') || ']'"
    )


def pg_entry(time: str, number: str) -> str:
    """`time`: the ISO text of started_at; `number`: a template printing {x} as Python does."""
    wait = number.format(x="greatest(coalesce(latency_ms, 0), 0)")
    answered = "coalesce(status, 0) <> 0"
    request_type = _pg_type("request_headers", "application/octet-stream")
    post = (
        "CASE WHEN request_body IS NULL THEN '' ELSE ',\"postData\":{\"mimeType\":' ||"
        f" to_json({request_type})::text || ',\"text\":' || to_json(request_body)::text || '}}' END"
    )
    request = (
        "'{\"method\":' || to_json(method)::text || ',\"url\":' || to_json(url)::text ||"
        f' \',"httpVersion":"{HTTP}","cookies":[],"headers":\' ||'
        f' {_pg_headers("request_headers")} || \',"queryString":[],"headersSize":-1,'
        '"bodySize":\' || coalesce(octet_length(request_body), 0) || ' + post + " || '}'"
    )
    response_type = (
        f"coalesce(nullif({_pg_header('response_headers', 'content-type')}, ''), 'x-unknown')"
    )
    text = (
        "CASE WHEN response_body IS NULL THEN ''"
        " ELSE ',\"text\":' || to_json(response_body)::text END"
    )
    failed = "error IS NOT NULL AND error <> ''"
    error = f"CASE WHEN {failed} THEN ',\"_error\":' || to_json(error)::text ELSE '' END"
    response = (
        "'{\"status\":' || coalesce(status, 0) || ',\"statusText\":' ||"
        f" to_json({STATUS_TEXT})::text || ',\"httpVersion\":' ||"
        f" CASE WHEN {answered} THEN '\"{HTTP}\"' ELSE '\"\"' END ||"
        f' \',"cookies":[],"headers":\' || {_pg_headers("response_headers")} ||'
        ' \',"content":{"size":\' || coalesce(octet_length(response_body), 0) ||'
        f" ',\"mimeType\":' || to_json({response_type})::text || {text} || '}}' ||"
        " ',\"redirectURL\":' ||"
        f" to_json(coalesce({_pg_header('response_headers', 'location')}, ''))::text ||"
        ' \',"headersSize":-1,"bodySize":\' ||'
        f" CASE WHEN {answered} THEN coalesce(octet_length(response_body), 0) ELSE -1 END ||"
        f" {error} || '}}'"
    )
    return (
        f"'{{\"startedDateTime\":' || to_json({time})::text || ',\"time\":' || {wait} ||"
        f" ',\"request\":' || {request} || ',\"response\":' || {response} ||"
        ' \',"cache":{},"timings":{"blocked":-1,"dns":-1,"connect":-1,"ssl":-1,'
        f'"send":0,"wait":\' || {wait} || \',"receive":0}},"_operation":\' ||'
        f" {_pg_json('operation')} || ',\"_step\":' || {_pg_json('step')} ||"
        f" ',\"_reference\":' || {_pg_json('reference')} || ',\"_idempotencyKey\":' ||"
        f" {_pg_json('idempotency_key')} || ',\"_attempt\":' || attempt ||"
        f" ',\"_target\":' || {_pg_json('target')} || ',\"_runId\":' || {_pg_json('run_id')} ||"
        f" ',\"_id\":' || id || {error} || '}}'"
    )
