"""Pools of pre-heated kernels refill after a crowd of viewers, one kernel at a time.

Voila's own manager starts a kernel one second after each viewer takes one: twenty viewers
opening a shared link together had twenty kernels running Step 2 while their pages were
served (first chart p95 20 s on two cores; ``bench/viewers_remote.py``). The paced
manager is built on a stand-in for Voila's here, so that what it starts and when can be
followed; tests/e2e/test_serve_lifecycle.py checks a real server refills its pools.
"""

from __future__ import annotations

import asyncio
import logging
import time

from workbook.serve.server import _paced_pools

NOTEBOOK = "02_use_the_metrics.ipynb"


class StandInVoilaManager:
    """What the paced manager uses of Voila's: pools of tasks, ``_initialize`` and the
    first fill; each kernel "runs its notebook" until the test lets it finish."""

    def __init__(self, size: int = 3, refill_after: float = 0.05, refill_wait_most: float = 5):
        self.kernel_pools_config = {"default": {"pool_size": 1}, NOTEBOOK: {"pool_size": size}}
        self.refill_after = refill_after
        self.refill_wait_most = refill_wait_most
        self.log = logging.getLogger("stand-in")
        self._pools: dict[str, list] = {}
        self.events: list[tuple[str, int]] = []  # ("start" | "ran", kernel number)
        self.running: dict[int, asyncio.Future] = {}
        self.started = 0
        self.refuse = 0  # how many starts fail next (the server at its kernel limit)

    async def _initialize(self, notebook_path, kernel_id=None, **kwargs):
        assert kwargs == {"path": "", "env": {"VOILA_PREHEAT": "True"}}
        if self.refuse:
            self.refuse -= 1
            self.events.append(("refused", 0))
            raise RuntimeError("Too many dashboards are open")
        self.started += 1
        number = self.started
        self.events.append(("start", number))
        ran = asyncio.get_running_loop().create_future()
        self.running[number] = ran

        async def notebook():
            await ran
            self.events.append(("ran", number))
            return [], None

        return {"task": asyncio.ensure_future(notebook()), "kernel_id": f"k{number}"}

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
        pool = self._pools.setdefault(notebook_name, [])
        size = self.kernel_pools_config[notebook_name]["pool_size"]
        for _ in range(size - len(pool)):
            pool.append(asyncio.ensure_future(self._initialize(notebook_name, None, **kwargs)))

    async def shutdown_all(self, *args, **kwargs):
        self._pools = {}

    # What Voila's page handler does for a viewer: take the oldest kernel, ask for a refill.
    async def take(self) -> str:
        content = await self._pools[NOTEBOOK].pop(0)
        self.fill_if_needed(delay=None, notebook_name=NOTEBOOK)
        return content["kernel_id"]


Paced = _paced_pools(StandInVoilaManager)


async def first_fill(manager) -> None:
    manager.fill_if_needed(delay=0, notebook_name=NOTEBOOK, path="", env={"VOILA_PREHEAT": "True"})
    contents = await asyncio.gather(*manager._pools[NOTEBOOK])
    for ran in manager.running.values():
        ran.set_result(None)
    await asyncio.gather(*(content["task"] for content in contents))
    manager.events.clear()


async def until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the refill did not get there"
        await asyncio.sleep(0.01)


def test_a_crowd_is_served_before_one_kernel_at_a_time_refills_the_pool(caplog):
    async def scenario():
        manager = Paced(size=3)
        await first_fill(manager)
        taken = [await manager.take() for _ in range(3)]
        assert taken == ["k1", "k2", "k3"]
        # The viewers' pages are being served: nothing starts yet.
        assert manager.events == []
        await until(lambda: manager.events == [("start", 4)])
        # The next kernel waits until this one has run its notebook.
        await asyncio.sleep(0.2)
        assert manager.events == [("start", 4)]
        manager.running[4].set_result(None)
        await until(lambda: len(manager.events) == 3)
        assert manager.events == [("start", 4), ("ran", 4), ("start", 5)]
        manager.running[5].set_result(None)
        await until(lambda: ("start", 6) in manager.events)
        manager.running[6].set_result(None)
        await until(lambda: manager._refiller.done())
        assert manager.events[-1] == ("ran", 6)
        assert len(manager._pools[NOTEBOOK]) == 3
        await manager.shutdown_all()

    with caplog.at_level(logging.INFO, logger="stand-in"):
        asyncio.run(scenario())
    filled = [r.getMessage() for r in caplog.records if "is filled" in r.getMessage()]
    assert filled == [f"Kernel pool of {NOTEBOOK} is filled with 3 kernel(s)"]


def test_a_viewer_arriving_during_the_refill_holds_the_next_kernel_back():
    async def scenario():
        manager = Paced(size=2, refill_after=0.3)
        await first_fill(manager)
        await manager.take()
        await until(lambda: manager.events == [("start", 3)])
        await manager.take()  # takes the other kernel that was waiting
        manager.running[3].set_result(None)
        await until(lambda: ("ran", 3) in manager.events)
        # Quiet again for refill_after seconds before the next start.
        ran_at = time.monotonic()
        await until(lambda: ("start", 4) in manager.events)
        assert time.monotonic() - ran_at >= 0.2
        manager.running[4].set_result(None)
        await until(lambda: manager._refiller.done())
        assert len(manager._pools[NOTEBOOK]) == 2
        await manager.shutdown_all()

    asyncio.run(scenario())


def test_viewers_arriving_without_pause_do_not_hold_the_refill_back_forever():
    async def scenario():
        manager = Paced(size=8, refill_after=0.5, refill_wait_most=0.3)
        await first_fill(manager)
        began = time.monotonic()
        for _ in range(8):  # a viewer every 0.1 s: never 0.5 s of quiet
            await manager.take()
            if manager.events:
                break
            await asyncio.sleep(0.1)
        assert manager.events == [("start", 9)]
        assert 0.25 <= time.monotonic() - began < 0.5
        await manager.shutdown_all()

    asyncio.run(scenario())


def test_a_viewer_who_finds_the_pool_empty_is_not_made_to_wait_for_a_refill():
    """Voila starts a kernel for a viewer when the pool is empty; a refill waiting for
    quiet must not sit in the pool, where the viewer would wait for it."""

    async def scenario():
        manager = Paced(size=1, refill_after=30)
        await first_fill(manager)
        await manager.take()
        assert manager._pools[NOTEBOOK] == []
        await manager.shutdown_all()
        assert manager._refiller.cancelled() and manager.events == []

    asyncio.run(scenario())


def test_a_refill_refused_at_the_kernel_limit_is_tried_again_later(caplog):
    async def scenario():
        manager = Paced(size=1, refill_after=0.05, refill_wait_most=0.3)
        await first_fill(manager)
        manager.refuse = 1
        await manager.take()
        await until(lambda: manager.events == [("refused", 0)])
        assert manager._pools[NOTEBOOK] == []  # a viewer would not wait for a failed start
        await until(lambda: ("start", 2) in manager.events)
        manager.running[2].set_result(None)
        await until(lambda: manager._refiller.done())
        assert len(manager._pools[NOTEBOOK]) == 1
        await manager.shutdown_all()

    with caplog.at_level(logging.WARNING, logger="stand-in"):
        asyncio.run(scenario())
    assert any("trying again" in r.getMessage() for r in caplog.records)
