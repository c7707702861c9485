"""What a checked file carries to its commit, and how row problems are flagged."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kpi.ingest.csvfile import Column
from kpi.ingest.report import Issue, Report


@dataclass
class Checked:
    """A validated file: the report and, when it has no errors, the rows ready to store."""

    report: Report
    rows: pd.DataFrame | None
    sha256: str = ""
    columns: dict[str, Column] = field(default_factory=dict)


@dataclass(frozen=True)
class IngestResult:
    report: Report
    upload_id: int | None = None
    rows: int = 0
    new_rows: int = 0
    revised_rows: int = 0

    @property
    def stored(self) -> bool:
        return self.upload_id is not None

    @property
    def unchanged_rows(self) -> int:
        """Rows identical to the stored ones: neither new nor revised, nothing written for them."""
        return self.rows - self.new_rows - self.revised_rows


def flag(
    report: Report,
    mask: pd.Series,
    lines: pd.Series,
    code: str,
    column: str | None,
    **params: pd.Series | object,
) -> None:
    """Report `code` on every row where `mask` holds; Series params are read row by row."""
    hits = mask[mask.fillna(False).astype(bool)].index
    for idx in hits:  # loops over problems only
        values = {k: (v.loc[idx] if isinstance(v, pd.Series) else v) for k, v in params.items()}
        report.error(code, int(lines.loc[idx]), column, **values)


# ---------------------------------------------------------------- commit


def issues_frame(issues: list[Issue]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "severity": [i.severity for i in issues],
            "line": pd.array([i.line for i in issues], dtype="Int64"),
            "column_name": [i.column for i in issues],
            "code": [i.code for i in issues],
            "message_zh": [i.message("zh") for i in issues],
            "message_en": [i.message("en") for i in issues],
        }
    )
