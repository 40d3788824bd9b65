"""Pair comparison: similarity, alignment, the trained decision, direction and explanations.

``similarity`` and ``align`` are pure maths over matrices (``crosslingual`` builds the matrices
of a translated pair); ``verdict`` measures coverage and links and turns them into a verdict,
weighing ``features`` with the shipped models of ``decision``; ``direction`` tells the source
from the copy; ``explain`` says how the copy was rewritten; ``changes`` and ``specifics`` list
what a reader should look at; ``compare`` ties them to a model.
"""
