"""Where each field of a scenario file sits (TOML or YAML), so a problem can name its line."""

from __future__ import annotations

import re
import tomllib
from typing import Any

FieldPath = tuple[str | int, ...]  # ("scenarios", 0, "steps", 2, "amount")

_HEADER = re.compile(r"^\[(\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^([A-Za-z0-9_-]+|\"[^\"]*\")\s*=\s*(.*)$")
_INLINE_KEY = re.compile(r"([A-Za-z0-9_-]+)\s*=")


class SyntaxProblem(ValueError):
    """The file does not parse; the message names the line as the parser reported it."""


class Lines:
    """Line numbers by field path; a field not found gets its nearest located parent's line."""

    def __init__(self, lines: dict[FieldPath, int] | None = None) -> None:
        self.lines = lines or {}

    def of(self, path: FieldPath) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def read(text: str, fmt: str) -> tuple[Any, Lines]:
    """The file's data and its line index; `fmt` is "toml" or "yaml"."""
    if fmt == "yaml":
        return _read_yaml(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SyntaxProblem(f"not valid TOML: {error}") from error
    return data, toml_lines(text)


def _read_yaml(text: str) -> tuple[Any, Lines]:
    # Imported here: YAML is only needed for YAML files (pyyaml is pinned in requirements.txt).
    import yaml  # type: ignore[import-untyped]

    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise SyntaxProblem(f"not valid YAML: {error}") from error
    lines: dict[FieldPath, int] = {}
    if node is not None:
        _yaml_walk(node, (), lines)
    return data, Lines(lines)


def _yaml_walk(node: Any, path: FieldPath, lines: dict[FieldPath, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if node.id == "mapping":
        for key, value in node.value:
            lines[(*path, str(key.value))] = key.start_mark.line + 1
            _yaml_walk(value, (*path, str(key.value)), lines)
    elif node.id == "sequence":
        for index, item in enumerate(node.value):
            _yaml_walk(item, (*path, index), lines)


class _TomlScan:
    """A line scanner for the TOML this project writes: tables, arrays of tables, keys, and
    multi-line arrays of one-line inline tables (`steps = [ {do = "create"}, ... ]`)."""

    def __init__(self) -> None:
        self.lines: dict[FieldPath, int] = {}
        self.count: dict[FieldPath, int] = {}  # array of tables -> items seen
        self.table: FieldPath = ()
        self.array: FieldPath | None = None  # inside a multi-line array
        self.items = 0

    def line(self, number: int, text: str) -> None:
        text = text.strip()
        if not text or text.startswith("#"):
            return
        if self.array is not None:
            self._array_line(number, text)
        elif header := _HEADER.match(text):
            self._header(number, header.group(2), bool(header.group(1)))
        elif key := _KEY.match(text):
            self._key(number, key.group(1).strip('"'), key.group(2).strip())

    def _array_line(self, number: int, text: str) -> None:
        assert self.array is not None
        if text.startswith("{"):
            item = (*self.array, self.items)
            self.lines[item] = number
            for name in _INLINE_KEY.findall(text):
                self.lines.setdefault((*item, name), number)
            self.items += 1
        if text.endswith("]"):
            self.array = None

    def _header(self, number: int, dotted: str, is_array: bool) -> None:
        path: FieldPath = ()
        parts = [p.strip().strip('"') for p in dotted.split(".")]
        for i, part in enumerate(parts):
            path = (*path, part)
            last = i == len(parts) - 1
            if is_array and last:
                index = self.count.get(path, 0)
                self.count[path] = index + 1
                path = (*path, index)
            elif path in self.count:
                path = (*path, self.count[path] - 1)  # the array's latest table
        self.lines[path] = number
        self.table = path

    def _key(self, number: int, name: str, value: str) -> None:
        path = (*self.table, name)
        self.lines[path] = number
        if value.startswith("{"):
            for inner in _INLINE_KEY.findall(value):
                self.lines.setdefault((*path, inner), number)
        if value.startswith("[") and not value.rstrip().endswith("]"):
            self.array, self.items = path, 0


def toml_lines(text: str) -> Lines:
    scan = _TomlScan()
    for number, line in enumerate(text.splitlines(), 1):
        scan.line(number, line)
    return Lines(scan.lines)
