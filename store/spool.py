"""Local append-only spool for store writes made while MongoDB is away.

A spool is a directory (default `$WANGJIAN_VAR/spool`, mode 0700) of segments, one per
writing process. A segment holds:

- `target.json`: the database the entries are for (server identity and database name).
  Entries are only ever replayed into that database: a writer bound to another one leaves
  the segment where it is and reports it as pending.
- `journal.jsonl`: one entry per line, `<sha256> <MongoDB Extended JSON>`, fsync'd before
  the write is acknowledged. The checksum covers the segment name and the JSON bytes, so a
  line edited by hand (or moved from another segment) no longer matches.
- `blobs/` (artifact bytes by SHA-256, checked against their name when read back) and
  `applied` (how many journal entries are already in the database).

Replaying applies the entries in order; each entry is idempotent in the store, so a replay
cut short by a crash is simply repeated. A line that cannot be read or fails its checksum,
and a segment that cannot be read at all, is moved to `quarantine/` with the reason logged
and written beside it: a damaged spool never blocks a crawl, and nothing is thrown away.
A segment is locked by its writer; replays skip segments held by a live process and delete
the ones they finish.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bson import json_util

log = logging.getLogger(__name__)

_JSON_OPTIONS = json_util.CANONICAL_JSON_OPTIONS.with_options(tz_aware=True, tzinfo=UTC)
QUARANTINE = "quarantine"
TARGET_FILE = "target.json"

Entry = dict[str, Any]
BlobReader = Callable[[str], bytes]
#: Where a segment's entries belong: {"server": identity, "database": name}.
Target = dict[str, str]


class SpoolError(RuntimeError):
    """The spool directory cannot be written or read."""


class DamagedEntry(ValueError):
    """A journal line or blob that is not what was written: quarantined, never applied."""


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _checksum(segment: str, payload: bytes) -> str:
    return hashlib.sha256(segment.encode() + b"\0" + payload).hexdigest()


def describe_target(target: Target | None) -> str:
    if not target:
        return "an unrecorded database"
    return f"database {target.get('database')!r} on {target.get('server')}"


class Segment:
    """One journal with its blobs; `lock_fd` is held while a process owns the segment."""

    def __init__(self, path: Path, lock_fd: int) -> None:
        self.path = path
        self.lock_fd = lock_fd

    @classmethod
    def try_lock(cls, path: Path) -> Segment | None:
        try:
            fd = os.open(path / "lock", os.O_CREAT | os.O_RDWR, 0o600)
        except FileNotFoundError:
            return None  # finished and removed by another replay meanwhile
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        if not path.is_dir() or not (path / "lock").exists():
            os.close(fd)  # removed between open and lock
            return None
        return cls(path, fd)

    @property
    def journal(self) -> Path:
        return self.path / "journal.jsonl"

    def target(self) -> Target | None:
        """The recorded target; None for a segment without one. Raises DamagedEntry when
        the record exists but cannot be read."""
        try:
            data = json.loads((self.path / TARGET_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise DamagedEntry(f"unreadable {TARGET_FILE}: {exc}") from exc
        if not isinstance(data, dict) or not {"server", "database"} <= data.keys():
            raise DamagedEntry(f"{TARGET_FILE} does not name a server and a database")
        return {"server": str(data["server"]), "database": str(data["database"])}

    def applied(self) -> int:
        try:
            return int((self.path / "applied").read_text())
        except (FileNotFoundError, ValueError):
            return 0

    def mark_applied(self, count: int) -> None:
        _write_atomic(self.path / "applied", str(count).encode())

    def lines(self) -> Iterator[bytes]:
        """Complete journal lines in order; a torn last line (crash mid-append) was never
        acknowledged and is skipped."""
        if not self.journal.exists():
            return
        with open(self.journal, "rb") as fh:
            for line in fh:
                if not line.endswith(b"\n"):
                    return
                yield line

    def encode(self, entry: Entry) -> bytes:
        payload = json_util.dumps(entry, json_options=_JSON_OPTIONS).encode("utf-8")
        return _checksum(self.path.name, payload).encode() + b" " + payload + b"\n"

    def decode(self, line: bytes) -> Entry:
        digest, sep, payload = line.rstrip(b"\n").partition(b" ")
        if not sep or len(digest) != 64:
            raise DamagedEntry("not a spool entry (no checksum)")
        if digest.decode("ascii", "replace") != _checksum(self.path.name, payload):
            raise DamagedEntry("checksum mismatch: the entry was changed after it was written")
        try:
            entry = json_util.loads(payload, json_options=_JSON_OPTIONS)
        except (ValueError, TypeError) as exc:
            raise DamagedEntry(f"unreadable JSON: {exc}") from exc
        if not isinstance(entry, dict):
            raise DamagedEntry("entry is not a document")
        return entry

    def entries(self) -> Iterator[Entry]:
        for line in self.lines():
            yield self.decode(line)

    def read_blob(self, sha256: str) -> bytes:
        try:
            data = (self.path / "blobs" / sha256).read_bytes()
        except OSError as exc:
            raise DamagedEntry(f"artifact {sha256[:12]} missing from the spool: {exc.strerror or exc}") from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise DamagedEntry(f"artifact {sha256[:12]} in the spool does not match its hash")
        return data

    def release(self, remove: bool) -> None:
        if remove:
            for child in sorted(self.path.rglob("*"), reverse=True):
                if child.name != "lock":
                    child.unlink() if child.is_file() else child.rmdir()
            (self.path / "lock").unlink(missing_ok=True)
            self.path.rmdir()
        os.close(self.lock_fd)


@dataclass
class PendingSegment:
    """What one segment still holds, for `clues list`, the report and the console."""

    name: str
    target: Target | None
    entries: int
    applied: int
    in_use: bool

    @property
    def waiting(self) -> int:
        return max(0, self.entries - self.applied)


@dataclass
class SpoolStatus:
    segments: list[PendingSegment] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)

    def waiting(self, target: Target | None = None) -> int:
        """Batches not yet in the database (only those for `target` when given)."""
        return sum(s.waiting for s in self.segments if target is None or s.target == target)

    def elsewhere(self, target: Target) -> list[PendingSegment]:
        return [s for s in self.segments if s.waiting and s.target != target]

    def notices(self, target: Target | None = None) -> list[str]:
        """One line per thing an officer should know before trusting the numbers."""
        lines = []
        mine = self.waiting(target) if target else self.waiting()
        if mine:
            lines.append(
                f"{mine} batch(es) of clues wait in the local spool for this database and are not counted "
                "here yet; the next crawl (or `wangjian db replay`) writes them"
            )
        for segment in self.elsewhere(target) if target else []:
            where = describe_target(segment.target)
            lines.append(f"{segment.waiting} spooled batch(es) in {segment.name} are for {where}")
        if self.quarantined:
            count = len(self.quarantined)
            lines.append(f"{count} damaged spool item(s) set aside in quarantine/: see the log files there")
        return lines


class Spool:
    def __init__(self, root: Path, target: Target | None = None) -> None:
        self.root = Path(root)
        self.target = target
        self.own: Segment | None = None
        self.appended = 0  # entries in `own`
        self.quarantined = 0  # lines or segments set aside by this process
        self._refused: set[str] = set()

    def bind(self, target: Target) -> None:
        """Name the database this spool writes for; replays skip segments for others."""
        if self.own is not None and self.target != target:
            raise SpoolError("the spool already holds entries for another database")
        self.target = target

    def append(self, kind: str, payload: dict[str, Any], blobs: dict[str, bytes] | None = None) -> None:
        """Durably add one entry (and its blobs) to this process's segment."""
        try:
            segment = self._own_segment()
            for sha256, data in (blobs or {}).items():
                blob = segment.path / "blobs" / sha256
                if not blob.exists():
                    _write_atomic(blob, data)
            line = segment.encode({"kind": kind, **payload})
            fd = os.open(segment.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with open(fd, "ab") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise SpoolError(f"cannot write the spool in {self.root}: {exc.strerror or exc}") from exc
        self.appended += 1

    def _own_segment(self) -> Segment:
        if self.own is None:
            if self.target is None:
                raise SpoolError("a spool must be bound to its database before it takes entries")
            self._make_root()
            name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
            path = self.root / name
            (path / "blobs").mkdir(mode=0o700, parents=True)
            segment = Segment.try_lock(path)
            assert segment is not None  # a fresh directory nobody else knows
            _write_atomic(path / TARGET_FILE, json.dumps(self.target, ensure_ascii=False).encode("utf-8"))
            self.own = segment
            self.appended = 0
        return self.own

    def _make_root(self) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)

    def has_own_entries(self) -> bool:
        return self.own is not None and self.appended > 0

    def segment_paths(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_dir() and p.name != QUARANTINE)

    def replay(self, apply: Callable[[Entry, BlobReader], None]) -> int:
        """Apply every entry of every segment for this spool's database that is not held
        by another live process, oldest segment first; finished segments are deleted.
        Segments for another database stay (reported once); damaged lines and segments
        are quarantined. Other exceptions from `apply` (the database going away) propagate
        and leave the progress made so far recorded. Returns the number applied."""
        done = 0
        for path in self.segment_paths():
            is_own = self.own is not None and path == self.own.path
            segment = self.own if is_own else Segment.try_lock(path)
            if segment is None:
                continue
            try:
                if not is_own and not self._is_for_us(segment):
                    segment.release(remove=False)
                    continue
                done += self._replay_segment(segment, apply)
            except BaseException:
                if not is_own:
                    segment.release(remove=False)
                raise
            segment.release(remove=True)
            if is_own:
                self.own = None
                self.appended = 0
        return done

    def _is_for_us(self, segment: Segment) -> bool:
        try:
            target = segment.target()
        except DamagedEntry as exc:
            self._quarantine_segment(segment, str(exc))
            return False
        if target == self.target:
            return True
        if segment.path.name not in self._refused:
            self._refused.add(segment.path.name)
            log.error(
                "spool segment %s holds %d batch(es) for %s, not for %s: not replayed here; they stay "
                "in the spool until a crawl or `wangjian db replay` runs against that database",
                segment.path.name, sum(1 for _ in segment.lines()) - segment.applied(),
                describe_target(target), describe_target(self.target),
            )  # fmt: skip
        return False

    def _replay_segment(self, segment: Segment, apply: Callable[[Entry, BlobReader], None]) -> int:
        start = segment.applied()
        count = 0
        for index, line in enumerate(segment.lines()):
            if index < start:
                continue
            try:
                apply(segment.decode(line), segment.read_blob)
            except DamagedEntry as exc:
                self._quarantine_line(segment, index, line, str(exc))
            else:
                count += 1
            segment.mark_applied(index + 1)
        return count

    def quarantine_dir(self) -> Path:
        path = self.root / QUARANTINE
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path

    def _quarantine_line(self, segment: Segment, index: int, line: bytes, reason: str) -> None:
        where = self.quarantine_dir()
        stem = segment.path.name
        with open(os.open(where / f"{stem}.rejected", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab") as fh:
            fh.write(line)
        note = f"{datetime.now(UTC).isoformat()} line {index + 1}: {reason}\n"
        with open(os.open(where / f"{stem}.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "a") as fh:
            fh.write(note)
        self.quarantined += 1
        log.error("spool %s line %d quarantined (%s); kept in %s", stem, index + 1, reason, where)

    def _quarantine_segment(self, segment: Segment, reason: str) -> None:
        where = self.quarantine_dir()
        destination = where / segment.path.name
        shutil.move(str(segment.path), destination)
        (where / f"{segment.path.name}.log").write_text(f"{datetime.now(UTC).isoformat()} segment: {reason}\n")
        self.quarantined += 1
        log.error("spool segment %s quarantined (%s); kept in %s", segment.path.name, reason, where)

    def status(self) -> SpoolStatus:
        return spool_status(self.root)

    def close(self) -> None:
        """Give up this process's segment (kept on disk when it still has entries)."""
        if self.own is not None:
            self.own.release(remove=self.appended == 0)
            self.own = None


def spool_status(root: Path) -> SpoolStatus:
    """What waits in the spool at `root`, read without taking any lock."""
    status = SpoolStatus()
    root = Path(root)
    if not root.is_dir():
        return status
    for path in sorted(p for p in root.iterdir() if p.is_dir() and p.name != QUARANTINE):
        segment = Segment(path, -1)
        try:
            target = segment.target()
            entries = sum(1 for _ in segment.lines())
        except (DamagedEntry, OSError):
            status.quarantined.append(path.name)  # will be quarantined by the next replay
            continue
        probe = Segment.try_lock(path)
        if probe is not None:
            probe.release(remove=False)
        status.segments.append(PendingSegment(path.name, target, entries, segment.applied(), probe is None))
    quarantine = root / QUARANTINE
    if quarantine.is_dir():
        status.quarantined += sorted(p.name for p in quarantine.iterdir() if p.suffix == ".log")
    return status
