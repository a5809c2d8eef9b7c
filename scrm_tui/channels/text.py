"""HTML from the networks (Algolia comments, feeds, Mastodon statuses) as plain text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from scrm_tui.core.records import MAX_URL_LENGTH


def html_to_text(markup: str, *, hrefs: bool = True) -> str:
    """Plain text of a post's HTML: entities decoded, blocks kept apart, no tags left.

    A link keeps its text and, when that differs from its address (HN shortens long
    ones with "...", Akkoma and Misskey write `<a href="https://x/y">label</a>`), the
    address in parentheses. Mentions and hashtags (`@alice`, `#kestrel`: Mastodon marks
    them with `class="mention"` or `rel="tag"`) read right as their text alone, and
    with `hrefs=False` so does a link whose text is its address without the scheme
    (Mastodon hides `https://` in an invisible span). Script and style are dropped.
    """
    parser = _TextParser(hrefs)
    parser.feed(markup)
    parser.close()
    return parser.text()


def html_links(markup: str) -> tuple[str, ...]:
    """The http(s) addresses the HTML links to, in order, mentions and hashtags left out:
    a Mastodon profile field's `<a href="https://example.com/">` gives its address.
    The addresses are data, never shown as markup."""
    parser = _TextParser(hrefs=True)
    parser.feed(markup)
    parser.close()
    return tuple(dict.fromkeys(parser.hrefs))


def same_text(body: object, text: str) -> bool:
    """A comment found on the network is the reply we sent: the same words, whatever
    line endings and outer whitespace the network kept (for senders that look first)."""
    if not isinstance(body, str):
        return False
    return body.replace("\r\n", "\n").strip() == text.replace("\r\n", "\n").strip()


def plain_address(address: str) -> bool:
    """A profile address worth keeping: no spaces or control characters (nothing a
    terminal could misread), no longer than any stored address."""
    return len(address) <= MAX_URL_LENGTH and address.isprintable() and " " not in address


class _TextParser(HTMLParser):
    # HTML's block-level elements: each starts on a line of its own.
    _BREAKS = frozenset(
        {
            "address", "article", "aside", "blockquote", "caption", "dd", "details", "dialog",
            "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
            "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav",
            "ol", "p", "pre", "section", "summary", "table", "tr", "ul",
        }
    )  # fmt: skip
    _CELLS = frozenset({"td", "th"})
    _HIDDEN = frozenset({"script", "style", "template"})

    def __init__(self, hrefs: bool) -> None:
        super().__init__(convert_charrefs=True)
        self._hrefs = hrefs
        self._out: list[str] = []
        self._pre = 0
        self._hidden = 0
        # (href, where its text starts), href None for a mention or a hashtag.
        self._links: list[tuple[str | None, int]] = []
        self._styled: list[str] = []  # open inline elements styled as blocks
        self.hrefs: list[str] = []  # the http(s) links' addresses, as they close

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BREAKS:
            self._out.append("\n\n")
            self._pre += tag == "pre"
        elif _shown_as_block(attrs):
            self._out.append("\n\n")
            self._styled.append(tag)
        elif tag == "br":
            self._out.append("\n")
        elif tag in self._CELLS:
            self._out.append(" ")  # cells of a row: apart, on its line
        elif tag == "a":
            found = dict(attrs)
            classes = (found.get("class") or "").split()
            tagged = "mention" in classes or "hashtag" in classes or found.get("rel") == "tag"
            self._links.append((None if tagged else found.get("href"), len(self._out)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._out.append("\n")
        elif tag in self._BREAKS:
            self._out.append("\n\n")  # `<hr/>`: a block with nothing in it

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BREAKS:
            self._out.append("\n\n")
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
        elif self._styled and self._styled[-1] == tag:
            self._styled.pop()
            self._out.append("\n\n")
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            label = "".join(self._out[start:]).strip()
            if not href or not href.startswith(("http://", "https://")):
                return
            self.hrefs.append(href)
            if href == label:
                return
            if not self._hrefs and (_bare(href) == _bare(label) or _tag_like(label)):
                return  # its own address without the scheme, or an unmarked mention
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


def _shown_as_block(attrs: list[tuple[str, str | None]]) -> bool:
    """An inline element styled `display: block` (a feed's pull-quote attribution)."""
    style = next((value for name, value in attrs if name == "style"), None) or ""
    return "display:block" in style.replace(" ", "").lower()


def _tag_like(label: str) -> bool:
    """`@alice@example.social` or `#kestrel`: a mention or hashtag a server did not mark."""
    return label.startswith(("@", "#")) and not any(c.isspace() for c in label)


def _bare(address: str) -> str:
    """An address without scheme, `www.` or a trailing slash: how a label may write it."""
    bare = address.split("://", 1)[-1].removeprefix("www.")
    return bare.rstrip("/")


_SPACE = re.compile(r"\s+")
_LINE_END = re.compile(r"[ \t]+\n")
_PARAGRAPH = re.compile(r"\n{2,}")
