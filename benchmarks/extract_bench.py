"""HTML extraction benchmark: retold's extractor beside trafilatura, on the same pages.

Usage:
    python benchmarks/extract_bench.py --pages 500
    python benchmarks/extract_bench.py --pages 200 --show story-div

Renders synthetic news articles (``retold.bench.synth``) in each page layout of
``retold.bench.warcgen`` (navigation, link bars, advertisements, share buttons, author boxes,
reader comments, table layouts) and extracts their text twice, in one process:

- ``retold``: ``retold.readers.html.html_to_text`` (Resiliparse main content, then the run of
  prose blocks), text and metadata;
- ``trafilatura``: ``trafilatura.bare_extraction`` with the settings retold used before
  (``fast=True``, ``precision=True``, no comments, no tables), text only.

For each it prints pages/s and, against the article as generated, word recall (share of the
article's words found) and word precision (share of the extracted words that are the
article's; the headline counts as extra), then how many pages both extractors agree on
(word sequences at least 95% alike). Needs the bench extra (``pip install 'retold[bench]'``).
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from collections.abc import Callable
from difflib import SequenceMatcher
from typing import Any

from retold.bench.synth import SynthConfig, generate
from retold.bench.warcgen import LAYOUTS, article_page
from retold.readers.html import html_to_text

_WORD = re.compile(r"\w+")
NEAR = 0.95


def retold_text(page: str) -> str:
    return html_to_text(page, bare_text=False)[0]


def trafilatura_extractor() -> Callable[[str], str]:
    import trafilatura
    from trafilatura.settings import Extractor
    from trafilatura.utils import load_html

    options = Extractor(
        output_format="python", fast=True, precision=True, comments=False, tables=False
    )

    def extract(page: str) -> str:
        found: Any = trafilatura.bare_extraction(load_html(page), options=options)
        text = found.text if found is not None and found.text else ""
        return "\n\n".join(p.strip() for p in text.split("\n") if p.strip())

    return extract


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def scores(truth: str, got: str) -> tuple[float, float]:
    """Word recall and precision of ``got`` against ``truth`` (multisets of words)."""
    t, g = Counter(words(truth)), Counter(words(got))
    common = sum((t & g).values())
    return common / max(1, sum(t.values())), common / max(1, sum(g.values()))


def alike(a: str, b: str) -> bool:
    return SequenceMatcher(None, words(a), words(b), autojunk=False).ratio() >= NEAR


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--pages", type=int, default=500, help="articles, each in every layout")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--show", choices=LAYOUTS, help="print both extracts of one page")
    args = ap.parse_args()

    docs = list(generate(args.pages, SynthConfig(seed=args.seed)))
    extractors = {"retold": retold_text, "trafilatura": trafilatura_extractor()}
    for f in extractors.values():  # imports and first-call set-up stay out of the timing
        f(article_page(docs[0]))
    print(f"{args.pages:,} articles per layout, one process")
    print(f"{'layout':<10} {'extractor':<12} {'pages/s':>8} {'recall':>7} {'precision':>9}")
    total: dict[str, float] = Counter()
    agree = 0
    for layout in LAYOUTS:
        pages = [article_page(d, layout=layout) for d in docs]
        out: dict[str, list[str]] = {}
        for name, extract in extractors.items():
            t = time.perf_counter()
            out[name] = [extract(p) for p in pages]
            seconds = time.perf_counter() - t
            total[name] += seconds
            rp = [scores(d.text, got) for d, got in zip(docs, out[name], strict=True)]
            recall = sum(r for r, _ in rp) / len(rp)
            precision = sum(p for _, p in rp) / len(rp)
            print(
                f"{layout:<10} {name:<12} {len(pages) / seconds:8,.0f} {recall:7.3f}"
                f" {precision:9.3f}"
            )
        same = sum(alike(a, b) for a, b in zip(out["retold"], out["trafilatura"], strict=True))
        agree += same
        print(f"{layout:<10} {'alike':<12} {same:>8,} of {len(pages):,} pages")
        if args.show == layout:
            for name in extractors:
                print(f"--- {name}\n{out[name][0]}\n")
    n = args.pages * len(LAYOUTS)
    r, t = n / total["retold"], n / total["trafilatura"]
    print(
        f"all layouts: retold {r:,.0f} pages/s, trafilatura {t:,.0f} pages/s"
        f" ({r / t:.1f}x); alike on {agree:,} of {n:,} pages"
    )


if __name__ == "__main__":
    main()
