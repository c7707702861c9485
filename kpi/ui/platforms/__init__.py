"""Widgets of the pilot-platform page (中试平台)."""
