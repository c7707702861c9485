"""The `kpi` command line (CONTRACT.md §3). Exit codes: 0 ok, 2 input rejected (nothing
written), 1 any other failure. Messages go to stderr in the language of --lang (default zh)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import secrets
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kpi.cli import logs, office, output, users
from kpi.cli import reviews as reviews_cli
from kpi.cli import tasks as tasks_cli
from kpi.engine import status as engine_status
from kpi.ingest.clusters import ingest_clusters
from kpi.ingest.csvfile import check_size
from kpi.ingest.platforms import ingest_platforms
from kpi.ingest.report import Report
from kpi.ingest.result import IngestResult
from kpi.ingest.stats import ingest_stats
from kpi.model.definitions import INDICATOR_ORDER
from kpi.model.errors import DatabaseMissing, InvalidInput, KpiError, UnknownScope
from kpi.model.moments import parse_moment
from kpi.platforms import demo, reviews
from kpi.store import connection, queries, schema, vintages, writes
from kpi.store.reference import scope_label, targets
from kpi.text import numbers
from kpi.text.messages import text

EXIT_OK, EXIT_FAILED, EXIT_REJECTED = 0, 1, 2


def _common(p: argparse.ArgumentParser) -> None:
    # SUPPRESS lets the options stand before or after the sub-command without overriding each other
    p.add_argument(
        "--db", default=argparse.SUPPRESS, help="database file (default $KPI_DB or data/kpi.duckdb)"
    )
    p.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS, help="message language")
    p.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the trace of an unexpected failure (it always goes to the log file)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kpi", description="中试驾驶舱 data and KPI command line")
    _common(parser)
    sub = parser.add_subparsers(dest="command", required=True)
    _common(sub.add_parser("init", help="create or migrate the database and load the reference tables"))
    d = sub.add_parser("demo", help="load the bundled synthetic demo data set")
    d.add_argument("--force", action="store_true", help="load even where real (non-demo) data exist")
    d.add_argument("--if-empty", action="store_true", help="load only into a database without statistics")
    _common(d)
    ing = sub.add_parser("ingest", help="validate and store files")
    isub = ing.add_subparsers(dest="kind", required=True)
    for kind in ("stats", "platforms", "clusters", "reviews"):
        k = isub.add_parser(kind)
        k.add_argument("files", nargs="+" if kind == "stats" else 1, type=Path)
        k.add_argument("--by", help="who uploads (recorded with the upload)")
        if kind == "clusters":
            k.add_argument("--replace", action="store_true", help="the file replaces the whole taxonomy")
        _common(k)
    reviews_cli.add_parsers(sub, isub, _common)  # `ingest platform-figures` and `reviews`
    tasks_cli.add_ingest_parser(isub, _common)
    st = sub.add_parser("status", help="the KPIs for one scope")
    st.add_argument("--period")
    st.add_argument("--region")
    st.add_argument("--cluster")
    st.add_argument("--as-of", help='as known at "YYYY-MM-DD[ HH:MM[:SS]]"')
    st.add_argument("--json", action="store_true")
    _common(st)
    tg = sub.add_parser("targets", help="list targets, or change one with --set")
    tg.add_argument("indicator", nargs="?")
    tg.add_argument("--value", type=float, help="new value (a fraction for ratios: 0.0315)")
    tg.add_argument("--source", help="the document the value comes from")
    tg.add_argument("--band-pp", type=float, help="half-width of a band target, in percentage points")
    tg.add_argument("--by", help="who changes it (recorded; default: your login name)")
    _common(tg)
    rb = sub.add_parser("rollback", help="withdraw an upload; its rows revert to the previous values")
    rb.add_argument("upload_id", type=int)
    rb.add_argument("--by", help="who withdraws it (recorded; default: your login name)")
    _common(rb)
    up = sub.add_parser("uploads", help="the upload history")
    _common(up)
    rp = sub.add_parser("report", help="the one-page brief (.pdf) or the tables (.xlsx) for one scope")
    rp.add_argument("--period", help="default: latest with data")
    rp.add_argument("--region", help="one unit (code or name); default: the city")
    rp.add_argument("--out", required=True, type=Path, help="brief.pdf (Chinese brief) or tables.xlsx")
    rp.add_argument("--as-of", help='as known at "YYYY-MM-DD[ HH:MM[:SS]]"')
    _common(rp)
    users.add_parsers(sub, _common)
    tasks_cli.add_parsers(sub, _common)
    office.add_parsers(sub, _common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lang = getattr(args, "lang", "zh")
    db = connection.db_path(getattr(args, "db", None))
    debug = bool(getattr(args, "debug", False) or os.environ.get("KPI_DEBUG"))
    log_file = logs.setup(db, debug)
    handler: Callable[[argparse.Namespace, Path, str], int] = _HANDLERS[args.command]
    try:
        code = handler(args, db, lang)
        sys.stdout.flush()  # a reader gone by now fails here, not in the interpreter's exit
        return code
    except (UnknownScope, InvalidInput, DatabaseMissing) as exc:
        print(exc.message(lang), file=sys.stderr)
        return EXIT_REJECTED
    except KpiError as exc:
        print(exc.message(lang), file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # the reader stopped early (`kpi status | head -1`): what it read was right, and what
        # the command wrote to the database (before printing) is committed. Point stdout at
        # /dev/null so that the interpreter's last flush does not fail again on its way out.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception:  # no exception text for users: the trace goes to the log (--debug shows it)
        if debug:
            raise
        ref = secrets.token_hex(4)
        logging.getLogger("kpi.cli").error("kpi %s failed [ref %s]", args.command, ref, exc_info=True)
        print(text("failed_unexpected", lang, log=log_file, ref=ref), file=sys.stderr)
        return EXIT_FAILED


# Where the connection opens and closes, and where output is printed: every command reads,
# checks and computes first (the file read-only), holds the write lock only inside its commit
# (connection.transaction), closes, and prints only then, so that a slow reader of the output
# (`kpi ingest stats big.csv | less`) never keeps anyone else from the database. Reads open
# the file read-only (connection.read) and never create it: only `kpi init` and the commands
# that load data (demo, ingest) make a database where the file does not exist.


def _init(args: argparse.Namespace, db: Path, lang: str) -> int:
    with connection.connect(db, write=True) as con:
        version = schema.schema_version(con)
    print(text("init_done", lang, db=db, version=version))
    return EXIT_OK


def _demo(args: argparse.Namespace, db: Path, lang: str) -> int:
    with connection.connect(db, create=True) as con:
        if args.if_empty and queries.latest_period(con) is not None:
            return EXIT_OK
        rows, platforms = demo.load(con, force=args.force)
        tasks_cli.load_demo(con, lang, force=args.force)
    print(text("demo_done", lang, rows=rows, platforms=platforms))
    return EXIT_OK


def print_report(report: Report, lang: str, stored: bool) -> None:
    if not stored:
        print(text("rejected", lang, file=report.file_name, n=len(report.errors)), file=sys.stderr)
        for issue in report.sorted_issues():
            if issue.severity == "error":
                print("  " + issue.describe(lang), file=sys.stderr)
    if report.warnings:
        print(text("warnings", lang, n=len(report.warnings)), file=sys.stderr)
        for issue in report.warnings:
            print("  " + issue.describe(lang), file=sys.stderr)


def _ingest(args: argparse.Namespace, db: Path, lang: str) -> int:
    if args.kind == "progress":
        return tasks_cli.ingest_command(args, db, lang)
    files: list[Path] = list(args.files)
    for f in files:
        if not f.is_file():
            print(text("not_found", lang, file=f), file=sys.stderr)
            return EXIT_REJECTED
    worst = EXIT_OK
    stored: set[int] = set()  # positions in `files` (two files may share a name)
    for i, f in enumerate(files):  # one transaction per file, each printed once the database is closed again
        too_big = Report(f.name)
        if not check_size(f.stat().st_size, too_big):  # never read a huge file into memory
            print_report(too_big, lang, False)
            worst = EXIT_REJECTED
            continue
        data = f.read_bytes()
        try:
            with connection.connect(db, create=True) as con:
                result = _load(args, con, data, f.name)
        except BaseException:  # a system failure stops the run: say which file it hit
            print(text("not_stored", lang, file=f.name), file=sys.stderr)
            raise
        print_report(result.report, lang, result.stored)
        if not result.stored:
            worst = EXIT_REJECTED
            continue
        stored.add(i)
        key = {"stats": "stored", "platforms": "platforms_stored", "reviews": "reviews_stored"}.get(args.kind)
        if key:
            print(
                text(
                    key,
                    lang,
                    file=f.name,
                    rows=result.rows,
                    new=result.new_rows,
                    revised=result.revised_rows,
                    unchanged=result.unchanged_rows,
                    upload_id=result.upload_id,
                )
            )
        else:
            print(text("clusters_done", lang, n=result.rows))
    if len(files) > 1:  # a mixed run: which files are in, which are not (exit 2 when any is not)
        print(_files_summary(files, stored, lang), file=sys.stderr if worst else sys.stdout)
    return worst


def _files_summary(files: list[Path], stored: set[int], lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    ins = [str(f) for i, f in enumerate(files) if i in stored]
    outs = [str(f) for i, f in enumerate(files) if i not in stored]
    return text(
        "files_summary",
        lang,
        n=len(files),
        stored_n=len(ins),
        rejected_n=len(outs),
        stored=sep.join(ins) or "—",
        rejected=sep.join(outs) or "—",
    )


def _load(args: argparse.Namespace, con: Any, data: bytes, name: str) -> IngestResult:
    """Check one file against the stored data (read-only) and commit it (the write lock is held
    only inside the loader's transaction)."""
    if args.kind == "stats":
        return ingest_stats(con, data, name, uploaded_by=args.by)
    if args.kind == "platforms":
        return ingest_platforms(con, data, name, uploaded_by=args.by)
    if args.kind == "reviews":
        return reviews.ingest_reviews(con, data, name, uploaded_by=args.by)
    return ingest_clusters(con, data, name, replace=args.replace, uploaded_by=args.by)


def _status(args: argparse.Namespace, db: Path, lang: str) -> int:
    with connection.read(db) as con:
        out = engine_status.kpi_status(
            con, args.period, args.region, args.cluster, lang=lang, as_of=_moment(args)
        )
        scope = scope_label(con, out["region"], out["cluster"], lang)
    if args.json:  # the codes, as CONTRACT.md §3 says
        print(output.to_json(out))
        return EXIT_OK
    print(_status_table(out, lang, scope))
    return EXIT_OK


def _moment(args: argparse.Namespace) -> dt.datetime | None:
    """--as-of as a moment (kpi.model.moments); BadMoment (exit 2) when it is none."""
    return parse_moment(args.as_of) if args.as_of else None


def _status_table(out: dict[str, Any], lang: str, scope: str) -> str:
    """The KPIs as lines of text; `scope` names the region (and cluster) as a person knows them:
    全市 where the JSON says 330400, 南湖区 where it says 330402."""
    zh = lang == "zh"
    head = f"{out['period_label']}  {scope}"
    if out["demo"]:
        head += "  【演示数据】" if zh else "  [DEMO DATA]"
    target_word, yoy_word = ("目标", "同比") if zh else ("target", "y/y")
    lines = [head]
    for code in INDICATOR_ORDER:
        e = out["indicators"][code]
        if "numerator" in e:
            change = "—" if e["change_pp"] is None else numbers.with_sign(e["change_pp"])  # never -0.00
            lines.append(
                f"  {e['label']}: {numbers.pct(e['value'])}  {target_word} {numbers.pct(e['target'])}  "
                f"{yoy_word} {change} pp  [{e['status']}]"
            )
        elif code == "cluster_coverage":
            lines.append(
                f"  {e['label']}: {numbers.pct(e['value'])} ({e['covered']}/{e['total']})  "
                f"{target_word} {numbers.pct(e['target'])}  [{e['status']}]"
            )
        else:
            tgt = "—" if e["target"] is None else f"{e['target']:g}"
            lines.append(f"  {e['label']}: {e['value']}  {target_word} {tgt}  [{e['status']}]")
    return "\n".join(lines)


def _targets(args: argparse.Namespace, db: Path, lang: str) -> int:
    changing = bool(args.indicator and (args.value is not None or args.source or args.band_pp is not None))
    ok = True
    with connection.connect(db, create=False) if changing else connection.read(db) as con:
        if changing:
            with connection.transaction(con):
                ok = writes.set_target(
                    con,
                    args.indicator,
                    value=args.value,
                    source=args.source,
                    band_pp=args.band_pp,
                    by=args.by,
                )
        frame = targets(con)
    if not ok:
        print(text("unknown_indicator", lang, value=args.indicator), file=sys.stderr)
        return EXIT_REJECTED
    if changing:
        print(text("target_set", lang, indicator=args.indicator, value=args.value))
    print(frame.to_string(index=False))
    return EXIT_OK


def _rollback(args: argparse.Namespace, db: Path, lang: str) -> int:
    with connection.connect(db, create=False) as con:
        n = writes.rollback_upload(con, args.upload_id, by=args.by)
    if n is None:
        print(text("unknown_upload", lang, upload_id=args.upload_id), file=sys.stderr)
        return EXIT_REJECTED
    print(text("rolled_back", lang, upload_id=args.upload_id, rows=n))
    return EXIT_OK


def _uploads(args: argparse.Namespace, db: Path, lang: str) -> int:
    from kpi.store.queries import uploads

    with connection.read(db) as con:
        table = uploads(con).to_string(index=False)
    print(table)
    return EXIT_OK


def _report(args: argparse.Namespace, db: Path, lang: str) -> int:
    from kpi.reports import brief, export
    from kpi.text.export import cli_text

    out: Path = args.out
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        print(cli_text("report_bad_suffix", lang, out=out), file=sys.stderr)
        return EXIT_REJECTED
    with connection.read(db) as base, vintages.seen_at(base, _moment(args)) as con:
        if queries.latest_period(con) is None:
            print(cli_text("report_no_data", lang), file=sys.stderr)
            return EXIT_FAILED
        status = engine_status.kpi_status(con, args.period, args.region, lang=lang)
        scope = scope_label(con, status["region"], lang=lang)
        if suffix == ".pdf":
            page = brief.brief_html(con, args.period, args.region)
        else:
            data = export.overview_workbook(con, args.period, args.region)
    if suffix == ".pdf":
        data = brief.to_pdf(page)  # printed after the database is closed again
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.write_bytes(data)
    partial.replace(out)  # a reader never sees half a file
    print(cli_text("report_done", lang, out=out, period=status["period_label"], scope=scope))
    return EXIT_OK


_HANDLERS: dict[str, Callable[[argparse.Namespace, Path, str], int]] = {
    "init": _init,
    "demo": _demo,
    "ingest": _ingest,
    "status": _status,
    "targets": _targets,
    "rollback": _rollback,
    "uploads": _uploads,
    "user": users.user_command,
    "audit": users.audit_command,
    "report": _report,
    **reviews_cli.HANDLERS,
    "tasks": tasks_cli.tasks_command,
    **office.HANDLERS,
}


if __name__ == "__main__":
    raise SystemExit(main())
