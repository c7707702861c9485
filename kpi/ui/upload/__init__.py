"""Widgets of the upload page (数据上传)."""
