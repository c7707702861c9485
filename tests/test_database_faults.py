"""The database file itself as the problem: a mistyped --db, a read-only copy, a full disk, a
file that is not a DuckDB database, a damaged one, one of a newer DuckDB format or a newer
schema, no permission to read. Each time: the cause in the user's words with what to do (never
DuckDB's English text), the right exit code, and the database unchanged (nothing created where
there was nothing).

The conditions are real, not imitated: a read-only file system is a read-only bind mount, a
full disk a small tmpfs filled to the last byte (both need the right to mount: root in the
container, else the test is skipped), a permission error a file the command's user may not read
or write (as root the command runs as `nobody`, else the file's mode is changed).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import support
from support import fingerprint, kpi_command, stats_csv

from kpi.store import connection, schema

ROOT = os.geteuid() == 0
NOBODY = 65534
ROW = "2025Q1,南湖区,,30,1000,500,1000,70,100"


def kpi(
    *args: str, db: Path, user: int | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command; `user`: run it as that uid (root only, through util-linux setpriv)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPI_")}
    prefix = [] if user is None else ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"]
    return subprocess.run(
        [*prefix, kpi_command(), *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        input=stdin,
        check=False,
        cwd="/",
    )


def plain(err: str) -> str:
    """stderr, checked to hold no DuckDB or Python text."""
    for word in ("Error", "Exception", "Traceback", "rollback", "database file"):
        assert word not in err, err
    # an ingest names the file a system failure hit first ("文件 q2.csv 未入库"), then the cause
    return re.sub(r"^文件 \S+ 未入库\n", "", err.strip())


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


@contextlib.contextmanager
def _public_dir() -> Iterator[Path]:
    """A folder another user may enter (pytest's own are the owner's only)."""
    path = Path(tempfile.mkdtemp(prefix="kpi-faults-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        for p in (path, *path.iterdir()):
            with contextlib.suppress(OSError):
                p.chmod(0o755 if p.is_dir() else 0o644)
        shutil.rmtree(path, ignore_errors=True)


def _data_file(folder: Path, source: Path) -> Path:
    db = folder / "kpi.duckdb"
    shutil.copyfile(source, db)
    return db


@pytest.fixture
def loaded(db: Path) -> Path:
    support.ingest_text(db, stats_csv(ROW))
    return db


@pytest.fixture
def stats_file(tmp_path: Path) -> Path:
    f = tmp_path / "q2.csv"
    f.write_text(stats_csv("2025Q2,南湖区,,70,2000,900,2000,140,200"), encoding="utf-8")
    f.chmod(0o644)
    return f


# ---------------------------------------------------------------- a mistyped --db


MISSING = "数据库文件不存在：{db}（未创建任何文件）。请检查 --db 或 KPI_DB 给出的路径；要新建数据库，请运行 kpi init"


@pytest.mark.parametrize(
    "args",
    [
        ("status",),
        ("status", "--json"),
        ("uploads",),
        ("audit",),
        ("report", "--out", "{tmp}/brief.xlsx"),
        ("targets",),
        ("targets", "rd_intensity", "--value", "0.03"),
        ("rollback", "1"),
        ("user", "list"),
        ("user", "add", "zhangsan", "--role", "leader"),
        ("user", "disable", "zhangsan"),
        ("user", "demo"),
    ],
)
def test_a_mistyped_db_is_named_and_nothing_is_created(tmp_path: Path, args: tuple[str, ...]) -> None:
    typo = tmp_path / "typo" / "kip.duckdb"
    r = kpi(*(a.format(tmp=tmp_path) for a in args), db=typo, stdin="correct horse battery\n")
    assert (r.returncode, r.stdout) == (2, "")
    assert plain(r.stderr) == MISSING.format(db=typo)
    assert not typo.parent.exists()  # no file, and no folder for it either


def test_a_missing_db_in_english(tmp_path: Path) -> None:
    r = kpi("status", "--lang", "en", db=tmp_path / "x.duckdb")
    assert r.returncode == 2
    assert r.stderr.startswith(f"database file not found: {tmp_path / 'x.duckdb'} (nothing was created).")


def test_init_and_the_loading_commands_create_the_database(tmp_path: Path, stats_file: Path) -> None:
    made = tmp_path / "new" / "a.duckdb"
    assert kpi("init", db=made).returncode == 0 and made.exists()
    loaded = tmp_path / "other" / "b.duckdb"
    r = kpi("ingest", "stats", str(stats_file), db=loaded)
    assert r.returncode == 0, r.stderr
    assert kpi("status", "--json", "--period", "2025Q2", db=loaded).returncode == 0


def test_a_missing_db_in_the_library_is_not_created(tmp_path: Path) -> None:
    from kpi.model.errors import DatabaseMissing

    with pytest.raises(DatabaseMissing), connection.read(tmp_path / "no.duckdb"):
        pass
    with pytest.raises(DatabaseMissing), connection.connect(tmp_path / "no.duckdb", create=False):
        pass
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- a read-only database


@pytest.fixture(params=["read-only file system", "no write permission"])
def replica(request: pytest.FixtureRequest, demo_db: Path) -> Iterator[tuple[Path, int | None, str]]:
    """The demo database where it cannot be written: (file, uid to run as, the cause's words)."""
    with _public_dir() as folder:
        db = _data_file(folder, demo_db)
        support.account(db, "statistician")  # the page test's account, made while it can be
        if request.param == "read-only file system":
            if not _mount("--bind", "-o", "ro", str(folder), str(folder)):
                pytest.skip("a read-only bind mount needs the right to mount")
            try:
                yield db, None, "所在文件系统是只读的"
            finally:
                subprocess.run(["umount", str(folder)], check=True)
        elif ROOT:  # root writes any file: the command runs as somebody else
            if shutil.which("setpriv") is None:
                pytest.skip("running as another user needs util-linux setpriv")
            yield db, NOBODY, "没有写入权限"
        else:
            db.chmod(0o444)
            folder.chmod(0o555)
            yield db, None, "没有写入权限"


def test_a_read_only_database_serves_every_read(replica, tmp_path: Path, demo_db: Path) -> None:
    db, user, _ = replica
    before = db.read_bytes()
    expected = kpi("status", "--json", db=demo_db)
    r = kpi("status", "--json", db=db, user=user)
    assert (r.returncode, r.stdout) == (0, expected.stdout), r.stderr
    for args in (("status",), ("uploads",), ("audit",), ("user", "list"), ("targets",)):
        r = kpi(*args, db=db, user=user)
        assert r.returncode == 0, (args, r.stderr)
    out = Path(tempfile.mkdtemp(prefix="kpi-out-"))
    out.chmod(0o777)
    try:
        r = kpi("report", "--out", str(out / "tables.xlsx"), db=db, user=user)
        assert r.returncode == 0 and (out / "tables.xlsx").stat().st_size > 0, r.stderr
    finally:
        shutil.rmtree(out)
    assert db.read_bytes() == before
    assert not db.with_name(db.name + ".wal").exists()


def test_writing_to_a_read_only_database_says_why_and_changes_nothing(replica, stats_file: Path) -> None:
    db, user, cause = replica
    before = db.read_bytes()
    with _public_dir() as folder:  # a file the command's user may read
        upload = folder / stats_file.name
        shutil.copyfile(stats_file, upload)
        r = kpi("ingest", "stats", str(upload), db=db, user=user)
    assert (r.returncode, r.stdout) == (1, "")
    assert plain(r.stderr) == (
        f"数据库 {db} 无法写入（{cause}）：未写入任何内容，数据保持不变，查询不受影响。"
        "要写入，请改用可写的文件或目录，或请管理员开放写权限"
    )
    r = kpi("targets", "rd_intensity", "--value", "0.03", db=db, user=user)
    assert r.returncode == 1 and cause in plain(r.stderr)
    assert db.read_bytes() == before


def test_the_pages_work_on_a_read_only_database(replica, monkeypatch: pytest.MonkeyPatch) -> None:
    db, user, _ = replica
    if user is not None:
        pytest.skip("the app runs in this process: the read-only file system variant covers it")
    monkeypatch.setenv("KPI_DB", str(db))
    before = db.read_bytes()
    at = support.app("statistician").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [m.value for m in at.metric][:1] != []
    for page in ("regions", "clusters", "platforms", "upload", "methods"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
    assert db.read_bytes() == before


def test_an_old_schema_on_a_read_only_database_asks_for_kpi_init(db: Path) -> None:
    with duckdb.connect(str(db)) as con:  # plain SQL, as another tool would
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with _public_dir() as folder:
        copy = _data_file(folder, db)
        if not _mount("--bind", "-o", "ro", str(folder), str(folder)):
            if ROOT:
                pytest.skip("a read-only bind mount needs the right to mount")
            copy.chmod(0o444)
            folder.chmod(0o555)
        try:
            r = kpi("status", db=copy)
        finally:
            subprocess.run(["umount", str(folder)], check=False, capture_output=True)
    assert r.returncode == 1
    assert plain(r.stderr) == (
        f"数据库 {copy} 的结构版本是 1，旧于本程序的 {schema.SCHEMA_VERSION}，而文件不可写，无法升级。"
        "请在可写的位置运行 kpi init 升级它"
    )


# ---------------------------------------------------------------- a full disk


@pytest.fixture
def full_disk(loaded: Path, tmp_path: Path) -> Iterator[Path]:
    """The database on a small file system with no byte left."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    size = loaded.stat().st_size + 2 * 1024 * 1024
    if not _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)):
        pytest.skip("a small tmpfs needs the right to mount")
    try:
        db = _data_file(mnt, loaded)
        with (mnt / "filler").open("wb") as f, contextlib.suppress(OSError):
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        assert os.statvfs(mnt).f_bavail == 0
        yield db
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_a_full_disk_is_named_and_the_database_is_unchanged(full_disk: Path, stats_file: Path) -> None:
    before = fingerprint(full_disk)
    r = kpi("ingest", "stats", str(stats_file), db=full_disk)
    assert (r.returncode, r.stdout) == (1, "")
    # before: "失败：TransactionException: … cannot rollback - no transaction is active"
    assert plain(r.stderr) == (
        f"磁盘空间已满：数据库 {full_disk} 未写入任何内容，数据保持不变。请清理磁盘空间后重试"
    )
    assert fingerprint(full_disk) == before
    assert kpi("status", "--json", db=full_disk).returncode == 0  # reads go on
    r = kpi("user", "add", "zhangsan", "--role", "leader", db=full_disk, stdin="correct horse battery\n")
    assert r.returncode == 1 and plain(r.stderr).startswith("磁盘空间已满")
    assert fingerprint(full_disk) == before
    (full_disk.parent / "filler").unlink()  # space again: the same command goes in
    assert kpi("ingest", "stats", str(stats_file), db=full_disk).returncode == 0


# ---------------------------------------------------------------- not a database, damaged, newer


def _newer_format(source: Path, target: Path) -> None:
    """A copy whose header says a newer DuckDB storage version wrote it (its checksum made
    right, as DuckDB computes it: 5381 xor each 64-bit word times a constant)."""
    data = bytearray(source.read_bytes())
    struct.pack_into("<Q", data, 12, 1000)
    checksum = 5381
    for (word,) in struct.iter_unpack("<Q", bytes(data[8:4096])):
        checksum ^= (word * 0xBF58476D1CE4E5B9) & (2**64 - 1)
    struct.pack_into("<Q", data, 0, checksum)
    target.write_bytes(bytes(data))


NOT_DUCKDB = (
    "{db} 不是驾驶舱的数据库（不是 DuckDB 数据库文件，或文件头已损坏），未作任何改动。请检查 --db 或 KPI_DB "
    "给出的路径，或从备份恢复"
)
CORRUPT = "数据库 {db} 已损坏（数据块校验不符），未作任何改动。请从备份恢复，在此之前不要再写入该文件"
NEWER = (
    "数据库 {db} 由更新版本的 DuckDB 写入，本程序的 DuckDB {version} 无法读取，未作任何改动。请把程序升级到写入该文件的版本"
    "（更新代码后重新运行 scripts/setup.sh），或改用该文件的备份"
)


def _spoil(kind: str, db: Path) -> str:
    if kind == "csv":
        db.write_text(stats_csv(ROW), encoding="utf-8")  # the file given where the database goes
        return NOT_DUCKDB
    if kind == "zeros":
        db.write_bytes(b"\0" * 8192)
        return NOT_DUCKDB
    if kind == "damaged":
        with db.open("r+b") as f:  # the catalogue's blocks overwritten
            f.seek(3 * 4096)
            f.write(bytes(range(256)) * 32)
        return CORRUPT
    _newer_format(db, db)
    return NEWER


@pytest.mark.parametrize("kind", ["csv", "zeros", "damaged", "newer"])
def test_a_file_that_cannot_be_read_as_this_database_is_named(kind: str, db: Path, stats_file: Path) -> None:
    with duckdb.connect(str(db)) as con:  # plain SQL, as another tool would
        con.execute("CHECKPOINT")
    expected = _spoil(kind, db).format(db=db, version=duckdb.__version__)
    before = db.read_bytes()
    for args in (("status",), ("uploads",), ("ingest", "stats", str(stats_file)), ("init",)):
        r = kpi(*args, db=db)
        assert (r.returncode, r.stdout) == (1, ""), args
        assert plain(r.stderr) == expected, args
    assert db.read_bytes() == before
    assert not db.with_name(db.name + ".wal").exists()


def test_a_database_of_a_newer_schema_is_named(db: Path, stats_file: Path) -> None:
    with duckdb.connect(str(db)) as con:  # plain SQL, as another tool would
        con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    before = db.read_bytes()
    for args in (("status",), ("ingest", "stats", str(stats_file))):
        r = kpi(*args, db=db)
        assert r.returncode == 1
        assert plain(r.stderr) == (
            f"数据库 {db} 的结构版本是 99，新于本程序支持的 {schema.SCHEMA_VERSION}，未作任何改动。请把程序升级到最新版本"
        )
    assert db.read_bytes() == before


def test_a_process_that_read_the_file_still_sees_a_newer_schema_written_by_another(db: Path) -> None:
    """The schema check is skipped while the file is unchanged since it was found current (issue
    16); a newer program's migration, made by another process meanwhile, changes the file."""
    with connection.read(db) as con:  # found current, remembered
        con.execute("SELECT 1").fetchall()
    with connection.read(db) as con:  # unchanged: not checked again
        con.execute("SELECT 1").fetchall()
    code = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
        "c.execute(\"UPDATE meta SET value = '99' WHERE key = 'schema_version'\"); c.close()"
    )
    subprocess.run([sys.executable, "-c", code, str(db)], check=True, timeout=60)
    with pytest.raises(connection.DatabaseFault) as fault, connection.read(db):
        pass
    assert fault.value.key == "db_newer_schema"


def test_no_permission_to_read_is_named(loaded: Path) -> None:
    with _public_dir() as folder:
        db = _data_file(folder, loaded)
        if ROOT:
            if shutil.which("setpriv") is None:
                pytest.skip("running as another user needs util-linux setpriv")
            db.chmod(0o600)  # root's file; the command runs as nobody
        else:
            db.chmod(0o000)
        r = kpi("status", db=db, user=NOBODY if ROOT else None)
    assert (r.returncode, r.stdout) == (1, "")
    assert plain(r.stderr) == (
        f"没有权限读取数据库 {db}。请检查该文件及其所在目录的权限，或换一个有权限的用户运行"
    )
