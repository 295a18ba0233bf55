"""A throw-away PostgreSQL server for the tests and benchmarks: `initdb` + `pg_ctl` in a temp dir.

Uses the Debian `postgresql` package's binaries (/usr/lib/postgresql/<version>/bin, installed by
scripts/setup.sh). Listens on 127.0.0.1 only, on a free port, with trust authentication for the
local user; runs as the `postgres` user when started as root (PostgreSQL refuses to run as root).
Fast and unsafe settings (fsync off): the data is thrown away at the end.

    with PgServer.start() as server:           # in a new temp dir, removed by stop()
        url = server.create_database("test1")   # postgresql://postgres@127.0.0.1:PORT/test1

A process killed before stop() (kill -9, a timeout) leaves its server running: each temp dir
records its owner (pid and start time, `owner.pid`), and start() first stops and deletes the
servers of owners that are gone (only this module's `captioncheck-pg-` dirs, only with that file).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PREFIX = "captioncheck-pg-"
OWNER_FILE = "owner.pid"


def _start_time(pid: int) -> str | None:
    """The kernel's start time of a process (tells a pid reused by another process), None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22, counted after the command name


def _owner_gone(workdir: Path) -> bool:
    try:
        pid, started = (workdir / OWNER_FILE).read_text().split()
    except (OSError, ValueError):
        return False  # no owner recorded (yet, or by an older version): not ours to judge
    return _start_time(int(pid)) != started


def find_bindir() -> Path | None:
    """The newest installed PostgreSQL server's bin folder, or None."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                            if Path(p).parent.name.isdigit() else 0, reverse=True):
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found and shutil.which("initdb") else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    bindir: Path
    datadir: Path
    port: int
    user: str
    as_postgres: bool

    @classmethod
    def start(cls, *, bindir: Path | None = None) -> PgServer:
        bindir = bindir or find_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL binaries not found; install Debian's postgresql package (scripts/setup.sh)")
        as_postgres = os.geteuid() == 0
        cls.reap_stale(bindir, as_postgres)
        # its own folder directly under the temp dir: the `postgres` user cannot enter pytest's (0700, root)
        workdir = Path(tempfile.mkdtemp(prefix=PREFIX))
        (workdir / OWNER_FILE).write_text(f"{os.getpid()} {_start_time(os.getpid())}\n")
        datadir = workdir / "pgdata"
        user = "postgres" if as_postgres else os.environ.get("USER", "postgres")
        server = cls(bindir, datadir, free_port(), user, as_postgres)
        if as_postgres:
            shutil.chown(workdir, "postgres", "postgres")
            os.chmod(workdir, 0o700)
        server._run("initdb", "-D", str(datadir), "-U", user, "-A", "trust", "-E", "UTF8", "--no-locale")
        conf = {"listen_addresses": "'127.0.0.1'", "port": str(server.port), "unix_socket_directories": f"'{workdir}'",
                "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "100",
                "shared_buffers": "128MB"}
        with open(datadir / "postgresql.conf", "a", encoding="utf-8") as f:
            f.writelines(f"{k} = {v}\n" for k, v in conf.items())
        server._run("pg_ctl", "-D", str(datadir), "-l", str(workdir / "server.log"), "-w", "-t", "60", "start")
        return server

    @classmethod
    def reap_stale(cls, bindir: Path, as_postgres: bool) -> list[Path]:
        """Stop and delete the servers left by processes that died without stopping them; the dirs removed."""
        reaped = []
        for workdir in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
            if workdir.is_dir() and _owner_gone(workdir):
                user = "postgres" if as_postgres else os.environ.get("USER", "postgres")
                cls(bindir, workdir / "pgdata", 0, user, as_postgres).stop()
                reaped.append(workdir)
        return reaped

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bindir / tool), *args]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"{tool} failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.datadir.exists():
            try:
                self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "-t", "60", "stop")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.datadir.parent, ignore_errors=True)

    def __enter__(self) -> PgServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_ready(url: str, timeout_s: float = 30) -> None:
    import psycopg

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
