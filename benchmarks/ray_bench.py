"""Ray engine versus the local engine on one machine, and 1 versus 2 Ray workers.

Generates a synthetic collection with planted copies (``retold.bench.synth``), runs the local
engine, then the Ray engine on a fresh local Ray instance of 1 and of 2 CPUs, checks that every
run gives the same clusters, and prints seconds per stage, documents per second and ratios.

    .venv/bin/python benchmarks/ray_bench.py --docs 10000
    .venv/bin/python benchmarks/ray_bench.py --docs 10000 --full     # with the fast model
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

from retold.bench.synth import generate
from retold.engines.local import DedupConfig, run_dedup
from retold.engines.ray import RayConfig, run_ray_dedup
from retold.readers import read_corpus


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=int, nargs="+", default=[10_000])
    ap.add_argument("--full", action="store_true", help="embeddings and semantic candidates")
    ap.add_argument("--cpus", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()

    import ray

    cfg = DedupConfig(lexical_only=not args.full)
    mode = "full (fast model)" if args.full else "lexical-only"
    tmp = Path(tempfile.mkdtemp(prefix="ray_bench_"))
    try:
        for n in args.docs:
            corpus = tmp / f"corpus-{n}.jsonl"
            with corpus.open("w", encoding="utf-8") as f:
                for doc in generate(n):
                    f.write(json.dumps(doc.to_dict()) + "\n")
            t0 = time.perf_counter()
            local = run_dedup(read_corpus(corpus), cfg, workers=max(args.cpus))
            t_local = time.perf_counter() - t0
            print(f"\n{n:,} documents, {mode}: {local.stats['candidates']:,} candidates, "
                  f"{local.stats['clusters']:,} clusters")  # fmt: skip
            print(
                f"  local engine, {max(args.cpus)} proc {t_local:8.1f} s  {n / t_local:8.0f} docs/s"
            )
            times = {}
            for cpus in args.cpus:
                t0 = time.perf_counter()
                ray.init(
                    num_cpus=cpus,
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level=logging.WARNING,
                )
                t_init = time.perf_counter() - t0
                work = tmp / f"work-{n}-{cpus}"
                rc = RayConfig(work_dir=str(work), workers=cpus, dedup=cfg)
                t0 = time.perf_counter()
                result = run_ray_dedup(str(corpus), rc)
                t_run = time.perf_counter() - t0
                t0 = time.perf_counter()
                again = run_ray_dedup(str(corpus), rc)
                t_resume = time.perf_counter() - t0
                ray.shutdown()
                same = result.records == local.records and again.records == local.records
                times[cpus] = t_run
                stages = ", ".join(f"{k[2:]} {v:.1f}" for k, v in result.stats["seconds"].items())
                print(f"  ray, {cpus} CPU{'s' if cpus > 1 else ' '}           {t_run:8.1f} s  "
                      f"{n / t_run:8.0f} docs/s  x{t_run / t_local:.2f} of local  "
                      f"(ray.init {t_init:.1f} s; rerun of a finished run {t_resume:.2f} s; "
                      f"same clusters as local: {same})")  # fmt: skip
                print(f"      stages (s): {stages}")
                shutil.rmtree(work, ignore_errors=True)
            if 1 in times and 2 in times:
                print(f"  speed-up 1 -> 2 CPUs  x{times[1] / times[2]:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
