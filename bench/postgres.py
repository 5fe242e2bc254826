"""A throwaway PostgreSQL cluster for ``make bench``, as ``make test`` starts one.

Debian's server binaries (``apt-get install postgresql``), a cluster in a temporary folder on a free
port of 127.0.0.1, durability off (it is deleted when the run ends), one fresh database per step that
asks for one. initdb refuses to run as root, so as root the cluster belongs to the ``postgres`` user.
"""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

ROLE = "bench"


def server_binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name))
    return folders[-1] if folders else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayPostgres:
    """Start with ``with ThrowawayPostgres() as cluster:``; ``cluster.new_database(name)`` gives a URL."""

    def __init__(self):
        self.bin = server_binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql), or set BENCH_DATABASE_URL")
        self.folder = Path(tempfile.mkdtemp(prefix="bench-postgres-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        # "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
        self.version = self._run("postgres", "--version").split()[2]

    def _as_owner(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, program: str, *args: str) -> str:
        command = [str(self.bin / program), *args]
        if program in {"initdb", "pg_ctl"}:
            command = self._as_owner() + command
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120).stdout

    def __enter__(self):
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self.folder.chmod(0o700)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = str(self.folder / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-t", "60", "start", "-o", options)
        self._psql(f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{ROLE}'")
        return self

    def _psql(self, statement: str) -> None:
        self._run("psql", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres",
                  "-v", "ON_ERROR_STOP=1", "-c", statement)  # fmt: skip

    def new_database(self, name: str) -> str:
        """An empty database owned by the benchmark's role, as a DATABASE_URL."""
        self._psql(f"CREATE DATABASE {name} OWNER {ROLE}")
        return f"postgres://{ROLE}:{ROLE}@127.0.0.1:{self.port}/{name}"

    def __exit__(self, *exc_info):
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*self._as_owner(), str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(self.folder, ignore_errors=True)
