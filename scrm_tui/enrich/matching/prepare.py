"""Customers and authors prepared for matching: words, compact handles, spellings, domains."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from scrm_tui.core import networks
from scrm_tui.core.domains import FREE_MAIL as _FREE_MAIL
from scrm_tui.core.domains import company_domain
from scrm_tui.core.handles import handle_key, home_instance
from scrm_tui.enrich.matching.names import (
    _LETTERS,
    _compact,
    _company_keys,
    _handle_words,
    _letters,
    _name_variants,
    fold,
    handle_core,
    nicknames,
)
from scrm_tui.enrich.matching.records import CustomerKey
from scrm_tui.enrich.matching.tuning import _MAX_HANDLES, _MAX_TEXT


@dataclass(frozen=True, slots=True)
class _Entry:
    """A customer prepared for matching: folded words, compact handles, spellings of the name."""

    customer: CustomerKey
    names: tuple[tuple[str, ...], ...]  # ways to cut the name into words, as written first
    alias: tuple[str, ...]  # the name in the e-mail local part when it differs: maya.biton
    handles: tuple[tuple[str, str], ...]  # (channel, compact handle)
    email: str  # compact e-mail local part
    forms: tuple[tuple[str, float], ...]  # how a handle may spell the name, and what that's worth
    companies: tuple[str, ...]  # compact company keys
    name_words: frozenset[str]  # words of the name and alias: document frequency, fuzzy lookup
    words: frozenset[str]  # every indexed word: name, alias, handle and e-mail words
    keys: frozenset[str]  # exact compact keys: handles, e-mail, name spellings, company
    text: str  # the name as one folded string, for the coarse fallback
    spellings: tuple[tuple[str, str], ...]  # (field, letters of a handle or the e-mail local part)
    domain: str = ""  # the e-mail's domain when it is a company's (not a free mail provider)


def _author_domains(
    channel: str, handle: str, url: str | None, proven: Collection[str] = ()
) -> tuple[str, ...]:
    """Domains the author's account proves they control or belong to: a Bluesky handle
    on a custom domain (verified by Bluesky), a Mastodon instance of their own, the host
    of their profile URL, and of each link the network proved theirs (`proven`: a
    Mastodon field verified by rel=me, GitHub's verified public e-mail as `mailto:`).
    The networks' own hosts prove nothing; an unproven link is never passed here."""
    found: set[str] = set()
    network = networks.find(channel)
    if (
        handle
        and network is not None
        and (domain := network.proves(handle_key(channel, handle.strip())))
    ):
        found.add(domain)
    host = home_instance(url)
    if host:
        found.add(host)
    found.update(filter(None, map(_proven_host, proven)))
    hosts = {h for n in networks.all_networks() for h in n.hosts}
    return tuple(sorted(d for d in found if d not in hosts and "." in d))


def _proven_host(address: str) -> str | None:
    """The domain a proven link shows the author holds: the e-mail's for `mailto:` (a
    free provider's never meets a customer's company domain), else the site's host. A
    page in someone's own space on a shared host (medium.com/@kate, a university's
    /~kate) proves that page, not the domain."""
    if address[:7].casefold() == "mailto:":
        _, at, domain = address[7:].rpartition("@")
        return domain.strip().casefold().rstrip(".") if at else None
    path = address.split("://", 1)[-1].partition("/")[2]
    return None if path.startswith(("@", "~")) else home_instance(address)


def _domain_labels(domains: Collection[str]) -> set[str]:
    """The labels of the author's domains that may name a company (harborlabs of
    social.harborlabs.se), as Entry.companies holds an e-mail domain's first label."""
    return {_compact(label) for d in domains for label in d.split(".")[:-1] if len(label) >= 4}


def _on_domain(domains: Collection[str], domain: str) -> bool:
    return bool(domain) and any(d == domain or d.endswith("." + domain) for d in domains)


def _alias(email: str | None, names: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """The name spelled in the e-mail (maya.biton), for a name stored in another script.

    Only then: for a Latin name the local part is as often a word (sanne.designs) as the
    name again, and the e-mail is compared as an identifier anyway.
    """
    if not email or "@" not in email or any(w.isascii() for v in names for w in v):
        return ()
    words = tuple(_LETTERS.findall(fold(email.split("@", 1)[0])))
    if len(words) < 2 or any(len(w) < 2 for w in words) or (names and words == names[0]):
        return ()
    return words


def _forms(tokens: tuple[str, ...]) -> dict[str, float]:
    """Handles a person with these names might choose, with how much each says about them."""
    forms: dict[str, float] = {}

    def put(form: str, weight: float) -> None:
        if len(form) >= 3 and form.isascii() and weight > forms.get(form, 0.0):
            forms[form] = weight

    if not tokens:
        return forms
    first, last = tokens[0], tokens[-1]
    if len(tokens) == 1:
        put(first, 0.6)
        return forms
    rest = "".join(tokens[1:])
    for tail in {last, rest}:
        put(first + tail, 1.0)
        put(tail + first, 1.0)
        put(first[0] + tail, 0.85)
        put(tail + first[0], 0.85)
        put(tail, 0.6)
    put(first + last[0], 0.7)
    put(first, 0.45)
    for nick in nicknames(first):
        put(nick + last, 0.95)
        put(nick, 0.4)
    return forms


_KEY_FORM_WEIGHT = 0.65  # name spellings this good become exact index keys
_SPELLING_KEY_WEIGHT = 0.85  # a display name looks up the handles it spells this well


def _clipped(customer: CustomerKey) -> CustomerKey:
    """The customer with every text cut to what a real one needs (an import may hold junk)."""

    def clip(text: str | None) -> str | None:
        return text[:_MAX_TEXT] if text else text

    return CustomerKey(
        customer.id,
        customer.name[:_MAX_TEXT],
        clip(customer.email),
        clip(customer.company),
        tuple((channel, handle[:_MAX_TEXT]) for channel, handle in customer.handles[:_MAX_HANDLES]),
    )


def _entry(original: CustomerKey) -> _Entry:
    customer = _clipped(original)
    names = _name_variants(customer.name)
    alias = _alias(customer.email, names)
    handles = tuple(
        (channel, compact)
        for channel, handle in customer.handles
        if (compact := _compact(handle_core(channel, handle)))
    )
    email = _compact(customer.email.split("@", 1)[0]) if customer.email else ""
    forms = _forms(names[0]) if names else {}
    for key, weight in _forms(alias).items():
        forms[key] = max(weight, forms.get(key, 0.0))
    companies = set(_company_keys(customer.company)) if customer.company else set()
    if customer.company and customer.email and "@" in customer.email:
        label = customer.email.split("@", 1)[1].split(".", 1)[0]
        if label not in _FREE_MAIL:
            companies.add(_compact(label))
    name_words = {w for variant in names for w in variant if len(w) >= 2} | set(alias)
    words = set(name_words)
    for channel, handle in customer.handles:
        words.update(w for w in _handle_words(channel, handle) if len(w) >= 3)
    if customer.email:
        words.update(
            w for w in _LETTERS.findall(fold(customer.email.split("@", 1)[0])) if len(w) >= 3
        )
    keys = {h for _, h in handles} | {k for k, w in forms.items() if w >= _KEY_FORM_WEIGHT}
    keys |= {k for k in companies if k}
    if names:
        # The whole name as one key: for a one-word name ("Reid", an import that lost the
        # given name) it is the only way in, since its word alone is shared by too many.
        keys.add("".join(names[0]))
    # Letters only, so that a display name can meet them (Karim Saleh: ksaleh1, ksaleh@).
    spellings = {(f"handle:{channel}", _letters(h)) for channel, h in handles}
    if email:
        spellings.add(("email", _letters(email)))
    spellings = {(f, sp) for f, sp in spellings if len(sp) >= 4}
    keys |= {sp for _, sp in spellings}
    if email:
        keys.add(email)
    return _Entry(
        customer=original,
        names=names,
        alias=alias,
        handles=handles,
        email=email,
        forms=tuple(sorted(forms.items(), key=lambda kv: -kv[1])),
        companies=tuple(sorted(companies)),
        name_words=frozenset(name_words),
        words=frozenset(words),
        keys=frozenset(keys),
        text=" ".join(names[0]) if names else "",
        spellings=tuple(sorted(spellings)),
        domain=company_domain(customer.email),
    )


@dataclass(frozen=True, slots=True)
class _Author:
    """An author prepared for matching."""

    names: tuple[tuple[str, ...], ...]
    handle: str  # compact, digits kept: identity
    handle_alpha: str  # letters only: spelling of a name
    handle_words: tuple[str, ...]
    companies: tuple[str, ...]
    forms: tuple[tuple[str, float], ...]  # handles the display name would spell: ksaleh
    domains: tuple[str, ...] = ()  # domains the account belongs to (_author_domains)
    # (channel, compact handle) of the author's own identity, left out when scoring: an
    # author re-matched after a person confirmed them (service/match_refit.py) is scored
    # as it was before, not by the identity the confirmation added.
    own: tuple[str, str] = ("", "")


def _author(
    channel: str,
    handle: str,
    display_name: str | None,
    url: str | None = None,
    proven: Collection[str] = (),
) -> _Author:
    handle, display_name = handle[:_MAX_TEXT], display_name[:_MAX_TEXT] if display_name else None
    url = url[:_MAX_TEXT] if url else None
    proven = [p[:_MAX_TEXT] for p in proven]
    core = handle_core(channel, handle) if handle else ""
    network = networks.find(channel)
    if handle and network is not None:
        # A handle under a domain (kate.harborlabs.se, amiller.vistarealty.com.br): the
        # person chose the first label; the rest is the organisation's (_author_domains).
        core = network.person_label(handle_key(channel, handle.strip())) or core
    compact = _compact(core)
    alpha = "".join(_LETTERS.findall(compact))
    names = _name_variants(display_name) if display_name else ()
    if network is not None and network.handle_is_title:  # a feed's title, no account
        compact = alpha = ""
    companies = set(_company_keys(display_name)) if display_name else set()
    if alpha:
        companies.update(_company_keys(" ".join(_handle_words(channel, handle))))
        companies.add(alpha)
    return _Author(
        names=names,
        handle=compact,
        handle_alpha=alpha,
        handle_words=_handle_words(channel, handle) if compact else (),
        companies=tuple(sorted(companies)),
        forms=tuple(_forms(names[0]).items()) if names else (),
        domains=_author_domains(channel, handle, url, proven),
    )
