"""Shared fixtures: real DuckDB files in temp dirs, real CSV bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import app_copy

from kpi.store import connection


@pytest.fixture(scope="session")
def _db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database created and migrated by the real code, copied for each test (fast)."""
    path = tmp_path_factory.mktemp("template") / "kpi.duckdb"
    with connection.connect(path):
        pass
    return path


@pytest.fixture
def db(tmp_path: Path, _db_template: Path) -> Path:
    """A fresh, initialised database file."""
    path = tmp_path / "kpi.duckdb"
    shutil.copyfile(_db_template, path)
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data set, loaded once per session through the real ingestion. Copy before writing."""
    from kpi.platforms import demo  # `kpi demo`: the demo set with the platforms' annual figures

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with connection.connect(path) as con:
        demo.load(con)
    return path


@pytest.fixture
def app_db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo database for one test, named by KPI_DB."""
    return app_copy(demo_db, tmp_path, monkeypatch)


@pytest.fixture(autouse=True)
def _streamlit_without_pages_folder_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run AppTest as a served app runs after its first script run.

    A `pages/` folder puts each new Streamlit process in its old multipage mode until
    dashboard.py has called st.navigation once (ui.entry_guard handles that first run, and the
    browser test covers it). AppTest starts every run as a new process would, so widget values
    set in one run were lost in the next; clearing the flag after Streamlit sets it gives the
    steady state every served session sees.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
