"""Named worker threads for pipeline work that must not run on the Twisted reactor thread.

Each name is one thread, started on first use and stopped when the reactor shuts down; work
given to it runs in the order given (the detect stage relies on that), one piece at a time.

Every item crosses to a worker thread and back twice (evidence, detect), so the crossing is
kept small: a C queue to the thread and one `call_soon_threadsafe` back to the asyncio loop
the reactor runs on. Twisted's `deferToThreadPool` cost about 1.6 times as much reactor time per
crossing (its pool's coordinator, condition variables and context), which a profile of a
20,000-page crawl showed (evidence stage: 218 samples of the reactor thread, now 135)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from collections.abc import Callable
from queue import SimpleQueue
from typing import Any, TypeVar

T = TypeVar("T")
_STOP = object()


class WorkerThread:
    """One daemon thread running the functions given to it, in order, one at a time."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._queue: SimpleQueue[Any] = SimpleQueue()
        self._ended: RuntimeError | None = None  # why the thread ended before stop(), if it did
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        """fn(*args) on this thread; the future is settled on the running loop's thread,
        which must be Scrapy's asyncio reactor's (the project's TWISTED_REACTOR)."""
        if self._ended is not None:
            raise self._ended
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError as exc:
            raise RuntimeError(
                "wangjian's pipelines run on the asyncio reactor: set TWISTED_REACTOR to "
                "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
            ) from exc
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put((loop, future, fn, args))
        if self._ended is not None:  # the thread ended while this was being given: fail it too
            _hand(loop, future, self._ended, True)
        return future

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the work already given, then end the thread."""
        self._queue.put(_STOP)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while (job := self._queue.get()) is not _STOP:
            loop, future, fn, args = job
            try:
                result, failed = fn(*args), False
            except Exception as exc:  # handed to the awaiting coroutine
                result, failed = exc, True
            except BaseException as exc:
                # SystemExit and the like end the thread; nobody may wait for it in vain: this
                # piece of work, the work queued after it and any work given later all fail.
                self._ended = RuntimeError(f"worker thread {self.name} ended: {exc!r}")
                self._ended.__cause__ = exc
                _hand(loop, future, self._ended, True)
                while not self._queue.empty():
                    if (job := self._queue.get()) is not _STOP:
                        _hand(job[0], job[1], self._ended, True)
                raise
            _hand(loop, future, result, failed)
            del job, loop, future, fn, args, result  # hold nothing while waiting for the next


def _hand(loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], result: Any, failed: bool) -> None:
    with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
        loop.call_soon_threadsafe(_settle, future, result, failed)


def _settle(future: asyncio.Future[Any], result: Any, failed: bool) -> None:
    if future.done():  # cancelled, or already failed by the ending thread
        return
    if failed:
        future.set_exception(result)
    else:
        future.set_result(result)


@functools.cache
def worker_thread(name: str) -> WorkerThread:
    """The process's one thread called `name`, stopped when the reactor shuts down."""
    from twisted.internet import reactor  # not at import: importing it installs a reactor

    worker = WorkerThread(name)

    def stop() -> None:
        worker_thread.cache_clear()  # a later reactor in this process starts a new thread
        worker.stop()

    reactor.addSystemEventTrigger("during", "shutdown", stop)  # type: ignore[attr-defined]
    return worker


async def run_in_thread(name: str, fn: Callable[..., T], *args: Any) -> T:
    """fn(*args) on the worker thread `name`; its result (or exception) back on the reactor."""
    return await worker_thread(name).submit(fn, *args)
