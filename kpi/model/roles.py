"""Who may see and change what: roles, the signed-in viewer, and pure permission checks.

Five roles (the issues "who may see and change what" and 17, 跟踪问效):

| role | 中文 | reads | changes |
|---|---|---|---|
| leader | 领导 | all regions and the city | nothing |
| statistician | 统计员 | all regions and the city | uploads (statistics, register, reviews), rollbacks |
| county | 区县 | its own unit in full; other units only as the city ranking shows them (ratios and ranks) | nothing |
| admin | 管理员 | all regions and the city | users, targets, taxonomy, reward rules, the task list and its status rules; reads the audit trail |
| department | 责任单位 | all regions and the city (as a leader); of the plan's tasks, its own rows only | its own task progress reports |

Task progress reports (kpi.tasks) are entered by statisticians and administrators for any
accountable unit, and by a department (责任单位 reporter) for its own unit only: the unit's
name is the department viewer's `unit`, and the task queries check it (`authorize_task_unit`).

An administrator does not upload statistics: whoever sets the targets does not also supply the
numbers measured against them (separation of duties); an office where one person does both gives
that person two accounts.

The checks are pure functions of a `Viewer`; the kpi queries call them (with `viewer=`) before
they read or write anything, so a page cannot show more than its user may see by forgetting a
widget check. `viewer=None` is the trusted operator (the `kpi` command line, run by whoever holds
the database file).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

from kpi.model.definitions import CITY_CODE
from kpi.model.errors import KpiError
from kpi.text.labels import LABELS
from kpi.text.lookup import pick
from kpi.text.messages import text


class Role(StrEnum):
    LEADER = "leader"
    STATISTICIAN = "statistician"
    COUNTY = "county"
    ADMIN = "admin"
    DEPARTMENT = "department"  # a 责任单位 reporter: its own task rows (issue 17)


def role_label(role: Role | str, lang: str = "zh") -> str:
    return pick(LABELS, f"role.{Role(role).value}", lang)


class Permission(StrEnum):
    UPLOAD = "upload"  # statistics, the platform register, reviews, register form edits
    ROLLBACK = "rollback"
    MANAGE_USERS = "manage_users"
    MANAGE_TARGETS = "manage_targets"  # targets and the reward rules
    MANAGE_TAXONOMY = "manage_taxonomy"  # the 135N cluster table
    VIEW_AUDIT = "view_audit"
    VIEW_TASKS = "view_tasks"  # the 任务督办 page (a department: its own rows)
    REPORT_TASKS = "report_tasks"  # task progress reports, by form or file (a department: its own unit)
    MANAGE_TASKS = "manage_tasks"  # the task list and the task status rules


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.LEADER: frozenset({Permission.VIEW_TASKS}),
    Role.STATISTICIAN: frozenset(
        {Permission.UPLOAD, Permission.ROLLBACK, Permission.VIEW_TASKS, Permission.REPORT_TASKS}
    ),
    Role.COUNTY: frozenset({Permission.VIEW_TASKS}),
    Role.ADMIN: frozenset(
        {
            Permission.MANAGE_USERS,
            Permission.MANAGE_TARGETS,
            Permission.MANAGE_TAXONOMY,
            Permission.VIEW_AUDIT,
            Permission.VIEW_TASKS,
            Permission.REPORT_TASKS,
            Permission.MANAGE_TASKS,
        }
    ),
    Role.DEPARTMENT: frozenset({Permission.VIEW_TASKS, Permission.REPORT_TASKS}),
}

PERMISSION_LABEL: dict[Permission, tuple[str, str]] = {
    Permission.UPLOAD: ("上传数据", "upload data"),
    Permission.ROLLBACK: ("撤回上传", "roll back uploads"),
    Permission.MANAGE_USERS: ("管理账号", "manage users"),
    Permission.MANAGE_TARGETS: ("修改目标", "change targets"),
    Permission.MANAGE_TAXONOMY: ("修改产业集群分类", "change the cluster taxonomy"),
    Permission.VIEW_AUDIT: ("查看审计记录", "view the audit trail"),
    Permission.VIEW_TASKS: ("查看重点任务", "view the plan's tasks"),
    Permission.REPORT_TASKS: ("报送任务进度", "report task progress"),
    Permission.MANAGE_TASKS: ("维护任务清单", "change the task list"),
}


@dataclass(frozen=True)
class Viewer:
    """The signed-in person as the queries see them. `region` is the unit code of a county
    official (required for that role, None for every other role); `unit` the accountable unit
    (责任单位, e.g. 市经信局) of a department reporter (required for that role, None otherwise)."""

    username: str
    role: Role
    region: str | None = None
    unit: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))
        if self.role is Role.COUNTY and not self.region:
            raise ValueError("a county viewer needs its region")
        if self.role is not Role.COUNTY and self.region is not None:
            raise ValueError("only a county viewer has a region")
        if self.role is Role.DEPARTMENT and not self.unit:
            raise ValueError("a department viewer needs its unit")
        if self.role is not Role.DEPARTMENT and self.unit is not None:
            raise ValueError("only a department viewer has a unit")


class Forbidden(KpiError):
    """The signed-in user may not do this, or may not see this scope's detail."""

    def __init__(
        self,
        viewer: Viewer,
        *,
        permission: Permission | None = None,
        scope: str | None = None,
        task_unit: str | None = None,
    ):
        self.viewer = viewer
        self.permission = permission
        self.scope = scope  # the region code asked for; None = the city
        self.task_unit = task_unit  # the accountable unit asked for (a department's task rows)
        self.key = (
            "forbidden_action"
            if permission is not None
            else "forbidden_task_unit"
            if task_unit is not None
            else "forbidden_scope"
        )
        super().__init__()

    def message(self, lang: str = "zh") -> str:
        who = {"user": self.viewer.username, "role": role_label(self.viewer.role, lang)}
        if self.task_unit is not None:
            return text(self.key, lang, own=self.viewer.unit, unit=self.task_unit, **who)
        if self.permission is not None:
            zh, en = PERMISSION_LABEL[self.permission]
            return text(self.key, lang, action=en if lang == "en" else zh, **who)
        own, scope = region_name(self.viewer.region, lang), region_name(self.scope, lang)
        return text(self.key, lang, own=own, scope=scope, **who)


@functools.cache
def _region_names() -> dict[str, tuple[str, str]]:
    # the bundled reference file, not the database: a message must not need a connection
    raw = resources.files("kpi").joinpath("reference", "regions.csv").read_text(encoding="utf-8")
    return {r["code"]: (r["name"], r["name_en"]) for r in csv.DictReader(raw.splitlines())}


def region_name(code: str | None, lang: str = "zh") -> str:
    """A unit's name for messages; None or the city code is the city."""
    zh, en = _region_names().get(code or CITY_CODE, (code or "", code or ""))
    return en if lang == "en" else zh


def can(viewer: Viewer | None, permission: Permission) -> bool:
    """None is the trusted operator (command line): everything."""
    return viewer is None or permission in ROLE_PERMISSIONS[viewer.role]


def can_upload(viewer: Viewer | None) -> bool:
    return can(viewer, Permission.UPLOAD)


def can_rollback(viewer: Viewer | None) -> bool:
    return can(viewer, Permission.ROLLBACK)


def can_admin(viewer: Viewer | None) -> bool:
    """Users, targets, taxonomy and the audit trail."""
    return can(viewer, Permission.MANAGE_USERS)


def require(viewer: Viewer | None, permission: Permission) -> None:
    """Raise Forbidden unless the viewer holds the permission."""
    if viewer is not None and not can(viewer, permission):
        raise Forbidden(viewer, permission=permission)


def visible_regions(viewer: Viewer | None) -> frozenset[str] | None:
    """Regions whose detail the viewer may see: None = all of them and the city."""
    if viewer is not None and viewer.role is Role.COUNTY:
        assert viewer.region is not None
        return frozenset({viewer.region})
    return None


def default_region(viewer: Viewer | None) -> str | None:
    """The scope a page opens with: a county official's own unit, else the city (None)."""
    return viewer.region if viewer is not None and viewer.role is Role.COUNTY else None


def authorize_scope(viewer: Viewer | None, region: str | None, cluster: str | None = None) -> str | None:
    """Check a resolved scope (region code, None or the city code = the city) and return the region
    code to query. A county official may see its own unit (any cluster in it), not the city and
    not another unit: Forbidden. Clusters alone never widen a scope; `cluster` is accepted so that
    callers state the whole scope they ask for."""
    scope = None if region in (None, CITY_CODE) else region
    allowed = visible_regions(viewer)
    if allowed is not None and scope not in allowed:
        assert viewer is not None
        raise Forbidden(viewer, scope=scope)
    return scope


def task_unit_scope(viewer: Viewer | None) -> str | None:
    """The one accountable unit whose task rows the viewer may see and report: a department's
    own unit; None = every unit (every other role, and the operator)."""
    return viewer.unit if viewer is not None and viewer.role is Role.DEPARTMENT else None


def authorize_task_unit(viewer: Viewer | None, unit: str) -> None:
    """Forbidden unless the viewer may see and report the task rows of `unit` (a department:
    its own unit only)."""
    own = task_unit_scope(viewer)
    if own is not None and unit != own:
        assert viewer is not None
        raise Forbidden(viewer, task_unit=unit)
