"""Delivery of the outbox to the one configured webhook: a DingTalk (钉钉) or WeCom (企业微信) group
robot. The only address this program ever calls; standard library only (urllib).

Both robots take the same text message, `{"msgtype": "text", "text": {"content": "..."}}`, and
answer `{"errcode": 0, "errmsg": "ok"}` when they accept it. DingTalk's optional signature
(加签): `timestamp` = milliseconds since the epoch, `sign` = URL-encoded base64 of
HMAC-SHA256(key = secret, message = f"{timestamp}\\n{secret}"), both appended to the URL's query.
A robot set to require a keyword (自定义关键词) gets it in every message's first words: set the
keyword to 中试驾驶舱.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from kpi.store import outbox, settings
from kpi.text.alerts import ALERT_TEXT
from kpi.text.lookup import pick

# no proxy from the environment: the message goes to the configured address and nowhere else
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class DeliveryError(Exception):
    """A try that did not deliver; the text is the reason kept in the outbox (Chinese)."""


@dataclass(frozen=True)
class Webhook:
    url: str
    kind: str  # 'dingtalk' or 'wecom'
    secret: str
    timeout: float


def configured(con: duckdb.DuckDBPyConnection) -> Webhook | None:
    values = settings.values(con)
    url = values.get("webhook_url", "").strip()
    if not url:
        return None
    return Webhook(
        url,
        values.get("webhook_kind", "dingtalk"),
        values.get("webhook_secret", "").strip(),
        float(values.get("alert_timeout_seconds", "10")),
    )


def payload(content: str) -> dict[str, object]:
    """The text message both robots accept."""
    return {"msgtype": "text", "text": {"content": content}}


def sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's `sign` query value for a timestamp (already URL-encoded)."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def signed_url(hook: Webhook, timestamp_ms: int | None = None) -> str:
    """The address to post to: DingTalk with a secret gets `&timestamp=...&sign=...`."""
    if hook.kind != "dingtalk" or not hook.secret:
        return hook.url
    ts = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    joiner = "&" if urllib.parse.urlsplit(hook.url).query else "?"
    return f"{hook.url}{joiner}timestamp={ts}&sign={sign(hook.secret, ts)}"


def post(hook: Webhook, content: str) -> None:
    """Deliver one message; DeliveryError when the robot did not take it."""
    body = json.dumps(payload(content), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        signed_url(hook),
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with _OPENER.open(request, timeout=hook.timeout) as response:
            answer = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(pick(ALERT_TEXT, "error.http", "zh", status=exc.code)) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(pick(ALERT_TEXT, "error.network", "zh", reason=str(reason)[:200])) from None
    try:
        reply = json.loads(answer.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return  # a 2xx without a JSON answer: taken
    if isinstance(reply, dict) and reply.get("errcode", 0) != 0:
        raise DeliveryError(
            pick(
                ALERT_TEXT,
                "error.refused",
                "zh",
                code=reply.get("errcode"),
                message=str(reply.get("errmsg", ""))[:200],
            )
        )


def content(what: str, why: str, who: str | None) -> str:
    return pick(ALERT_TEXT, "content", "zh", what=what, why=why, who=who or "—")


@dataclass(frozen=True)
class Run:
    sent: int
    failed: int  # tries of this run that failed
    waiting: int  # after the run: to be tried (again)
    given_up: int


def send(
    con: duckdb.DuckDBPyConnection,
    *,
    now: Callable[[], dt.datetime] = dt.datetime.now,
    hook: Webhook | None = None,
) -> Run | None:
    """Try every alert that is due (kpi.store.outbox.claim), each once: sent ones are marked
    sent, failed ones keep their error and wait for their next try. None without a webhook."""
    hook = hook or configured(con)
    if hook is None:
        return None
    max_attempts = settings.whole(con, "alert_max_attempts")
    retry = settings.whole(con, "alert_retry_seconds")
    sent = failed = 0
    for alert in outbox.claim(con, now(), max_attempts, retry):
        try:
            post(hook, content(alert.what, alert.why, alert.who))
        except DeliveryError as exc:
            outbox.mark_failed(con, alert.id, str(exc))
            failed += 1
        else:
            outbox.mark_sent(con, alert.id, now())
            sent += 1
    left = outbox.counts(con, max_attempts)
    return Run(sent, failed, left["waiting"], left["failed"])
