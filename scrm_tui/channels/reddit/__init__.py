"""Reddit: its record in the network table (the HTTP code is in .api, loaded on use)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrm_tui.core.models import Channel
from scrm_tui.core.networks import Network, register

if TYPE_CHECKING:
    from scrm_tui.channels.building import BuildContext, Built
    from scrm_tui.channels.probing import Probe, ProbeContext
    from scrm_tui.core.config import SourceConfig
    from scrm_tui.core.watch import Watch

API_URL = "https://oauth.reddit.com"
AUTH_URL = "https://www.reddit.com"


def handle_key(handle: str, home: str | None) -> str:
    """Reddit's `u/` and `/u/` prefixes are decoration; names compare case-insensitively."""
    for prefix in ("/u/", "u/"):
        if handle.lower().startswith(prefix):
            return handle[len(prefix) :].casefold()
    return handle.casefold()


def mention_form(handle: str) -> str:
    return f"u/{handle.removeprefix('/').removeprefix('u/')}"


def read_account(look: Any, state_dir: Path | None) -> tuple[str | None, Any]:
    problem = look.need("client_id", "client_secret", "username", "user_agent")
    if problem:
        return problem, None
    if look("refresh_token") is None and look("password") is None:
        return (
            "no refresh token: set $SCRM_REDDIT_REFRESH_TOKEN or [reddit] refresh_token_env",
            None,
        )
    from scrm_tui.core.outgoing import RedditAccount

    return None, RedditAccount(
        client_id=str(look("client_id")),
        client_secret=str(look("client_secret")),
        username=str(look("username")),
        refresh_token=look("refresh_token"),
        password=look("password"),
        user_agent=str(look("user_agent")),
        api_url=(look("api_url") or API_URL).rstrip("/"),
        auth_url=(look("auth_url") or AUTH_URL).rstrip("/"),
    )


def sources(source: SourceConfig, watch: Watch, ctx: BuildContext) -> list[Built]:
    from scrm_tui.channels.building import Searched, Unavailable, search_terms
    from scrm_tui.channels.reddit.api import RedditSource
    from scrm_tui.core.outgoing import RedditAccount

    keys = ("client_id", "client_secret", "username", "user_agent", "api_url", "auth_url")
    values = {key: ctx.setting("reddit", key) for key in keys}
    for key in ("client_id", "client_secret", "user_agent"):
        if not values[key]:
            raise Unavailable(f"no {key.replace('_', ' ')}: set [reddit] {key}")
    # Searches and subreddits read as the app (client credentials); mentions as the user.
    app = RedditAccount(
        client_id=str(values["client_id"]),
        client_secret=str(values["client_secret"]),
        username=values["username"] or "",
        user_agent=str(values["user_agent"]),
        api_url=(values["api_url"] or API_URL).rstrip("/"),
        auth_url=(values["auth_url"] or AUTH_URL).rstrip("/"),
    )

    def made(account: RedditAccount, kind: str, **where: str) -> RedditSource:
        return RedditSource(
            ctx.client, account, kind=kind, matcher=watch.match, clock=ctx.clock, **where
        )

    built: list[Built] = []
    for kind in source.kinds:
        if kind == "search":
            query = " OR ".join(search_terms(watch))
            built.append(("reddit:search", Searched(made(app, kind, query=query), watch)))
        elif kind == "mentions":
            # The account's own inbox: the user's login ([reddit] refresh token or password).
            user = ctx.accounts.get("reddit")
            if not isinstance(user, RedditAccount):
                raise Unavailable(ctx.why_not("reddit") or "no refresh token")
            built.append(("reddit:mentions", made(user, kind)))
        else:
            if not source.subreddits:
                raise Unavailable("kind 'comments' needs subreddits = [...]")
            for sub in source.subreddits:
                built.append((f"reddit:r/{sub}", made(app, kind, subreddit=sub)))
    return built


def probe(ctx: ProbeContext, source: str | None) -> Probe | None:
    """The token request: the app alone (what listening uses), or the account's login
    (the account check, and the mentions inbox, which is read as the user)."""
    from scrm_tui.channels.probing import Probe
    from scrm_tui.core.outgoing import RedditAccount

    user = ctx.accounts.get("reddit") if source in (None, "reddit:mentions") else None
    grant: tuple[tuple[str, str], ...]
    if isinstance(user, RedditAccount):
        client_id, secret = user.client_id, user.client_secret
        agent, auth_url = user.user_agent, user.auth_url
        if user.password:
            grant = (
                ("grant_type", "password"),
                ("username", user.username),
                ("password", user.password),
            )
            hint = ctx.hint("reddit", "password")
        else:
            grant = (("grant_type", "refresh_token"), ("refresh_token", user.refresh_token or ""))
            hint = ctx.hint("reddit", "refresh_token")
    else:
        keys = ("client_id", "client_secret", "user_agent", "auth_url")
        values = {key: ctx.setting("reddit", key) for key in keys}
        if not (values["client_id"] and values["client_secret"] and values["user_agent"]):
            return None
        client_id, secret = str(values["client_id"]), str(values["client_secret"])
        agent, auth_url = str(values["user_agent"]), values["auth_url"] or AUTH_URL
        grant = (("grant_type", "client_credentials"),)
        hint = f"[reddit] client_id and {ctx.hint('reddit', 'client_secret')}"
    return Probe(
        "Reddit",
        f"{auth_url.rstrip('/')}/api/v1/access_token",
        method="POST",
        headers=(("User-Agent", agent),),
        auth=(client_id, secret),
        form=grant,
        hint=hint,
        read=_token,
    )


def _token(probe: Probe, data: Any, host: str, answers: str) -> tuple[str, str]:
    from scrm_tui.core import sanitize

    error = data.get("error")
    if error:  # Reddit answers a refused grant with 200 {"error": "invalid_grant"}
        said = sanitize.for_message(str(error), 80)
        return "fail", f"Reddit refused the login ({said}) — check {probe.hint}"
    if not isinstance(data.get("access_token"), str):
        return "fail", "Reddit answered without an access token"
    what = "app credentials" if ("grant_type", "client_credentials") in probe.form else "login"
    return "ok", f"{answers}; {what} accepted"


def sender(client: Any, account: Any, clock: Any) -> Any:
    from scrm_tui.channels.reddit.api import RedditSender

    return RedditSender(client, account, clock=clock)


def without_prefix(handle: str) -> str:
    """A username as written, without the `u/` people put before it."""
    return re.sub(r"^/?u/", "", handle, flags=re.IGNORECASE)


NETWORK = register(
    Network(
        name=Channel.REDDIT,  # the enum member: older code compares with `is`
        label="Reddit",
        badge="rddt",
        aliases=("rd",),
        account_keys=frozenset(
            {
                "client_id",
                "client_secret",
                "username",
                "refresh_token",
                "password",
                "user_agent",
                "api_url",
                "auth_url",
            }
        ),
        source_keys=frozenset({"kinds", "subreddits"}),
        kinds=("search", "comments", "mentions"),
        competitor_kinds=("search", "comments"),
        interval_s=120.0,  # 100 requests a minute
        text_limit=10_000,  # comment body, in code points
        handle_key=handle_key,
        mention_form=mention_form,
        reach_full=2_000,
        points_full=2_000,  # a post's score at the time it was fetched
        own_handle="username",
        read_account=read_account,
        sources=sources,
        sender=sender,
        probe=probe,
        wordy=without_prefix,
        hosts=("reddit.com", "www.reddit.com", "old.reddit.com"),
    )
)
