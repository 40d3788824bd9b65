"""Pair comparison: sentence similarity, alignment, the verdict, changes and the one-call API.

``similarity`` and ``align`` are pure maths over matrices; ``verdict`` turns an alignment into a
verdict, coverage and direction; ``changes`` lists what a reader should look at; ``compare``
ties them to a model.
"""
