"""UI texts of the upload page (数据上传), merged into kpi.i18n.UI_TEXT."""

from __future__ import annotations

UPLOAD_TEXT: dict[str, tuple[str, str]] = {}
