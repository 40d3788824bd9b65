"""Evaluation: gold pairs files, readers for public data sets, metrics and the runner.

Example:
    >>> from retold.eval.metrics import binary_prf
    >>> binary_prf([True, False], [True, True]).precision
    0.5
"""

from __future__ import annotations

from retold.eval.pairs import GoldPair, Passage, iter_pairs, read_pairs, write_pairs

__all__ = ["GoldPair", "Passage", "iter_pairs", "read_pairs", "write_pairs"]
