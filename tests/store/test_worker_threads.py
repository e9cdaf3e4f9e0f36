"""Pipeline work handed to a named worker thread comes back on the asyncio loop, in order,
exceptions included (pipelines/threads.py)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from pipelines.threads import WorkerThread


def test_work_runs_in_order_off_the_loop_thread_and_comes_back_on_it() -> None:
    worker = WorkerThread("test-worker")
    seen: list[tuple[int, str]] = []

    def job(n: int) -> int:
        seen.append((n, threading.current_thread().name))
        return n * n

    async def main() -> list[int]:
        futures = [worker.submit(job, n) for n in range(200)]
        results = []
        for f in futures:
            results.append(await f)
            assert threading.current_thread() is threading.main_thread()
        return results

    try:
        assert asyncio.run(main()) == [n * n for n in range(200)]
        assert [n for n, _ in seen] == list(range(200))
        assert {name for _, name in seen} == {"test-worker"}
    finally:
        worker.stop()
    assert not worker.alive


def test_an_exception_reaches_the_awaiting_coroutine_and_the_thread_goes_on() -> None:
    worker = WorkerThread("test-worker-errors")

    def fail() -> None:
        raise ValueError("broken page")

    async def main() -> int:
        with pytest.raises(ValueError, match="broken page"):
            await worker.submit(fail)
        return await worker.submit(lambda: 7)

    try:
        assert asyncio.run(main()) == 7
    finally:
        worker.stop()


def test_work_needs_a_running_loop() -> None:
    worker = WorkerThread("test-worker-no-loop")
    try:
        with pytest.raises(RuntimeError, match="asyncio reactor"):
            worker.submit(lambda: 1)
    finally:
        worker.stop()
