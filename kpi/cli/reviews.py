"""`kpi ingest platform-figures FILE` and `kpi reviews --year YYYY [--json]` (CONTRACT.md §4).

Registered from kpi.cli.main (`add_parsers`, `HANDLERS`); exit codes as every command: 0 ok,
2 input rejected (nothing written), 1 other failure. The JSON is kpi.platforms.annual.to_json,
the same function the platforms page's tables come from.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from kpi.ingest.csvfile import check_size
from kpi.ingest.report import Report
from kpi.platforms import annual, figures, register, reviews, rewards
from kpi.store import connection
from kpi.text import numbers
from kpi.text.lookup import pick
from kpi.text.messages import text
from kpi.text.reviews import REVIEWS_CLI_TEXT

EXIT_OK, EXIT_REJECTED = 0, 2
INGEST_FIGURES = "ingest platform-figures"
Handler = Callable[[argparse.Namespace, Path, str], int]


def add_parsers(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    ingest: argparse._SubParsersAction,  # type: ignore[type-arg]
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """`platform-figures` under `kpi ingest`, and `kpi reviews`."""
    k = ingest.add_parser("platform-figures", help="annual platform figures (the review's evidence)")
    k.add_argument("files", nargs=1, type=Path)
    k.add_argument("--by", help="who uploads (recorded with the upload)")
    common(k)
    k.set_defaults(command=INGEST_FIGURES)  # dispatched to ingest_figures below, not main's _ingest
    r = sub.add_parser("reviews", help="annual reviews of a year: score, its source and components, reward")
    r.add_argument("--year", type=int, required=True, help="the review year, e.g. 2026")
    r.add_argument("--json", action="store_true")
    common(r)


def ingest_figures(args: argparse.Namespace, db: Path, lang: str) -> int:
    path: Path = args.files[0]
    if not path.is_file():
        print(text("not_found", lang, file=path), file=sys.stderr)
        return EXIT_REJECTED
    too_big = Report(path.name)
    if not check_size(path.stat().st_size, too_big):  # never read a huge file into memory
        _print_report(too_big, lang, stored=False)
        return EXIT_REJECTED
    with connection.connect(db) as con:
        result = figures.ingest_figures(con, path.read_bytes(), path.name, uploaded_by=args.by)
    _print_report(result.report, lang, stored=result.stored)
    if not result.stored:
        return EXIT_REJECTED
    print(
        pick(
            REVIEWS_CLI_TEXT,
            "figures_stored",
            lang,
            file=path.name,
            rows=result.rows,
            new=result.new_rows,
            revised=result.revised_rows,
            upload_id=result.upload_id,
        )
    )
    return EXIT_OK


def _print_report(report: Report, lang: str, *, stored: bool) -> None:
    """Every error (a rejected file) and every warning, each with its line and column."""
    if not stored:
        print(text("rejected", lang, file=report.file_name, n=len(report.errors)), file=sys.stderr)
        for issue in report.sorted_issues():
            if issue.severity == "error":
                print("  " + issue.describe(lang), file=sys.stderr)
    if report.warnings:
        print(text("warnings", lang, n=len(report.warnings)), file=sys.stderr)
        for issue in report.warnings:
            print("  " + issue.describe(lang), file=sys.stderr)


def year_review(con: duckdb.DuckDBPyConnection, year: int) -> annual.YearReview:
    """The year as the page shows it: the register, the scores in force, the reward rules."""
    return annual.year_review(
        register.current_register(con), reviews.annual_reviews(con), rewards.load_settings(con), year
    )


def reviews_command(args: argparse.Namespace, db: Path, lang: str) -> int:
    if not 2000 <= args.year <= 2100:
        print(pick(REVIEWS_CLI_TEXT, "bad_year", lang, value=args.year), file=sys.stderr)
        return EXIT_REJECTED
    with connection.connect(db) as con:
        review = year_review(con, args.year)
    out = annual.to_json(review)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(_table(out, lang))
    return EXIT_OK


def _table(out: dict, lang: str) -> str:  # type: ignore[type-arg]
    def t(key: str, **params: object) -> str:
        return pick(REVIEWS_CLI_TEXT, key, lang, **params)

    head = t(
        "head",
        year=out["year"],
        reward=numbers.money(out["pool_reward_wan"], lang),
        pending=len(out["pending"]),
    )
    if not out["platforms"]:
        return f"{head}\n{t('none')}"
    lines = [head, t("columns")]
    for p in out["platforms"]:
        rank = str(p["rank"]) if p["rank"] is not None else t("not_in_pool")
        mark = f"  [{t('exit')}]" if p["exit_candidate"] else ""
        lines.append(
            f"{rank:>4}  {p['score']:5.1f}  {t('source.' + p['source'])}  {p['reward_wan']:,.1f}  "
            f"{p['name']}（{p['host']}）{mark}"
        )
    return "\n".join(lines)


HANDLERS: dict[str, Handler] = {INGEST_FIGURES: ingest_figures, "reviews": reviews_command}
