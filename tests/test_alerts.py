"""Alerts (issue 19): rules as data, each firing once and only once for an event however often
they run; the outbox; delivery to a webhook in the JSON DingTalk and WeCom robots accept, signed
as DingTalk documents, retried with backoff after a failure. The webhook is a receiver on
127.0.0.1 in a thread: nothing leaves the machine."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
from support import TODAY, ingest_text, kpi_command, run_kpi, stats_csv

from kpi.alerts import rules, webhook
from kpi.ingest.platforms import ingest_platforms
from kpi.platforms import reviews
from kpi.store import audit, connection, outbox, settings

UNITS = ["南湖区", "秀洲区", "嘉善县", "海盐县", "海宁市", "平湖市", "桐乡市", "经开区", "嘉兴港区"]


class Receiver:
    """A webhook on the loopback address that records every request and fails on demand: the
    next `fail` requests get `failure` (an HTTP status, or a robot's refusal as JSON)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.fail = 0
        self.failure: int | dict = 500
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                failing = outer.fail > 0
                outer.fail -= failing
                if failing and isinstance(outer.failure, int):
                    self.send_response(outer.failure)
                    self.end_headers()
                    return
                answer = outer.failure if failing else {"errcode": 0, "errmsg": "ok"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/robot/send?access_token=abc"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def bodies(self) -> list[dict]:
        return [json.loads(r["body"].decode("utf-8")) for r in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


def _configure(db: Path, url: str, kind: str = "wecom", secret: str = "") -> None:
    with connection.connect(db) as con:
        settings.set_values(con, {"webhook_url": url, "webhook_kind": kind, "webhook_secret": secret}, by="t")


def _queue(db: Path, *keys: str) -> None:
    with connection.connect(db) as con:
        outbox.queue(con, [outbox.Event(k, "stats_late", "南湖区", f"内容{k}", f"原因{k}", {}) for k in keys])


def _send(db: Path, at: dt.datetime) -> webhook.Run | None:
    with connection.connect(db) as con:
        return webhook.send(con, now=lambda: at)


def _outbox(db: Path) -> list[dict]:
    with connection.connect(db) as con:
        return outbox.listing(con).sort_values("id").to_dict("records")


# ---------------------------------------------------------------- the rules


def _quarters(db: Path) -> None:
    """Two quarters of all nine units; 南湖区 falls in the second on every ratio."""
    rows = []
    for u in UNITS:
        rows.append(f"2025Q1,{u},,32,1000,600,1000,750,1000")
        second = "20,2000,900,2000,1400,2000" if u == "南湖区" else "64,2000,1200,2000,1500,2000"
        rows.append(f"2025Q2,{u},,{second}")
    assert ingest_text(db, stats_csv(*rows)).stored


def _check(db: Path, today: dt.date = TODAY) -> list[str]:
    with connection.connect(db) as con:
        return rules.check(con, today=today)


def test_a_kpi_status_worse_than_the_quarter_before_is_alerted_once(db: Path) -> None:
    _quarters(db)
    first = _check(db)
    nanhu = sorted(k for k in first if "|330402|" in k)
    assert nanhu == [
        "status_worsened|hightech_share|330402|2025Q2|achieved>at_risk",
        "status_worsened|new_product_rate|330402|2025Q2|achieved>off_track",
        "status_worsened|rd_intensity|330402|2025Q2|achieved>off_track",
    ]
    assert not [k for k in first if "|330411|" in k]  # 秀洲区 held its statuses
    assert _check(db) == [] and _check(db) == []  # the same events: never again
    row = next(r for r in _outbox(db) if r["event_key"].startswith("status_worsened|rd_intensity|330402"))
    assert row["what"] == "南湖区“规上工业研发费用支出占营业收入比重”状态由“达标”变为“滞后”（2025年1—6月）"
    assert row["why"].startswith("2025年1—6月：1.00%；2025年1—3月：3.20%。")
    assert (row["who"], row["attempts"]) == ("南湖区", 0) and pd.isna(row["sent_at"])
    assert len(_outbox(db)) == len(first)


def test_late_statistics_are_alerted_once_per_unit_and_quarter(db: Path) -> None:
    assert ingest_text(db, stats_csv("2025Q3,南湖区,,30,1000,500,1000,70,100")).stored
    with connection.connect(db, write=True) as con:
        con.execute("UPDATE alert_rules SET enabled = (rule = 'stats_late')")
    assert _check(db, dt.date(2025, 10, 20)) == []  # due 2025-10-20: not late on the day
    late = _check(db, dt.date(2025, 10, 21))
    assert sorted(late) == sorted(
        f"stats_late|{u}|2025Q3"
        for u in ("330411", "330421", "330424", "330481", "330482", "330483", "JX-ETDZ", "JX-PORT")
    )
    assert _check(db, dt.date(2025, 10, 22)) == []  # still late: the same event, no second alert
    row = next(r for r in _outbox(db) if r["event_key"] == "stats_late|330411|2025Q3")
    assert (row["who"], row["what"]) == ("秀洲区", "秀洲区 2025年1—9月 统计数据逾期未报")
    assert row["why"] == "应报日期 2025-10-20（季度结束后第 20 天），截至 2025-10-21 未收到任何数值。"


def test_the_grace_days_of_a_rule_are_data(db: Path) -> None:
    with connection.connect(db, write=True) as con:
        con.execute("UPDATE alert_rules SET enabled = (rule = 'stats_late'), params = 'grace_days=5'")
    assert _check(db, dt.date(2025, 10, 25)) == []
    assert len(_check(db, dt.date(2025, 10, 26))) == 9


def test_a_platform_below_the_lowest_review_band_is_alerted_once(db: Path) -> None:
    head = "平台名称,依托单位,考核年度,考核得分,评语\n"
    register = (
        "平台名称,依托单位,县(市、区),服务集群,级别,建设模式,认定时间,状态\n"
        "纺织中试平台,乙集团,桐乡市,现代纺织与服装,市级培育库,多主体共建,2025-07-15,运行\n"
        "机器人中试平台,庚公司,平湖市,机器人与数控机床,市级培育库,龙头企业开放,2025-09-20,运行\n"
    )
    with connection.connect(db, write=True) as con:
        assert ingest_platforms(con, register.encode(), "名录.csv").stored
        con.execute("UPDATE alert_rules SET enabled = (rule = 'platform_below_band')")
        for text in (
            head + "纺织中试平台,乙集团,2025,92,服务成效显著\n机器人中试平台,庚公司,2025,55,服务企业数不足\n",
            head + "机器人中试平台,庚公司,2025,50,服务企业数不足\n",
        ):
            assert reviews.ingest_reviews(con, text.encode(), "考核.csv").stored
            rules.check(con)
    rows = _outbox(db)
    assert [r["event_key"] for r in rows] == [
        "platform_below_band|机器人中试平台|庚公司|2025"
    ]  # once, revision or not
    assert rows[0]["what"] == "机器人中试平台（庚公司）2025 年度考核得分 55，低于最低档"
    assert rows[0]["why"] == "奖补规则的最低档为 60 分，低于此分不获培育库年度奖补。"


def test_rules_are_data_a_disabled_rule_finds_nothing(db: Path) -> None:
    _quarters(db)
    with connection.connect(db) as con:
        assert settings.set_rule(con, "status_worsened", enabled=False, by="t")
        assert not settings.set_rule(con, "no_such_rule", enabled=True, by="t")
        assert [r for r in rules.find_events(con, today=TODAY) if r.rule == "status_worsened"] == []
        found = {code: on for code, on, _ in settings.rules(con)}
        events = audit.list_events(con, action="settings_change")
    assert found == {
        "platform_below_band": True,
        "stats_late": True,
        "status_worsened": False,
        "task_report_late": True,
        "task_seriously_lagging": True,
    }
    assert {c for c, r in rules.RULES.items() if r.find is None} == set()  # none pending since kpi.tasks
    assert json.loads(events["detail"].iloc[0]) == {"enabled": False, "rule": "status_worsened"}


# ---------------------------------------------------------------- delivery


def test_the_payload_is_the_text_message_wecom_and_dingtalk_accept(db: Path, receiver: Receiver) -> None:
    _configure(db, receiver.url, "wecom")
    _queue(db, "k1")
    run = _send(db, dt.datetime(2026, 1, 15, 9))
    assert (run.sent, run.failed, run.waiting, run.given_up) == (1, 0, 0, 0)
    (request,) = receiver.requests
    assert request["path"] == "/robot/send?access_token=abc"  # WeCom: no signature
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert receiver.bodies() == [
        {"msgtype": "text", "text": {"content": "【中试驾驶舱提醒】内容k1\n原因：原因k1\n责任：南湖区"}}
    ]
    assert list(json.loads(request["body"])) == ["msgtype", "text"]


def test_dingtalks_signature_as_documented(db: Path, receiver: Receiver) -> None:
    # from `printf '1700000000000\nSEC0123456789abcdef' | openssl dgst -sha256 -hmac SEC0123456789abcdef
    # -binary | base64`: an implementation other than ours
    expected = "TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk="
    assert webhook.sign("SEC0123456789abcdef", 1700000000000) == urllib.parse.quote_plus(expected)
    hook = webhook.Webhook(receiver.url, "dingtalk", "SEC0123456789abcdef", 5)
    assert webhook.signed_url(hook, 1700000000000) == (
        f"{receiver.url}&timestamp=1700000000000&sign={urllib.parse.quote_plus(expected)}"
    )
    _configure(db, receiver.url, "dingtalk", "SEC0123456789abcdef")
    _queue(db, "k1")
    assert _send(db, dt.datetime(2026, 1, 15, 9)).sent == 1
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(receiver.requests[0]["path"]).query)
    assert set(query) == {"access_token", "timestamp", "sign"}
    assert query["sign"] == [
        urllib.parse.unquote_plus(webhook.sign("SEC0123456789abcdef", int(query["timestamp"][0])))
    ]


def test_a_failed_delivery_is_retried_after_its_backoff_and_then_marked_sent(
    db: Path, receiver: Receiver
) -> None:
    _configure(db, receiver.url)
    _queue(db, "k1")
    receiver.fail = 1
    t0 = dt.datetime(2026, 1, 15, 9)
    run = _send(db, t0)
    assert (run.sent, run.failed, run.waiting) == (0, 1, 1)
    (row,) = _outbox(db)
    assert (row["attempts"], row["last_error"]) == (1, "推送地址返回 HTTP 500")
    assert row["next_attempt_at"] == t0 + dt.timedelta(seconds=60) and pd.isna(row["sent_at"])
    assert _send(db, t0 + dt.timedelta(seconds=59)).sent == 0 and len(receiver.requests) == 1  # backing off
    run = _send(db, t0 + dt.timedelta(seconds=60))
    assert (run.sent, run.failed, run.waiting) == (1, 0, 0)
    (row,) = _outbox(db)
    assert row["attempts"] == 2 and pd.isna(row["last_error"])
    assert row["sent_at"] == t0 + dt.timedelta(seconds=60)
    assert _send(db, t0 + dt.timedelta(days=1)).sent == 0  # sent once: never again
    assert len(receiver.requests) == 2 and receiver.bodies()[0] == receiver.bodies()[1]


def test_a_refusal_doubles_the_wait_and_the_tries_are_bounded(db: Path, receiver: Receiver) -> None:
    _configure(db, receiver.url, "dingtalk")
    with connection.connect(db) as con:
        settings.set_values(con, {"alert_max_attempts": "3"}, by="t")
    _queue(db, "k1")
    receiver.fail, receiver.failure = 99, {"errcode": 310000, "errmsg": "keywords not in content"}
    t0 = dt.datetime(2026, 1, 15, 9)
    waits = []
    for step in (0, 60, 180, 420, 10_000):
        run = _send(db, t0 + dt.timedelta(seconds=step))
        (row,) = _outbox(db)
        waits.append((run.failed, row["attempts"]))
    assert waits == [(1, 1), (1, 2), (1, 3), (0, 3), (0, 3)]  # 60 s, then 120 s; three tries in all
    assert row["last_error"] == "推送地址拒收：310000 keywords not in content"
    assert (run.waiting, run.given_up) == (0, 1) and len(receiver.requests) == 3


def test_two_runs_at_once_never_send_one_alert_twice(db: Path) -> None:
    _queue(db, "k1", "k2")
    at = dt.datetime(2026, 1, 15, 9)
    with connection.connect(db) as con:
        first = outbox.claim(con, at, 5, 60)
        second = outbox.claim(con, at, 5, 60)
    assert [p.key for p in first] == ["k1", "k2"] and second == []


def test_kpi_alerts_from_the_command_line(db: Path, receiver: Receiver) -> None:
    _quarters(db)
    none = run_kpi("alerts", "send", db=db)
    assert none.returncode == 1 and none.stderr.startswith("未配置推送地址")
    listed = json.loads(run_kpi("alerts", "--json", db=db).stdout)["alerts"]
    assert listed and all(a["sent"] is False and a["attempts"] == 0 for a in listed)
    assert set(listed[0]) >= {
        "id",
        "key",
        "rule",
        "who",
        "what",
        "why",
        "created_at",
        "sent",
        "attempts",
        "last_error",
    }
    setup = subprocess.run(
        [
            kpi_command(),
            "alerts",
            "webhook",
            receiver.url,
            "--kind",
            "dingtalk",
            "--secret-stdin",
            "--db",
            str(db),
        ],
        input="SECabc\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr
    assert setup.stdout.strip() == f"推送地址已更新：{receiver.url}（dingtalk，加签）"
    sent = run_kpi("alerts", "send", db=db)
    assert sent.returncode == 0, sent.stderr
    assert (
        sent.stdout.splitlines()[-1]
        == f"发送完毕：成功 {len(listed)} 条，本次失败 0 条；待重试 0 条，已放弃 0 条"
    )
    assert len(receiver.requests) == len(listed)
    again = run_kpi("alerts", "send", db=db)
    assert again.stdout.splitlines() == [
        "规则检查完毕：新增提醒 0 条",
        "发送完毕：成功 0 条，本次失败 0 条；待重试 0 条，已放弃 0 条",
    ]
    assert len(receiver.requests) == len(listed)
    with connection.connect(db) as con:
        detail = json.loads(audit.list_events(con, action="settings_change")["detail"].iloc[0])
    assert detail["settings"]["webhook_secret"] == "***"  # never the secret itself
    text = run_kpi("alerts", db=db).stdout.splitlines()
    assert all("已发送" in line for line in text)
