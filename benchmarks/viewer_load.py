"""Loopback load test of ``retold serve`` on a synthetic collection.

Writes a synthetic corpus (default 10,000 articles; invented words, fixed seed) and a clusters
file in the ``retold dedup`` format, starts ``retold serve`` on 127.0.0.1 with a free port in a
subprocess, then sends a bounded number of requests (default 2,000) from concurrent clients
(default 16), mostly pair pages, and prints errors and latency percentiles per kind of page.
Requests go to 127.0.0.1 only, and the script stops the server it started.

    .venv/bin/python benchmarks/viewer_load.py
    .venv/bin/python benchmarks/viewer_load.py --docs 10000 --requests 2000 --clients 16 --pairs 400

``--pairs N`` draws pair pages from N (source, copy) pairs: with the server's default cache of
256 comparisons, a pool larger than that makes most pair requests compute their comparison.

``--slots-too N`` first runs the same load against a server computing up to N comparisons at
once (the viewer's ``COMPARE_SLOTS``, set in the server process; 64 is more than its thread
pool, i.e. unbounded), then against the default server, and prints the two side by side.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

SYLLABLES = [
    "ka",
    "ro",
    "ven",
    "ta",
    "mi",
    "sol",
    "dar",
    "en",
    "li",
    "port",
    "gra",
    "nu",
    "bel",
    "os",
    "tri",
    "ma",
    "hal",
    "ed",
    "sun",
    "cor",
    "vi",
    "lem",
    "an",
    "dus",
    "pe",
    "rin",
    "to",
    "gal",
]


def vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))))
    return sorted(words)


def sentence(rng: random.Random, vocab: list[str]) -> str:
    ws = [rng.choice(vocab) for _ in range(rng.randint(10, 24))]
    if rng.random() < 0.3:
        ws.insert(rng.randrange(len(ws)), str(rng.randint(2, 5000)))
    return " ".join(ws).capitalize() + "."


def article(rng: random.Random, vocab: list[str]) -> list[str]:
    return [sentence(rng, vocab) for _ in range(rng.randint(8, 16))]


def rewrite(rng: random.Random, vocab: list[str], sentences: list[str]) -> list[str]:
    out = []
    for s in sentences:
        if rng.random() < 0.1:
            continue
        ws = s.rstrip(".").split()
        ws = [rng.choice(vocab) if rng.random() < 0.15 else w for w in ws]
        out.append(" ".join(ws).capitalize() + ".")
    out.append(sentence(rng, vocab))
    return out


def text_of(sentences: list[str]) -> str:
    return "\n\n".join(" ".join(sentences[k : k + 3]) for k in range(0, len(sentences), 3))


def build(folder: Path, n_docs: int, seed: int) -> tuple[Path, Path, list[tuple[str, str]]]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    docs: list[dict[str, object]] = []
    clusters: list[dict[str, object]] = []
    pairs: list[tuple[str, str]] = []
    while len(docs) < n_docs:
        base = article(rng, vocab)
        day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        sid = f"{rng.choice(['metro', 'world', 'sport', 'business'])}/{len(docs):05d}.txt"
        docs.append(
            {
                "id": sid,
                "title": " ".join(base[0].split()[:6]),
                "published": day,
                "text": text_of(base),
            }
        )
        copies = rng.choice([0, 0, 1, 1, 2, 3]) if len(docs) < n_docs - 3 else 0
        members: list[dict[str, object]] = [
            {"id": sid, "role": "source", "title": docs[-1]["title"], "published": day, "url": None}
        ]
        for _ in range(copies):
            cid = f"wire/{len(docs):05d}.txt"
            docs.append(
                {
                    "id": cid,
                    "title": f"Copy of {docs[-1]['title']}",
                    "published": day,
                    "text": text_of(rewrite(rng, vocab, base)),
                }
            )
            members.append(
                {
                    "id": cid,
                    "role": "copy",
                    "title": docs[-1]["title"],
                    "published": day,
                    "url": None,
                    "verdict": "rewrite",
                    "coverage": {"source": 0.85, "copy": 0.9},
                    "similarity": 0.8,
                    "direction": {"source": "a", "confidence": 0.5, "reason": "synthetic"},
                    "links": [],
                    "source_only": [],
                    "copy_only": [],
                    "changes": [],
                }
            )
            pairs.append((sid, cid))
        if copies:
            clusters.append({"source": sid, "size": len(members), "members": members})
    clusters.sort(key=lambda c: (-int(c["size"]), str(c["source"])))  # type: ignore[call-overload]
    corpus, clusters_path = folder / "corpus.jsonl", folder / "clusters.jsonl"
    with corpus.open("w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
    with clusters_path.open("w", encoding="utf-8") as f:
        for k, c in enumerate(clusters):
            f.write(json.dumps({"cluster": k, **c}) + "\n")
    return corpus, clusters_path, pairs


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=2_000)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--pairs", type=int, default=400, help="pool of pairs drawn from")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--slots-too", type=int, default=0, help="also run with this many slots")
    args = ap.parse_args()
    if not (1 <= args.requests <= 20_000 and 1 <= args.clients <= 64):
        ap.error("keep it bounded: --requests in [1, 20000], --clients in [1, 64]")

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        corpus, clusters, pairs = build(Path(tmp), args.docs, args.seed)
        print(
            f"synthetic corpus: {args.docs} articles, {len(pairs)} copy pairs "
            f"({time.perf_counter() - t0:.1f} s to write)"
        )
        variants = [(f"{args.slots_too} slots", args.slots_too)] if args.slots_too else []
        variants.append(("default slots", 0))
        results: list[tuple[str, int, float]] = []
        for label, slots in variants:
            print(f"--- server with {label}")
            errors, p95 = serve_and_load(corpus, clusters, pairs, args, slots)
            if errors < 0:
                return 1
            results.append((label, errors, p95))
        if len(results) == 2:
            (la, ea, pa), (lb, eb, pb) = results
            print(
                f"pair p95: {la} {pa * 1000:.0f} ms, {lb} {pb * 1000:.0f} ms "
                f"(ratio {pa / pb:.2f}); errors {ea} / {eb}"
            )
        return 1 if any(e for _, e, _ in results) else 0


def serve_and_load(
    corpus: Path,
    clusters: Path,
    pairs: list[tuple[str, str]],
    args: argparse.Namespace,
    slots: int,
) -> tuple[int, float]:
    """Start a server (``slots`` > 0: that many comparisons at once), load it, stop it.
    Returns the errors (-1: it did not start) and the pair pages' p95 in seconds."""
    setup = f"import retold.viewer.app as m; m.COMPARE_SLOTS = {slots}; " if slots else ""
    t0 = time.perf_counter()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            setup + "from retold.cli import main; main()",
            "serve",
            str(clusters),
            "--corpus",
            str(corpus),
            "-p",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        if "http://127.0.0.1:" not in line:
            print("server did not start:", line, file=sys.stderr)
            return -1, 0.0
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        print(f"server ready in {time.perf_counter() - t0:.1f} s (load corpus + model)")
        return run_load(port, pairs, args)
    finally:
        server.terminate()
        server.wait(timeout=10)


def run_load(
    port: int, pairs: list[tuple[str, str]], args: argparse.Namespace
) -> tuple[int, float]:
    rng = random.Random(args.seed)
    pool = rng.sample(pairs, min(args.pairs, len(pairs)))
    plan: list[tuple[str, str]] = []
    for _ in range(args.requests):
        r = rng.random()
        if r < 0.8:
            a, b = rng.choice(pool)
            plan.append(("pair", "/pair?" + urlencode({"a": a, "b": b})))
        elif r < 0.87:
            plan.append(("clusters", f"/?page={rng.randint(1, 5)}"))
        elif r < 0.94:
            plan.append(("cluster", f"/cluster/{rng.randint(0, 200)}.json"))
        else:
            plan.append(("search", "/search?q=" + rng.choice(SYLLABLES) + "ka"))
    # the first search builds the word index; do it before timing so it is not one outlier
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    t0 = time.perf_counter()
    conn.request("GET", "/search.json?q=warm")
    conn.getresponse().read()
    print(f"word index built on first search in {time.perf_counter() - t0:.2f} s")
    conn.close()

    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    cursor = iter(enumerate(plan))

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                item = next(cursor, None)
            if item is None:
                break
            _, (kind, path) = item
            start = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status = -1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    errors.append(f"{path}: {exc}")
            elapsed = time.perf_counter() - start
            with lock:
                latencies[kind].append(elapsed)
                if status not in (200, 404) or (status == 404 and kind != "cluster"):
                    errors.append(f"{path}: HTTP {status}")
        conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    total = sum(len(v) for v in latencies.values())
    print(
        f"{total} requests, {args.clients} clients, {wall:.1f} s, {total / wall:.0f} req/s, "
        f"errors: {len(errors)}"
    )
    print(f"{'page':<10} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind in ("pair", "clusters", "cluster", "search"):
        vals = latencies.get(kind, [])
        if vals:
            print(
                f"{kind:<10} {len(vals):>5} {percentile(vals, 50) * 1000:>8.0f} "
                f"{percentile(vals, 95) * 1000:>8.0f} {percentile(vals, 99) * 1000:>8.0f} "
                f"{max(vals) * 1000:>8.0f}"
            )
    for e in errors[:10]:
        print("error:", e)
    pair = latencies.get("pair", [])
    return len(errors), percentile(pair, 95) if pair else 0.0


if __name__ == "__main__":
    sys.exit(main())
