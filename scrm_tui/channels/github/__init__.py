"""GitHub: its record in the network table (the HTTP code is in .api, loaded on use)."""

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

API_URL = "https://api.github.com"


def read_account(look: Any, state_dir: Path | None) -> tuple[str | None, Any]:
    problem = look.need("token")
    if problem:
        return problem, None
    from scrm_tui.core.outgoing import GitHubAccount

    return None, GitHubAccount(
        token=str(look("token")), api_url=(look("api_url") or API_URL).rstrip("/")
    )


def sources(source: SourceConfig, watch: Watch, ctx: BuildContext) -> list[Built]:
    from scrm_tui.channels.building import Searched, Unavailable, search_terms
    from scrm_tui.channels.github.api import GitHubDiscussionSource, GitHubSource
    from scrm_tui.core.outgoing import GitHubAccount

    account = ctx.accounts.get("github")
    token = account if isinstance(account, GitHubAccount) else None
    api = (ctx.setting("github", "api_url") or API_URL).rstrip("/")
    query = " OR ".join(search_terms(watch, ("word",)))
    if not query:
        raise Unavailable("GitHub search needs a word or phrase among the watch terms")
    built: list[Built] = []
    for kind in source.kinds:
        made: Source
        if kind == "discussions":
            # GraphQL refuses anonymous calls; issues alone would run without a token.
            if token is None:
                raise Unavailable(
                    "discussions need a [github] token "
                    "(set $SCRM_GITHUB_TOKEN or [github] token_env)"
                )
            made = GitHubDiscussionSource(
                ctx.client, token, query=query, matcher=watch.match, clock=ctx.clock
            )
        else:
            made = GitHubSource(
                ctx.client, token, query=query, api_url=api, matcher=watch.match, clock=ctx.clock
            )
        built.append((f"github:{kind}", Searched(made, watch)))
    return built


_HEADERS = (("Accept", "application/vnd.github+json"), ("X-GitHub-Api-Version", "2022-11-28"))


def probe(ctx: ProbeContext, source: str | None) -> Probe:
    """`/rate_limit`, which does not count against the limit it reports."""
    from scrm_tui.channels.probing import Probe
    from scrm_tui.core.outgoing import GitHubAccount

    account = ctx.accounts.get("github")
    if isinstance(account, GitHubAccount):
        return Probe(
            "GitHub",
            f"{account.api_url.rstrip('/')}/rate_limit",
            headers=(*_HEADERS, ("Authorization", f"Bearer {account.token}")),
            hint=ctx.hint("github", "token"),
            read=_token_accepted,
        )
    api = ctx.setting("github", "api_url") or API_URL
    return Probe("GitHub", f"{api.rstrip('/')}/rate_limit", headers=_HEADERS)


def _token_accepted(probe: Probe, data: Any, host: str, answers: str) -> tuple[str, str]:
    return "ok", f"{answers}; token accepted"


def sender(client: Any, account: Any, clock: Any) -> Any:
    from scrm_tui.channels.github.api import GitHubSender

    return GitHubSender(client, account, clock=clock)


NETWORK = register(
    Network(
        name=Channel.GITHUB,  # the enum member: older code compares with `is`
        label="GitHub",
        badge="gh",
        aliases=("gh",),
        account_keys=frozenset({"token", "api_url"}),
        source_keys=frozenset({"kinds"}),
        kinds=("issues", "discussions"),  # discussions: GraphQL search, needs a token
        competitor_kinds=("issues", "discussions"),
        interval_s=300.0,  # search: 10-30 requests a minute
        text_limit=65_536,  # issue comment body, in code points
        mention_form=as_at,
        reach_full=2_000,
        read_account=read_account,
        sources=sources,
        sender=sender,
        probe=probe,
        hosts=("github.com",),
    )
)
