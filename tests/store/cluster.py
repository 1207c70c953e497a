"""A throwaway PostgreSQL cluster for tests and benchmarks: Debian's postgresql package
(installed when missing), initdb and pg_ctl on a free port under a temp dir, stopped after,
and by a watcher when the process that started it dies without stopping it (a killed run)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg

# Speed over durability: the cluster lives for one test session or one benchmark.
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
# The watcher: waits for the end of its stdin (a pipe only the starting process holds: closed
# when it stops the server or dies, however), then stops the server and removes its files.
_WATCHER = (
    "import os, shutil, subprocess, sys\n"
    "while os.read(0, 1): pass\n"
    "subprocess.run(sys.argv[2:], capture_output=True)\n"
    "shutil.rmtree(sys.argv[1], ignore_errors=True)\n"
)


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(found[-1]).parent if found else None


def _version(path: str) -> int:
    part = Path(path).parts[-3]
    return int(part) if part.isdigit() else 0


def postgresql_bin() -> Path:
    """The server's programs, installing Debian's postgresql package first when needed."""
    if (found := _bin_dir()) is not None:
        return found
    if os.geteuid() != 0:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (as root)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True, env=env)
    if (found := _bin_dir()) is None:
        raise RuntimeError("apt-get install postgresql left no initdb in /usr/lib/postgresql")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """`with Cluster() as pg: pg.url` — a superuser `postgres`, trust auth, 127.0.0.1 only."""

    def __init__(self) -> None:
        self.bin = postgresql_bin()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="epl-pg-"))
        self.data = self.dir / "data"
        # The server refuses to run as root: then it runs as the package's own user.
        self.user = "postgres" if os.geteuid() == 0 else None
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._alive = -1  # the write end of the watcher's pipe, once started

    def _command(self, *args: str) -> list[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        return ["runuser", "-u", self.user, "--", *command] if self.user else command

    def _run(self, *args: str) -> None:
        subprocess.run(self._command(*args), check=True, capture_output=True, text=True)

    def _watch(self) -> None:
        read, self._alive = os.pipe()  # not inherited by this process's children
        stop = self._command("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        self._watcher = subprocess.Popen(
            [sys.executable, "-c", _WATCHER, str(self.dir), *stop], stdin=read,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        os.close(read)

    def start(self) -> Cluster:
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync", "--no-instructions")  # fmt: skip
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 {FAST}"
        log = str(self.dir / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")
        self._watch()
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
            if self._alive >= 0:  # the watcher then finds nothing left to stop, and ends
                os.close(self._alive)
                self._alive = -1
                self._watcher.wait()

    def fresh_schema(self) -> str:
        """A URL whose tables live in a new, empty schema (a clean store per test, cheaply)."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        return f"{self.url}?options=-csearch_path%3D{name}"

    def fresh_database(self) -> str:
        name = f"d_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
