"""UI texts of the methods page (方法说明), merged into kpi.i18n.UI_TEXT."""

from __future__ import annotations

METHODS_TEXT: dict[str, tuple[str, str]] = {}
