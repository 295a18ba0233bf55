"""A throw-away PostgreSQL server for the tests and benchmarks: `initdb` + `pg_ctl` in a temp dir.

Uses the Debian `postgresql` package's binaries (/usr/lib/postgresql/<version>/bin, installed by
scripts/setup.sh). Listens on 127.0.0.1 only, on a free port, with trust authentication for the
local user; runs as the `postgres` user when started as root (PostgreSQL refuses to run as root).
Fast and unsafe settings (fsync off): the data is thrown away at the end.

    with PgServer.start() as server:           # in a new temp dir, removed by stop()
        url = server.create_database("test1")   # postgresql://postgres@127.0.0.1:PORT/test1
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
        # its own folder directly under the temp dir: the `postgres` user cannot enter pytest's (0700, root)
        workdir = Path(tempfile.mkdtemp(prefix="captioncheck-pg-"))
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
