"""Local append-only spool for store writes made while MongoDB is away.

A spool is a directory (default `$WANGJIAN_VAR/spool`) of segments, one per writing
process. A segment holds `journal.jsonl` (one MongoDB Extended JSON entry per line,
fsync'd before the write is acknowledged), `blobs/` (artifact bytes by SHA-256) and
`applied` (how many journal entries are already in the database). Replaying applies the
entries in order; each entry is idempotent in the store, so a replay cut short by a crash
is simply repeated. A segment is locked by its writer; replays skip segments held by a
live process and delete the ones they finish.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bson import json_util

_JSON_OPTIONS = json_util.CANONICAL_JSON_OPTIONS.with_options(tz_aware=True, tzinfo=UTC)

Entry = dict[str, Any]
BlobReader = Callable[[str], bytes]


class SpoolError(RuntimeError):
    """The spool directory cannot be written or read."""


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class Segment:
    """One journal with its blobs; `lock_fd` is held while a process owns the segment."""

    def __init__(self, path: Path, lock_fd: int) -> None:
        self.path = path
        self.lock_fd = lock_fd

    @classmethod
    def try_lock(cls, path: Path) -> Segment | None:
        fd = os.open(path / "lock", os.O_CREAT | os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return cls(path, fd)

    @property
    def journal(self) -> Path:
        return self.path / "journal.jsonl"

    def applied(self) -> int:
        try:
            return int((self.path / "applied").read_text())
        except (FileNotFoundError, ValueError):
            return 0

    def mark_applied(self, count: int) -> None:
        _write_atomic(self.path / "applied", str(count).encode())

    def entries(self) -> Iterator[Entry]:
        """Complete journal lines in order; a torn last line (crash mid-append) was never
        acknowledged and is skipped."""
        if not self.journal.exists():
            return
        with open(self.journal, "rb") as fh:
            for line in fh:
                if not line.endswith(b"\n"):
                    return
                yield json_util.loads(line, json_options=_JSON_OPTIONS)

    def read_blob(self, sha256: str) -> bytes:
        return (self.path / "blobs" / sha256).read_bytes()

    def release(self, remove: bool) -> None:
        if remove:
            for child in sorted(self.path.rglob("*"), reverse=True):
                if child.name != "lock":
                    child.unlink() if child.is_file() else child.rmdir()
            (self.path / "lock").unlink(missing_ok=True)
            self.path.rmdir()
        os.close(self.lock_fd)


class Spool:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.own: Segment | None = None
        self.appended = 0  # entries in `own`

    def append(self, kind: str, payload: dict[str, Any], blobs: dict[str, bytes] | None = None) -> None:
        """Durably add one entry (and its blobs) to this process's segment."""
        try:
            segment = self._own_segment()
            for sha256, data in (blobs or {}).items():
                blob = segment.path / "blobs" / sha256
                if not blob.exists():
                    _write_atomic(blob, data)
            line = json_util.dumps({"kind": kind, **payload}, json_options=_JSON_OPTIONS) + "\n"
            with open(segment.journal, "ab") as fh:
                fh.write(line.encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise SpoolError(f"cannot write the spool in {self.root}: {exc.strerror or exc}") from exc
        self.appended += 1

    def _own_segment(self) -> Segment:
        if self.own is None:
            name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
            path = self.root / name
            (path / "blobs").mkdir(parents=True)
            segment = Segment.try_lock(path)
            assert segment is not None  # a fresh directory nobody else knows
            self.own = segment
            self.appended = 0
        return self.own

    def has_own_entries(self) -> bool:
        return self.own is not None and self.appended > 0

    def segment_paths(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_dir())

    def replay(self, apply: Callable[[Entry, BlobReader], None]) -> int:
        """Apply every entry of every segment not held by another live process, oldest
        segment first; finished segments are deleted. Exceptions from `apply` propagate
        and leave the progress made so far recorded. Returns the number applied."""
        done = 0
        for path in self.segment_paths():
            is_own = self.own is not None and path == self.own.path
            segment = self.own if is_own else Segment.try_lock(path)
            if segment is None:
                continue
            try:
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

    @staticmethod
    def _replay_segment(segment: Segment, apply: Callable[[Entry, BlobReader], None]) -> int:
        start = segment.applied()
        count = 0
        for index, entry in enumerate(segment.entries()):
            if index < start:
                continue
            apply(entry, segment.read_blob)
            segment.mark_applied(index + 1)
            count += 1
        return count

    def close(self) -> None:
        """Give up this process's segment (kept on disk when it still has entries)."""
        if self.own is not None:
            self.own.release(remove=self.appended == 0)
            self.own = None
