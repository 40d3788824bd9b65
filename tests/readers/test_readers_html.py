"""HTML main-text extraction: the article of every page layout, and nothing around it."""

from __future__ import annotations

from pathlib import Path

import pytest

from retold.bench.warcgen import LAYOUTS, article_page, response, write_warc
from retold.documents import Document
from retold.readers import read_corpus, read_document
from retold.readers.html import html_to_text, is_prose

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STORY = Document(
    "ferry",
    "The ferry between Vesterby and Holmsund sailed again on Tuesday after two days of storm.\n\n"
    "About 300 passengers crossed on the first morning crossing, the operator said on Tuesday.\n\n"
    '"We are glad to be moving again," said the captain, who has worked the route for 20 years.'
    "\n\n"
    "Repairs to the pier at Holmsund, damaged by the waves on Sunday, will take until next week."
    "\n\n"
    "The operator said a second ship would join the route in May if the repairs go to plan.",
    title="Ferry sails again after the storm",
)
JUNK = (
    "Politics",  # navigation and link bars
    "More news from the region",
    "Headline number",
    "cookies",
    "Advertisement",
    "Read more",
    "Share this story",
    "covers the region",  # author box
    "reader0",
    "about time",  # reader comments
    "morning briefing",
    "Most read",
    "rights reserved",
    "Copyright",
    "track(",
)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_gives_the_article_and_nothing_else(layout: str) -> None:
    text, meta = html_to_text(article_page(STORY, layout=layout), bare_text=False)
    paragraphs = text.split("\n\n")
    story = STORY.text.split("\n\n")
    # the story's paragraphs, in order and apart, each once (a pull quote repeats none); else
    # only the headline before them and subheadings ("Part 2") between them
    assert [p for p in paragraphs if p != STORY.title and not p.startswith("Part ")] == story
    assert paragraphs[0] in (STORY.title, story[0])
    for junk in JUNK:
        assert junk not in text, junk
    assert meta["title"] is not None and meta["title"].startswith(STORY.title)
    assert meta["source"] == "Harbour Gazette"


def test_table_layout_paragraphs_split_by_line_breaks() -> None:
    """Old table layouts hold the story as text split by <br><br>, beside a column of links."""
    page = (
        "<html><head><title>Ferry sails again | Gazette</title></head><body><table><tr>"
        "<td><a href='/a'>Home</a><br><a href='/b'>Sport</a><br><a href='/c'>Weather</a></td>"
        f"<td><b>Ferry sails again</b><br><br>{STORY.text.replace(chr(10) * 2, '<br><br>')}"
        "</td></tr><tr><td colspan=2><small>Copyright 2025 Gazette</small></td></tr></table>"
        "</body></html>"
    )
    text, _ = html_to_text(page, bare_text=False)
    assert text.split("\n\n")[-5:] == STORY.text.split("\n\n")
    assert "Sport" not in text and "Copyright" not in text


def test_list_and_subheading_inside_the_article_are_kept() -> None:
    page = (
        "<html><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav><article>"
        "<h1>Ferry sails again</h1>"
        f"<p>{STORY.text.split(chr(10))[0]}</p><h2>What changes</h2>"
        "<ul><li>Two crossings an hour in the morning</li><li>Night crossings on Fridays</li></ul>"
        f"<p>{STORY.text.split(chr(10))[-1]}</p></article></body></html>"
    )
    text, _ = html_to_text(page, bare_text=False)
    assert text.split("\n\n") == [
        "Ferry sails again",
        STORY.text.split("\n")[0],
        "What changes",
        "Two crossings an hour in the morning",
        "Night crossings on Fridays",
        STORY.text.split("\n")[-1],
    ]


def test_a_short_notice_is_kept_whole() -> None:
    """No block reads like prose: the page is a notice, and all of it is the text."""
    page = "<html><body><h2>Road closed</h2><p>The coast road is closed today.</p></body></html>"
    assert html_to_text(page)[0] == "Road closed\n\nThe coast road is closed today."


def test_html_file_and_warc_record_give_the_same_text(tmp_path: Path) -> None:
    page = article_page(STORY, layout="story-div")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    with (tmp_path / "c.warc.gz").open("wb") as f:
        write_warc([response("https://gazette.example/ferry", page.encode())], f)
    from_file = read_document(tmp_path / "page.html")
    (from_crawl,) = read_corpus(tmp_path / "c.warc.gz")
    assert from_file.text == from_crawl.text
    assert from_file.title == from_crawl.title == STORY.title


@pytest.mark.parametrize(
    "block,prose",
    [
        ("About 300 passengers crossed on the first morning crossing, the operator said.", True),
        ('"We are glad to be moving again," said the captain of the ferry on Tuesday."', True),
        ("Share this story: Facebook X Email", False),
        ("Our staff reporter covers the region.", False),  # a sentence, but a short one
        (" ".join(["word"] * 30), True),  # long without a full stop
    ],
)
def test_is_prose(block: str, prose: bool) -> None:
    assert is_prose(block) is prose


def test_publication_date_from_schema_org_without_htmldate(monkeypatch: pytest.MonkeyPatch) -> None:
    import htmldate

    def slow_path(*args: object, **kwargs: object) -> None:
        raise AssertionError("htmldate is the last resort, not needed here")

    monkeypatch.setattr(htmldate, "find_date", slow_path)
    page = article_page(STORY).replace("article:published_time", "x-other")
    ld = '<script type="application/ld+json">{"@type": "NewsArticle",'
    ld += ' "datePublished": "2025-02-03T07:00:00Z", "headline": "Ferry"}</script>'
    _, meta = html_to_text(page.replace("</head>", ld + "</head>"))
    assert meta["published"] == "2025-02-03T07:00:00Z"


def test_date_from_the_page_text_when_there_is_no_metadata() -> None:
    page = article_page(STORY, layout="rich").replace("article:published_time", "x-other")
    assert html_to_text(page)[1]["published"] == "2025-03-14"


def test_blog_theme_post_keeps_its_story_only() -> None:
    doc = read_document(FIXTURES / "wordpress.html")
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[0] == doc.title == "Council approves new cycle lanes for Brenholt centre"
    assert paragraphs[1].startswith("Brenholt council has approved plans")
    assert "Traders worried" in paragraphs  # a subheading inside the story
    assert paragraphs[-1] == "Work is due to start in August and finish before the end of the year."
    assert len(paragraphs) == 7
    for junk in (
        "Skip to",
        "Posted on",
        "Jonas Nyberg",
        "Share this",
        "Related",
        "Previous:",
        "Anna says",
        "Finally!",
        "Leave a Reply",
        "Recent Posts",
        "independent local",
        "WordPress",
        "planned route",
    ):
        assert junk not in doc.text, junk
    assert doc.published == "2025-04-02T09:12:00+01:00"
    assert doc.url == "https://brenholtpost.example/2025/04/02/cycle-lanes/"


def test_pages_in_scripts_without_spaces() -> None:
    """Chinese and Japanese paragraphs have no spaces: their length is counted in characters."""
    zh = [
        "周二，连接韦斯特比和霍尔姆松德的渡轮在两天的风暴后恢复航行，约三百名乘客乘坐了第一班船。",
        "运营商表示，如果码头的维修工作按计划进行，第二艘船将于五月加入这条航线。",
    ]
    ja = ["火曜日、二日間の嵐の後、ベステルビーとホルムスンドを結ぶフェリーが運航を再開した。"]
    for paragraphs in (zh, ja):
        page = (
            "<html><body><div class='menu'>News | Sport</div><div class='story'>"
            + "".join(f"<p>{p}</p>" for p in paragraphs)
            + "</div><div class='foot'>Copyright 2025</div></body></html>"
        )
        # a one-word label between the paragraphs ("advertisement") goes, as in English
        page = page.replace("</p><p>", "</p><p>广告</p><p>", 1)
        assert html_to_text(page, bare_text=False)[0] == "\n\n".join(paragraphs)


HEADLINES = (
    "Council approves new cycle lanes for the town centre",
    "Ferry sails again after two days of storm",
    "Library to open on Sundays from May",
)
FRONT = (
    "<html><body><div class='grid'>"
    + "".join(
        f"<div class='card'><a href='/s/{k}'><h3>{h}</h3></a><span>2 hours ago</span></div>"
        for k, h in enumerate(HEADLINES)
    )
    + "</div></body></html>"
)


def test_a_crawled_list_of_headlines_has_no_article_text(tmp_path: Path) -> None:
    """Section fronts are most of a news crawl: they must not become documents."""
    from retold.readers import SkipLog

    with (tmp_path / "c.warc.gz").open("wb") as f:
        write_warc([response("https://gazette.example/news/", FRONT.encode())], f)
    skips = SkipLog()
    assert list(read_corpus(tmp_path / "c.warc.gz", on_skip=skips)) == []
    assert dict(skips.counts) == {"no article text": 1}


def test_a_saved_page_without_prose_keeps_its_text(tmp_path: Path) -> None:
    (tmp_path / "front.html").write_text(FRONT, encoding="utf-8")
    text = read_document(tmp_path / "front.html").text
    assert all(h in text for h in HEADLINES)


@pytest.mark.parametrize("container", ["story subscriber-only", "subscriber-content"])
def test_a_paywalled_story_container_is_not_boilerplate(container: str) -> None:
    body = "".join(f"<p>{p}</p>" for p in STORY.text.split("\n\n"))
    page = (
        "<html><body><div class='newsletter-signup'>Get our newsletter</div>"
        f"<div class='{container}'>{body}</div></body></html>"
    )
    assert html_to_text(page, bare_text=False)[0] == STORY.text
