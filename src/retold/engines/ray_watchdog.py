"""End a local Ray instance's processes soon after the driver that started it dies.

What Ray itself guarantees when a driver that started a local instance is killed (kill -9,
Ray 2.60 on Linux): the GCS and the raylet get SIGKILL from the kernel at once
(``PR_SET_PDEATHSIG``; elsewhere Ray's reaper process kills them); workers and actors exit once
they lose their raylet (2-3 s). The dashboard agent and the runtime-env agent also notice the
raylet's death within a second, but first report it to the GCS, which is dead too, and wait out
that call's fixed 60 s timeout (``ray._private.utils.publish_error_to_driver``): each stays
alive a minute, and ``include_dashboard=False`` does not stop the dashboard agent from starting.

So the driver starts this watchdog before it starts Ray, and tells it the instance's session
folder once Ray is up. The watchdog blocks on a pipe whose only writer is the driver; when the
pipe closes (the driver ended, however it ended) it ends every process of the instance: SIGTERM,
then SIGKILL for what is left after a grace period. A process belongs to the instance when its
environment holds ``RETOLD_RAY_OWNER=<token>`` (a value unique to the run, which every process
of the instance inherits from the driver) or when it holds a file under the session folder
open for writing (each process of the instance writes its log files there). Both are looked for:
a process that retitles itself (``ray::DashboardAgent``, ``ray::IDLE``) may overwrite part of
its environment as ``/proc`` shows it. Processes are found through ``/proc``, so the watchdog runs
on Linux only; elsewhere Ray's own clean-up is all there is.

This module imports only the standard library: the watchdog runs it as a script, so that it
starts in a fraction of a second and holds no model or Ray state.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

OWNER_ENV = "RETOLD_RAY_OWNER"
GRACE_SECONDS = 1.0
GIVE_UP_SECONDS = 15.0


def marked_processes(
    token: str, folders: list[str], spare: frozenset[int] = frozenset(), proc: Path = Path("/proc")
) -> list[int]:
    """Live processes (not zombies) of the instance: ``RETOLD_RAY_OWNER=token`` in their
    environment, or a file under one of ``folders`` open for writing; never this one or those
    in ``spare``."""
    entry = f"{OWNER_ENV}={token}".encode()
    prefixes = tuple(os.path.realpath(f).rstrip("/") + "/" for f in folders)
    skip = spare | {os.getpid()}
    found = []
    for path in proc.iterdir():
        if not path.name.isdigit() or int(path.name) in skip:
            continue
        try:
            state = (path / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if state == "Z":
                continue
            marked = entry in (path / "environ").read_bytes().split(b"\0")
            if marked or _writes_under(path, prefixes):
                found.append(int(path.name))
        except (OSError, IndexError):  # gone meanwhile, or another user's
            continue
    return found


def _writes_under(path: Path, prefixes: tuple[str, ...]) -> bool:
    """Whether the process holds a file under one of ``prefixes`` open for writing (as Ray's
    processes hold their log files; a reader such as ``tail -f`` of a log is not matched)."""
    if not prefixes:
        return False
    for fd in (path / "fd").iterdir():
        try:
            if not os.readlink(fd).startswith(prefixes):
                continue
            info = (path / "fdinfo" / fd.name).read_text()
        except OSError:
            continue
        flags = next((ln.split()[1] for ln in info.splitlines() if ln.startswith("flags:")), "0")
        if int(flags, 8) & (os.O_WRONLY | os.O_RDWR):
            return True
    return False


def end_marked(
    token: str,
    folders: list[str],
    spare: frozenset[int] = frozenset(),
    grace: float = GRACE_SECONDS,
    give_up: float = GIVE_UP_SECONDS,
) -> int:
    """SIGTERM every process of the instance (``marked_processes``), SIGKILL what outlives
    ``grace``.

    Scans again until none is left (a dying raylet may still start a worker) or ``give_up``
    seconds have passed. Returns how many processes were signalled.
    """
    deadline = time.monotonic() + give_up
    signalled: set[int] = set()
    while time.monotonic() < deadline:
        pids = marked_processes(token, folders, spare)
        if not pids:
            break
        for pid in pids:
            sig = signal.SIGKILL if pid in signalled else signal.SIGTERM
            with contextlib.suppress(OSError):
                os.kill(pid, sig)
            signalled.add(pid)
        stop = min(deadline, time.monotonic() + grace)
        while time.monotonic() < stop and marked_processes(token, folders, spare):
            time.sleep(0.1)
    return len(signalled)


class Watchdog:
    """The driver's side: the token to put in Ray's environment, and the pipe to close."""

    def __init__(self, proc: subprocess.Popen[bytes], token: str) -> None:
        self.proc = proc
        self.token = token

    def watch(self, folder: str) -> None:
        """Also end the processes writing files under ``folder`` (the session folder)."""
        if self.proc.stdin is None or "\n" in folder:
            return
        try:
            self.proc.stdin.write(folder.encode() + b"\n")
            self.proc.stdin.flush()
        except OSError:  # the watchdog is gone: Ray's own clean-up remains
            pass

    def close(self, wait: float = GIVE_UP_SECONDS + 5) -> None:
        """Let the watchdog end what is left of the instance (after ``ray.shutdown``)."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=wait)


def start() -> Watchdog | None:
    """Start the watchdog (None where processes cannot be listed through ``/proc``)."""
    if not sys.platform.startswith("linux") or not Path("/proc/self/environ").exists():
        return None
    token = f"{os.getpid()}-{secrets.token_hex(8)}"
    env = {k: v for k, v in os.environ.items() if k != OWNER_ENV}
    proc = subprocess.Popen(
        [sys.executable, "-I", str(Path(__file__)), token, str(os.getpid())],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=env,
        # its own session: a Ctrl-C or a kill of the driver's process group must not end it
        # before it has done its work
        start_new_session=True,
    )
    return Watchdog(proc, token)


def main(argv: list[str]) -> int:
    """Read session folders, one a line, until the driver's end (EOF on stdin), then end the
    instance's processes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # the driver is spared: at a normal end it still holds its own log file in the session
    token, driver = argv[1], int(argv[2])
    folders = [line.decode("utf-8", "replace").strip() for line in sys.stdin.buffer]
    end_marked(token, [f for f in folders if f], frozenset({driver}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
