"""Hand-built comparisons covering every row shape a renderer has to draw."""

from __future__ import annotations

import pytest

from retold.documents import (
    Alignment,
    Change,
    ChangeKind,
    Comparison,
    Direction,
    Document,
    Link,
    LinkKind,
    Verdict,
)
from retold.segment import segment

# written for these tests; sentence indices are listed beside each sentence
TEXT_A = (
    "Harbour Board Votes On Ferry Fares\n\n"  # 0 heading
    "The harbour board voted on Tuesday to raise ferry fares by 12 percent. "  # 1
    "Chair Ilse Varga said the rise would pay for two new boats. "  # 2
    "About 4,300 people use the ferry each day.\n\n"  # 3
    "Passengers arriving at the quay (Photo: Dock Images)\n\n"  # 4 caption
    'Varga told reporters: "We cannot run old boats for ever." '  # 5
    "Tricky text: [bold]not bold[/] and <script>alert(1)</script> & "  # 6
    "<img src=x onerror=alert(1)>. "
    "The new fares start in March."  # 7
)
TEXT_B = (
    "The city's harbour board agreed on Tuesday to raise ferry fares by 15 percent. "  # 0
    "The new fares start in March. "  # 1 (moved: A's last sentence)
    "Board chair Ilse Varg said higher fares would fund new vessels. "  # 2
    "Two boats will be bought. "  # 3
    "Some 4,300 passengers ride the ferry each day.\n\n"  # 4
    "Ferry users were not consulted, a passenger group said.\n\n"  # 5 B only
    'Varg told reporters: "We cannot keep old boats running."\n\n'  # 6
    "Tricky text: [bold]not bold[/] and <script>alert(1)</script> & "  # 7
    "<img src=x onerror=alert(1)>."
)


def make_comparison() -> Comparison:
    a = segment(Document("harbour-a.txt", TEXT_A, published="2024-03-01"))
    b = segment(Document("harbour-b.txt", TEXT_B))
    links = (
        Link((1,), (0,), 0.88, LinkKind.EDITED),
        Link((2,), (2, 3), 0.74, LinkKind.REWORDED),  # 1:2
        Link((3,), (4,), 0.81, LinkKind.EDITED),
        Link((5,), (6,), 0.8, LinkKind.EDITED),
        Link((6,), (7,), 1.0, LinkKind.IDENTICAL),
        Link((7,), (1,), 1.0, LinkKind.IDENTICAL, moved=True),
    )
    alignment = Alignment(links, a_only=(0, 4), b_only=(5,))
    changes = (
        Change(ChangeKind.NAME_VARIANT, "Varga", "Varg", 2, 2),
        Change(ChangeKind.NUMBER_DIFFERS, "12 percent", "15 percent", 1, 0),
        Change(ChangeKind.NUMBER_AGREES, "4,300", "4,300", 3, 4),
        Change(
            ChangeKind.QUOTE_ALTERED,
            "We cannot run old boats for ever.",
            "We cannot keep old boats running.",
            5,
            6,
        ),
        Change(ChangeKind.ONE_SIDE_ONLY, a=None, b=None, a_sentence=4, detail="caption"),
        Change(ChangeKind.ONE_SIDE_ONLY, a=None, b=None, b_sentence=5, detail="body"),
    )
    return Comparison(
        a=a,
        b=b,
        verdict=Verdict.REWRITE,
        coverage_a=0.82,
        coverage_b=0.87,
        direction=Direction("a", 0.74, "A was published first"),
        alignment=alignment,
        changes=changes,
        scores={"similarity": 0.86, "lexical": 0.52},
        model="fast",
    )


@pytest.fixture
def comparison() -> Comparison:
    return make_comparison()
