"""Collection stages: fingerprints, candidate pairs, verification and clusters.

Each stage is a plain function over arrays or iterators; the engines in ``retold.engines`` only
decide where they run.
"""
