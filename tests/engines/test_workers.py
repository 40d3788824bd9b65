"""Worker processes end with their parent, however the parent dies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retold.engines.workers import spawn_pool

_PARENT = """
import json, os, sys, time
from multiprocessing import resource_tracker
from retold.engines.workers import spawn_pool

with spawn_pool(2, None) as pool:
    futures = [pool.submit(time.sleep, 0.2) for _ in range(4)]
    for f in futures:
        f.result()
    pids = list(pool._processes)
    tracker = resource_tracker._resource_tracker._pid
    print(json.dumps({"workers": pids, "tracker": tracker}), flush=True)
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """Running and not a zombie (an unreaped dead child of a parent that never waits)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_and_tracker_exit_when_the_parent_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        line = parent.stdout.readline() if parent.stdout else ""
        started = json.loads(line)
        children = [*started["workers"], *([started["tracker"]] if started["tracker"] else [])]
        assert len(started["workers"]) == 2 and all(_alive(p) for p in children)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in children):
            time.sleep(0.1)
        survivors = [p for p in children if _alive(p)]
    finally:
        parent.kill()
        if "children" in locals():
            for pid in children:
                if _alive(pid):
                    os.kill(pid, signal.SIGKILL)
    assert survivors == []


def test_pool_runs_work_and_keeps_its_parent_alive() -> None:
    with spawn_pool(1, None) as pool:
        assert pool.submit(os.getppid).result(timeout=60) == os.getpid()


def _sigint_handler() -> object:
    import signal as sig

    return sig.getsignal(sig.SIGINT)


def test_workers_leave_ctrl_c_to_the_parent() -> None:
    import signal as sig

    with spawn_pool(1, None) as pool:
        assert pool.submit(_sigint_handler).result(timeout=60) == sig.SIG_IGN
