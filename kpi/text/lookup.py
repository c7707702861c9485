"""The one lookup of every user-facing text: a key in a table of (Chinese, English) pairs."""

from __future__ import annotations

from collections.abc import Mapping


def pick(table: Mapping[str, tuple[str, str]], key: str, lang: str = "zh", /, **params: object) -> str:
    """The text of `key` in a table of (Chinese, English) pairs: English where `lang` is "en",
    Chinese for any other value, formatted with `params`. Positional-only, so a template may use
    `key` or `lang` as a parameter name (DUPLICATE_ROW has a `{key}`). An unknown key raises
    KeyError. The one lookup behind kpi.text.messages, kpi.text.ranking and kpi.text.export."""
    zh, en = table[key]
    return (en if lang == "en" else zh).format(**params)


def merge(into: dict[str, tuple[str, str]], *tables: Mapping[str, tuple[str, str]]) -> None:
    """Add the area catalogues `tables` to `into` (the page texts, the message templates). A key
    two areas both define is an error at import: with dict.update the later area's words would
    silently replace the earlier's, as PERIOD_NOT_ENDED once did (a task's period and a
    statistics period, each template with its own parameters)."""
    for table in tables:
        for key, pair in table.items():
            if key in into and into[key] != pair:
                raise ValueError(f"text key {key!r} is defined twice, with different words")
            into[key] = pair
