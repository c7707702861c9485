"""`kpi calendar` and `kpi alerts ...`: the reporting calendar and the alert outbox from the
command line (CONTRACT.md §4). `kpi alerts send` is the one for cron: it checks the rules, then
delivers what is due to the configured webhook (exit 1 when a delivery failed or none is set)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from kpi.alerts import listing, rules, webhook
from kpi.engine import calendar
from kpi.model.periods import from_code
from kpi.store import connection, outbox, settings
from kpi.text.alerts import ALERT_TEXT
from kpi.text.lookup import pick
from kpi.text.vintages import VINTAGE_TEXT

EXIT_OK, EXIT_FAILED, EXIT_REJECTED = 0, 1, 2


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    cal = sub.add_parser("calendar", help="the reporting calendar: which unit's reports have arrived")
    cal.add_argument("--period", help="default: the latest quarter that has ended")
    cal.add_argument(
        "--source",
        choices=tuple(calendar.SOURCES),
        default="stats",
        help="stats: the units' statistics (default); tasks: the task progress reports",
    )
    cal.add_argument("--json", action="store_true")
    common(cal)
    al = sub.add_parser("alerts", help="the alert outbox; send (for cron), check, rules, webhook")
    al.add_argument("--json", action="store_true")
    common(al)
    asub = al.add_subparsers(dest="action", required=False)
    common(asub.add_parser("send", help="check the rules, then deliver what is due to the webhook"))
    common(asub.add_parser("check", help="check the rules and queue new alerts (nothing is sent)"))
    rl = asub.add_parser("rules", help="the rules; --enable / --disable one")
    rl.add_argument("--enable", metavar="RULE")
    rl.add_argument("--disable", metavar="RULE")
    rl.add_argument("--by", help="who makes the change (default: your login name)")
    common(rl)
    wh = asub.add_parser("webhook", help="set the webhook (a DingTalk or WeCom group robot), or --off")
    wh.add_argument("url", nargs="?")
    wh.add_argument("--kind", choices=("dingtalk", "wecom"), default="dingtalk")
    wh.add_argument("--secret-stdin", action="store_true", help="read DingTalk's signing secret from stdin")
    wh.add_argument("--off", action="store_true", help="clear the webhook: alerts are queued, not sent")
    wh.add_argument("--by", help="who makes the change (default: your login name)")
    common(wh)


def _t(key: str, lang: str, **params: object) -> str:
    return pick(ALERT_TEXT, key, lang, **params)


def calendar_command(args: argparse.Namespace, db: Path, lang: str) -> int:
    with connection.connect(db) as con:
        out = calendar.calendar_json(con, args.period, source=args.source)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    p, src = from_code(out["period"]), args.source
    lines = [pick(VINTAGE_TEXT, f"calendar.head.{src}", lang, period=p.label(lang), due=out["due"])]
    for u in out["units"]:
        status = pick(VINTAGE_TEXT, f"calendar.status.{u['status']}", lang)
        lines.append(
            pick(
                VINTAGE_TEXT, f"calendar.line.{src}", lang, name=u["name"], status=status, values=u["values"]
            )
        )
    if not out["units"]:
        lines.append(pick(VINTAGE_TEXT, "calendar.nothing_due", lang))
    print("\n".join(lines))
    return EXIT_OK


def alerts_command(args: argparse.Namespace, db: Path, lang: str) -> int:
    action = getattr(args, "action", None)
    if action == "send":
        return _send(db, lang)
    if action == "check":
        with connection.connect(db) as con:
            added = rules.check(con)
        print(_t("cli.checked", lang, n=len(added)))
        return EXIT_OK
    if action == "rules":
        return _rules(args, db, lang)
    if action == "webhook":
        return _webhook(args, db, lang)
    with connection.connect(db) as con:
        frame = outbox.listing(con)
        most = settings.whole(con, "alert_max_attempts")
    if args.json:
        print(
            json.dumps(
                {"alerts": [listing.record(r) for r in frame.to_dict("records")]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    if frame.empty:
        print(_t("cli.none", lang))
    for r in frame.to_dict("records"):
        print(
            _t(
                "cli.line",
                lang,
                id=r["id"],
                created=listing.when(r["created_at"]),
                state=listing.delivery_state(r, most, lang),
                what=r["what"],
                who=r["who"] or "—",
            )
        )
    return EXIT_OK


def _send(db: Path, lang: str) -> int:
    with connection.connect(db) as con:
        added = rules.check(con)
        print(_t("cli.checked", lang, n=len(added)))
        run = webhook.send(con)
    if run is None:
        print(_t("cli.no_webhook", lang), file=sys.stderr)
        return EXIT_FAILED
    print(_t("cli.sent", lang, sent=run.sent, failed=run.failed, waiting=run.waiting, given_up=run.given_up))
    return EXIT_FAILED if run.failed else EXIT_OK


def _by(args: argparse.Namespace) -> str:
    if args.by:
        return str(args.by)
    try:
        return os.getlogin()
    except OSError:
        return os.environ.get("USER") or "unknown"


def _rules(args: argparse.Namespace, db: Path, lang: str) -> int:
    with connection.connect(db) as con:
        for name, on in ((args.enable, True), (args.disable, False)):
            if not name:
                continue
            rule = rules.RULES.get(name)
            if rule is None or not settings.set_rule(con, name, enabled=on, by=_by(args)):
                print(_t("cli.unknown_rule", lang, rule=name), file=sys.stderr)
                return EXIT_REJECTED
            if on and rule.find is None:
                print(_t("cli.rule_pending", lang, rule=name, why=_t("rule.pending", lang)), file=sys.stderr)
        found = settings.rules(con)
    for name, on, params in found:
        extra = "" if not params else "  (" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")"
        rule = rules.RULES.get(name)
        if rule is not None and rule.find is None:
            extra += "  [" + _t("rule.pending", lang) + "]"
        state = _t("cli.rule_on" if on else "cli.rule_off", lang)
        print(_t("cli.rule_line", lang, rule=name, state=state, label=rules.label(name, lang), params=extra))
    return EXIT_OK


def _webhook(args: argparse.Namespace, db: Path, lang: str) -> int:
    if args.off:
        changes = {"webhook_url": "", "webhook_secret": ""}
    elif not args.url:
        with connection.connect(db) as con:
            hook = webhook.configured(con)
        print(_t("cli.no_webhook", lang) if hook is None else hook.url)
        return EXIT_OK
    else:
        changes = {"webhook_url": args.url, "webhook_kind": args.kind}
        if args.secret_stdin:
            secret = sys.stdin.readline() if not sys.stdin.isatty() else getpass.getpass("secret: ")
            changes["webhook_secret"] = secret.strip()
    with connection.connect(db) as con:
        settings.set_values(con, changes, by=_by(args))
        hook = webhook.configured(con)
    if hook is None:
        print(_t("cli.webhook_off", lang))
    else:
        signed = _t("cli.signed" if hook.secret else "cli.unsigned", lang)
        print(_t("cli.webhook_set", lang, url=hook.url, kind=hook.kind, signed=signed))
    return EXIT_OK


HANDLERS: dict[str, Callable[[argparse.Namespace, Path, str], int]] = {
    "calendar": calendar_command,
    "alerts": alerts_command,
}
