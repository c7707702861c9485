"""Reading uploaded CSV bytes: encoding detection, parsing, header aliases and units.

DuckDB's read_csv cannot decode GBK offline (TRAPS.md 7), so bytes are decoded here
(UTF-8 with or without BOM first, then GB18030, a superset of GBK), split into records by the
csv module (which knows where each record starts) and put in a pandas frame with every cell kept
as text. Line numbers are file lines with the header as line 1.

`read_table` is the reference reader (the register, reviews and taxonomy use it); statistics
files, up to hundreds of thousands of rows, go through kpi.ingest.csvload, which shares the guards and
the decoding here and must find exactly what `read_table` finds.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass

import pandas as pd

from kpi.ingest.report import Report
from kpi.model import settings
from kpi.model.characters import FULL_WIDTH, ascii_forms, blank_inside, foreign_digit
from kpi.model.definitions import UNIT_FACTORS, Field

LINE = "_line"

# No statistics, register or taxonomy file comes near this; a wider line is not a table (and a
# million-column header would otherwise become a million-column frame).
MAX_COLUMNS = 200

# Files that are not text, recognised by their first bytes. Recognised only: an archive is
# never unpacked (a zip bomb costs nothing), an image is never decoded.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"PK\x03\x04", "ZIP 压缩包或 Excel 工作簿（.xlsx）", "a ZIP archive or an Excel workbook (.xlsx)"),
    (b"PK\x05\x06", "ZIP 压缩包", "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Excel 工作簿（.xls）", "an old Excel workbook (.xls)"),
    (b"\x89PNG\r\n\x1a\n", "PNG 图片", "a PNG image"),
    (b"\xff\xd8\xff", "JPEG 图片", "a JPEG image"),
    (b"GIF8", "GIF 图片", "a GIF image"),
    (b"%PDF", "PDF 文档", "a PDF document"),
    (b"\x1f\x8b", "gzip 压缩包", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包", "a 7z archive"),
    (b"Rar!", "RAR 压缩包", "a RAR archive"),
    (b"BZh", "bzip2 压缩包", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz 压缩包", "an xz archive"),
)

_UNIT_RE = re.compile(r"^(?P<base>.*?)\s*[\(（\[【]\s*(?P<unit>[^\)）\]】]*)\s*[\)）\]】]\s*$")


def decode(data: bytes) -> tuple[str, str] | None:
    """Bytes → (text, encoding name), or None when no accepted encoding fits."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:4096]:
        return None  # binary, not a text CSV
    for enc, name in (("utf-8-sig", "utf-8"), ("gb18030", "gb18030")):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if name == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
            name = "utf-8-sig"
        return text, name
    return None


def read_table(data: bytes, report: Report) -> pd.DataFrame | None:
    """Parse bytes into a frame of stripped strings with a `_line` column; None on failure.

    The header is the first non-blank line. Blank lines are dropped but keep their line numbers
    counted. Every row whose number of fields differs from the header's is reported (empty
    cells past the header's end aside): pandas' parser would read one extra field in every row
    as an index and pad short rows, shifting values into the wrong columns without a word.
    """
    text = read_text(data, report)
    return None if text is None else table_from_text(text, report)


def read_text(data: bytes, report: Report, *, columns: bool = True) -> str | None:
    """The guards and the decoding: the file's text, or None (the reason in `report`).

    `columns=False` leaves out the last guard, `guard_columns`, for a caller that counts the
    commas of every line anyway (kpi.ingest.csvload)."""
    if not _guard_bytes(data, report):
        return None
    decoded = decode(data)
    if decoded is None:
        mixed = _mixed_encoding(data)
        if mixed is not None:
            report.error("MIXED_ENCODING", mixed[1], None, utf8_line=mixed[0])
        else:
            report.error("UNREADABLE", None, None)
        return None
    text, report.encoding = decoded
    if report.encoding == "gb18030" and (mixed := _mixed_encoding(data)) is not None:
        report.error("MIXED_ENCODING", mixed[1], None, utf8_line=mixed[0])
        return None
    if not _guard_text(text, report) or (columns and not guard_columns(text, report)):
        return None
    return text


def table_from_text(text: str, report: Report) -> pd.DataFrame | None:
    """`read_table` after the guards: the csv module splits the records (the reference parser;
    kpi.ingest.csvload takes a faster road for plain files and must agree with this one)."""
    records = _records(text, report)
    if records is None:
        return None
    rows = [(line, row) for line, row in records if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        report.error("EMPTY_FILE", 1, None)
        return None
    header_line, header = rows[0]
    expected = len(header)
    # empty cells past the header's end (spreadsheets leave them) shift nothing: drop them
    rows = [(line, row[:expected] if blank_past(row, expected) else row) for line, row in rows]
    wrong = [(line, len(row)) for line, row in rows[1:] if len(row) != expected]
    for line, found in wrong:  # problems only
        report.error("FIELD_COUNT", line, None, expected=expected, found=found)
    names = header_names(header_line, header, report)
    if not report.ok:
        return None
    frame = pd.DataFrame([row for _, row in rows[1:]], columns=names, dtype=str)
    frame = frame.apply(lambda col: col.str.strip())
    frame[LINE] = [line for line, _ in rows[1:]]
    return frame


def blank_past(row: list[str], expected: int) -> bool:
    """True when a row is longer than the header and every cell past the header's end is blank."""
    return len(row) > expected and not any(c.strip() for c in row[expected:])


def header_names(header_line: int, header: list[str], report: Report) -> list[str]:
    """Column names from the header's cells (stripped; `Unnamed: i` for a blank one); a name
    written twice is a DUPLICATE_COLUMN error."""
    names = [c.strip() or f"Unnamed: {i}" for i, c in enumerate(header)]
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if name in seen:
            report.error("DUPLICATE_COLUMN", header_line, name, column=name, field=name, other=seen[name])
        seen.setdefault(name, i)
    return names


def _records(text: str, report: Report) -> list[tuple[int, list[str]]] | None:
    """CSV records, each with the file line it starts on (header = 1); None when malformed."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            out.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            report.error("CELL_TOO_LONG", reader.line_num or None, None, limit=csv.field_size_limit())
        else:
            report.error("BAD_CSV", reader.line_num or None, None, detail=str(exc))
        return None
    return out


# ---------------------------------------------------------------- guards against hostile files


def max_upload_bytes() -> int:
    """KPI_MAX_UPLOAD_MB (default 20, the app's upload limit) in bytes."""
    return int(settings.number("KPI_MAX_UPLOAD_MB") * 1024 * 1024)


def check_size(size: int, report: Report) -> bool:
    """False (and FILE_TOO_LARGE in the report) when `size` bytes exceed KPI_MAX_UPLOAD_MB; the
    command line checks a file's size this way before reading it."""
    limit = max_upload_bytes()
    if size > limit:
        report.error("FILE_TOO_LARGE", None, None, size=_mb(size, up=True), limit=_mb(limit))
        return False
    return True


def _guard_bytes(data: bytes, report: Report) -> bool:
    """Size and file type, from the bytes alone: nothing is decoded or unpacked."""
    if not check_size(len(data), report):
        return False
    for magic, kind_zh, kind_en in _SIGNATURES:
        if data.startswith(magic):
            report.error("NOT_CSV", None, None, kind_zh=kind_zh, kind_en=kind_en)
            return False
    return True


def _mb(n: int, up: bool = False) -> str:
    """Bytes as MB with one decimal; `up` rounds up, so a size just over the limit never reads
    as the limit itself."""
    tenths = n * 10 / 1024 / 1024
    tenths = math.ceil(tenths) if up else round(tenths)
    return f"{tenths / 10:.1f}".removesuffix(".0")


def _guard_text(text: str, report: Report) -> bool:
    """NUL characters and too many data lines, checked on the decoded text before anything is
    parsed; then `guard_columns`."""
    nul = text.find("\x00")
    if nul >= 0:
        report.error("NUL_BYTE", text.count("\n", 0, nul) + 1, None)
        return False
    limit = settings.integer("KPI_MAX_ROWS")
    if text.count("\n") > limit:  # cheap bound first; blank lines do not count
        lines = sum(1 for line in text.splitlines() if line.strip()) - 1
        if lines > limit:
            report.error("TOO_MANY_ROWS", None, None, found=lines, limit=limit)
            return False
    return True


def guard_columns(text: str, report: Report) -> bool:
    """False (and TOO_MANY_COLUMNS at the first such line) when a line has MAX_COLUMNS commas or
    more: checked before the csv module builds a record (a million-field line would be a million
    strings)."""
    if text.count(",") >= MAX_COLUMNS:
        split = text.split("\n")
        # a line with that many commas is at least that long: only long lines are counted
        long = max(map(len, split)) >= MAX_COLUMNS
        for number, line in enumerate(split if long else (), start=1):
            if len(line) >= MAX_COLUMNS and line.count(",") >= MAX_COLUMNS:
                too_many_columns(report, number, line.count(",") + 1)
                return False
    return True


def too_many_columns(report: Report, line: int, found: int) -> None:
    report.error("TOO_MANY_COLUMNS", line, None, found=found, limit=MAX_COLUMNS)


# in a file decoded with surrogateescape every byte that is not UTF-8 becomes one of U+DC80..U+DCFF
_CHINESE = re.compile("[\u4e00-\u9fff]")
_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def _mixed_encoding(data: bytes) -> tuple[int, int] | None:
    """(a UTF-8 line, a line that is not UTF-8) when a file mixes them (one sheet pasted into
    another), else None. GBK text is almost never valid UTF-8 with Chinese characters in it, so
    a line that is counts as UTF-8: the first line with a Chinese character and no byte that is
    not UTF-8, found by visiting only the lines with Chinese characters."""
    text = data.decode("utf-8", errors="surrogateescape")
    utf8 = None
    at = 0
    while utf8 is None and (chinese := _CHINESE.search(text, at)) is not None:
        start = text.rfind("\n", 0, chinese.start()) + 1
        end = text.find("\n", chinese.start())
        end = len(text) if end < 0 else end
        if _NOT_UTF8.search(text, start, end) is None:
            utf8 = start
        at = end + 1
    other = _NOT_UTF8.search(text) if utf8 is not None else None
    if utf8 is None or other is None:
        return None
    return text.count("\n", 0, utf8) + 1, text.count("\n", 0, other.start()) + 1


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # as written in the file
    factor: float  # multiply to get 万元 (1.0 for non-money columns)


def _norm_header(text: str) -> str:
    return re.sub(r"\s+", "", text).lower().replace("（", "(").replace("）", ")")


def split_unit(header: str) -> tuple[str, str | None]:
    m = _UNIT_RE.match(header.strip())
    if not m:
        return header.strip(), None
    return m.group("base").strip(), m.group("unit").strip()


def resolve_columns(headers: list[str], fields: tuple[Field, ...], report: Report) -> dict[str, Column]:
    """Map file headers to fields by alias (case and spaces ignored), reading unit suffixes."""
    lookup: dict[str, Field] = {}
    for f in fields:
        for alias in (f.name, *f.aliases):
            lookup[_norm_header(alias)] = f
    found: dict[str, Column] = {}
    first_index: dict[str, int] = {}
    for idx, header in enumerate(headers, start=1):
        if header == LINE:
            continue
        f = lookup.get(_norm_header(header))
        unit = None
        if f is None:
            base, unit = split_unit(header)
            f = lookup.get(_norm_header(base))
            if f is not None and not f.money:
                f = None  # a bracketed suffix on a non-money column is not a unit
        if f is None:
            report.warn("IGNORED_COLUMN", 1, header, column=header)
            continue
        factor = 1.0
        if unit is not None:
            key = re.sub(r"\s+", "", unit).lower()
            if key not in UNIT_FACTORS:
                report.error("UNKNOWN_UNIT", 1, header, column=header, unit=unit)
                continue
            factor = UNIT_FACTORS[key]
        if f.name in found:
            report.error(
                "DUPLICATE_COLUMN",
                1,
                header,
                column=header,
                field=f.label_zh or f.name,
                other=first_index[f.name],
            )
            continue
        found[f.name] = Column(f.name, header, factor)
        first_index[f.name] = idx
    for f in fields:
        if f.required and f.name not in found:
            report.error(
                "MISSING_COLUMN",
                1,
                f.label_zh or f.name,
                field=f.label_zh or f.name,
                aliases="、".join(f.aliases),
            )
    return found


# A number as statistical tables write it, after kpi.model.characters.ascii_forms: a sign, digits
# with at most one decimal point, an exponent; thousands separators only as commas between groups
# of three digits after a first group of one to three that does not start with 0 (1,234,567.8).
# A decimal comma is never guessed: 1,5 and 0,5 and 12,34 are refused, not read as 15 or 0.5.
NUMBER = re.compile(
    r"[+-]?(?:(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
)


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Text → float, each cell by the `NUMBER` grammar (full-width forms read as ASCII, the
    cell stripped); returns (numbers, mask of cells that are not numbers). An empty cell is
    <NA> and not bad. A number too large for a float is inf (the caller's bound refuses it):
    `inf` and `nan` written as words are not numbers."""
    text = values.astype("string").str.translate(FULL_WIDTH).str.strip()
    ok = text.str.fullmatch(NUMBER.pattern).fillna(False).astype(bool)
    numbers = pd.to_numeric(text.where(ok).str.replace(",", "", regex=False), errors="coerce").astype(
        "Float64"
    )
    bad = text.fillna("").ne("") & ~ok
    return numbers, bad


def number_problem(cell: str) -> tuple[str, dict[str, str]]:
    """Why a cell that `parse_numbers` found bad is not a number: (issue code, parameters)."""
    text = ascii_forms(cell).strip()
    if (char := blank_inside(cell)) is not None:  # the character as written: U+3000, not U+0020
        return "SPACE_IN_NUMBER", {"char": char}
    if (digit := foreign_digit(text)) is not None:
        return "FOREIGN_DIGITS", {"char": digit}
    if "," in text and NUMBER.fullmatch(text.replace(",", "")):
        return "BAD_THOUSANDS", {}
    return "NOT_A_NUMBER", {}
