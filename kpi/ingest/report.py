"""Validation reports: every problem with its line, column, stable code and message.

Modelled on frictionless: validation never stops at the first problem. Errors reject the whole
file; warnings are stored with the upload and shown, never blocking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from kpi.text.messages import render

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    severity: Severity
    code: str
    line: int | None  # file line, header = 1; None for whole-file problems
    column: str | None  # the header as written in the file (or the field name when missing)
    params: dict[str, object] = field(default_factory=dict, hash=False, compare=False)

    def message(self, lang: str = "zh") -> str:
        return render(self.code, lang, **self.params)

    def describe(self, lang: str = "zh") -> str:
        where = []
        if self.line is not None:
            where.append(f"第 {self.line} 行" if lang == "zh" else f"line {self.line}")
        if self.column:
            where.append(f"列“{self.column}”" if lang == "zh" else f"column “{self.column}”")
        sep = "，" if lang == "zh" else ", "
        head = sep.join(where)
        colon = "：" if lang == "zh" else ": "
        return f"{head}{colon if head else ''}{self.message(lang)} [{self.code}]"


@dataclass
class Report:
    """Outcome of validating one file."""

    file_name: str
    issues: list[Issue] = field(default_factory=list)
    encoding: str | None = None
    rows: int = 0

    # positional-only: templates use `column` as a parameter name too (e.g. IGNORED_COLUMN)
    def error(self, code: str, line: int | None, column: str | None, /, **params: object) -> None:
        self.issues.append(Issue("error", code, line, column, params))

    def warn(self, code: str, line: int | None, column: str | None, /, **params: object) -> None:
        self.issues.append(Issue("warning", code, line, column, params))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted_issues(self) -> list[Issue]:
        return sorted(self.issues, key=lambda i: (i.severity != "error", i.line or 0, i.column or ""))

    def to_frame(self, lang: str = "zh") -> pd.DataFrame:
        """One row per issue, for display and CSV download (headers in the chosen language)."""
        cols = (
            ("级别", "行", "列", "代码", "说明")
            if lang == "zh"
            else ("severity", "line", "column", "code", "message")
        )
        sev = (
            {"error": "错误", "warning": "提示"} if lang == "zh" else {"error": "error", "warning": "warning"}
        )
        rows = [
            (sev[i.severity], i.line, i.column or "", i.code, i.message(lang)) for i in self.sorted_issues()
        ]
        frame = pd.DataFrame(rows, columns=list(cols))
        frame[cols[1]] = frame[cols[1]].astype("Int64")
        return frame
