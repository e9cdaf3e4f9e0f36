"""A process pool of OCR workers, each loading the models once (in its initializer), so
reading runs on other cores than the crawl and never on the reactor thread. Workers start
with `spawn`: a crawl process has threads (store writer, DNS), which `fork` must not copy."""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor

from ocr.reading import ImageReading

_engine = None


def _load(threads: int) -> None:
    global _engine
    from ocr.engine import OcrEngine

    _engine = OcrEngine(threads)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A worker whose crawl died (killed, or exited without closing the pool) must not live on."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _read(data: bytes) -> ImageReading:
    assert _engine is not None, "worker started without its engine"
    return _engine.read(data)


def _ready() -> bool:
    return _engine is not None


class OcrPool:
    def __init__(self, workers: int = 1, threads_per_worker: int = 1) -> None:
        self.workers = max(1, workers)
        self._executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_load,
            initargs=(max(1, threads_per_worker),),
        )

    def submit(self, data: bytes) -> Future[ImageReading]:
        """Read a picture in a worker; the future fails with UnreadableImage for bytes that
        are no picture."""
        return self._executor.submit(_read, data)

    def read(self, data: bytes) -> ImageReading:
        return self.submit(data).result()

    def start(self) -> list[Future[bool]]:
        """Start the workers (each loads its models) without waiting for them."""
        return [self._executor.submit(_ready) for _ in range(self.workers)]

    def warm(self) -> None:
        """Start every worker and wait until its models are loaded."""
        for future in self.start():
            future.result()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> OcrPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_pools: dict[tuple[int, int], OcrPool] = {}


def shared_pool(workers: int = 1, threads_per_worker: int = 1) -> OcrPool:
    """One pool per process and size, kept for the life of the process: several crawls (or
    tests) in one process share its workers and so load the models once."""
    key = (max(1, workers), max(1, threads_per_worker))
    pool = _pools.get(key)
    if pool is None:
        pool = _pools[key] = OcrPool(*key)
    return pool


@atexit.register
def _close_pools() -> None:
    for pool in _pools.values():
        pool.close()
    _pools.clear()
