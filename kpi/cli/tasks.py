"""`kpi tasks` and `kpi ingest progress`: the plan's tasks from the command line (CONTRACT.md §4).

`kpi tasks [--json] [--unit NAME] [--as-of DATE]` prints where each task stands (kpi.tasks.board:
`--json` exactly the contract's object); `kpi ingest progress FILE` validates and stores a progress
file in one transaction, or lists every problem with its line and column and exits 2. The
operator holds the database file: no sign-in, every unit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from kpi.ingest.csvfile import check_size
from kpi.ingest.report import Report
from kpi.model.errors import InvalidInput
from kpi.reports.style import task_status_text
from kpi.store import connection
from kpi.store import tasks as task_store
from kpi.tasks import board, demo, reports
from kpi.text import numbers
from kpi.text.messages import text

EXIT_OK, EXIT_REJECTED = 0, 2


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """`kpi tasks`."""
    p = sub.add_parser("tasks", help="the plan's tasks: status of each task and accountable unit")
    p.add_argument("--json", action="store_true", help="the contract's JSON")
    p.add_argument("--unit", help="one accountable unit's rows only, e.g. 市经信局")
    p.add_argument("--as-of", dest="as_of", help="the day to judge on (YYYY-MM-DD; default today)")
    common(p)


def add_ingest_parser(
    isub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """`kpi ingest progress FILE`."""
    p = isub.add_parser(
        "progress", help="task progress reports (任务编号, 责任单位, 报告期, 完成进度(%%), ...)"
    )
    p.add_argument("files", nargs=1, type=Path)
    p.add_argument("--by", help="who uploads (recorded with the upload)")
    common(p)


def parse_day(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("bad_as_of", value=value[:40]) from None


def tasks_command(args: argparse.Namespace, db: Path, lang: str) -> int:
    as_of = parse_day(args.as_of)
    with connection.connect(db) as con:
        b = board.board(con, as_of, args.unit)
    if args.json:
        print(json.dumps(board.to_json(b), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(_table(b, lang))
    return EXIT_OK


def _table(b: board.Board, lang: str) -> str:
    due = b.tasks[0].units[0].state.due if b.tasks else None
    head = text("tasks_head", lang, as_of=b.as_of.isoformat(), n=len(b.tasks), due=due.code if due else "—")
    lines = [head + ("  【演示数据】" if lang == "zh" else "  [DEMO DATA]") if b.demo else head]
    for t in b.tasks:
        lines.append(f"{t.code} {t.title}  {task_status_text(t.status, lang)}  {numbers.pct(t.progress, 0)}")
        for u in t.units:
            last = u.state.last_report.code if u.state.last_report else "—"
            lines.append(
                f"    {u.name}  {task_status_text(u.state.status, lang)}  {numbers.pct(u.state.progress, 0)}  {last}"
            )
    return "\n".join(lines)


def _print_report(report: Report, lang: str, stored: bool) -> None:
    if not stored:
        print(text("rejected", lang, file=report.file_name, n=len(report.errors)), file=sys.stderr)
        for issue in report.errors:
            print("  " + issue.describe(lang), file=sys.stderr)
    if report.warnings:
        print(text("warnings", lang, n=len(report.warnings)), file=sys.stderr)
        for issue in report.warnings:
            print("  " + issue.describe(lang), file=sys.stderr)


def ingest_command(args: argparse.Namespace, db: Path, lang: str) -> int:
    """`kpi ingest progress FILE`: 0 stored, 2 rejected (nothing stored)."""
    path: Path = args.files[0]
    if not path.is_file():
        print(text("not_found", lang, file=path), file=sys.stderr)
        return EXIT_REJECTED
    too_big = Report(path.name)
    if not check_size(path.stat().st_size, too_big):  # never read a huge file into memory
        _print_report(too_big, lang, False)
        return EXIT_REJECTED
    data = path.read_bytes()
    with connection.connect(db) as con:
        result = reports.ingest_progress(con, data, path.name, uploaded_by=args.by)
    result.report.issues.sort(key=lambda i: (i.severity != "error", i.line or 0))
    _print_report(result.report, lang, result.stored)
    if not result.stored:
        return EXIT_REJECTED
    print(
        text(
            "progress_stored",
            lang,
            file=path.name,
            rows=result.rows,
            new=result.new_rows,
            revised=result.revised_rows,
            upload_id=result.upload_id,
        )
    )
    return EXIT_OK


def load_demo(con: duckdb.DuckDBPyConnection, lang: str, *, force: bool = False) -> None:
    """`kpi demo`'s task reports (after the statistics and the register)."""
    if not force and task_store.has_real_reports(con):  # never mix demo reports into real ones
        print(text("tasks_demo_skipped", lang), file=sys.stderr)
        return
    result = demo.load(con, force=force)
    print(text("tasks_demo_done", lang, rows=result.rows))
