"""Uploaded CSV bytes into a table DuckDB can query, for files too big for a Python loop per row.

`csvfile.read_table` is the reference: the csv module splits the records, pandas holds the cells.
At 100,000 rows that costs seconds, so `load_table` takes another road for plain files and the
reference road for everything else:

- the guards and the decoding are csvfile's own (`read_text`), unchanged;
- the record structure comes from NumPy over the UTF-8 bytes: line starts, commas and quotes
  per line, and which lines are blank (Python looks only at the few lines NumPy cannot judge);
- a line with a quote in it is split by the csv module, each line a record of its own;
- the data lines go, in memory, to Arrow's CSV reader with quoting off, the cells separated by
  a control character that no cell holds: a line without quotes has its commas replaced by it,
  a quoted line (or one with blank cells past the header's end) is written from its cells;
  the result is an Arrow table registered under the view's name, which DuckDB scans in place;
- a file where a record could span lines (a quote left open at a line's end, a lone carriage
  return), with a line longer than the csv module's cell limit or with every candidate
  separator in it goes the reference road whole, so its problems are reported exactly as
  before.

Cells arrive raw (not stripped, NULL where empty): whoever reads them strips, as read_table did.
Line numbers are file lines with the header as line 1, blank lines counted.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from kpi.ingest.csvfile import (
    LINE,
    MAX_COLUMNS,
    blank_past,
    guard_columns,
    header_names,
    read_text,
    table_from_text,
    too_many_columns,
)
from kpi.ingest.report import Report

# Bytes that never make a line non-blank: ASCII whitespace as Python's str.strip() knows it, and
# the delimiter. Any other ASCII byte is a visible character; bytes of 0x80 and above belong to
# characters that may or may not be whitespace (U+3000, U+00A0): such lines are decided in Python.
_BLANK_ASCII = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f ,"
_SOLID = np.ones(256, dtype=bool)
_SOLID[0x80:] = False
_SOLID[list(_BLANK_ASCII)] = False


@dataclass(frozen=True)
class Loaded:
    """A file as the temp view `line, c1 … cN` (VARCHAR, raw cells): its header names and rows."""

    names: list[str]
    rows: int

    def column(self, header: str) -> str:
        """The view's column for a header name as written (`c1` for the first)."""
        return f"c{self.names.index(header) + 1}"


def load_table(con: duckdb.DuckDBPyConnection, data: bytes, report: Report, name: str) -> Loaded | None:
    """Read `data` into the temp view `name` (replaced); None, with every problem in `report`,
    when the file is rejected. Finds exactly the problems `csvfile.read_table` finds. Drop the
    view and what it reads with `drop_table`."""
    drop_table(con, name)
    text = read_text(data, report, columns=False)
    if text is None:
        return None
    plain = _plain_lines(text)
    if plain is None:
        return _reference(con, text, report, name) if guard_columns(text, report) else None
    wide = np.flatnonzero(plain.fields > MAX_COLUMNS)  # csvfile.guard_columns, from the counts
    if len(wide):
        too_many_columns(report, int(wide[0]) + 1, int(plain.fields[wide[0]]))
        return None
    return _load_plain(con, plain, text, report, name)


def drop_table(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop what `load_table` made: the Arrow table or the view, and the temp tables behind it."""
    con.unregister(name)
    con.execute(f"DROP VIEW IF EXISTS {name}")
    drop(con, f"{name}_cells")


def drop(con: duckdb.DuckDBPyConnection, *tables: str) -> None:
    """Drop temp tables, or Arrow tables registered under these names by `keep`."""
    for table in tables:
        con.unregister(table)  # a no-op for a name that is not registered
        con.execute(f"DROP TABLE IF EXISTS {table}")


def keep(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Make an Arrow table queryable under `name` (replacing a table or view of that name).

    Intermediate results of an upload are kept in Arrow rather than in DuckDB temp tables:
    DuckDB scans an Arrow table without copying it, while writing 100,000 rows of text cells
    into a temp table costs more than reading the whole file (see the module docstring)."""
    drop(con, name)
    con.execute(f"DROP VIEW IF EXISTS {name}")
    con.register(name, table)


# ---------------------------------------------------------------- the reference road


def _reference(con: duckdb.DuckDBPyConnection, text: str, report: Report, name: str) -> Loaded | None:
    frame = table_from_text(text, report)
    if frame is None:
        return None
    names = [c for c in frame.columns if c != LINE]
    cells = pd.DataFrame({f"c{i}": frame[n] for i, n in enumerate(names, start=1)})
    cells.insert(0, "line", frame[LINE].astype("int32"))
    con.register("_kpi_frame", cells)
    try:
        con.execute(f"CREATE TEMP TABLE {name}_cells AS SELECT * FROM _kpi_frame")  # noqa: S608 - our own names
    finally:
        con.unregister("_kpi_frame")
    con.execute(f"CREATE TEMP VIEW {name} AS SELECT * FROM {name}_cells")  # noqa: S608 - our own names
    return Loaded(names, len(cells))


# ---------------------------------------------------------------- the fast road


@dataclass
class _Lines:
    """Per-line facts of a text without lone carriage returns (CRLF folded to LF)."""

    raw: bytes  # the text in UTF-8
    starts: np.ndarray  # byte offset of each line
    ends: np.ndarray  # byte offset of each line's end (its newline, or the end of the text)
    fields: np.ndarray  # commas + 1 (for a quoted line: its cells, once split)
    quoted: np.ndarray  # the line has a double quote
    blank: np.ndarray  # nothing but whitespace and commas

    def text(self, i: int) -> str:
        return self.raw[self.starts[i] : self.ends[i]].decode("utf-8")


def _plain_lines(text: str) -> _Lines | None:
    """The per-line facts, or None when the file must go the reference road."""
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return None  # a lone CR ends a record for the csv module
        text = text.replace("\r\n", "\n")
    raw = text.encode("utf-8")
    a = np.frombuffer(raw, dtype=np.uint8)
    newlines = np.flatnonzero(a == 0x0A)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(a)]))
    if len(a) and int((ends - starts).max()) > csv.field_size_limit():
        return None  # a cell may be too long: the reference road reports it
    n = len(starts)
    fields = np.ones(n, dtype=np.int64)
    quoted = np.zeros(n, dtype=bool)
    blank = ends == starts
    filled = np.flatnonzero(~blank)
    if len(filled):
        # the commas between each non-empty line's start and end, from their sorted positions
        commas = np.flatnonzero(a == 0x2C)
        fields[filled] += np.searchsorted(commas, ends[filled]) - np.searchsorted(commas, starts[filled])
    if b'"' in raw:
        quoted[np.searchsorted(starts, np.flatnonzero(a == 0x22), side="right") - 1] = True
    # a line that starts with a visible ASCII character is not blank; the others (empty lines,
    # leading blanks, a first cell in Chinese) are looked at one by one when few, else all at once
    unsure = filled[~_SOLID[a[starts[filled]]]]
    if len(unsure) > 1000:
        solid = np.zeros(n, dtype=bool)
        solid[filled] = np.logical_or.reduceat(_SOLID[a], starts[filled])
        unsure = np.flatnonzero(~solid & ~blank)
        high = np.zeros(n, dtype=bool)
        high[unsure] = [not raw[starts[i] : ends[i]].isascii() for i in unsure]
        blank[unsure[~high[unsure]]] = True
        unsure = np.flatnonzero(high)
    lines = _Lines(raw, starts, ends, fields, quoted, blank)
    for i in unsure[~quoted[unsure]]:  # a quoted line's cells are judged once split
        lines.blank[i] = not lines.text(int(i)).replace(",", "").strip()
    return lines


def _load_plain(
    con: duckdb.DuckDBPyConnection, lines: _Lines, text: str, report: Report, name: str
) -> Loaded | None:
    quoted_rows = _quoted_rows(lines)
    sep = next((c for c in _SEPARATORS if c not in text), None)
    if quoted_rows is None or sep is None:  # a record may span lines, or no separator is free
        return _reference(con, text, report, name)
    for i, row in quoted_rows.items():
        lines.blank[i] = not any(c.strip() for c in row)
        lines.fields[i] = len(row)
    filled = np.flatnonzero(~lines.blank)
    if len(filled) < 2:
        report.error("EMPTY_FILE", 1, None)
        return None
    head = int(filled[0])
    data = filled[1:]
    header = quoted_rows[head] if head in quoted_rows else lines.text(head).split(",")
    expected = len(header)
    counts = lines.fields[data].copy()
    for k in np.flatnonzero(counts > expected):  # longer than the header: blank extras shift nothing
        i = int(data[k])
        row = quoted_rows[i] if i in quoted_rows else lines.text(i).split(",")
        if blank_past(row, expected):
            counts[k] = expected
            quoted_rows[i] = row[:expected]  # rewritten from its cells, without the blank extras
            lines.quoted[i] = True
    for k in np.flatnonzero(counts != expected):  # problems only
        report.error("FIELD_COUNT", int(data[k]) + 1, None, expected=expected, found=int(counts[k]))
    names = header_names(head + 1, header, report)
    if not report.ok:
        return None
    con.register(name, _parse(lines, data, quoted_rows, sep, expected))
    return Loaded(names, len(data))


# A byte that no cell holds separates the cells in the file DuckDB reads: the lines without
# quotes have their commas replaced by it, a quoted line is written as its cells joined by it.
_SEPARATORS = ("\x1f", "\x1e", "\x1d", "\x01", "\x02")


def _quoted_rows(lines: _Lines) -> dict[int, list[str]] | None:
    """Each line with a quote, split by the csv module on its own; None when one of them is not a
    whole record by itself (a quoted cell running over the line's end, or a malformed quote)."""
    rows = np.flatnonzero(lines.quoted).tolist()
    reader = csv.reader([lines.text(i) for i in rows], strict=True)
    out: dict[int, list[str]] = {}
    try:
        for k, (i, record) in enumerate(zip(rows, reader, strict=False)):
            if reader.line_num != k + 1:  # the record took the next line in
                return None
            out[i] = record
    except csv.Error:
        return None
    return out if len(out) == len(rows) else None


def _parse(
    lines: _Lines, data: np.ndarray, quoted_rows: dict[int, list[str]], sep: str, width: int
) -> pa.Table:
    """The data lines parsed by Arrow's CSV reader (cells separated by `sep`, quoting off, empty
    cells null), numbered: 25 ms for 100,000 lines, where DuckDB's read_csv into a temp table
    took 110 ms and its temp file 35 ms more."""
    names = [f"c{j}" for j in range(1, width + 1)]
    table = pacsv.read_csv(
        pa.BufferReader(_body(lines, data, quoted_rows, sep)),
        read_options=pacsv.ReadOptions(column_names=names),
        parse_options=pacsv.ParseOptions(
            delimiter=sep, quote_char=False, escape_char=False, double_quote=False, ignore_empty_lines=False
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=True,
            null_values=[""],
            check_utf8=False,  # the text was decoded and encoded again: valid UTF-8
        ),
        # the C allocator gives the memory back when the table goes; Arrow's default pool
        # (mimalloc) kept 50 MB of an upload at country scale for the rest of the process
        memory_pool=pa.system_memory_pool(),
    )
    if table.num_rows != len(data):  # never seen: Arrow split the lines differently from us
        raise RuntimeError(f"the CSV reader gave {table.num_rows} rows for {len(data)} lines")
    return table.add_column(0, "line", pa.array((data + 1).astype(np.int32)))


def _body(lines: _Lines, data: np.ndarray, quoted_rows: dict[int, list[str]], sep: str) -> bytes:
    """The data lines in UTF-8, cells separated by `sep`, one line each (quoted lines rewritten
    from their cells)."""
    separator = sep.encode()
    quoted = lines.quoted[data]
    # runs of consecutive unquoted lines are copied as they are; each quoted line is rewritten
    cut = np.flatnonzero((np.diff(data) != 1) | quoted[:-1] | quoted[1:]) + 1
    firsts, lasts = np.concatenate(([0], cut)), np.concatenate((cut, [len(data)])) - 1
    parts = []
    for k0, k1 in zip(firsts.tolist(), lasts.tolist(), strict=True):
        first, last = int(data[k0]), int(data[k1])
        if quoted[k0]:
            parts.append(sep.join(quoted_rows[first]).encode())
        else:
            parts.append(lines.raw[lines.starts[first] : lines.ends[last]].replace(b",", separator))
    return b"\n".join(parts) + b"\n"
