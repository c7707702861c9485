"""Reading uploaded CSV bytes: encoding detection, parsing, header aliases and units.

DuckDB's read_csv cannot decode GBK offline (TRAPS.md 7), so bytes are decoded here
(UTF-8 with or without BOM first, then GB18030, a superset of GBK), split into records by the
csv module (which knows where each record starts) and put in a pandas frame with every cell kept
as text. Line numbers are file lines with the header as line 1.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.definitions import UNIT_FACTORS, Field
from kpi.report import Report

LINE = "_line"

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
    decoded = decode(data)
    if decoded is None:
        report.error("UNREADABLE", None, None)
        return None
    text, report.encoding = decoded
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
    rows = [
        (line, row if len(row) <= expected or any(c.strip() for c in row[expected:]) else row[:expected])
        for line, row in rows
    ]
    wrong = [(line, len(row)) for line, row in rows[1:] if len(row) != expected]
    for line, found in wrong:  # problems only
        report.error("FIELD_COUNT", line, None, expected=expected, found=found)
    names = [c.strip() or f"Unnamed: {i}" for i, c in enumerate(header)]
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if name in seen:
            report.error("DUPLICATE_COLUMN", header_line, name, column=name, field=name, other=seen[name])
        seen.setdefault(name, i)
    if not report.ok:
        return None
    frame = pd.DataFrame([row for _, row in rows[1:]], columns=names, dtype=str)
    frame = frame.apply(lambda col: col.str.strip())
    frame[LINE] = [line for line, _ in rows[1:]]
    return frame


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
        report.error("BAD_CSV", reader.line_num or None, None, detail=str(exc))
        return None
    return out


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


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Text → float (thousands separators allowed); returns (numbers, mask of non-numbers)."""
    cleaned = values.str.replace(r"[,，\s]", "", regex=True)
    numbers = pd.to_numeric(cleaned.where(cleaned != ""), errors="coerce").astype("Float64")
    numbers = numbers.where(numbers.abs() != np.inf)  # "inf" or 1e999 is not an amount
    bad = (cleaned != "") & numbers.isna()
    return numbers, bad
