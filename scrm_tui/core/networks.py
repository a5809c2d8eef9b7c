"""The network table: one record per network, filled by the channel modules.

`scrm_tui.channels` registers every network when it is imported, and every entry point
(the service package, hence the CLI and the TUI) imports it first. Core code looks a
network up here by name; a name nobody registered is an error that names it, never a
network silently treated as unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


def casefolded(handle: str, home: str | None) -> str:
    """A handle compared case-insensitively, with its leading `@` removed."""
    return handle.lstrip("@").casefold()


def as_at(handle: str) -> str:
    """A handle as written to mention its owner: with a leading `@`."""
    return handle if handle.startswith("@") else f"@{handle}"


def as_is(text: str) -> str:
    return text


def proves_nothing(key: str) -> str | None:
    return None


def code_points(text: str, url_length: int) -> int:
    """The length most networks count: Unicode code points."""
    return len(text)


# eq=False: records compare by identity, and the class is made at every start (a
# generated __eq__ over thirty fields costs more to build than it will ever save).
@dataclass(frozen=True, eq=False)
class Network:
    """Everything scrm knows of one network. The first block is plain data core reads;
    the hooks below it are set by the network's channel module and called by service/
    (they import their HTTP code when called, so registering stays cheap)."""

    name: str  # as stored in mentions.channel
    label: str  # as people write it: "Hacker News"
    badge: str  # the inbox list's short column: "hn"
    aliases: tuple[str, ...] = ()  # other names a filter, a CSV column or the CLI accepts
    account_keys: frozenset[str] = frozenset()  # keys of its [<name>] table
    source_keys: frozenset[str] = frozenset()  # keys of [sources.<name>] beyond the common
    kinds: tuple[str, ...] = ()  # what a source can read; the first is the default
    competitor_kinds: tuple[str, ...] | None = None  # searched for competitors (None: never)
    interval_s: float | None = None  # default polling interval; None: not a source
    # Replies: the limit in `limit_unit` as `count` counts (Bluesky: also bytes).
    text_limit: int | None = None
    limit_unit: str = "characters"
    count: Callable[[str, int], int] = code_points  # (text, url_length) -> used
    byte_limit: int | None = None
    links_count_fixed: bool = False  # every link counts as url_length (Mastodon)
    handle_key: Callable[[str, str | None], str] = casefolded  # (handle, home) -> key
    homed: bool = False  # a handle's key needs the instance its post came from (`home`)
    mention_form: Callable[[str], str] = str  # how to write a handle to notify them
    reach_full: int = 10_000  # followers worth a full reach share (enrich/priority)
    points_full: int | None = None  # points/score worth a full share, where the network has them
    no_reply: str | None = None  # why scrm cannot answer here; None: a sender exists
    own_handle: str | None = None  # the [<name>] key naming the brand's own handle
    can_post: bool = False  # a macro response (a post of our own) can go out here
    # How matching reads a handle (enrich/matching): the part of its key a person chose
    # (no instance, no domain suffix), the text its words are read from, the domain it
    # proves its owner holds, and the person's label under an organisation's domain.
    chosen: Callable[[str], str] = as_is  # (key) -> chosen part
    wordy: Callable[[str], str] = as_is  # (handle, no "@") -> where its words are
    proves: Callable[[str], str | None] = proves_nothing  # (key) -> a domain
    person_label: Callable[[str], str | None] = proves_nothing  # (key) -> kate of kate.x.se
    hosts: tuple[str, ...] = ()  # its own hosts: a profile there proves no domain
    handle_is_title: bool = False  # a feed's "handle" is its title, no account name
    # Hooks (channels/): typed loosely so core stays free of service types.
    read_account: Callable[[Any, Any], tuple[str | None, Any]] | None = None
    sources: Callable[[Any, Any, Any], list[tuple[str, Any]]] | None = None
    sender: Callable[[Any, Any, Callable[[], float]], Any] | None = None
    probe: Callable[..., Any] | None = None
    prefill: Callable[[str], str] | None = None  # the reply's first words, from the handle
    # The account's own (limit, what a link counts), where an instance sets them.
    account_limits: Callable[[Any], tuple[int | None, int]] | None = None
    new_key: Callable[[], str] | None = None  # the outbox key chosen up front (None: a uuid)
    extra: Mapping[str, Any] = field(default_factory=dict)


class UnknownNetwork(LookupError):
    """A network name nobody registered (or the table is still empty)."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        if known:
            message = f"unknown network {name!r} (known: {', '.join(known)})"
        else:
            message = (
                f"no networks are registered (asked for {name!r}): "
                "import scrm_tui.channels before using the network table"
            )
        super().__init__(message)
        self.name = name


_TABLE: dict[str, Network] = {}


def register(network: Network) -> Network:
    """Add a network (its channel module calls this when imported)."""
    if network.name in _TABLE and _TABLE[network.name] is not network:
        raise ValueError(f"network {network.name!r} is registered twice")
    _TABLE[network.name] = network
    _cached.clear()
    return network


def all_networks() -> tuple[Network, ...]:
    """Every registered network, in registration order; loud when none are."""
    if not _TABLE:
        raise UnknownNetwork("*", ())
    return tuple(_TABLE.values())


def network(name: str) -> Network:
    """The network called `name`; UnknownNetwork (naming it) when there is none."""
    found = _TABLE.get(name)
    if found is None:
        raise UnknownNetwork(name, tuple(_TABLE))
    return found


def find(name: str | None) -> Network | None:
    """The network called `name`, or None for a name that is not a network (a manual
    post's "elsewhere"); still loud when the table was never filled."""
    if not _TABLE:
        raise UnknownNetwork(str(name), ())
    return _TABLE.get(name or "")


def names() -> tuple[str, ...]:
    return tuple(n.name for n in all_networks())


_cached: dict[str, dict[str, Any]] = {}


def _derived(key: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    if not _TABLE:
        raise UnknownNetwork("*", ())
    if key not in _cached:
        _cached[key] = build()
    return _cached[key]


class TableView(Mapping[str, Any]):
    """A read-only mapping derived from the table on first use (after registration):
    the old module-level dicts (`NETWORK_NAMES`, `CHANNEL_ALIASES`...) keep their name
    and their `.get(name, fallback)` callers."""

    def __init__(self, key: str, build: Callable[[], dict[str, Any]]) -> None:
        self._key = key
        self._build = build

    def _data(self) -> dict[str, Any]:
        # Read per row drawn (badges) and per mention scored (reach): the cached dict
        # first, without a call.
        data = _cached.get(self._key)
        return data if data is not None else _derived(self._key, self._build)

    def __getitem__(self, name: str) -> Any:
        return self._data()[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self._data().get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def __contains__(self, name: object) -> bool:
        return name in self._data()


def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for n in all_networks():
        table[n.name] = n.name
        for alias in n.aliases:
            table[alias] = n.name
    return table


LABELS: Mapping[str, str] = TableView("labels", lambda: {n.name: n.label for n in all_networks()})
BADGES: Mapping[str, str] = TableView("badges", lambda: {n.name: n.badge for n in all_networks()})
ALIASES: Mapping[str, str] = TableView("aliases", _aliases)
