"""One background thread that runs submitted jobs strictly in order, so blocking database
writes leave the Twisted reactor free; a bounded queue pushes back when the database is
slower than the crawl."""

from __future__ import annotations

import queue
import threading
import traceback
from collections.abc import Callable
from typing import Any


class BatchWorker:
    def __init__(self, max_queued: int = 8) -> None:
        self.jobs: queue.Queue[tuple[Callable[..., Any], tuple[Any, ...]] | None] = queue.Queue(maxsize=max_queued)
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="wangjian-store-writer", daemon=True)
        self.thread.start()

    def submit(self, func: Callable[..., Any], *args: Any) -> None:
        """Queue `func(*args)`; blocks while the queue is full (back-pressure)."""
        self.jobs.put((func, args))

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            func, args = job
            try:
                func(*args)
            except Exception as exc:  # kept and reported by the owner; the worker goes on
                with self._lock:
                    self.errors.append(f"{type(exc).__name__}: {exc}")
                traceback.print_exc()

    def take_errors(self) -> list[str]:
        with self._lock:
            errors, self.errors = self.errors, []
        return errors

    def close(self) -> None:
        """Run everything queued, then stop the thread."""
        self.jobs.put(None)
        self.thread.join()
