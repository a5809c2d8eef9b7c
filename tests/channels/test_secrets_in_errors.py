"""No secret reaches what scrm stores or shows (#10.16): not from an error a server
echoes it in (listening or replying), and not from a crash screen's locals."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from rich.console import Console
from rich.traceback import Traceback

from scrm_tui.channels.bluesky.source import BlueskySource
from scrm_tui.channels.github.api import GitHubSource
from scrm_tui.channels.mastodon.api import MastodonSource
from scrm_tui.channels.reddit.api import RedditSender, RedditSource
from scrm_tui.core.config import Config, parse_config
from scrm_tui.core.outgoing import ReplyRequest, SendError
from scrm_tui.service.collector import Collector, SourceSpec
from scrm_tui.service.credentials import Credentials, resolve
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.listen import build_sources
from tests.fakes.loopback import Loopback
from tests.fakes.replay import Replay
from tests.support.cli import bluesky_search_config, scrm

PASSWORD = Loopback.BLUESKY_PASSWORD
ECHO = {
    "error": "AuthenticationRequired",
    "message": f'Invalid identifier or password: "{PASSWORD}"',
}


@pytest.mark.xdist_group("subprocess")
def test_a_refused_login_that_echoes_the_password_is_stored_and_shown_without_it(
    tmp_path: Path, server: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = bluesky_search_config(tmp_path / "config.toml", server, password_env="KESTREL_BSKY")
    db = tmp_path / "scrm.db"
    server.fail("bluesky.createSession", status=401, body=ECHO, times=None)
    common = ["--config", str(config), "--db", str(db)]
    monkeypatch.setenv("KESTREL_BSKY", PASSWORD)

    watched = scrm(*common, "watch", "--once")
    listed = scrm(*common, "sources")

    assert "bluesky:search:kestrel: auth" in watched.stdout, watched.stdout + watched.stderr
    assert "Invalid identifier or password" in watched.stdout
    with sqlite3.connect(db) as conn:
        [(stored,)] = conn.execute("SELECT last_error FROM source_state").fetchall()
    assert stored == 'Bluesky refused the login (401): Invalid identifier or password: "«secret»"'
    for shown in (watched.stdout, watched.stderr, listed.stdout, listed.stderr, stored):
        assert PASSWORD not in shown
    assert "«secret»" in listed.stdout


Failing = Callable[[Loopback, httpx.AsyncClient], Awaitable[object]]


async def _bluesky_search(server: Loopback, client: httpx.AsyncClient) -> object:
    server.fail("bluesky.createSession", status=401, body=ECHO)
    account = server.bluesky_account()
    return await BlueskySource(client, account, kind="search", query="k").fetch(None, 0)


async def _mastodon_tag(server: Loopback, client: httpx.AsyncClient) -> object:
    token = Loopback.MASTODON_TOKEN
    server.fail("mastodon.tag", status=401, body={"error": f"The access token {token} expired"})
    return await MastodonSource(
        client, server.mastodon_account(), base_url=server.mastodon_url, kind="tag", tag="k"
    ).fetch(None, 0)


async def _github_issues(server: Loopback, client: httpx.AsyncClient) -> object:
    said = {"message": f"Bad credentials {Loopback.GITHUB_TOKEN}"}
    server.fail("github.search_issues", status=401, body=said)
    return await GitHubSource(client, server.github_account(), query="k").fetch(None, 0)


async def _reddit_login(server: Loopback, client: httpx.AsyncClient) -> object:
    # Reddit answers a refused grant with a 200 and its words: here, ours echoed.
    said = {"error": f"invalid_grant for {Loopback.REDDIT_PASSWORD}"}
    server.fail("reddit.access_token", status=200, body=said)
    account = server.reddit_account(refresh_token=None, password=Loopback.REDDIT_PASSWORD)
    return await RedditSource(client, account, kind="comments", subreddit="k").fetch(None, 0)


async def _reddit_comment(server: Loopback, client: httpx.AsyncClient) -> object:
    error = ["BAD_SECRET", f"not with {Loopback.REDDIT_REFRESH_TOKEN}", "text"]
    server.fail("reddit.comment", status=200, body={"json": {"errors": [error]}})
    request = ReplyRequest(channel="reddit", text="hi", key="k1", in_reply_to="t1_abc")
    return await RedditSender(client, server.reddit_account()).send(request)


@pytest.mark.parametrize(
    ("failing", "secret"),
    [
        (_bluesky_search, PASSWORD),
        (_mastodon_tag, Loopback.MASTODON_TOKEN),
        (_github_issues, Loopback.GITHUB_TOKEN),
        (_reddit_login, Loopback.REDDIT_PASSWORD),
        (_reddit_comment, Loopback.REDDIT_REFRESH_TOKEN),
    ],
)
async def test_an_answer_that_echoes_a_secret_makes_an_error_without_it(
    server: Loopback, client: httpx.AsyncClient, failing: Failing, secret: str
) -> None:
    with pytest.raises(SendError) as caught:
        await failing(server, client)
    assert secret not in caught.value.reason and "«secret»" in caught.value.reason


async def test_a_secret_quoted_by_any_source_is_redacted_before_it_is_stored(
    db_path: Path, client: httpx.AsyncClient
) -> None:
    # A feed knows no secret to hide; the process does (here, a Mastodon token), and
    # every source built from the config hides those too before the state is stored.
    token = "masto-token-quoted-by-a-feed"
    with Replay() as replay:
        replay.fail("/feed.xml", status=500, body=f"upstream said: bad token {token}")
        config = parse_config(
            f"""
[watch]
terms = "kestrel"

[mastodon]
instance = "https://social.example"

[sources.rss]
feeds = [{{ name = "news", url = "{replay.url("/feed.xml")}" }}]
""",
            "config.toml",
        )
        creds = resolve(config, {"SCRM_MASTODON_TOKEN": token}, None)
        specs, _ = build_sources(config, creds, client, env={})
        inbox = await Inbox.open(db_path, "collector")
        try:
            await Collector(inbox, specs).poll_due()
            [state] = await inbox.source_states()
        finally:
            await inbox.close()
    assert state.last_error == "news had a server error (500): upstream said: bad token «secret»"


async def test_a_bug_in_a_source_that_quotes_a_secret_is_stored_without_it(db_path: Path) -> None:
    token = "masto-token-in-a-bug-report"

    class Buggy:
        async def fetch(self, cursor: str | None, since_ms: int) -> object:
            raise RuntimeError(f"unexpected field in https://social.example/?token={token}")

    config = parse_config('[mastodon]\ninstance = "https://social.example"\n', "config.toml")
    inbox = await Inbox.open(db_path, "collector")
    try:
        inbox.configure(config, resolve(config, {"SCRM_MASTODON_TOKEN": token}, None))
        await Collector(inbox, [SourceSpec("buggy", "mastodon", 60.0, Buggy())]).poll_due()
        [state] = await inbox.source_states()
    finally:
        await inbox.close()
    assert state.last_error == (
        "RuntimeError: unexpected field in https://social.example/?token=«secret»"
    )


# Module-level, so they are in no frame's locals when the crash screen is drawn.
ENV_SECRETS = {
    "SCRM_MASTODON_TOKEN": "masto-token-0123456789",
    "SCRM_BLUESKY_PASSWORD": "bsky-app-pass-4242",
    "SCRM_REDDIT_CLIENT_SECRET": "reddit-client-secret-99",
    "SCRM_REDDIT_REFRESH_TOKEN": "reddit-refresh-7777",
    "SCRM_GITHUB_TOKEN": "ghp_crashscreen000000000000000",
}
IN_THE_FILE = {
    "hooks.slack.com/services/T0/B0/slackPathSecret42": "a webhook URL",
    "json-signing-secret-31337": "a webhook signing secret",
    "inline-masto-token-5555": "a token written in the file",
}
SECRET_CONFIG = """
[mastodon]
instance = "https://social.example"
token = "inline-masto-token-5555"

[bluesky]
handle = "kestrel.example"

[reddit]
client_id = "cid"
username = "kestrel"
user_agent = "linux:scrm:1.0 (by /u/kestrel)"

[github]

[[teams.billing.webhooks]]
kind = "slack"
url = "https://hooks.slack.com/services/T0/B0/slackPathSecret42"

[[teams.billing.webhooks]]
kind = "json"
name = "audit"
url = "https://hooks.example/scrm"
secret = "json-signing-secret-31337"
"""


def crash(config: Config, creds: Credentials) -> None:
    raise RuntimeError("a bug")


def test_a_crash_screen_shows_the_config_and_credentials_without_their_secrets() -> None:
    config = parse_config(SECRET_CONFIG, "config.toml")
    creds = resolve(config, ENV_SECRETS, None)
    assert creds.accounts.keys() == {"mastodon", "bluesky", "reddit", "github"}
    try:
        crash(config, creds)
    except RuntimeError as error:
        # What Textual's crash screen prints: a rich traceback with each frame's locals.
        shown = Traceback.from_exception(
            type(error), error, error.__traceback__, show_locals=True, locals_max_string=4000
        )
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(shown)
    screen = out.getvalue()
    assert "RuntimeError" in screen and "Config(" in screen and "Credentials(" in screen
    for secret in [*ENV_SECRETS.values(), *IN_THE_FILE]:
        assert secret not in screen, IN_THE_FILE.get(secret, secret)
        assert secret not in repr(config) and secret not in repr(creds)
