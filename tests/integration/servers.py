"""Real PostgreSQL and Redis servers on loopback, private to one test run.

Started from the Debian packages' binaries into a temporary directory on a
free port, and stopped afterwards. PostgreSQL refuses to run as root, so as
root it runs as the packages' `postgres` user.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_bin() -> Optional[Path]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(command: List[str]) -> List[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def missing(what: str) -> str:
    return (
        f"{what} is not installed: run `make test` (it installs it with apt-get) "
        f"or `apt-get install {what}`"
    )


def _run(command: List[str]) -> None:
    result = subprocess.run(_as_postgres(command), capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a SQLAlchemy URL of a fresh PostgreSQL database.

    The cluster lives in its own directory under the system temp folder:
    pytest's tmp_path sits in a root-only folder the postgres user can't enter.
    """
    bindir = _postgres_bin()
    if bindir is None:
        raise RuntimeError(missing("postgresql"))
    base = Path(tempfile.mkdtemp(prefix="rengo-postgres-"))
    data, sockets = base / "pgdata", base / "pgsock"
    data.mkdir(parents=True)
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        for path in (data, sockets):
            shutil.chown(path, "postgres")
    port = free_port()
    run = lambda *cmd: _run(list(cmd))
    run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    run(
        str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(base / "postgres.log"),
        "-o", f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1", "start",
    )
    try:
        psql = [str(bindir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-c"]
        run(*psql, "CREATE USER rengo WITH PASSWORD 'test-only'")
        run(*psql, "CREATE DATABASE rengo OWNER rengo")
        yield f"postgresql://rengo:test-only@127.0.0.1:{port}/rengo"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def redis_server(base: Path) -> Iterator[str]:
    """Yield the URL of a fresh Redis server."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(missing("redis-server"))
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(base)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
