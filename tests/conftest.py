"""Shared fixtures: real DuckDB files in temp dirs, real CSV bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi import store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A fresh, initialised database file."""
    path = tmp_path / "kpi.duckdb"
    with store.connect(path):
        pass
    return path
