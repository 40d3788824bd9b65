"""A tiny collection with planted copies, written for the viewer tests."""

from __future__ import annotations

from typing import Any

from retold.documents import Document

SOURCE_ID = "metro/tram-depot.txt"
REWRITE_ID = "wire/tram-depot-rewrite.txt"
EVIL_ID = 'evil/"><img src=x onerror=alert(1)>.txt'
MATCH_ID = "sport/rowing.txt"
MATCH_COPY_ID = "sport/rowing-copy.txt"
LONE_ID = "misc/garden.txt"

SOURCE = (
    "Tram depot to close for six weeks\n\n"
    "The Ostrava tram depot will close for six weeks from 3 June while engineers replace "
    "its roof, the transport office said on Monday. "
    "Director Halina Brezova said 42 trams would be parked at a temporary yard near the river. "
    "Night services on lines 4 and 9 will be replaced by buses.\n\n"
    "The repairs will cost 18 million crowns, paid from the city's maintenance fund. "
    "Brezova said the old roof had leaked since a storm in 2019."
)
REWRITE = (
    "Ostrava's tram depot is to shut for six weeks starting on 3 June so that engineers can "
    "put in a new roof, according to the transport office. "
    "Director Halina Brezowa said 40 trams would be kept at a temporary yard close to the river. "
    "Buses will replace night services on lines 4 and 9.\n\n"
    "The work will cost 18 million crowns from the maintenance fund of the city. "
    "A cafe near the depot said it expected fewer customers."
)
EVIL = (
    "The Ostrava tram depot will close for six weeks from 3 June while engineers replace "
    "its roof, the transport office said on Monday. "
    'Readers were shown <script>alert("planted")</script> as a code sample. '
    "One banner read <img src=x onerror=alert(1)> in plain sight."
)
MATCH = (
    "The Vltava rowing regatta drew 1,200 rowers on Saturday. "
    "Organisers said the water was calm and the wind light all morning. "
    "A crew from Brno won the eights by two lengths."
)
MATCH_COPY = (
    "The Vltava rowing regatta drew 1,200 rowers on Saturday. "
    "Organisers said the water was calm and the wind light all morning. "
    "A crew from Brno won the eights by two lengths."
)
LONE = "Gardeners in the north planted early potatoes after a mild winter. Frost is not expected."

DOCUMENTS = [
    Document(SOURCE_ID, SOURCE, title="Tram depot to close", published="2024-05-20"),
    Document(REWRITE_ID, REWRITE, title="Depot shuts for roof work", published="2024-05-21"),
    Document(EVIL_ID, EVIL, title='<script>alert("title")</script> depot', published="2024-05-22"),
    Document(MATCH_ID, MATCH, title="Regatta draws rowers", published="2024-08-10"),
    Document(MATCH_COPY_ID, MATCH_COPY, title="Regatta draws rowers", published="2024-08-11"),
    Document(LONE_ID, LONE, title="Early potatoes"),
]


def _member(doc: Document, role: str, verdict: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": doc.id,
        "role": role,
        "title": doc.title,
        "published": doc.published,
        "url": None,
    }
    if verdict is not None:
        entry.update(
            verdict=verdict,
            coverage={"source": 0.8, "copy": 0.9},
            similarity=0.77,
            direction={"source": "a", "confidence": 0.7, "reason": "published earlier"},
            links=[],
            source_only=[],
            copy_only=[],
            changes=[],
        )
    return entry


def cluster_lines() -> list[dict[str, Any]]:
    by_id = {d.id: d for d in DOCUMENTS}
    return [
        {
            "cluster": 0,
            "source": SOURCE_ID,
            "size": 3,
            "members": [
                _member(by_id[SOURCE_ID], "source"),
                _member(by_id[REWRITE_ID], "copy", "rewrite"),
                _member(by_id[EVIL_ID], "copy", "partial"),
            ],
        },
        {
            "cluster": 1,
            "source": MATCH_ID,
            "size": 2,
            "members": [
                _member(by_id[MATCH_ID], "source"),
                _member(by_id[MATCH_COPY_ID], "copy", "identical"),
            ],
        },
    ]
