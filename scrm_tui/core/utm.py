"""UTM tags on a reply's links to the brand's own site, naming the mention it answers.

`utm_content=m<mention id>` lets `scrm conversions import` credit a sale to the reply
(and so to its agent and network). Only links to the domains in [sales] utm_domains
are tagged; a link that already has a utm_ parameter keeps its own; and a text the
tags would push past its network's limit is sent untagged, never cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrm_tui.core.textlimits import url_end

MEDIUM = "social"
CAMPAIGN = "scrm"
_URL = re.compile(r"""(?<![\w@$#])https?://[^\s<>"'`]+""")
_CONTENT = re.compile(r"^m(\d+)$")


def _ours(host: str, domains: Iterable[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def _tagged_url(url: str, network: str, mention_id: int) -> str:
    parts = urlsplit(url)
    if any(key.lower().startswith("utm_") for key, _ in parse_qsl(parts.query, True)):
        return url
    tags = urlencode(
        {
            "utm_source": network,
            "utm_medium": MEDIUM,
            "utm_campaign": CAMPAIGN,
            "utm_content": f"m{mention_id}",
        }
    )
    query = f"{parts.query}&{tags}" if parts.query else tags
    return urlunsplit(parts._replace(query=query))


def tag_links(
    text: str,
    domains: Iterable[str],
    network: str,
    mention_id: int,
    fits: Callable[[str], bool] = lambda _: True,
) -> str:
    """`text` with each link to one of `domains` tagged; `text` unchanged if none is, or
    if the tagged text would not fit (`fits`: the network's limit)."""
    wanted = tuple(domains)
    if not wanted:
        return text

    def tag(match: re.Match[str]) -> str:
        whole = match.group(0)
        url = url_end(whole)
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:  # a malformed link (a bad port, a stray bracket): left alone
            return whole
        if not _ours(host, wanted):
            return whole
        return _tagged_url(url, network, mention_id) + whole[len(url) :]

    tagged = _URL.sub(tag, text)
    return tagged if tagged != text and fits(tagged) else text


def mention_of(content: str) -> int | None:
    """The mention a conversion's utm_content names (`m123`), or None."""
    found = _CONTENT.match(content.strip())
    return int(found.group(1)) if found else None
