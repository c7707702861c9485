"""Moments in time as people write them for "as known at" (`--as-of`, the pages' date picker).

`2026-01-05` means the end of that day (everything committed on it counts); `2026-01-05 14:30`
and `2026-01-05 14:30:15` mean that minute or second, the minute or second itself included. A
moment is the database's local wall time, as `uploads.uploaded_at` is stored.
"""

from __future__ import annotations

import datetime as dt
import re

from kpi.model.errors import InvalidInput
from kpi.text.lookup import pick
from kpi.text.vintages import VINTAGE_TEXT

_MOMENT = re.compile(r"(?P<date>\d{4}-\d{1,2}-\d{1,2})(?:[ T](?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?)?")


class BadMoment(InvalidInput):
    """An `--as-of` that is not `YYYY-MM-DD[ HH:MM[:SS]]` or names no real day or time."""

    def __init__(self, value: str) -> None:
        super().__init__("bad_as_of", value=value)

    def message(self, lang: str = "zh") -> str:
        return pick(VINTAGE_TEXT, self.key, lang, **self.params)


def parse_moment(text: str) -> dt.datetime:
    """The last microsecond a written moment covers: a day's end, a minute's or second's end."""
    m = _MOMENT.fullmatch(str(text).strip())
    if m is None:
        raise BadMoment(str(text))
    try:
        day = dt.date.fromisoformat("-".join(f"{int(p):02d}" for p in m["date"].split("-")))
        if m["h"] is None:
            return dt.datetime.combine(day, dt.time.max)
        second = int(m["s"]) if m["s"] is not None else 59
        end = dt.time(int(m["h"]), int(m["m"]), second, 999_999)
    except ValueError:
        raise BadMoment(str(text)) from None
    return dt.datetime.combine(day, end)


def end_of_day(day: dt.date) -> dt.datetime:
    """A date from the pages' picker as a moment: the end of that day."""
    return dt.datetime.combine(day, dt.time.max)


def moment_text(moment: dt.datetime) -> str:
    """How a moment is echoed (`as_of` in the JSON): `2026-01-05 23:59:59`."""
    return moment.replace(microsecond=0).isoformat(sep=" ")
