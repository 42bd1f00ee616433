"""The concurrency kit: pools hand results back to the loop, task sets keep and report."""

from __future__ import annotations

import asyncio
import threading

import pytest

from app.support.concurrency import Pool, TaskSet, call_in_loop


def test_pool_runs_off_the_loop_thread_and_returns_on_it():
    pool = Pool("test", 2)

    async def main():
        loop_thread = threading.get_ident()
        worker = await pool.run(threading.get_ident)
        assert worker != loop_thread
        assert threading.get_ident() == loop_thread
        with pytest.raises(ValueError, match="bad"):
            await pool.run(_raise, ValueError("bad"))

    try:
        asyncio.run(main())
    finally:
        pool.shutdown()


def test_pool_is_bounded_and_drains():
    pool = Pool("bounded", 2)
    inside, peak, lock, release = [0], [0], threading.Lock(), threading.Event()

    def work():
        with lock:
            inside[0] += 1
            peak[0] = max(peak[0], inside[0])
        release.wait(5)
        with lock:
            inside[0] -= 1

    for _ in range(5):
        pool.submit(work)
    assert not pool.drain(0.05)  # still blocked
    release.set()
    assert pool.drain(5)
    assert peak[0] == 2
    pool.shutdown()
    assert pool.closed


def test_task_set_keeps_tasks_and_reports_unawaited_failures():
    seen = []

    async def main():
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _loop, context: seen.append(context))
        tasks = TaskSet("test")
        tasks.spawn(_fail())
        forever = tasks.spawn(asyncio.Event().wait())
        assert len(tasks) == 2
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert len(tasks) == 1
        tasks.cancel_all()
        with pytest.raises(asyncio.CancelledError):
            await forever
        assert len(tasks) == 0

    asyncio.run(main())
    assert len(seen) == 1
    assert isinstance(seen[0]["exception"], RuntimeError)
    assert "task in test failed" in seen[0]["message"]


def test_call_in_loop_runs_a_threads_callback_on_the_loop_thread_in_order():
    async def main():
        loop = asyncio.get_running_loop()
        got: list[tuple[int, int]] = []
        done = asyncio.Event()

        def on_item(n: int) -> None:
            got.append((n, threading.get_ident()))
            if n == 99:
                done.set()

        post = call_in_loop(loop, on_item)
        thread = threading.Thread(target=lambda: [post(n) for n in range(100)])
        thread.start()
        await asyncio.wait_for(done.wait(), 5)
        thread.join()
        assert [n for n, _ in got] == list(range(100))
        assert {t for _, t in got} == {threading.get_ident()}
        return loop, post

    loop, post = asyncio.run(main())
    post(1)  # after the loop closed: dropped, no error


def _raise(exc: Exception) -> None:
    raise exc


async def _fail() -> None:
    raise RuntimeError("boom")


def test_cancel_token_runs_closers_once_and_late_ones_at_once() -> None:
    from app.support.concurrency import Cancelled, CancelToken

    token = CancelToken()
    closed: list[str] = []
    token.on_cancel(lambda: closed.append("stream"))
    token.check()  # not cancelled yet: no exception
    token.cancel()
    token.cancel()
    assert closed == ["stream"]
    token.on_cancel(lambda: closed.append("late"))
    assert closed == ["stream", "late"]
    try:
        token.check()
    except Cancelled:
        pass
    else:
        raise AssertionError("check() after cancel() must raise Cancelled")
