"""Qt widget tests: offscreen, with a qasync loop as the app has."""

from __future__ import annotations

import asyncio

import pytest
import qasync


@pytest.fixture
def qloop(qapp):
    """The asyncio loop the app runs on (qasync over the Qt event loop)."""
    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    yield loop
    # Let cancelled tasks (a closed session's) finish before the loop goes.
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.close()
    asyncio.set_event_loop(None)


def spawn(coro):
    """Schedule a coroutine on the qasync loop (kept referenced until done)."""
    task = asyncio.ensure_future(coro)
    _running.add(task)
    task.add_done_callback(_running.discard)
    return task


_running: set = set()
