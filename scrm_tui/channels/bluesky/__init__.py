"""Bluesky: its record in the network table (the HTTP code is in .api, loaded on use)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrm_tui.core.models import Channel
from scrm_tui.core.networks import Network, as_at, register

if TYPE_CHECKING:
    from scrm_tui.channels.building import BuildContext, Built, Source
    from scrm_tui.channels.probing import Probe, ProbeContext
    from scrm_tui.core.config import SourceConfig
    from scrm_tui.core.watch import Watch


def read_account(look: Any, state_dir: Path | None) -> tuple[str | None, Any]:
    problem = look.need("handle", "password")
    if problem:
        return problem, None
    handle = str(look("handle")).lstrip("@")
    service = (look("service") or "https://bsky.social").rstrip("/")
    from scrm_tui.channels.sessionfile import session_path
    from scrm_tui.core.outgoing import BlueskyAccount

    return None, BlueskyAccount(
        identifier=handle,
        password=str(look("password")),
        service=service,
        # One file per service and account: a session is never sent to another service.
        session_file=session_path(state_dir, "bluesky", service, handle) if state_dir else None,
    )


def sources(source: SourceConfig, watch: Watch, ctx: BuildContext) -> list[Built]:
    from scrm_tui.channels.bluesky.session import BlueskySession
    from scrm_tui.channels.bluesky.source import BlueskySource
    from scrm_tui.channels.building import Searched, Unavailable, search_terms
    from scrm_tui.core.outgoing import BlueskyAccount

    account = ctx.accounts.get("bluesky")
    if not isinstance(account, BlueskyAccount):
        # searchPosts needs a login since 2025; notifications always did.
        raise Unavailable(ctx.why_not("bluesky") or "no account")
    session = BlueskySession(ctx.client, account, clock=ctx.clock)
    built: list[Built] = []
    for kind in source.kinds:
        for query in search_terms(watch) if kind == "search" else [""]:
            made: Source = BlueskySource(
                ctx.client,
                account,
                kind=kind,
                query=query or None,
                matcher=watch.match,
                clock=ctx.clock,
                session=session,
            )
            if kind == "search":
                made = Searched(made, watch)
            built.append((f"bluesky:{kind}" + (f":{query}" if query else ""), made))
    return built


def sender(client: Any, account: Any, clock: Any) -> Any:
    from scrm_tui.channels.bluesky.sender import BlueskySender

    return BlueskySender(client, account, clock=clock)


def probe(ctx: ProbeContext, source: str | None) -> Probe:
    """`_health`, never a login: createSession allows about ten a day."""
    from scrm_tui.channels.probing import Probe
    from scrm_tui.core.outgoing import BlueskyAccount

    account = ctx.accounts.get("bluesky")
    service = account.service if isinstance(account, BlueskyAccount) else "https://bsky.social"
    note = ""
    if source is None and isinstance(account, BlueskyAccount):
        saved = account.session_file is not None and account.session_file.exists()
        note = (
            "; a saved login is in use"
            if saved
            else "; password not tried (Bluesky allows ~10 logins a day)"
        )
    return Probe("Bluesky", f"{service.rstrip('/')}/xrpc/_health", note=note)


def count(text: str, url_length: int) -> int:
    from scrm_tui.core.textlimits import graphemes

    return graphemes(text)


def new_key() -> str:
    """The record key (a TID), chosen when the reply is queued: a retry after a crash
    writes the same record, which Bluesky refuses as a duplicate."""
    from scrm_tui.core.tid import new_tid

    return new_tid()


_HOSTED = ".bsky.social"


def chosen(key: str) -> str:
    """The part of a handle a person chose: no .bsky.social, no custom domain's TLD."""
    if key.endswith(_HOSTED):
        return key[: -len(_HOSTED)]
    return key.rsplit(".", 1)[0] if "." in key else key


def custom_domain(key: str) -> str | None:
    """A handle on a domain of its own (verified by Bluesky): that domain."""
    return key if "." in key and not key.endswith(_HOSTED) else None


def person_label(key: str) -> str | None:
    """A handle under an organisation's domain (kate.harborlabs.se): the person chose
    its first label; the rest is the organisation's."""
    return key.split(".", 1)[0] if key.count(".") >= 2 and not key.endswith(_HOSTED) else None


NETWORK = register(
    Network(
        name=Channel.BLUESKY,  # the enum member: older code compares with `is`
        label="Bluesky",
        badge="bsky",
        aliases=("bsky",),
        account_keys=frozenset({"handle", "password", "service"}),
        source_keys=frozenset({"kinds"}),
        kinds=("search", "notifications"),
        competitor_kinds=("search",),
        interval_s=120.0,  # 3000 requests / 5 min
        text_limit=300,  # app.bsky.feed.post#text maxGraphemes
        limit_unit="graphemes",
        count=count,
        byte_limit=3000,  # app.bsky.feed.post#text maxLength (UTF-8 bytes, per the lexicon)
        mention_form=as_at,
        reach_full=20_000,
        can_post=True,
        own_handle="handle",
        read_account=read_account,
        sources=sources,
        sender=sender,
        new_key=new_key,
        probe=probe,
        chosen=chosen,
        wordy=lambda handle: handle.removesuffix(_HOSTED),
        proves=custom_domain,
        person_label=person_label,
        hosts=("bsky.app", "bsky.social"),
    )
)
