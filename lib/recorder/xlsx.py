"""Fast xlsx rows: the data rows streamed as compact SpreadsheetML into a workbook xlsxwriter
laid out.

xlsxwriter's per-cell path (argument checks, a cell object, a flush per row, two regexes per
string) costs about 10 µs a cell. xlsxwriter still writes the workbook around the header row
(styles, frozen pane, autofilter, column widths); the rows then go straight into its sheet.

The rows are compact: no `r` attributes on rows and cells (optional in the spec; Excel,
LibreOffice and openpyxl count positions), a missing value an empty `<c/>` that keeps the
columns in place, text as inline strings always with `xml:space="preserve"` (deciding it per
cell cost SQLite 0.3 s per 100,000 rows; the longer tag costs it nothing measurable and the file
4%), numbers as `<c><v>`, the time as Excel's day number with the date style. The same bytes
come from the database for a selection in the store (lib/recorder/bulk_xlsx.py) and from
`print_row` here for everything else.

The sheet is deflated at level 1: the bench's 100,000 exchanges (211 MB of sheet XML) deflate
to 17.5 MB in 0.6 s, against 12.3 MB in 1.2 s at level 6 (zlib's default). The file is 42%
larger than at level 6, yet still smaller than the level-6 file with `r` attributes (18.4 MB).
ISA-L's deflate (isal) writes the same format 4.7x faster than zlib's level 1 and 3% smaller
(100 MB of sheet XML: 1,391 against 297 MB/s): a million rows' sheet took zlib 5 s of the
writer's core, which the database's printing shares on two cores.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import IO, Any

import xlsxwriter
from isal import isal_zlib
from xlsxwriter.utility import xl_col_to_name

from lib.recorder.write_behind import Block, write_behind

SHEET = "xl/worksheets/sheet1.xml"
EXCEL_EPOCH = datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system (with its leap bug)
CELL_LIMIT = 32_767  # UTF-16 code units per cell
LEVEL = 1  # zlib level of the sheet (see the module's docstring)
DAY_US = 86_400_000_000
ROW, END = "<row>", "</row>"
TEXT, TEXT_END = '<c t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"
NUMBER, NUMBER_END = "<c><v>", "</v></c>"
EMPTY = "<c/>"
# XML 1.0 forbids these; Excel reads them back from _xHHHH_ (as xlsxwriter writes them).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Text that reads like such an escape is escaped itself, or Excel would decode it.
LOOKS_ESCAPED = re.compile("_x[0-9A-Fa-f]{4}_")
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
# The same, in the database's printed bytes.
_FORBIDDEN = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_LOOKS_ESCAPED = re.compile(rb"_x[0-9A-Fa-f]{4}_")
_NONCHARACTER = re.compile(b"\xef\xbf[\xbe\xbf]")  # U+FFFE, U+FFFF
MARKED = bytes.maketrans(b"<>", b"\xfe\xff")  # tags as SQLite prints them (never in UTF-8)
_BRACKETS = bytes.maketrans(b"\xfe\xff", b"<>")
_WIDTHS = {"time": 26, "url": 50, "error": 30, "request_body": 60, "response_body": 60}


def date_tag(stamp: int) -> str:
    """The opening of a time cell: `stamp` is the xf index of the date format."""
    return f'<c s="{stamp}"><v>'


def excel_days(moment: datetime) -> str:
    """Excel's day number with 11 decimals (0.9 µs; Excel keeps 15 digits, ~10 µs) from whole
    microseconds: integer arithmetic SQLite and PostgreSQL repeat digit for digit."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)  # Excel has no time zones
    micros = (moment - EXCEL_EPOCH) // timedelta(microseconds=1)
    sign = "-" if micros < 0 else ""
    days, rest = divmod(abs(micros), DAY_US)
    return f"{sign}{days}.{(rest * 100_000 + 43_200) // 86_400:011d}"


def cell_text(value: str) -> str:
    """A text cell's content: cut at Excel's limit, escaped for XML (a carriage return as a
    character reference: a parser reads a raw one as a line feed) and for Excel's _xHHHH_."""
    if len(value) > CELL_LIMIT // 2 and len(value.encode("utf-16-le")) > 2 * CELL_LIMIT:
        value = value.encode("utf-16-le")[: 2 * CELL_LIMIT].decode("utf-16-le", "ignore")
    # Chained replace: C-speed scans, far faster than str.translate with a mapping.
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    if "_x" in value:
        value = LOOKS_ESCAPED.sub(r"_x005F\g<0>", value)
    if CONTROL.search(value):
        value = CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value


def _cell(value: Any, date: str) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, str):
        return TEXT + cell_text(value) + TEXT_END
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float) and value == value and abs(value) != float("inf"):
        return f"{NUMBER}{value!r}{NUMBER_END}"
    if isinstance(value, datetime):
        return f"{date}{excel_days(value)}{NUMBER_END}"
    return _cell(str(value), date)  # nan and inf as text, as Excel has no such numbers


def print_row(values: Iterable[Any], stamp: int) -> str:
    """One data row as compact SpreadsheetML. Cells are data, never formulas: text starting
    with "=" stays text."""
    date = date_tag(stamp)
    return ROW + "".join([_cell(v, date) for v in values]) + END


def printed_blocks(chunks: Iterable[Sequence[Sequence[Any]]], stamp: int) -> Iterator[bytes]:
    """Each chunk of rows as one block of printed rows (few, large writes into the zip)."""
    for rows in chunks:
        yield "".join([print_row(row, stamp) for row in rows]).encode("utf-8")


def skeleton(columns: Sequence[str], count: int) -> tuple[io.BytesIO, int]:
    """The workbook around the header row, by xlsxwriter, and the xf index of the date format
    (the data rows' `s`). Cells are written as data, never formulas."""
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    layout = io.BytesIO()
    with xlsxwriter.Workbook(layout, options) as book:
        sheet = book.add_worksheet("exchanges")
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1})
        stamp = book.add_format({"num_format": 'yyyy-mm-dd hh:mm:ss.000 "UTC"'})
        for col, name in enumerate(columns):
            sheet.set_column(col, col, _WIDTHS.get(name, 14), stamp if name == "time" else None)
            sheet.write_string(0, col, str(name), header)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(count, 1), max(len(columns) - 1, 0))
    return layout, int(stamp.xf_index)


def database_rows(printed: bytes, *, marked: bool) -> bytes | None:
    """Rows the database printed as the sheet's bytes (escaped as `cell_text` escapes), or None
    where Python prints otherwise: text that reads like Excel's _xHHHH_ escape, U+FFFE or
    U+FFFF, an XML-forbidden character. `marked`: the tags' brackets are 0xFE and 0xFF, so
    every & < > is the data's (SQLite's rows)."""
    if _LOOKS_ESCAPED.search(printed):
        return None
    if b"\xef" in printed and _NONCHARACTER.search(printed):  # memchr first: 0xEF is rare
        return None
    if marked:
        for char, entity in ((b"&", b"&amp;"), (b"<", b"&lt;"), (b">", b"&gt;")):
            if char in printed:
                printed = printed.replace(char, entity)
    if b"\r" in printed:
        printed = printed.replace(b"\r", b"&#13;")
    # One pass: the brackets put back, and any forbidden character found (deleted: shorter).
    final = printed.translate(_BRACKETS if marked else None, _FORBIDDEN)
    return final if len(final) == len(printed) else None


def faster_deflate(entry: IO[bytes]) -> None:
    """Deflate a zip entry opened for writing with ISA-L rather than zlib: the same DEFLATE
    stream format, so the archive is unchanged but for its bytes. zipfile takes no compressor,
    but its entry makes one when opened and first uses it on the first write, so it is swapped
    before that. Where a later Python keeps it under another name, nothing is swapped: zlib's
    deflate stays (the same file, slower); tests/lib/test_xlsx.py notices."""
    if getattr(entry, "_compressor", None) is not None:
        entry._compressor = isal_zlib.compressobj(LEVEL, isal_zlib.DEFLATED, -15)  # type: ignore[attr-defined]


def stream_rows(
    skeleton: IO[bytes],
    dest: IO[bytes] | str,
    blocks: Iterable[Block],
    *,
    width: int,
    count: int,
    zip64: bool = False,
) -> None:
    """Copy the `skeleton` workbook to `dest`, with the printed rows `blocks` appended to its
    first sheet's data. `count` rows of `width` columns (for the dimension); `zip64` when the
    sheet may pass 2 GiB (the size of a streamed entry is not known ahead)."""
    with (
        zipfile.ZipFile(skeleton) as source,
        zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as out,
    ):
        for info in source.infolist():
            info.compress_type = zipfile.ZIP_DEFLATED
            if info.filename != SHEET:
                out.writestr(info, source.read(info))
                continue
            head, tail = source.read(info).decode("utf-8").split("</sheetData>", 1)
            last = f"{xl_col_to_name(max(width - 1, 0))}{count + 1}"
            head = _DIMENSION.sub(f'<dimension ref="A1:{last}"/>', head, count=1)
            # By name: the entry takes the archive's level (a ZipInfo would keep its own).
            with out.open(SHEET, "w", force_zip64=zip64) as sheet:
                faster_deflate(sheet)
                sheet.write(head.encode("utf-8"))
                write_behind(sheet, blocks)
                sheet.write(f"</sheetData>{tail}".encode())
