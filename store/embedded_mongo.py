"""The embedded MongoDB-compatible server: `secantusdb` run as a child process.

It is a separate process on purpose: the server is GPL-2.0 and wangjian only speaks the
MongoDB wire protocol to it, exactly as it would to a real `mongod` named by MONGO_URI.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import PyMongoError


class EmbeddedMongoError(RuntimeError):
    """The embedded server could not be started or did not answer."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class EmbeddedMongo:
    """Start `python -m secantus` on 127.0.0.1 with its data in `storage_dir`.

    One server per storage directory: a lock file keeps a second wangjian from opening
    the same WiredTiger files underneath a running one.
    """

    def __init__(self, storage_dir: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.storage_dir = Path(storage_dir)
        self.host = host
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        self._lock_file: int | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://{self.host}:{self.port}/"

    @property
    def log_path(self) -> Path:
        return self.storage_dir.parent / f"{self.storage_dir.name}.log"

    def start(self, timeout: float = 60.0) -> EmbeddedMongo:
        self.storage_dir.mkdir(parents=True, exist_ok=True)
        self._lock()
        if not self.port:
            self.port = free_port(self.host)
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child for its lifetime
        cmd = [
            sys.executable, "-m", "secantus",
            "--host", self.host, "--port", str(self.port),
            "--storage-path", str(self.storage_dir),
            "--log-level", "WARNING",
        ]  # fmt: skip
        self.process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        self._wait_ready(timeout)
        return self

    def _lock(self) -> None:
        fd = os.open(self.storage_dir.parent / f"{self.storage_dir.name}.lock", os.O_CREAT | os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise EmbeddedMongoError(
                f"another wangjian process is using the embedded database in {self.storage_dir}"
            ) from None
        self._lock_file = fd

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                self._unlock()
                raise EmbeddedMongoError(
                    f"embedded MongoDB server exited with code {self.process.returncode}; see {self.log_path}"
                )
            try:
                with MongoClient(self.uri, serverSelectionTimeoutMS=500) as client:
                    client.admin.command("ping")
                    return
            except PyMongoError:
                time.sleep(0.2)
        self.stop()
        raise EmbeddedMongoError(f"embedded MongoDB server did not answer within {timeout:.0f}s; see {self.log_path}")

    def stop(self, timeout: float = 15.0) -> None:
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._unlock()

    def _unlock(self) -> None:
        if self._lock_file is not None:
            os.close(self._lock_file)
            self._lock_file = None

    def __enter__(self) -> EmbeddedMongo:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def mongo_uri(var_dir: Path) -> Iterator[str]:
    """Yield the MongoDB URI to use: MONGO_URI when set, else an embedded server with its
    data under `var_dir/mongo`, stopped on exit."""
    configured = os.environ.get("MONGO_URI")
    if configured:
        yield configured
        return
    with EmbeddedMongo(Path(var_dir) / "mongo") as server:
        yield server.uri
