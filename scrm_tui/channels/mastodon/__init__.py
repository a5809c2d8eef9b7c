"""Mastodon: its record in the network table (the HTTP code is in .api, loaded on use)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrm_tui.core.models import Channel
from scrm_tui.core.networks import Network, as_at, register

if TYPE_CHECKING:
    from scrm_tui.channels.building import BuildContext, Built
    from scrm_tui.channels.probing import Probe, ProbeContext
    from scrm_tui.core.config import SourceConfig
    from scrm_tui.core.watch import Watch


def handle_key(handle: str, home: str | None) -> str:
    """`user@instance`, case-insensitive; a bare `user` seen on `home` is `user@home`
    (an instance shows its own users without the `@instance` part)."""
    key = handle.lstrip("@")
    if home and key and "@" not in key:
        key = f"{key}@{home}"
    return key.casefold()


def read_account(look: Any, state_dir: Path | None) -> tuple[str | None, Any]:
    problem = look.need("instance", "token")
    if problem:
        return problem, None
    table = look.table
    from scrm_tui.core.outgoing import MastodonAccount

    return None, MastodonAccount(
        base_url=str(look("instance")).rstrip("/"),
        token=str(look("token")),
        char_limit=int(str(table.get("char_limit", 500))),
        url_length=int(str(table.get("url_length", 23))),
        visibility=str(table.get("visibility", "follow")),
    )


def sources(source: SourceConfig, watch: Watch, ctx: BuildContext) -> list[Built]:
    from scrm_tui.channels.building import Searched, Unavailable, search_terms
    from scrm_tui.channels.mastodon.api import MastodonSource
    from scrm_tui.core.outgoing import MastodonAccount

    instance = ctx.setting("mastodon", "instance")
    if instance is None:
        raise Unavailable("no instance: set [mastodon] instance")
    account = ctx.accounts.get("mastodon")
    masto = account if isinstance(account, MastodonAccount) else None

    def made(kind: str, **where: str) -> MastodonSource:
        return MastodonSource(
            ctx.client,
            masto,
            base_url=instance.rstrip("/"),
            kind=kind,
            matcher=watch.match,
            clock=ctx.clock,
            **where,
        )

    built: list[Built] = []
    for kind in source.kinds:
        if kind == "notifications":
            if masto is None:
                raise Unavailable(ctx.why_not("mastodon") or "no token")
            built.append(("mastodon:notifications", made(kind)))
        elif kind == "tag":
            for tag in dict.fromkeys([*search_terms(watch, ("tag",)), *source.tags]):
                built.append((f"mastodon:#{tag}", made(kind, tag=tag)))
        else:
            for term in search_terms(watch):
                built.append((f"mastodon:search:{term}", Searched(made(kind, query=term), watch)))
    return built


def sender(client: Any, account: Any, clock: Any) -> Any:
    from scrm_tui.channels.mastodon.api import MastodonSender

    return MastodonSender(client, account, clock=clock)


def probe(ctx: ProbeContext, source: str | None) -> Probe | None:
    """`verify_credentials` with the token; without one, the instance answering."""
    from scrm_tui.channels.probing import Probe
    from scrm_tui.core.outgoing import MastodonAccount

    account = ctx.accounts.get("mastodon")
    if isinstance(account, MastodonAccount):
        return Probe(
            "Mastodon",
            f"{account.base_url.rstrip('/')}/api/v1/accounts/verify_credentials",
            headers=(("Authorization", f"Bearer {account.token}"),),
            hint=ctx.hint("mastodon", "token"),
            read=_token_accepted,
        )
    instance = ctx.setting("mastodon", "instance")
    if instance is None:
        return None
    return Probe("Mastodon", f"{instance.rstrip('/')}/api/v1/instance")


def _token_accepted(probe: Probe, data: Any, host: str, answers: str) -> tuple[str, str]:
    from scrm_tui.channels.probing import OK
    from scrm_tui.core import sanitize

    who = sanitize.for_message(str(data.get("acct") or data.get("username") or "?"), 60)
    return OK, f"{answers}; token accepted (@{who})"


def count(text: str, url_length: int) -> int:
    """Mastodon's count: links as `url_length` x's, "@user@domain" as "@user"."""
    from scrm_tui.core.textlimits import graphemes, mastodon_countable

    return graphemes(mastodon_countable(text, url_length))


def prefill(handle: str) -> str:
    # A reply names who it answers, or they are not notified (the web UI does the same).
    return f"@{handle.lstrip('@')} "


def chosen(key: str) -> str:
    """The part of a handle a person chose: no instance."""
    return key.split("@", 1)[0]


def instance(key: str) -> str | None:
    """The instance a handle's key names (an instance of their own proves a domain)."""
    return key.rsplit("@", 1)[1] if "@" in key else None


NETWORK = register(
    Network(
        name=Channel.MASTODON,  # the enum member: older code compares with `is`
        label="Mastodon",
        badge="mast",
        aliases=("mast", "masto"),
        account_keys=frozenset({"instance", "token", "char_limit", "url_length", "visibility"}),
        source_keys=frozenset({"kinds", "tags"}),
        kinds=("notifications", "tag", "search"),
        competitor_kinds=("tag", "search"),
        interval_s=60.0,  # 300 requests / 5 min
        text_limit=500,  # StatusLengthValidator::MAX_CHARS; instances may raise it
        count=count,
        links_count_fixed=True,
        handle_key=handle_key,
        homed=True,
        mention_form=as_at,
        reach_full=10_000,
        can_post=True,
        read_account=read_account,
        sources=sources,
        sender=sender,
        prefill=prefill,
        account_limits=lambda account: (account.char_limit, account.url_length),
        probe=probe,
        chosen=chosen,
        wordy=chosen,
        proves=instance,
    )
)
