"""Named worker threads for pipeline work that must not run on the Twisted reactor thread.

Each name is one thread, started on first use and stopped when the reactor shuts down; work
given to it runs in the order given (the detect stage relies on that), one piece at a time."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.python.threadpool import ThreadPool

T = TypeVar("T")


@functools.cache
def worker_thread(name: str) -> ThreadPool:
    """The process's one thread called `name`, stopped when the reactor shuts down."""
    from twisted.internet import reactor  # not at import: importing it installs a reactor

    pool = ThreadPool(minthreads=1, maxthreads=1, name=name)
    pool.start()
    reactor.addSystemEventTrigger("during", "shutdown", pool.stop)  # type: ignore[attr-defined]
    return pool


async def run_in_thread(name: str, fn: Callable[..., T], *args: Any) -> T:
    """fn(*args) on the worker thread `name`; its result (or exception) back on the reactor."""
    from twisted.internet import reactor

    return await maybe_deferred_to_future(threads.deferToThreadPool(reactor, worker_thread(name), fn, *args))
