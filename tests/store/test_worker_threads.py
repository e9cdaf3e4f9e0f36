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


# the thread is ended on purpose by SystemExit, which threading reports as unhandled
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_thread_ended_by_a_base_exception_fails_its_waiters_instead_of_hanging() -> None:
    worker = WorkerThread("test-worker-exit")
    gate = threading.Event()

    def leave() -> None:
        gate.wait(5)
        raise SystemExit(3)

    async def main() -> None:
        first = worker.submit(leave)
        queued = worker.submit(lambda: 1)  # given before the thread ends
        gate.set()
        for future in (first, queued):
            with pytest.raises(RuntimeError, match="test-worker-exit ended: SystemExit") as info:
                await asyncio.wait_for(future, 5)
        assert isinstance(info.value.__cause__, SystemExit)
        with pytest.raises(RuntimeError, match="ended"):
            worker.submit(lambda: 2)  # given after

    asyncio.run(main())
    worker._thread.join(5)
    assert not worker.alive
