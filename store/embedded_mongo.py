"""The embedded MongoDB-compatible server: `secantusdb` run as a child process.

It is a separate process on purpose: the server is GPL-2.0 and wangjian only speaks the
MongoDB wire protocol to it, exactly as it would to a real `mongod` named by MONGO_URI.
"""

from __future__ import annotations

import fcntl
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import PyMongoError


class EmbeddedMongoError(RuntimeError):
    """The embedded server could not be started or did not answer."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600


def prepare_storage(storage_dir: Path) -> None:
    """Create the storage directory readable by its owner only, and take away what older
    versions left readable by others (0755 directories, 0644 files)."""
    storage_dir.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    for path in (storage_dir, *storage_dir.rglob("*")):
        if path.is_symlink():
            continue
        mode = PRIVATE_DIR if path.is_dir() else PRIVATE_FILE
        if path.stat().st_mode & 0o777 != mode:
            os.chmod(path, mode)


def config_file(storage_dir: Path) -> Path:
    """An empty configuration passed explicitly, so the server never picks up a
    `secantusd.toml` from the working or home directory (which could, say, bind it to
    every interface)."""
    path = storage_dir.parent / f"{storage_dir.name}.toml"
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
    return path


def launch(
    storage_dir: Path, host: str, port: int, log_path: Path, *, auth: bool = False, detach: bool = False
) -> subprocess.Popen[bytes]:
    """Start `python -m secantus` on `storage_dir`; its files are created owner-only.
    A detached server has its own session, so a Ctrl-C meant for the process that
    started it does not reach it."""
    log_fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)
    cmd = [
        sys.executable, "-m", "secantus", "--config", str(config_file(storage_dir)),
        "--host", host, "--port", str(port), "--storage-path", str(storage_dir), "--log-level", "WARNING",
    ]  # fmt: skip
    if auth:
        cmd.append("--auth")
    try:
        return subprocess.Popen(
            cmd, stdout=log_fd, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, umask=0o077,
            start_new_session=detach, close_fds=True,
        )  # fmt: skip
    finally:
        os.close(log_fd)


def wait_ready(uri: str, process: subprocess.Popen[bytes], timeout: float, log_path: Path) -> None:
    """Return once the server answers a ping on `uri`; raise when it exits or stays mute."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmbeddedMongoError(f"embedded MongoDB server exited with code {process.returncode}; see {log_path}")
        try:
            with MongoClient(uri, serverSelectionTimeoutMS=500) as client:
                client.admin.command("ping")
                return
        except PyMongoError:
            time.sleep(0.1)
    raise EmbeddedMongoError(f"embedded MongoDB server did not answer within {timeout:.0f}s; see {log_path}")


class EmbeddedMongo:
    """A private server for one process (tests, benchmarks): `python -m secantus` on
    127.0.0.1 with its data in `storage_dir`, stopped with the process. Installations use
    the shared service in store.db_service instead.

    One server per storage directory: a lock file keeps a second process from opening
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
        prepare_storage(self.storage_dir)
        self._lock()
        if not self.port:
            self.port = free_port(self.host)
        self.process = launch(self.storage_dir, self.host, self.port, self.log_path)
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
        assert self.process is not None
        try:
            wait_ready(self.uri, self.process, timeout, self.log_path)
        except EmbeddedMongoError:
            self.stop()
            raise

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
