"""Benchmarks: synthetic corpora, stage timings with peak memory, MinHash anchors side by side.

Example:
    >>> from retold.bench.stages import components
    >>> components(4, [(0, 1), (2, 3)])
    [[0, 1], [2, 3]]
"""
