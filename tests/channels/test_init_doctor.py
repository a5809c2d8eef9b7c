"""`scrm init` writes a private example config; `scrm doctor` says what is wrong with it,
checked against real loopback servers speaking each network's API."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from scrm_tui.channels.http import make_client
from scrm_tui.core.config import EXAMPLE, parse_config
from scrm_tui.service.doctor import Diagnosis, diagnose
from scrm_tui.service.inbox import Inbox
from tests.fakes.loopback import Loopback, _scrm_config
from tests.fakes.replay import Replay
from tests.support.cli import scrm

SECRETS = (
    Loopback.MASTODON_TOKEN,
    Loopback.BLUESKY_PASSWORD,
    Loopback.REDDIT_CLIENT_SECRET,
    Loopback.REDDIT_REFRESH_TOKEN,
    Loopback.GITHUB_TOKEN,
    Loopback.WEBHOOK_SECRET,
    # A webhook's URL path is its secret.
    "loopbackSlackSecret0000",
    "loopbackDiscordToken0000",
    "loopbackJsonPath0000",
    "leaked-if-quoted",
)


# One probe for the three searches the watch terms make.
HN_SOURCES = 'hackernews:kestrel, hackernews:"kestrel app", hackernews:kestrelapp'


@pytest.fixture
def replay() -> Iterator[Replay]:
    """Hacker News (Algolia) and feeds, replayed from recordings."""
    with Replay() as running:
        running.route("/hn/search_by_date", file="hn_algolia_search_by_date_comment.json")
        running.route("/feeds/alerts.xml", file="atom_google_alerts.xml")
        yield running


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The production client. Doctor opens all its connections at once, more than the
    test servers' listen backlog of 5 holds: a refused SYN is sent again after 1 s."""
    async with make_client(timeout=5.0, connect_timeout=5.0) as http:
        yield http


def write_config(
    tmp_path: Path,
    server: Loopback,
    replay: Replay,
    *,
    hn_url: str | None = None,
    feed: tuple[str, str] | None = None,
) -> Path:
    """Every account, webhook and source, pointing at the loopback servers."""
    path = tmp_path / "config.toml"
    feed_name, feed_url = feed or ("alerts", replay.url("/feeds/alerts.xml"))
    path.write_text(
        _scrm_config(server)
        + f"""
[watch]
terms = 'kestrel OR "kestrel app" OR #kestrelapp'

[sources.hackernews]
api_url = "{hn_url or replay.url("/hn")}"

[sources.mastodon]
kinds = ["notifications", "tag"]

[sources.bluesky]
kinds = ["search"]

[sources.reddit]
kinds = ["search"]

[sources.github]

[sources.rss]
feeds = [{{ name = "{feed_name}", url = "{feed_url}" }}]
""",
        encoding="utf-8",
    )
    path.chmod(0o600)
    return path


async def run(
    path: Path, tmp_path: Path, client: httpx.AsyncClient, env: dict[str, str] | None = None
) -> tuple[Diagnosis, str]:
    result = await diagnose(
        path,
        db_path=tmp_path / "scrm.db",
        env=env or {},
        state_dir=tmp_path / "state",
        client=client,
        timeout_s=5.0,
    )
    return result, "\n".join(check.line for check in result.checks)


def lines_about(output: str, needle: str) -> list[str]:
    return [line for line in output.splitlines() if needle in line]


def assert_no_secret(output: str) -> None:
    for secret in SECRETS:
        assert secret not in output


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the example ---------------------------------------------------------------------

_SETTING = re.compile(r"^# (\[\[?[\w.]+\]\]?(\s+#.*)?|[a-z_]+ = .*)$")


def uncomment(text: str) -> str:
    """Turn every commented setting (`# key = value`, `# [table]`) into a real one,
    with the continuation lines of a multi-line array; prose comments stay."""
    out: list[str] = []
    open_brackets = 0
    for line in text.splitlines():
        if open_brackets > 0 and line.startswith("#"):
            line = line[1:].strip()
            open_brackets += line.count("[") - line.count("]")
        elif _SETTING.match(line):
            line = line[2:]
            code = line.split(" #", 1)[0]
            open_brackets = code.count("[") - code.count("]")
        out.append(line)
    return "\n".join(out) + "\n"


def test_every_setting_in_the_example_is_one_scrm_accepts() -> None:
    config = parse_config(uncomment(EXAMPLE), "config.toml")

    assert config.watch_terms and "kestrel" in config.watch_terms
    assert set(config.sources) == {
        *("hackernews", "mastodon", "bluesky", "reddit", "github", "rss", "lemmy")
    }
    assert [name for name, _, _ in config.sources["rss"].feeds] == ["alerts", "blog"]
    # A Google Alert keeps all its posts; another feed is filtered by the terms.
    assert [keep for _, _, keep in config.sources["rss"].feeds] == [False, True]
    assert set(config.networks) == {"mastodon", "bluesky", "reddit", "github", "lemmy"}
    assert [team.name for team in config.teams] == ["billing", "engineering"]
    # As written, with everything still commented, it is an empty configuration.
    assert parse_config(EXAMPLE, "config.toml").sources == {}


# -- doctor, called directly -----------------------------------------------------------


async def test_everything_answers(
    tmp_path: Path, server: Loopback, replay: Replay, client: httpx.AsyncClient
) -> None:
    path = write_config(tmp_path, server, replay)

    result, output = await run(path, tmp_path, client)

    assert result.exit_code == 0, output
    assert all(check.state == "ok" for check in result.checks), output
    assert lines_about(output, "config  ✓")[0].endswith(str(path))
    assert lines_about(output, 'watch   ✓ terms: kestrel OR "kestrel app" OR #kestrelapp')
    assert lines_about(output, "db      ✓")[0].endswith("(will be created)")
    for name in (
        "hackernews:kestrel",
        "mastodon:notifications",
        "bluesky:search:kestrel",
        "reddit:search",
        "github:issues",
        "rss:alerts",
    ):
        assert lines_about(output, f"source  ✓ {name}"), (name, output)
    assert "answers (200," in lines_about(output, "hackernews:kestrel")[0]
    assert "a feed with" in lines_about(output, "rss:alerts")[0]
    assert "token accepted" in lines_about(output, "account ✓ mastodon")[0]
    assert "token accepted" in lines_about(output, "account ✓ github")[0]
    assert "login accepted" in lines_about(output, "account ✓ reddit")[0]
    assert "password not tried" in lines_about(output, "account ✓ bluesky")[0]
    for target in ("billing/slack", "billing/audit", "engineering/discord"):
        assert "accepts connections" in lines_about(output, f"webhook ✓ {target}")[0]
    # One request per endpoint: three HN terms, one search.
    assert len(replay.requests("/hn/search_by_date")) == 1
    # Cheap and harmless: no Bluesky login spent, nothing posted anywhere.
    assert server.requests("bluesky.createSession") == []
    assert sum(server.counts().values()) == 0
    assert_no_secret(output)


async def test_a_refused_token_fails_that_network_only(
    tmp_path: Path, server: Loopback, replay: Replay, client: httpx.AsyncClient
) -> None:
    path = write_config(tmp_path, server, replay)
    server.fail(
        "mastodon.verify_credentials", payload="mastodon_error_401_invalid_token.json", times=None
    )

    result, output = await run(path, tmp_path, client)

    assert result.exit_code == 1
    [source] = lines_about(output, "source  ✗")
    assert source.startswith("source  ✗ mastodon:notifications, mastodon:#kestrelapp")
    assert "401" in source and "[mastodon] token" in source
    [account] = lines_about(output, "account ✗")
    assert "mastodon" in account and "401" in account
    for name in ("hackernews:kestrel", "reddit:search", "github:issues", "rss:alerts"):
        assert lines_about(output, f"source  ✓ {name}"), (name, output)
    assert_no_secret(output)


async def test_a_closed_port_an_html_page_and_a_web_page_for_a_feed(
    tmp_path: Path, server: Loopback, replay: Replay, client: httpx.AsyncClient
) -> None:
    page = "<!DOCTYPE html><html><head><title>Kestrel</title></head><body>Hi</body></html>"
    replay.route("/blog", body=page, content_type="text/html; charset=utf-8")
    path = write_config(
        tmp_path,
        server,
        replay,
        hn_url=f"http://127.0.0.1:{closed_port()}/hn",
        feed=("blog", replay.url("/blog")),
    )
    server.html("github.rate_limit", 502, times=None)

    result, output = await run(path, tmp_path, client)

    assert result.exit_code == 1
    assert (
        "cannot connect to 127.0.0.1: connection refused"
        in (lines_about(output, "source  ✗ hackernews:kestrel")[0])
    )
    assert "not a feed (an HTML page)" in lines_about(output, "source  ✗ rss:blog")[0]
    assert "HTML error page" in lines_about(output, "source  ✗ github:issues")[0]
    assert lines_about(output, "source  ✓ reddit:search")
    assert_no_secret(output)


async def test_rate_limited_still_answers(
    tmp_path: Path, server: Loopback, replay: Replay, client: httpx.AsyncClient
) -> None:
    path = write_config(tmp_path, server, replay)
    replay.fail("/hn/search_by_date", status=429, headers={"Retry-After": "30"}, times=None)

    result, output = await run(path, tmp_path, client)

    [line] = lines_about(output, "hackernews:kestrel")
    assert line.startswith("source  ! hackernews:kestrel") and "rate limit" in line
    assert result.exit_code == 0, output


async def test_a_server_that_connects_and_never_answers_is_not_unreachable(
    tmp_path: Path, server: Loopback, replay: Replay
) -> None:
    path = write_config(tmp_path, server, replay)
    replay.delay("/hn/search_by_date", 10, times=None)

    result = await diagnose(
        path, db_path=tmp_path / "scrm.db", env={}, state_dir=tmp_path, timeout_s=0.3
    )

    output = "\n".join(check.line for check in result.checks)
    [line] = lines_about(output, "hackernews:kestrel")
    host = replay.base_url.removeprefix("http://")
    assert line == (
        f"source  ✗ {HN_SOURCES}  {host} accepted the connection but did not answer within 0.3 s"
    )
    assert result.exit_code == 1


@pytest.fixture
def unreachable_port() -> Iterator[int]:
    """A port whose listen queue is full: a new connection is never taken (its SYN is
    dropped), as behind a firewall that drops rather than refuses."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    try:
        yield port
    finally:
        for sock in (*fillers, listener):
            sock.close()


async def test_a_server_that_never_takes_the_connection_cannot_be_reached(
    tmp_path: Path, server: Loopback, replay: Replay, unreachable_port: int
) -> None:
    hn = f"http://127.0.0.1:{unreachable_port}/hn"
    path = write_config(tmp_path, server, replay, hn_url=hn)

    result = await diagnose(
        path, db_path=tmp_path / "scrm.db", env={}, state_dir=tmp_path, timeout_s=0.3
    )

    output = "\n".join(check.line for check in result.checks)
    [line] = lines_about(output, "hackernews:kestrel")
    assert line == (
        f"source  ✗ {HN_SOURCES}  cannot connect to 127.0.0.1:{unreachable_port}: "
        "no answer within 0.3 s"
    )


async def test_missing_credentials_name_the_variable_to_set(
    tmp_path: Path, replay: Replay, client: httpx.AsyncClient
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""[watch]
terms = "kestrel"

[mastodon]
instance = "{replay.url("/mastodon")}"
token_env = "KESTREL_MASTODON"

[bluesky]
handle = "kestrel.bsky.social"
service = "{replay.url("/bsky")}"

[reddit]
client_id = "abc"
user_agent = "linux:scrm:1.0 (by /u/kestrel)"

[sources.bluesky]
[sources.reddit]
[sources.mastodon]
kinds = ["tag"]
tags = ["kestrelapp"]

[teams.billing]
webhooks = [{{ kind = "slack", url_env = "KESTREL_SLACK" }}]
""",
        encoding="utf-8",
    )

    # The instance address is a web site, not a Mastodon server.
    page = "<!DOCTYPE html><html><body>Welcome to Kestrel</body></html>"
    replay.route("/mastodon/api/v1/instance", body=page, content_type="text/html")

    result, output = await run(path, tmp_path, client)

    assert result.exit_code == 1
    assert "account ✗ mastodon  cannot reply: $KESTREL_MASTODON is not set" in output
    tag = lines_about(output, "source  ✗ mastodon:#kestrelapp")[0]
    assert "an HTML page instead of JSON" in tag
    bluesky = lines_about(output, "source  ✗ bluesky  cannot run")[0]
    assert "$SCRM_BLUESKY_PASSWORD" in bluesky and "[bluesky] password_env" in bluesky
    reddit = lines_about(output, "source  ✗ reddit  cannot run")[0]
    assert "$SCRM_REDDIT_CLIENT_SECRET" in reddit
    assert "$KESTREL_SLACK is not set" in lines_about(output, "webhook ✗ billing/slack")[0]

    # Given in the environment, the same file is fine for Bluesky's part.
    replay.route("/bsky/xrpc/_health", body={"version": "0.4.0"})
    env = {"SCRM_BLUESKY_PASSWORD": "an-app-password-1234"}
    _, better = await run(path, tmp_path, client, env)
    assert lines_about(better, "source  ✓ bluesky:search:kestrel")
    assert lines_about(better, "account ✓ bluesky")
    assert "an-app-password-1234" not in better


async def test_the_database_is_described_without_being_changed(
    tmp_path: Path, replay: Replay, client: httpx.AsyncClient
) -> None:
    db = tmp_path / "scrm.db"
    box = await Inbox.open(db, "tester")
    version = await box.db.schema_version()
    await box.close()
    before = db.stat().st_mtime_ns
    path = tmp_path / "config.toml"
    path.write_text("", encoding="utf-8")

    _, output = await run(path, tmp_path, client)

    assert f"db      ✓ {db} (schema {version}, 0 mentions)" in output
    assert db.stat().st_mtime_ns == before


async def test_a_broken_config_names_file_line_and_column(
    tmp_path: Path, client: httpx.AsyncClient
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[watch]\nbackfill = "1d"\nterms = \'kestrel "open\'\n', encoding="utf-8")

    result, output = await run(path, tmp_path, client)

    assert result.exit_code == 2
    assert output.startswith(f"watch   ✗ {path}, line 3: 'watch.terms': column 9:")


# -- the command line ---------------------------------------------------------------------

# Subprocess tests share one xdist worker, as in test_watch_cli.
subprocess_group = pytest.mark.xdist_group("subprocess")


@subprocess_group
def test_init_writes_a_private_example_and_never_overwrites_by_accident(
    isolated_home: Path,
) -> None:
    path = isolated_home / "config" / "scrm" / "config.toml"

    first = scrm("init")

    assert first.returncode == 0, first.stderr
    assert f"wrote {path}" in first.stdout and "scrm doctor" in first.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8") == EXAMPLE
    parse_config(path.read_text(encoding="utf-8"), str(path))

    path.write_text("# mine\n", encoding="utf-8")
    again = scrm("init")
    assert again.returncode == 2
    assert f"{path} already exists" in again.stderr and "--force" in again.stderr
    assert path.read_text(encoding="utf-8") == "# mine\n"

    path.chmod(0o644)
    forced = scrm("init", "--force")
    assert forced.returncode == 0, forced.stderr
    assert path.read_text(encoding="utf-8") == EXAMPLE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temp file left


@subprocess_group
def test_doctor_on_the_command_line(
    tmp_path: Path, server: Loopback, replay: Replay, isolated_home: Path
) -> None:
    path = write_config(tmp_path, server, replay)
    common = ["--config", str(path), "--db", str(tmp_path / "scrm.db")]

    good = scrm("doctor", *common)

    assert good.returncode == 0, good.stdout + good.stderr
    assert lines_about(good.stdout, "source  ✓ rss:alerts")
    assert good.stdout.rstrip().endswith("all good")
    assert_no_secret(good.stdout + good.stderr)

    server.fail("github.rate_limit", status=401, body={"message": "Bad credentials"}, times=None)
    bad = scrm("doctor", *common)
    assert bad.returncode == 1
    assert "GitHub refused the token (401)" in lines_about(bad.stdout, "account ✗ github")[0]
    assert_no_secret(bad.stdout + bad.stderr)


@subprocess_group
def test_doctor_points_at_the_line_with_the_typo(tmp_path: Path, isolated_home: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[watch]\nterms = "kestrel"\n\n[inbox]\nadvance_on_dne = true\n')

    result = scrm("doctor", "--config", str(path))

    # A key scrm does not know is ignored, with a warning that points at it.
    assert f"config  ! {path}, line 5: unknown setting 'inbox.advance_on_dne'" in result.stdout
    assert result.returncode == 0, result.stdout

    # No config where scrm looks by default: every command runs on the defaults, so
    # the doctor says so and still checks the database they name.
    missing = scrm("doctor", "--db", str(tmp_path / "team.db"))
    assert "no such file, so the defaults apply; `scrm init` writes an example" in missing.stdout
    assert f"✓ {tmp_path / 'team.db'} (will be created)" in missing.stdout, missing.stdout
    assert missing.returncode == 0, missing.stdout

    # A --config that names no file is a mistake: nothing else is checked against it.
    wrong = scrm("doctor", "--config", str(tmp_path / "confg.toml"))
    assert wrong.returncode == 1
    assert f"{tmp_path / 'confg.toml'}: no such file; `scrm init --config" in wrong.stdout


# `scrm doctor` as an account that cannot open the writers' turnstile (as root, which
# opens any file, the check runs as nobody once everything it needs is imported).
_DOCTOR_AS_ANOTHER = """
import asyncio, os, sys
from pathlib import Path
from scrm_tui.service.doctor import diagnose

def lines():
    folder = Path(sys.argv[1])
    result = asyncio.run(diagnose(folder / "config.toml", db_path=folder / "team.db", env={},
                                  state_dir=folder))
    return [check.line for check in result.checks if check.area == "db"]

if os.geteuid() == 0:
    lines()  # everything it imports on the way imported (nobody cannot read root's Python)
    os.setgid(65534)
    os.setuid(65534)
print("\\n".join(lines()))
"""


async def test_a_turnstile_this_account_cannot_open_is_warned_about() -> None:
    folder = Path(tempfile.mkdtemp(prefix="scrm-doctor-"))  # one every account can enter
    try:
        folder.chmod(0o777)
        (folder / "config.toml").write_text("", encoding="utf-8")
        inbox = await Inbox.open(folder / "team.db", "tester")
        async with inbox, inbox.db.transaction():
            pass  # an agent's first write
        for file in folder.iterdir():
            file.chmod(0o666)
        turnstile = folder / "team.db-writers"
        assert turnstile.exists()  # made by the first write

        def doctor() -> str:
            done = subprocess.run(
                [sys.executable, "-c", _DOCTOR_AS_ANOTHER, str(folder)],
                capture_output=True,
                text=True,
                check=True,
            )
            return done.stdout

        assert "turnstile" not in doctor() and "-writers" not in doctor()
        turnstile.chmod(0)
        me = pwd.getpwuid(os.geteuid()).pw_name
        assert (
            f"db      ! {turnstile} cannot be opened by this account (----------, owner {me}): "
            f"its writes will not wait their turn behind the other agents'; its owner can fix "
            f"it: chmod 660 {turnstile}"
        ) in doctor()
    finally:
        shutil.rmtree(folder)


async def test_a_database_others_can_read_is_warned_about(
    tmp_path: Path, client: httpx.AsyncClient
) -> None:
    folder = tmp_path / "data"
    db = folder / "scrm.db"
    path = tmp_path / "config.toml"
    path.write_text("", encoding="utf-8")
    async with await Inbox.open(db, "tester"):
        pass
    result = await diagnose(path, db_path=db, env={}, state_dir=tmp_path, client=client)
    assert [c.state for c in result.checks if c.area == "db"] == ["ok"]  # as scrm made it

    db.chmod(0o644)
    folder.chmod(0o755)
    result = await diagnose(path, db_path=db, env={}, state_dir=tmp_path, client=client)
    output = "\n".join(check.line for check in result.checks)
    assert (
        f"db      ! {db} can be read by other users (-rw-r--r--), and it holds customer "
        f"data: chmod 600 {db}"
    ) in output
    assert (
        f"db      ! {folder}, the database's folder, can be read by other users "
        f"(drwxr-xr-x): chmod 700 {folder}"
    ) in output
    assert result.exit_code == 0  # a warning, not a failure

    # A team's folder shares the database with its group, and with no one else.
    team = tmp_path / "team"
    team.mkdir()
    team.chmod(0o2770)
    async with await Inbox.open(team / "team.db", "tester"):
        pass
    result = await diagnose(
        path, db_path=team / "team.db", env={}, state_dir=tmp_path, client=client
    )
    assert [c.state for c in result.checks if c.area == "db"] == ["ok"]
    team.chmod(0o2775)
    result = await diagnose(
        path, db_path=team / "team.db", env={}, state_dir=tmp_path, client=client
    )
    assert f"(drwxrwsr-x): chmod o-rwx {team}" in "\n".join(c.line for c in result.checks)

    result = await diagnose(path, db_path=tmp_path, env={}, state_dir=tmp_path, client=client)
    assert f"db      ✗ {tmp_path} is a directory, not a database" in "\n".join(
        check.line for check in result.checks
    )
