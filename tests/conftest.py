"""Shared fixtures: real DuckDB files in temp dirs, real CSV bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kpi import store


@pytest.fixture(scope="session")
def _db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database created and migrated by the real code, copied for each test (fast)."""
    path = tmp_path_factory.mktemp("template") / "kpi.duckdb"
    with store.connect(path):
        pass
    return path


@pytest.fixture
def db(tmp_path: Path, _db_template: Path) -> Path:
    """A fresh, initialised database file."""
    path = tmp_path / "kpi.duckdb"
    shutil.copyfile(_db_template, path)
    return path
