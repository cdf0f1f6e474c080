"""`store.db.ProcessLock`, the write lock the crawl processes of one run share: exclusive
across forked processes, handed over at once, and freed when its holder is killed."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

from store.db import ProcessLock

FORK = multiprocessing.get_context("fork")


def _hold(lock: ProcessLock, held: multiprocessing.synchronize.Event, seconds: float) -> None:
    lock.acquire()
    held.set()
    time.sleep(seconds)
    lock.release()


def test_a_forked_process_excludes_its_parent(tmp_path: Path) -> None:
    lock = ProcessLock(tmp_path / "w.lock")
    lock.acquire()  # opened before the fork: the child must not share this descriptor's lock
    lock.release()
    held = FORK.Event()
    child = FORK.Process(target=_hold, args=(lock, held, 0.5))  # the same object, forked
    child.start()
    assert held.wait(10)
    assert not lock.acquire(blocking=False)
    started = time.monotonic()
    lock.acquire()  # handed over when the child releases it, not after a sleep of ours
    waited = time.monotonic() - started
    lock.release()
    child.join(10)
    assert 0.2 < waited < 2.0
    lock.close()


def test_a_killed_holder_frees_the_lock(tmp_path: Path) -> None:
    path = str(tmp_path / "w.lock")
    held = FORK.Event()
    child = FORK.Process(target=_hold, args=(ProcessLock(path), held, 60))
    child.start()
    assert held.wait(10)
    lock = ProcessLock(path)
    assert not lock.acquire(blocking=False)
    os.kill(child.pid or 0, signal.SIGKILL)
    child.join(10)
    assert lock.acquire(blocking=False)
    lock.release()
    lock.close()
