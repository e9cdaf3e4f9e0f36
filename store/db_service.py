"""The embedded database as a shared local service.

One `secantus` server per state directory (`$WANGJIAN_VAR`, default `./var`), shared by
every wangjian process on the machine that uses that directory: crawls, the scheduler,
the console and the command line. The first process that needs it starts it (or
`wangjian db start` does); it keeps running until `wangjian db stop`.

Files beside the data (`var/mongo/`, mode 0700, files 0600):

- `mongo.pid`, `mongo.port`: the running server, written once it answers;
- `mongo.credentials` (0600): the user and random password generated on first start;
  the server runs with `--auth`, so a process that cannot read this file (another local
  user) cannot read or write clues;
- `mongo.lock`: held only while a process starts, adopts or stops the server, so two
  processes starting at once end up with one server;
- `mongo.log`: the server's own log; `mongo.toml`: an empty configuration passed
  explicitly, so no `secantusd.toml` found elsewhere applies.

A server is recognised by what the kernel says, not by the files alone: a process of the
same user running `secantus` with `--storage-path` on this storage. A healthy one is
reused whoever started it; one that does not answer (or answers without our credentials,
such as a server an older version left behind) is stopped and replaced. So a crawl that
was killed never leaves a server that blocks the next one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from pymongo import MongoClient
from pymongo.errors import OperationFailure, PyMongoError

from store.embedded_mongo import (
    PRIVATE_DIR,
    PRIVATE_FILE,
    EmbeddedMongoError,
    free_port,
    launch,
    prepare_storage,
    wait_ready,
)

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
USER = "wangjian"


@dataclass(frozen=True)
class ServerProcess:
    pid: int
    port: int


@dataclass(frozen=True)
class ServiceStatus:
    running: bool
    pid: int | None = None
    port: int | None = None
    healthy: bool = False
    detail: str = ""


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with open(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _proc_cmdline(pid: int) -> list[str] | None:
    """The command line of `pid` when it is a live (not zombie) process of this user."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    if fields.get("State", "").strip().startswith(("Z", "X")):
        return None
    if int(fields.get("Uid", "-1").split()[0]) != os.getuid():
        return None
    return [a.decode("utf-8", "replace") for a in args if a]


def _option(args: list[str], name: str) -> str | None:
    for i, arg in enumerate(args[:-1]):
        if arg == name:
            return args[i + 1]
    return None


class LocalDatabase:
    """The shared embedded server for one state directory."""

    def __init__(self, var: Path) -> None:
        self.var = Path(var).resolve()
        self.storage = self.var / "mongo"

    def _file(self, suffix: str) -> Path:
        return self.var / f"mongo.{suffix}"

    @property
    def credentials_file(self) -> Path:
        return self._file("credentials")

    @property
    def identity(self) -> str:
        """Names this database independently of the port it happens to listen on."""
        return f"embedded:{self.storage}"

    # -- finding the server --------------------------------------------------------------

    def owns(self, pid: int) -> int | None:
        """The port of `pid` when it is our server on this storage (same user, secantus,
        this storage path), else None."""
        args = _proc_cmdline(pid)
        if not args or "secantus" not in args or _option(args, "--storage-path") != str(self.storage):
            return None
        port = _option(args, "--port")
        return int(port) if port and port.isdigit() else None

    def servers(self) -> list[ServerProcess]:
        """Every process of ours serving this storage, found in /proc (the pid file is only
        a hint: a starter killed before writing it leaves a server all the same)."""
        found = []
        hinted = self._read_int("pid")
        candidates = [hinted] if hinted else []
        candidates += [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
        for pid in dict.fromkeys(candidates):
            port = self.owns(pid)
            if port is not None:
                found.append(ServerProcess(pid, port))
        return found

    def running_pid(self) -> int | None:
        """The pid recorded by the running server (a hint; None when none is recorded)."""
        return self._read_int("pid")

    def running_port(self) -> int | None:
        """The port recorded by the running server (a hint; None when none is recorded)."""
        return self._read_int("port")

    def _read_int(self, suffix: str) -> int | None:
        try:
            return int(self._file(suffix).read_text().strip())
        except (OSError, ValueError):
            return None

    def credentials(self) -> tuple[str, str] | None:
        try:
            data = json.loads(self._file("credentials").read_text(encoding="utf-8"))
            return str(data["user"]), str(data["password"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def uri_for(self, port: int, credentials: tuple[str, str] | None = None) -> str:
        creds = credentials or self.credentials()
        if creds is None:
            return f"mongodb://{HOST}:{port}/"
        user, password = creds
        return f"mongodb://{quote(user, safe='')}:{quote(password, safe='')}@{HOST}:{port}/?authSource=admin"

    def _answers(self, port: int, timeout: float) -> bool:
        """True when the server on `port` accepts our credentials (reads need them)."""
        if self.credentials() is None:
            return False
        try:
            with MongoClient(self.uri_for(port), serverSelectionTimeoutMS=int(timeout * 1000)) as client:
                client.admin.command("connectionStatus")
                client[USER].list_collection_names()  # refused unless authenticated
                return True
        except PyMongoError:
            return False

    def status(self) -> ServiceStatus:
        servers = self.servers()
        if not servers:
            return ServiceStatus(False, detail="not running")
        server = servers[0]
        healthy = self._answers(server.port, 2.0)
        detail = "running" if healthy else "running but not answering with this installation's credentials"
        if len(servers) > 1:
            detail += f" ({len(servers)} server processes on this storage)"
        return ServiceStatus(True, server.pid, server.port, healthy, detail)

    # -- starting and stopping -----------------------------------------------------------

    @contextlib.contextmanager
    def _start_lock(self, timeout: float = 120.0) -> Iterator[None]:
        self.var.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        fd = os.open(self._file("lock"), os.O_CREAT | os.O_RDWR, PRIVATE_FILE)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise EmbeddedMongoError(
                            f"another wangjian process has been starting the database in {self.storage} "
                            f"for {timeout:.0f}s; see {self._file('log')}"
                        ) from None
                    time.sleep(0.1)
            yield
        finally:
            os.close(fd)

    def ensure(self, timeout: float = 60.0) -> str:
        """The URI of the running server, starting it (or replacing a stale one) first."""
        hinted = self._read_int("pid")
        port = self.owns(hinted) if hinted else None
        if port is not None and self._answers(port, 2.0):
            return self.uri_for(port)
        with self._start_lock():
            for server in self.servers():
                if self._answers(server.port, 10.0):
                    self._record(server)
                    return self.uri_for(server.port)
                log.warning("stopping stale embedded database server (pid %d): it does not answer", server.pid)
                self._terminate(server.pid)
            return self._start(timeout)

    def _start(self, timeout: float) -> str:
        prepare_storage(self.storage)
        for suffix in ("pid", "port"):
            self._file(suffix).unlink(missing_ok=True)
        credentials = self.credentials() or self._provision(timeout)
        port = free_port(HOST)
        process = launch(self.storage, HOST, port, self._file("log"), auth=True, detach=True)
        try:
            wait_ready(self.uri_for(port, credentials), process, timeout, self._file("log"))
        except EmbeddedMongoError:
            self._terminate(process.pid)
            raise
        self._record(ServerProcess(process.pid, port))
        log.info("embedded database started (pid %d, port %d, data in %s)", process.pid, port, self.storage)
        return self.uri_for(port, credentials)

    def _record(self, server: ServerProcess) -> None:
        _write_private(self._file("port"), f"{server.port}\n")
        _write_private(self._file("pid"), f"{server.pid}\n")

    def _provision(self, timeout: float) -> tuple[str, str]:
        """Create the owner's user: start once without --auth on a private port, create
        (or reset) the user, check no other user exists, stop. The password is written
        only once the user exists."""
        credentials = (USER, secrets.token_urlsafe(24))
        port = free_port(HOST)
        process = launch(self.storage, HOST, port, self._file("log"))
        try:
            wait_ready(f"mongodb://{HOST}:{port}/", process, timeout, self._file("log"))
            with MongoClient(f"mongodb://{HOST}:{port}/", serverSelectionTimeoutMS=5000) as client:
                try:
                    client.admin.command("createUser", USER, pwd=credentials[1], roles=["root"])
                except OperationFailure:
                    client.admin.command("updateUser", USER, pwd=credentials[1], roles=["root"])
                for user in client.admin["system.users"].find({}, {"user": 1, "db": 1}):
                    if (user.get("db"), user.get("user")) != ("admin", USER):
                        log.warning("removing unexpected database user %s@%s", user.get("user"), user.get("db"))
                        client[user["db"]].command("dropUser", user["user"])
        except PyMongoError as exc:
            raise EmbeddedMongoError(f"could not set up the database user: {exc}") from exc
        finally:
            self._terminate(process.pid, process)
        _write_private(self._file("credentials"), json.dumps({"user": USER, "password": credentials[1]}) + "\n")
        return credentials

    def stop(self, timeout: float = 15.0) -> list[int]:
        """Stop every server of ours on this storage; returns their pids."""
        with self._start_lock():
            stopped = [s.pid for s in self.servers()]
            for pid in stopped:
                self._terminate(pid, timeout=timeout)
            for suffix in ("pid", "port"):
                self._file(suffix).unlink(missing_ok=True)
        return stopped

    def _terminate(self, pid: int, process: subprocess.Popen[bytes] | None = None, timeout: float = 15.0) -> None:
        """SIGTERM, then SIGKILL after `timeout`; waits until the process is gone so its
        storage lock is free."""
        for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
            try:
                os.kill(pid, sig)
            except OSError as exc:
                if exc.errno == errno.ESRCH:
                    break
                raise
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                if process is not None:
                    if process.poll() is not None:
                        return
                elif _proc_cmdline(pid) is None:
                    return
                time.sleep(0.05)
        if process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(5)


@contextlib.contextmanager
def mongo_uri(var_dir: Path) -> Iterator[str]:
    """Yield the MongoDB URI to use: MONGO_URI when set, else the shared local service's
    for `var_dir`, stopped on exit when this call started it."""
    configured = os.environ.get("MONGO_URI")
    if configured:
        yield configured
        return
    service = LocalDatabase(Path(var_dir))
    started = not service.status().running
    uri = service.ensure()
    try:
        yield uri
    finally:
        if started:
            service.stop()
