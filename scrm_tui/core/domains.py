"""Company domains: which e-mail domains are an organisation's own, and the profile
addresses an author's network gives, with whether the network proved them."""

from __future__ import annotations

import json
from dataclasses import dataclass

# The first label of free mail providers' domains (gmail.com, web.de, free.fr): anyone
# can hold an address there, so it says nothing of an employer.
FREE_MAIL = frozenset(
    [
        "gmail",
        "googlemail",
        "outlook",
        "hotmail",
        "live",
        "msn",
        "icloud",
        "me",
        "mac",
        "yahoo",
        "ymail",
        "aol",
        "proton",
        "protonmail",
        "pm",
        "gmx",
        "web",
        "posteo",
        "mailbox",
        "fastmail",
        "hey",
        "qq",
        "163",
        "126",
        "naver",
        "daum",
        "hanmail",
        "wp",
        "onet",
        "interia",
        "orange",
        "free",
        "laposte",
        "libero",
        "virgilio",
        "uol",
        "bol",
        "terra",
        "ziggo",
        "kpn",
        "telenet",
        "seznam",
        "ukr",
        "yandex",
        "mail",
        "zoho",
        "tutanota",
    ]
)


def company_domain(email: str | None) -> str:
    """The domain of an e-mail address when it is an organisation's own: harborlabs.se,
    not gmail.com (anyone can hold an address there); "" otherwise."""
    if not email or "@" not in email:
        return ""
    domain = email.rsplit("@", 1)[1].strip().casefold().rstrip(".")
    if "." not in domain or domain.split(".", 1)[0] in FREE_MAIL:
        return ""
    return domain


@dataclass(frozen=True)
class ProfileLink:
    """An address an author's profile gives: a website, a Mastodon profile field, a
    public e-mail (`mailto:`). `verified` when the network proved the author controls it
    (Mastodon's rel=me check, GitHub's verified public e-mail): only those are evidence."""

    url: str
    verified: bool = False
    label: str = ""  # what the profile calls it (a Mastodon field's name), if anything


# At most this many links per author are kept (Mastodon allows 4 fields, some servers 16).
MAX_LINKS = 16


def links_json(links: tuple[ProfileLink, ...] | None) -> str | None:
    """As stored in authors.links: None when the network says nothing of links, "[]"
    when it says there are none."""
    if links is None:
        return None
    return json.dumps(
        [[link.url, link.verified, link.label] for link in links[:MAX_LINKS]],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def links_from_json(text: str | None) -> tuple[ProfileLink, ...]:
    """authors.links read back; anything unreadable is no link (a row is never refused)."""
    if not text:
        return ()
    try:
        rows = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(rows, list):
        return ()
    found = []
    for row in rows[:MAX_LINKS]:
        if isinstance(row, list) and len(row) == 3 and isinstance(row[0], str):
            found.append(ProfileLink(row[0], row[1] is True, str(row[2] or "")))
    return tuple(found)


def proven(links: tuple[ProfileLink, ...]) -> tuple[str, ...]:
    """The addresses the network proved are the author's: what the matcher may take as
    evidence of a company domain."""
    return tuple(link.url for link in links if link.verified)


def shown_address(url: str) -> str:
    """An address as a person reads it: `halcy.de` for `https://halcy.de/`, the e-mail
    for `mailto:` (still a stranger's text: sanitise before display)."""
    for scheme in ("https://", "http://", "mailto:"):
        if url[: len(scheme)].casefold() == scheme:
            url = url[len(scheme) :]
            break
    return url.removesuffix("/")
