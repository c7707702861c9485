"""Small named exceptions; each carries what the person who can fix it needs to know."""

from __future__ import annotations

from kpi.model.periods import refusal
from kpi.text.database import db_text
from kpi.text.messages import text


class KpiError(Exception):
    """Base class: an expected failure with a message for the user (exit code 1)."""

    key = "failed"

    def __init__(self, **params: object) -> None:
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        return text(self.key, lang, **self.params)


class DatabaseBusy(KpiError):
    key = "db_busy"

    def __init__(self, db: str) -> None:
        super().__init__(db=db)


class DatabaseMissing(KpiError):
    """A read, or a command that changes existing data, on a file that does not exist (a
    mistyped --db): nothing is created. Exit code 2, like any input the person can correct."""

    key = "db_missing"

    def __init__(self, db: str) -> None:
        super().__init__(db=db)

    def message(self, lang: str = "zh") -> str:
        return db_text(self.key, lang, **self.params)


class DatabaseFault(KpiError):
    """The database file cannot be used as asked: the disk is full, the file or its folder is
    read-only, it is not a DuckDB file, it is damaged, or a newer program wrote it. `kind`
    names the message in kpi.text.database (`db_<kind>`); `cause`, where given, names a
    cause_* text there. Exit code 1; nothing was changed."""

    def __init__(self, kind: str, db: str, cause: str | None = None, **params: object) -> None:
        self.key = f"db_{kind}"
        self.cause = cause
        super().__init__(db=db, **params)

    def message(self, lang: str = "zh") -> str:
        extra = {"cause": db_text(self.cause, lang)} if self.cause else {}
        return db_text(self.key, lang, **self.params, **extra)


class UnknownScope(KpiError):
    """A region, cluster or period given on the command line or in a URL that does not exist."""

    def __init__(self, what: str, value: str) -> None:
        self.key = f"unknown_scope_{what}"
        if what == "period":  # say why, where kpi.model.periods can tell (a month range, a digit run)
            super().__init__(value=value, refused=refusal(value))
        else:
            super().__init__(value=value)


class DemoRefused(KpiError):
    """`kpi demo` on a database that holds real uploads: demo rows would revise real ones."""

    key = "demo_refused"


class InvalidInput(KpiError):
    """Input the person can correct (a user name, role, region or password): exit code 2, and
    nothing written. `key` names the message in kpi.text.messages.CLI_TEXT."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        super().__init__(**params)


class BadSetting(KpiError):
    """An environment setting (KPI_*) with a value that is not allowed."""

    key = "bad_setting"
