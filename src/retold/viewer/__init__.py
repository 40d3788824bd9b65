"""The local web viewer behind ``retold serve``: clusters, pairs side by side, source checks.

Example:
    >>> from retold.documents import Document
    >>> from retold.viewer import MemoryStore, create_app
    >>> app = create_app(MemoryStore([Document("a.txt", "Storms hit the coast.")]))
    >>> type(app).__name__
    'Starlette'
"""

from __future__ import annotations

from retold.viewer.app import Viewer, create_app
from retold.viewer.store import Cluster, Member, MemoryStore, Store, read_clusters

__all__ = ["Cluster", "Member", "MemoryStore", "Store", "Viewer", "create_app", "read_clusters"]
