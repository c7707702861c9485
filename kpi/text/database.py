"""What the person is told when the database file itself is the problem: missing, busy, full,
read-only, not a database, damaged, written by a newer program. Each names the cause and what
to do, in the person's language, never DuckDB's own (English) text."""

from __future__ import annotations

from kpi.text.lookup import pick

DB_TEXT: dict[str, tuple[str, str]] = {
    "db_missing": (
        "数据库文件不存在：{db}（未创建任何文件）。请检查 --db 或 KPI_DB 给出的路径；要新建数据库，请运行 kpi init",
        "database file not found: {db} (nothing was created). Check the path given by --db or KPI_DB; "
        "to create a new database, run kpi init",
    ),
    "db_disk_full": (
        "磁盘空间已满：数据库 {db} 未写入任何内容，数据保持不变。请清理磁盘空间后重试",
        "the disk is full: nothing was written to {db} and the data are unchanged. Free some disk space "
        "and try again",
    ),
    "db_read_only": (
        "数据库 {db} 无法写入（{cause}）：未写入任何内容，数据保持不变，查询不受影响。要写入，请改用可写的文件或目录，"
        "或请管理员开放写权限",
        "{db} cannot be written ({cause}): nothing was written and the data are unchanged; queries still "
        "work. To write, use a writable file or folder, or ask the administrator for write access",
    ),
    "cause_read_only_fs": ("所在文件系统是只读的", "it is on a read-only file system"),
    "cause_no_write_permission": ("没有写入权限", "no permission to write"),
    "db_no_access": (
        "没有权限读取数据库 {db}。请检查该文件及其所在目录的权限，或换一个有权限的用户运行",
        "no permission to read the database {db}. Check the permissions of the file and its folder, or "
        "run as a user who may read it",
    ),
    "db_not_duckdb": (
        "{db} 不是驾驶舱的数据库（不是 DuckDB 数据库文件，或文件头已损坏），未作任何改动。请检查 --db 或 KPI_DB "
        "给出的路径，或从备份恢复",
        "{db} is not a cockpit database (not a DuckDB file, or its header is damaged); nothing was changed. "
        "Check the path given by --db or KPI_DB, or restore the file from a backup",
    ),
    "db_corrupt": (
        "数据库 {db} 已损坏（数据块校验不符），未作任何改动。请从备份恢复，在此之前不要再写入该文件",
        "the database {db} is damaged (a block's checksum does not match); nothing was changed. Restore it "
        "from a backup and do not write to it until then",
    ),
    "db_newer_format": (
        "数据库 {db} 由更新版本的 DuckDB 写入，本程序的 DuckDB {version} 无法读取，未作任何改动。请把程序升级到写入该文件的版本"
        "（更新代码后重新运行 scripts/setup.sh），或改用该文件的备份",
        "{db} was written by a newer version of DuckDB than this program's DuckDB {version} can read; "
        "nothing was changed. Upgrade the program to the version that wrote it (update the code and run "
        "scripts/setup.sh again), or use a backup of the file",
    ),
    "db_newer_schema": (
        "数据库 {db} 的结构版本是 {found}，新于本程序支持的 {supported}，未作任何改动。请把程序升级到最新版本",
        "{db} has schema version {found}, newer than the {supported} this program knows; nothing was "
        "changed. Upgrade the program to the latest version",
    ),
    "db_outdated": (
        "数据库 {db} 的结构版本是 {found}，旧于本程序的 {supported}，而文件不可写，无法升级。请在可写的位置运行 kpi init 升级它",
        "{db} has schema version {found}, older than this program's {supported}, and the file cannot be "
        "written to upgrade it. Run kpi init on it where it is writable",
    ),
    "db_io": (
        "读写数据库 {db} 时发生系统错误（{cause}），数据保持不变。请检查磁盘和文件系统后重试",
        "a system error while reading or writing {db} ({cause}); the data are unchanged. Check the disk and "
        "the file system, then try again",
    ),
    "cause_io": ("磁盘读写错误", "input/output error"),
    "cause_too_many_files": ("打开的文件过多", "too many open files"),
    "cause_other": ("操作系统拒绝了这次读写", "the operating system refused the operation"),
}


def db_text(key: str, lang: str = "zh", **params: object) -> str:
    return pick(DB_TEXT, key, lang, **params)
