"""HTML from the networks (Algolia comments, feeds, Mastodon statuses) as plain text."""

from __future__ import annotations

import re
from html.parser import HTMLParser


def html_to_text(markup: str, *, hrefs: bool = True) -> str:
    """Plain text of a post's HTML: entities decoded, paragraphs kept, no tags left.

    A link keeps its text and, with `hrefs` and when that differs (HN shortens long
    ones with "..."), its address in parentheses; Mastodon's links and mentions read
    right as their text alone (`hrefs=False`). Script and style contents are dropped.
    """
    parser = _TextParser(hrefs)
    parser.feed(markup)
    parser.close()
    return parser.text()


class _TextParser(HTMLParser):
    _BREAKS = frozenset({"p", "div", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3"})
    _HIDDEN = frozenset({"script", "style", "template"})

    def __init__(self, hrefs: bool) -> None:
        super().__init__(convert_charrefs=True)
        self._hrefs = hrefs
        self._out: list[str] = []
        self._pre = 0
        self._hidden = 0
        self._links: list[tuple[str | None, int]] = []  # (href, where its text starts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BREAKS:
            self._out.append("\n\n")
            self._pre += tag == "pre"
        elif tag == "br":
            self._out.append("\n")
        elif tag == "a":
            self._links.append((dict(attrs).get("href"), len(self._out)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in self._BREAKS:
            self._out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BREAKS:
            self._out.append("\n\n")
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            label = "".join(self._out[start:]).strip()
            shown = self._hrefs and href and href.startswith(("http://", "https://"))
            if shown and href != label:
                self._out.append(f" ({href})" if label else href)

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        # Outside <pre>, HTML's whitespace (a feed's line wraps too) is layout, not content.
        self._out.append(data if self._pre else _SPACE.sub(" ", data))

    def text(self) -> str:
        raw = "".join(self._out).replace("\xa0", " ")
        raw = _LINE_END.sub("\n", raw)
        paragraphs = (part.strip() for part in _PARAGRAPH.split(raw))
        return "\n\n".join(part for part in paragraphs if part)


_SPACE = re.compile(r"\s+")
_LINE_END = re.compile(r"[ \t]+\n")
_PARAGRAPH = re.compile(r"\n{2,}")
