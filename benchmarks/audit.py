"""Audit of bad input and faults through the real command line.

Runs ``retold`` in subprocesses on inputs written to a temporary folder (invented texts, fixed
seed) and on faults (kill -9 and Ctrl-C mid-run, concurrent writers, a full disk simulated by
pointing the file being written at ``/dev/full``, an attack pass on the viewer), and prints one
line per case and the totals:

- a bad input is *handled* when the command exits with the expected code, prints no
  traceback and no internal error, and ends in one ``Error: ...`` line (or, for inputs a
  collection run skips, goes on with a ``warning:`` line);
- a fault is *survived* when nothing is lost: no worker process outlives a killed run, a
  rerun resumes to byte-identical output, an index holds exactly its documents, no partial
  file is left, and the viewer answers as documented.

Every subprocess has a time limit, and each case reports its peak memory (the largest RSS of
the command and the processes it waited for).

    .venv/bin/python benchmarks/audit.py
    .venv/bin/python benchmarks/audit.py --only viewer   # cases whose name holds "viewer"
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

WORDS = [
    "harbour",
    "council",
    "tram",
    "budget",
    "river",
    "bridge",
    "school",
    "farm",
    "market",
    "storm",
    "police",
    "court",
    "museum",
    "airport",
    "factory",
    "union",
    "election",
    "hospital",
    "forest",
    "railway",
    "ferry",
    "mayor",
    "minister",
    "strike",
]
FILL = ["the", "a", "of", "in", "on", "for", "with", "after", "before", "near", "under", "about"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS if i % 2 else FILL) for i in range(rng.randint(8, 14))]
    return " ".join(words).capitalize() + f" n{rng.randint(0, 10**6)}."


def article(rng: random.Random, n: int = 8) -> str:
    return "\n\n".join(" ".join(sentence(rng) for _ in range(2)) for _ in range(n // 2))


@dataclass
class Run:
    rc: int
    out: str
    err: str
    seconds: float
    peak_mb: float


def retold(
    args: list[str], cwd: Path, timeout: float = 180, env: dict[str, str] | None = None
) -> Run:
    """One ``retold`` command, killed with its process group past ``timeout``; its peak RSS
    comes from wait4 (the command and the children it reaped)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("RETOLD_DEBUG", None)
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "retold", *args],
            cwd=cwd,
            stdout=out,
            stderr=err,
            env=full_env,
            start_new_session=True,
        )
        timer = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL))
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text_out = out.read().decode("utf-8", "replace")
        text_err = err.read().decode("utf-8", "replace")
    if proc.returncode == -signal.SIGKILL:
        text_err += "\n[audit: timed out]"
    seconds = time.perf_counter() - t0
    return Run(proc.returncode, text_out, text_err, seconds, usage.ru_maxrss / 1024)


def clean_error(run: Run, codes: tuple[int, ...]) -> str:
    """Empty when ``run`` failed as it should: expected code, one Error line, no traceback."""
    if run.rc not in codes:
        return f"exit {run.rc}, expected {codes}: {run.err.strip()[-300:]}"
    if "Traceback" in run.err or "internal error" in run.err:
        return f"traceback or internal error: {run.err.strip()[-300:]}"
    lines = [x for x in run.err.splitlines() if x.strip()]
    errors = [x for x in lines if x.startswith("Error:")]
    if len(errors) != 1 or lines[-1] != errors[0]:
        return f"not one closing 'Error:' line: {run.err.strip()[-300:]}"
    return ""


def clean_ok(run: Run, warning: str | None = None) -> str:
    """Empty when ``run`` succeeded with no traceback (and a warning line holding ``warning``)."""
    if run.rc != 0:
        return f"exit {run.rc}: {run.err.strip()[-300:]}"
    if "Traceback" in run.err or "internal error" in run.err:
        return f"traceback: {run.err.strip()[-300:]}"
    if warning is not None and not any(
        line.startswith("warning:") and warning in line for line in run.err.splitlines()
    ):
        return f"no warning line about {warning!r}: {run.err.strip()[-300:]}"
    return ""


@dataclass
class Case:
    name: str
    kind: str  # "input" or "fault"
    check: Callable[[Path], tuple[str, float]]  # (problem or "", peak MB)
    tags: list[str] = field(default_factory=list)


def error_case(name: str, make: Callable[[Path], list[str]], codes: tuple[int, ...]) -> Case:
    def check(tmp: Path) -> tuple[str, float]:
        run = retold(make(tmp), tmp)
        return clean_error(run, codes), run.peak_mb

    return Case(name, "input", check)


def ok_case(name: str, make: Callable[[Path], list[str]], warning: str | None = None) -> Case:
    def check(tmp: Path) -> tuple[str, float]:
        run = retold(make(tmp), tmp)
        return clean_ok(run, warning), run.peak_mb

    return Case(name, "input", check)


def hint_case(
    name: str, command: str, make: Callable[[Path], list[str]], codes: tuple[int, ...]
) -> Case:
    """A clean error whose every ``--option`` exists in ``retold COMMAND --help``."""

    def check(tmp: Path) -> tuple[str, float]:
        run = retold(make(tmp), tmp)
        problem = clean_error(run, codes)
        if problem:
            return problem, run.peak_mb
        helped = retold([*command.split(), "--help"], tmp).out
        named = set(re.findall(r"--[a-z][a-z-]+", run.err))
        missing = sorted(o for o in named if not re.search(rf"{o}\b", helped))
        return (f"the hint names {missing}, which {command} lacks" if missing else ""), run.peak_mb

    return Case(name, "input", check)


# --- inputs -----------------------------------------------------------------------------------
def folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def corpus_folder(tmp: Path, n: int = 9, seed: int = 1) -> Path:
    rng = random.Random(seed)
    root = tmp / f"articles{seed}"
    texts = [article(rng) for _ in range(n)]
    for k, text in enumerate(texts):
        write(root / f"a{k}.txt", text)
    write(root / "copy.txt", texts[0] + "\n\nMore details will follow.")
    return root


def with_bad_files(tmp: Path) -> Path:
    root = corpus_folder(tmp)
    write(root / "empty.txt", "")
    write(root / "blob.txt", bytes(range(256)) * 8)
    return root


def one_long_line(n_chars: int, seed: int = 3) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < n_chars:
        w = rng.choice(WORDS + FILL) + str(rng.randint(0, 99))
        parts.append(w)
        size += len(w) + 1
    return " ".join(parts)


def many_sentences(n: int, seed: int = 4) -> str:
    rng = random.Random(seed)
    return " ".join(f"Lot {k} went to the {rng.choice(WORDS)}." for k in range(n))


def jsonl(path: Path, rows: list[object]) -> Path:
    return write(path, "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))


def html_article(path: Path, text: str) -> Path:
    """``text`` as a news page: headline, navigation, paragraphs."""
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    page = (
        "<html><head><title>Budget vote</title></head><body><nav>Home | News | Sport</nav>"
        f"<article><h1>Budget vote</h1>{paras}</article></body></html>"
    )
    return write(path, page)


def big_file(path: Path, size: int) -> Path:
    with path.open("wb") as f:
        f.truncate(size)  # sparse: no time spent writing it
    return path


def an_index(tmp: Path) -> Path:
    run = retold(["index", "add", str(corpus_folder(tmp)), "--index", "ix", "-q"], tmp)
    if run.rc:
        raise RuntimeError(f"index add failed: {run.err[-200:]}")
    return tmp / "ix"


def input_cases() -> list[Case]:
    rng = random.Random(7)
    text = article(rng)

    def a_txt(tmp: Path) -> Path:
        return write(tmp / "a.txt", text)

    cases = [
        error_case("compare: missing file", lambda t: ["compare", "nope.txt", str(a_txt(t))], (2,)),
        error_case(
            "compare: empty file",
            lambda t: ["compare", str(write(t / "e.txt", "")), str(a_txt(t))],
            (2,),
        ),
        error_case(
            "compare: whitespace only",
            lambda t: ["compare", str(write(t / "w.txt", " \n\t \n")), str(a_txt(t))],
            (2,),
        ),
        error_case(
            "compare: binary file",
            lambda t: ["compare", str(write(t / "b.txt", bytes(range(256)) * 64)), str(a_txt(t))],
            (2,),
        ),
        error_case(
            "compare: a folder instead of a file",
            lambda t: ["compare", str(corpus_folder(t)), str(a_txt(t))],
            (2,),
        ),
        ok_case(
            "compare: Latin-1 file",
            lambda t: ["compare", str(write(t / "l.txt", text.encode("latin-1"))), str(a_txt(t))],
        ),
        error_case(
            "compare: 21 MB file (over the reader limit)",
            lambda t: ["compare", str(write(t / "big.txt", "word " * 4_300_000)), str(a_txt(t))],
            (2,),
        ),
        error_case(
            "compare: 1.5 MB one-line text (over 1M characters)",
            lambda t: [
                "compare",
                str(write(t / "line.txt", one_long_line(1_500_000))),
                str(a_txt(t)),
            ],
            (2,),
        ),
        error_case(
            "compare: 6,000 sentences",
            lambda t: ["compare", str(write(t / "s.txt", many_sentences(6000))), str(a_txt(t))],
            (2,),
        ),
        error_case("compare: unknown model", lambda t: ["compare", "--demo", "-m", "huge"], (2,)),
        error_case(
            "compare: unknown format", lambda t: ["compare", "--demo", "--format", "xml"], (2,)
        ),
        error_case("compare: one argument", lambda t: ["compare", str(a_txt(t))], (2,)),
        error_case(
            "compare: HTML with no text",
            lambda t: [
                "compare",
                str(write(t / "x.html", "<html><script>x()</script></html>")),
                str(a_txt(t)),
            ],
            (2,),
        ),
        error_case("dedup: missing corpus", lambda t: ["dedup", "nope/", "-o", "c.jsonl"], (2,)),
        error_case(
            "dedup: empty folder",
            lambda t: ["dedup", str(folder(t / "empty")), "-o", "c.jsonl"],
            (2,),
        ),
        ok_case(
            "dedup: empty and binary files among articles",
            lambda t: ["dedup", str(with_bad_files(t)), "-o", "c.jsonl", "--lexical-only"],
            warning="empty.txt",
        ),
        ok_case(
            "dedup: JSONL with a malformed line",
            lambda t: [
                "dedup",
                str(jsonl(t / "c.jsonl", [{"id": "a", "text": text}, "{not json", {"id": "b"}])),
                "-o",
                "out.jsonl",
                "--lexical-only",
            ],
            warning="line 2",
        ),
        ok_case(
            "dedup: JSONL with duplicate ids",
            lambda t: [
                "dedup",
                str(jsonl(t / "d.jsonl", [{"id": "a", "text": text}, {"id": "a", "text": text}])),
                "-o",
                "out.jsonl",
                "--lexical-only",
            ],
            warning="a",
        ),
        error_case(
            "dedup: CSV without a text column",
            lambda t: ["dedup", str(write(t / "c.csv", "id,body\n1,hello\n")), "-o", "o.jsonl"],
            (2,),
        ),
        error_case(
            "dedup: .parquet that is not Parquet",
            lambda t: ["dedup", str(write(t / "c.parquet", "not parquet")), "-o", "o.jsonl"],
            (2,),
        ),
        error_case(
            "dedup: output under a file",
            lambda t: [
                "dedup",
                str(corpus_folder(t)),
                "-o",
                str(write(t / "file", "x") / "c.jsonl"),
                "--lexical-only",
            ],
            (2, 5),
        ),
        error_case(
            "dedup: threshold out of range",
            lambda t: ["dedup", str(corpus_folder(t)), "-o", "c.jsonl", "--threshold", "2"],
            (2,),
        ),
        error_case(
            "dedup: unknown format",
            lambda t: ["dedup", str(corpus_folder(t)), "-o", "c.csv", "--format", "csv"],
            (2,),
        ),
        error_case(
            "dedup: URL without the ray engine",
            lambda t: ["dedup", "s3://bucket/x/", "-o", "c.jsonl"],
            (2,),
        ),
        ok_case(
            "dedup: 2 MB one-line file among 9 articles (memory bounded)",
            lambda t: [
                "dedup",
                str(write(corpus_folder(t) / "line.txt", one_long_line(2_000_000)).parent),
                "-o",
                "c.jsonl",
                "-q",
            ],
        ),
        ok_case(
            "dedup: 5 MB article of 80,000 sentences (warned, left out)",
            lambda t: [
                "dedup",
                str(write(corpus_folder(t) / "huge.txt", many_sentences(80_000)).parent),
                "-o",
                "c.jsonl",
            ],
            warning="huge.txt",
        ),
        error_case(
            "index add: missing corpus", lambda t: ["index", "add", "nope/", "--index", "ix"], (2,)
        ),
        error_case(
            "index info: not an index",
            lambda t: ["index", "info", "--index", str(corpus_folder(t))],
            (2, 4),
        ),
        error_case(
            "index info: damaged database",
            lambda t: [
                "index",
                "info",
                "--index",
                str(write(t / "ix" / "index.sqlite", b"garbage" * 100).parent),
            ],
            (4,),
        ),
        ok_case(
            "index add: 2 MB one-line file among 9 articles (memory bounded)",
            lambda t: [
                "index",
                "add",
                str(write(corpus_folder(t) / "line.txt", one_long_line(2_000_000)).parent),
                "--index",
                "ix",
                "-q",
            ],
        ),
        error_case("find: no index", lambda t: ["find", str(a_txt(t)), "--index", "none"], (2, 4)),
        ok_case(
            "compare: HTML article",
            lambda t: ["compare", str(html_article(t / "x.html", text)), str(a_txt(t))],
        ),
        ok_case(
            "dedup: HTML article among .txt articles",
            lambda t: [
                "dedup",
                str(html_article(corpus_folder(t) / "page.html", text).parent),
                "-o",
                "c.jsonl",
                "--lexical-only",
            ],
        ),
        ok_case(
            "index add: HTML article among .txt articles",
            lambda t: [
                "index",
                "add",
                str(html_article(corpus_folder(t) / "page.html", text).parent),
                "--index",
                "ix",
                "-q",
            ],
        ),
        ok_case(
            "dedup: README.TXT inside a corpus folder (skipped, said)",
            lambda t: [
                "dedup",
                str(write(corpus_folder(t) / "README.TXT", "Files a0 to a8 are articles.").parent),
                "-o",
                "c.jsonl",
                "--lexical-only",
            ],
            warning="README",
        ),
        hint_case(
            "dedup: CSV without an id column (hint names a real option)",
            "dedup",
            lambda t: [
                "dedup",
                str(write(t / "c.csv", f'title,text\nA,"{text[:200]}"\n')),
                "-o",
                "o.jsonl",
            ],
            (2,),
        ),
        hint_case(
            "find: 50 MB query file (hint names a real option)",
            "find",
            lambda t: ["find", str(big_file(t / "big.txt", 50 << 20)), "--index", str(an_index(t))],
            (2,),
        ),
        error_case(
            "eval: malformed pairs file",
            lambda t: ["eval", str(write(t / "p.jsonl", "{nope\n"))],
            (2,),
        ),
        error_case("eval: missing pairs file", lambda t: ["eval", "nope.jsonl"], (2,)),
        ok_case(
            "eval: pairs with an empty side",
            lambda t: [
                "eval",
                str(
                    jsonl(
                        t / "p.jsonl",
                        [
                            {"id": "x", "a": text, "b": text, "label": "identical"},
                            {"id": "y", "a": text, "b": "", "reuse": False},
                        ],
                    )
                ),
            ],
        ),
        error_case("serve: nothing to serve", lambda t: ["serve"], (2,)),
        error_case("serve: port out of range", lambda t: ["serve", "-p", "70000"], (2,)),
        error_case(
            "serve: clusters file that is not one",
            lambda t: [
                "serve",
                str(write(t / "c.jsonl", "{}\n")),
                "--corpus",
                str(corpus_folder(t)),
            ],
            (2,),
        ),
        error_case(
            "serve: clusters without a corpus",
            lambda t: ["serve", str(write(t / "c.jsonl", "{}\n"))],
            (2,),
        ),
        Case("serve: --host 0.0.0.0 (banner and warning)", "input", wildcard_banner),
        error_case("unknown command", lambda t: ["dedupe"], (2,)),
    ]
    return cases


def wildcard_banner(tmp: Path) -> tuple[str, float]:
    """``--host 0.0.0.0`` must show the address really bound and warn on stderr."""
    args = ["serve", "--corpus", str(corpus_folder(tmp)), "-p", "0", "--host", "0.0.0.0"]
    proc = start(args, tmp)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        time.sleep(1)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
    if "every interface (0.0.0.0)" not in line:
        return f"banner hides the wildcard bind: {line.strip()}", 0.0
    if not err.startswith("warning: any machine that can reach this one"):
        return f"no warning: {err[-200:]}", 0.0
    return "", 0.0


# --- faults -----------------------------------------------------------------------------------
def synth_corpus(path: Path, n: int) -> Path:
    from retold.bench.synth import generate

    with path.open("w", encoding="utf-8") as f:
        for d in generate(n):
            f.write(json.dumps(d.to_dict()) + "\n")
    return path


def children_of(pid: int) -> list[int]:
    """Every descendant of ``pid`` (read from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    out, frontier = [], [pid]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parents.items() if pp == p]
        out += kids
        frontier += kids
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "retold", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def interrupted_dedup(sig: int) -> Callable[[Path], tuple[str, float]]:
    """Stop a 2-worker dedup mid-run with ``sig``; workers must go, a rerun must resume to the
    same bytes as an uninterrupted run."""

    def check(tmp: Path) -> tuple[str, float]:
        # lexical-only keeps the three runs short; the worker pool and the resume are the same
        corpus = synth_corpus(tmp / "corpus.jsonl", 3000)
        base = ["dedup", str(corpus), "--num-cpus", "2", "--lexical-only", "-q"]
        clean = retold([*base, "-o", "clean.jsonl"], tmp, timeout=300)
        if clean.rc != 0:
            return f"clean run failed: {clean.err[-300:]}", clean.peak_mb
        args = [*base, "-o", "out.jsonl", "--work-dir", "work"]
        proc = start(args, tmp)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list((tmp / "work").glob("prepared/batch-*")):
            time.sleep(0.05)
        kids = children_of(proc.pid)
        if not kids:
            os.killpg(proc.pid, signal.SIGKILL)
            return "no worker was running when the signal was sent", 0.0
        # a terminal's Ctrl-C reaches the whole process group; kill -9 only the parent
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)
        else:
            os.kill(proc.pid, sig)
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            return "did not stop within 30 s", 0.0
        wait_until = time.monotonic() + 10
        while time.monotonic() < wait_until and any(alive(k) for k in kids):
            time.sleep(0.1)
        survivors = [k for k in kids if alive(k)]
        if survivors:
            for k in survivors:
                os.kill(k, signal.SIGKILL)
            return f"{len(survivors)} processes survived the parent", 0.0
        if sig == signal.SIGINT and (proc.returncode != 130 or "Traceback" in err):
            return f"Ctrl-C gave exit {proc.returncode}: {err[-300:]}", 0.0
        again = retold(args, tmp, timeout=300)
        if again.rc != 0:
            return f"rerun failed: {again.err[-300:]}", again.peak_mb
        same = (tmp / "out.jsonl").read_bytes() == (tmp / "clean.jsonl").read_bytes()
        return ("" if same else "resumed output differs from a clean run"), max(
            clean.peak_mb, again.peak_mb
        )

    return check


def instance_processes(root: str) -> list[int]:
    """Live processes of the Ray instance started with ``RAY_TMPDIR=root``: that entry in their
    environment or a file open under ``root`` (read from /proc)."""
    entry, found = f"RAY_TMPDIR={root}".encode(), []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or not alive(int(proc.name)):
            continue
        try:
            mine = entry in (proc / "environ").read_bytes().split(b"\0")
            for fd in (proc / "fd").iterdir() if not mine else ():
                with contextlib.suppress(OSError):
                    mine = mine or os.readlink(fd).startswith(root + "/")
        except OSError:
            continue
        if mine:
            found.append(int(proc.name))
    return found


def killed_ray_dedup(tmp: Path) -> tuple[str, float]:
    """kill -9 of a ``--engine ray`` driver that started its own Ray: no process of that
    instance may be left 10 s later, and the rerun must resume to the local engine's bytes."""
    try:
        import ray  # noqa: F401
    except ImportError:
        return "not run: the ray extra is not installed", 0.0
    corpus = synth_corpus(tmp / "corpus.jsonl", 1500)
    base = ["dedup", str(corpus), "--num-cpus", "2", "--lexical-only", "-q"]
    clean = retold([*base, "-o", "clean.jsonl"], tmp, timeout=300)
    if clean.rc != 0:
        return f"local run failed: {clean.err[-300:]}", clean.peak_mb
    root = tempfile.mkdtemp(prefix="rt-", dir="/tmp")  # Ray's socket paths must stay short
    env = {"RAY_TMPDIR": root}
    args = [*base, "-o", "out.jsonl", "--engine", "ray", "--work-dir", "work"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "retold", *args],
        cwd=tmp,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **env},
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        marker = tmp / "work" / "1-documents" / "_SUCCESS"
        while time.monotonic() < deadline and not marker.exists() and proc.poll() is None:
            time.sleep(0.05)
        if proc.poll() is not None or not marker.exists():
            return "the driver ended or wrote nothing before the kill", 0.0
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        wait_until = time.monotonic() + 10
        while time.monotonic() < wait_until and instance_processes(root):
            time.sleep(0.2)
        survivors = instance_processes(root)
        for pid in survivors:
            os.kill(pid, signal.SIGKILL)
        if survivors:
            return f"{len(survivors)} Ray processes outlived the driver by 10 s", 0.0
        again = retold(args, tmp, timeout=300, env=env)
        if again.rc != 0:
            return f"rerun failed: {again.err[-300:]}", again.peak_mb
        same = (tmp / "out.jsonl").read_bytes() == (tmp / "clean.jsonl").read_bytes()
        return ("" if same else "resumed output differs from the local engine's"), again.peak_mb
    finally:
        proc.kill()
        shutil.rmtree(root, ignore_errors=True)


def killed_index_add(tmp: Path) -> tuple[str, float]:
    corpus = synth_corpus(tmp / "corpus.jsonl", 2500)
    args = ["index", "add", str(corpus), "--index", "ix", "-q", "--num-cpus", "2"]
    proc = start(args, tmp)
    deadline = time.monotonic() + 120
    db = tmp / "ix" / "index.sqlite"
    while time.monotonic() < deadline and (not db.exists() or db.stat().st_size < 1 << 20):
        time.sleep(0.05)
    kids = children_of(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    time.sleep(3)
    if any(alive(k) for k in kids):
        return "workers survived kill -9", 0.0
    again = retold(args, tmp, timeout=300)
    info = retold(["index", "info", "--index", "ix"], tmp)
    if again.rc or info.rc:
        return f"rerun or info failed: {again.err[-200:]} {info.err[-200:]}", again.peak_mb
    data = json.loads(info.out)
    ok = data["documents"] == data["vectors"] == 2500
    return ("" if ok else f"index holds {data}"), again.peak_mb


def concurrent_index_add(tmp: Path) -> tuple[str, float]:
    halves = [synth_corpus(tmp / "all.jsonl", 1200)]
    lines = halves[0].read_text(encoding="utf-8").splitlines(keepends=True)
    one = write(tmp / "one.jsonl", "".join(lines[:700]))
    two = write(tmp / "two.jsonl", "".join(lines[500:]))
    procs = [
        start(["index", "add", str(p), "--index", "ix", "-q", "--num-cpus", "1"], tmp)
        for p in (one, two)
    ]
    errs = [p.communicate(timeout=300)[1] for p in procs]
    if any(p.returncode for p in procs):
        return f"a writer failed: {errs}", 0.0
    info = json.loads(retold(["index", "info", "--index", "ix"], tmp).out)
    ok = info["documents"] == info["vectors"] == 1200
    return ("" if ok else f"index holds {info}"), 0.0


def full_disk_dedup(tmp: Path) -> tuple[str, float]:
    corpus = corpus_folder(tmp)
    # the temporary output file points at /dev/full: every write fails with ENOSPC
    os.symlink("/dev/full", tmp / "c.jsonl.tmp")
    run = retold(["dedup", str(corpus), "-o", "c.jsonl", "--lexical-only", "-q"], tmp)
    problem = clean_error(run, (5,))
    if not problem and "no space left on device at c.jsonl" not in run.err:
        problem = f"does not say no space: {run.err[-200:]}"
    leftovers = [p.name for p in tmp.iterdir() if p.name.startswith("c.jsonl")]
    if not problem and leftovers:
        problem = f"left {leftovers}"
    return problem, run.peak_mb


def full_disk_index(tmp: Path) -> tuple[str, float]:
    corpus = corpus_folder(tmp)
    first = retold(["index", "add", str(corpus), "--index", "ix", "-q"], tmp)
    if first.rc:
        return f"first add failed: {first.err[-200:]}", first.peak_mb
    more = write(tmp / "more" / "m.txt", article(random.Random(99)))
    vec = tmp / "ix" / "vectors.usearch.tmp"
    os.symlink("/dev/full", vec)  # the next vector file goes to a full device
    before = (tmp / "ix" / "vectors.usearch").read_bytes()
    run = retold(["index", "add", str(more.parent), "--index", "ix", "-q"], tmp)
    problem = clean_error(run, (5,))
    if not problem and "vectors.usearch" not in run.err:
        problem = f"does not name the vector file: {run.err[-200:]}"
    if not problem and (vec.exists() or vec.is_symlink()):
        problem = "the temporary vector file was left behind"
    if not problem and (tmp / "ix" / "vectors.usearch").read_bytes() != before:
        problem = "the saved vector file was replaced by a partial one"
    info = retold(["index", "info", "--index", "ix"], tmp)  # must not write
    if not problem and info.rc:
        problem = f"index info failed: {info.err[-200:]}"
    again = retold(["index", "add", str(more.parent), "--index", "ix", "-q"], tmp)
    data = json.loads(retold(["index", "info", "--index", "ix"], tmp).out)
    if not problem and (again.rc or data["documents"] != 11 or data["vectors"] != 11):
        problem = f"after freeing space: rc {again.rc}, {data}"
    return problem, run.peak_mb


@contextmanager
def small_disk(root: Path, size: str) -> Iterator[Path | None]:
    """A tmpfs of ``size`` mounted under ``root`` (None where mounting is not allowed)."""
    mnt = root / "small-disk"
    mnt.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], capture_output=True
    )
    if mounted.returncode:
        yield None
        return
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def full_disk_sqlite(tmp: Path) -> tuple[str, float]:
    """An index on a small disk that fills up during add: one line, whole batches kept, and
    after space is freed a rerun completes."""
    with small_disk(tmp, "3m") as disk:
        if disk is None:
            return "not run: mounting a small tmpfs is not allowed here", 0.0
        corpus = synth_corpus(tmp / "corpus.jsonl", 1500)
        args = ["index", "add", str(corpus), "--index", str(disk / "ix"), "-q", "--num-cpus", "1"]
        run = retold(args, tmp, timeout=300)
        problem = clean_error(run, (5,))
        if not problem and "no space left on device at" not in run.err:
            problem = f"does not say no space: {run.err[-200:]}"
        info = retold(["index", "info", "--index", str(disk / "ix")], tmp)  # must not write
        if not problem and info.rc:
            problem = f"index info failed on the full disk: {info.err[-200:]}"
        stored = json.loads(info.out)["documents"] if not info.rc else -1
        subprocess.run(["mount", "-o", "remount,size=256m", str(disk)], capture_output=True)
        again = retold(args, tmp, timeout=300)
        data = json.loads(retold(["index", "info", "--index", str(disk / "ix")], tmp).out)
        if not problem and (again.rc or data["documents"] != 1500 or data["vectors"] != 1500):
            problem = f"after freeing space: rc {again.rc}, {data}"
        if not problem and not 0 <= stored < 1500:
            problem = f"the full disk stored {stored} documents"
        return problem, max(run.peak_mb, again.peak_mb)


def viewer_attack(tmp: Path) -> tuple[str, float]:
    corpus = corpus_folder(tmp)
    proc = start(["serve", "--corpus", str(corpus), "-p", "0"], tmp)
    problems: list[str] = []
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        port = int(line.split("http://127.0.0.1:", 1)[1].split("/", 1)[0])

        def ask(
            method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
        ) -> tuple[int, dict[str, str], str]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            hdrs = {"Host": f"127.0.0.1:{port}", **(headers or {})}
            if body is not None:
                hdrs["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            text = r.read().decode("utf-8", "replace")
            conn.close()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, text

        form = urlencode({"text": article(random.Random(5))})
        expected = [
            (
                "cross-origin post",
                "POST",
                "/check.json",
                form,
                {"Origin": "http://evil.example"},
                403,
            ),
            (
                "cross-site fetch",
                "POST",
                "/check.json",
                form,
                {"Sec-Fetch-Site": "cross-site"},
                403,
            ),
            (
                "same-origin post",
                "POST",
                "/check.json",
                form,
                {"Origin": f"http://127.0.0.1:{port}"},
                200,
            ),
            (
                "5,100 sentences",
                "POST",
                "/check.json",
                urlencode({"text": many_sentences(5100)}),
                {},
                413,
            ),
            (
                "field over 1 MiB",
                "POST",
                "/check.json",
                urlencode({"text": "w" * (1 << 20) + "w"}),
                {},
                413,
            ),
            ("foreign Host", "GET", "/", None, {"Host": "rebound.example"}, 400),
            ("traversal", "GET", "/static/..%2f..%2f..%2fetc%2fpasswd", None, {}, 404),
            ("unknown id", "GET", "/doc?id=../../etc/passwd", None, {}, 404),
            (
                "script in a query",
                "GET",
                "/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
                None,
                {},
                200,
            ),
        ]
        for name, method, path, body, headers, status in expected:
            got, hdrs, text = ask(method, path, body, headers)
            if got != status:
                problems.append(f"{name}: {got}, expected {status}")
            if "content-security-policy" not in hdrs or "x-frame-options" not in hdrs:
                problems.append(f"{name}: no security headers")
            if "<script>alert(1)" in text:
                problems.append(f"{name}: script reflected")
    except Exception as exc:  # the audit reports, it does not stop
        problems.append(f"viewer: {type(exc).__name__}: {exc}")
    finally:
        kids = children_of(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        time.sleep(1)
        if any(alive(k) for k in kids):
            problems.append("processes survived kill -9 of the viewer")
    return "; ".join(problems), 0.0


def fault_cases() -> list[Case]:
    return [
        Case("fault: kill -9 mid dedup, rerun resumes", "fault", interrupted_dedup(signal.SIGKILL)),
        Case("fault: Ctrl-C mid dedup, rerun resumes", "fault", interrupted_dedup(signal.SIGINT)),
        Case("fault: kill -9 mid ray dedup, no Ray process left", "fault", killed_ray_dedup),
        Case("fault: kill -9 mid index add, rerun completes", "fault", killed_index_add),
        Case("fault: two concurrent index add", "fault", concurrent_index_add),
        Case("fault: full disk writing the clusters", "fault", full_disk_dedup),
        Case("fault: full disk saving index vectors", "fault", full_disk_index),
        Case("fault: full disk under the index database", "fault", full_disk_sqlite),
        Case("fault: viewer attack pass", "fault", viewer_attack),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="", help="run only cases whose name holds this text")
    args = ap.parse_args()
    cases = [c for c in input_cases() + fault_cases() if args.only in c.name]
    tally = {"input": [0, 0], "fault": [0, 0]}
    t_all = time.perf_counter()
    for case in cases:
        with tempfile.TemporaryDirectory(prefix="retold-audit-") as tmp:
            t0 = time.perf_counter()
            try:
                problem, peak = case.check(Path(tmp))
            except Exception as exc:  # a broken case counts as not handled
                problem, peak = f"audit case failed: {type(exc).__name__}: {exc}", 0.0
            seconds = time.perf_counter() - t0
        tally[case.kind][0] += 1
        tally[case.kind][1] += not problem
        mark = "ok  " if not problem else "FAIL"
        peak_text = f"{peak:7.0f} MB" if peak else "       -  "
        print(
            f"{mark} {seconds:6.1f} s {peak_text}  {case.name}"
            + (f"\n       {problem}" if problem else "")
        )
        sys.stdout.flush()
    print()
    print(f"bad inputs: {tally['input'][0]} tried, {tally['input'][1]} handled cleanly")
    print(f"faults: {tally['fault'][0]} tried, {tally['fault'][1]} survived with nothing lost")
    print(f"total {time.perf_counter() - t_all:.0f} s")
    return (
        0
        if tally["input"][0] == tally["input"][1] and tally["fault"][0] == tally["fault"][1]
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
