"""retold: find rewritten copies of news articles and show exactly how they were rewritten.

Example:
    >>> import retold
    >>> c = retold.compare(
    ...     "The storm hit the coast on Monday.", "On Monday the storm hit the coast."
    ... )
    >>> c.verdict.is_reuse
    True
"""

from __future__ import annotations

__version__ = "0.1.0"

# the module and the function share a name: bind the function after the submodule import
from retold.pair.compare import Comparer, compare

__all__ = ["Comparer", "__version__", "compare"]
