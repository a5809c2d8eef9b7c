"""Profile links, on the recorded payloads: Mastodon's fields (verified by rel=me or not)
and GitHub's website and public e-mail are kept per author; a verified link on a
customer's company domain links the author by itself, an unverified one only suggests;
both are shown to the agent; a customer indexed before the matcher kept company domains
gets theirs at the upgrade."""

from __future__ import annotations

import copy
import io
import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from scrm_tui.channels.bluesky.source import BlueskySource
from scrm_tui.channels.github.api import GitHubDiscussionSource, GitHubSource
from scrm_tui.channels.mastodon.api import MastodonSource
from scrm_tui.core.domains import ProfileLink, company_domain
from scrm_tui.core.models import CustomerIn, MentionIn
from scrm_tui.core.records import parse_mention
from scrm_tui.enrich.matching import CustomerKey, Matcher
from scrm_tui.service.export import export_authors
from scrm_tui.service.inbox import Inbox
from scrm_tui.store.reviews import ReviewStore
from scrm_tui.ui.screens.review import evidence_table
from scrm_tui.ui.widgets.mention_detail import describe
from tests.conftest import fixed_clock
from tests.e2e.test_cli import line, scrm
from tests.fakes.loopback import Loopback
from tests.fakes.recorded import PAYLOADS
from tests.support.rewind import rewind
from tests.tui.test_keys_tui import links

NOW = datetime(2026, 8, 1, 13, 58, tzinfo=UTC).timestamp()
SINCE_MS = int(datetime(2026, 4, 1, tzinfo=UTC).timestamp() * 1000)
ESC = "\x1b"


def recorded_search() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (PAYLOADS / "mastodon_search_v2_mastodon_social.json").read_bytes()
    )
    return data


def recorded_account(acct: str) -> dict[str, Any]:
    """An account of the recorded search, as mastodon.social sent it."""
    return copy.deepcopy(next(a for a in recorded_search()["accounts"] if a["acct"] == acct))


def greg(verified: bool, status_id: str) -> dict[str, Any]:
    """The recorded search's first status, by Greg with his verified website, under his
    full name (the recorded one is "Greg": a first name names nobody in a company);
    `verified=False`: the same field as a server shows it before rel=me is confirmed."""
    status: dict[str, Any] = copy.deepcopy(recorded_search()["statuses"][0])
    status.update(id=status_id, content="<p>kestrel halcy: the sync is stuck again</p>")
    status["account"]["display_name"] = "Greg Kennedy"
    if not verified:
        for field in status["account"]["fields"]:
            field["verified_at"] = None
    return status


async def search(server: Loopback, client: httpx.AsyncClient) -> list[MentionIn]:
    source = MastodonSource(
        client, server.mastodon_account(), base_url=server.mastodon_url, kind="search",
        query="halcy", clock=lambda: NOW,
    )  # fmt: skip
    page = await source.fetch(None, SINCE_MS)
    return list(page.mentions)


def with_account(server: Loopback, account: dict[str, Any], status_id: str) -> None:
    status = server.mastodon_status(
        status_id, "halcy kestrel", created_at="2026-08-01T13:50:00.000Z", acct=account["acct"]
    )
    status["account"] = account
    server.add_mastodon_search_status(status)


# ------------------------------------------------------------------ parsing


async def test_mastodon_fields_become_links_verified_or_not(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    with_account(server, recorded_account("halcy@icosahedron.website"), "900010")
    with_account(server, recorded_account("quasi_crystals"), "900011")
    with_account(server, recorded_account("halcy@glitch.social"), "900012")
    with_account(server, recorded_account("halcy@hachyderm.io"), "900013")

    by = {m.author.handle: m.author.links for m in await search(server, client)}

    # The recorded statuses' authors: Greg's website verified, Jo's site not.
    assert by["greg@icosahedron.website"] == (
        ProfileLink("https://greg-kennedy.com", verified=True, label="Website"),
    )
    assert by["Jo@social.sublingual.xyz"] == (
        ProfileLink("https://sublingual.xyz", verified=False, label="Site"),
    )  # "pronouns: she/they" is no address
    assert by["halcy@icosahedron.website"] == (
        ProfileLink("https://halcy.de/", verified=True, label="Web"),
        ProfileLink("https://demoscene.vc/", verified=False, label="Demogroup"),
    )
    # A mention of someone in a field (an h-card) is not the author's address.
    [quasi] = [links for handle, links in by.items() if handle.startswith("quasi_crystals@")]
    assert quasi == (
        ProfileLink(
            "https://github.com/halcy/quasi_crystals_bot", verified=False, label="Source Code"
        ),
    )
    assert by["halcy@glitch.social"] == ()  # fields of plain words: it says there are none
    assert by["halcy@hachyderm.io"] == ()


async def test_an_address_with_control_characters_is_not_kept(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    account = recorded_account("halcy@icosahedron.website")
    account["fields"] = [
        {
            "name": f"Web{ESC}[31m",
            "value": f'<a href="https://evil.example/{ESC}]8;;x{ESC}\\">evil</a>',
            "verified_at": "2026-04-11T12:08:00.687+00:00",
        },
        {"name": "Mail", "value": '<a href="javascript:alert(1)">x</a>', "verified_at": None},
    ]
    with_account(server, account, "900020")

    [found] = [m for m in await search(server, client) if m.external_id == "900020"]

    assert found.author.links == ()


async def test_github_discussion_authors_bring_their_website_and_public_email(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.add_github_discussion(
        4, "Kestrel sync", "stuck", created_at="2026-11-20T10:02:00Z",
        profile={"websiteUrl": "harborlabs.se", "email": "kate@harborlabs.se"},
    )  # fmt: skip
    server.add_github_discussion(5, "Kestrel", "x", created_at="2026-11-20T10:03:00Z", login="ann")
    source = GitHubDiscussionSource(
        client, server.github_account(), query="kestrel",
        clock=lambda: datetime(2026, 11, 20, 12, tzinfo=UTC).timestamp(),
    )  # fmt: skip

    ann, octocat = (await source.fetch(None, SINCE_MS)).mentions

    # A website is typed by hand (often without a scheme); GitHub shows only a verified
    # address as a public e-mail.
    assert octocat.author.links == (
        ProfileLink("https://harborlabs.se", verified=False, label="website"),
        ProfileLink("mailto:kate@harborlabs.se", verified=True, label="e-mail"),
    )
    assert ann.author.links is None  # the answer says nothing of them: nothing is known
    [request] = server.requests("github.graphql")
    assert "websiteUrl email" in request.json()["query"]


USER = "octokit-fixture-user-b"  # the recorded issue's author


def issues(server: Loopback, client: httpx.AsyncClient, token: bool = True) -> GitHubSource:
    return GitHubSource(
        client, server.github_account() if token else None, query="sesame",
        api_url=server.github_api_url,
        clock=lambda: datetime(2026, 11, 20, 12, tzinfo=UTC).timestamp(),
    )  # fmt: skip


async def test_issue_authors_are_looked_up_once_with_a_token(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.add_github_issue(7, "sesame sync", "stuck", created_at="2026-11-20T10:02:00Z")
    server.set_github_user(USER, blog="http://harborlabs.se/", email="kate@harborlabs.se")
    source = issues(server, client)

    [first] = (await source.fetch(None, SINCE_MS)).mentions
    server.add_github_issue(8, "sesame again", "x", created_at="2026-11-20T10:05:00Z")
    second = (await source.fetch(None, SINCE_MS)).mentions

    # Search names the author only; the users API gives the website and the public
    # e-mail (verified by GitHub), asked once for both pages.
    assert first.author.links == (
        ProfileLink("http://harborlabs.se/", verified=False, label="website"),
        ProfileLink("mailto:kate@harborlabs.se", verified=True, label="e-mail"),
    )
    assert {m.author.links for m in second} == {first.author.links}
    [lookup] = server.requests("github.user")
    assert lookup.path.endswith(f"/users/{USER}")
    assert lookup.headers["authorization"] == f"Bearer {Loopback.GITHUB_TOKEN}"


async def test_without_a_token_or_when_the_lookup_fails_links_are_unknown_not_lost(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.add_github_issue(7, "sesame sync", "stuck", created_at="2026-11-20T10:02:00Z")
    server.set_github_user(USER, blog="harborlabs.se")

    [anonymous] = (await issues(server, client, token=False).fetch(None, SINCE_MS)).mentions
    assert server.requests("github.user") == []  # 60 an hour without a token: not spent
    server.fail("github.user", status=403, body={"message": "API rate limit exceeded"})
    [limited] = (await issues(server, client).fetch(None, SINCE_MS)).mentions

    assert anonymous.author.links is None and limited.author.links is None
    assert limited.text == "sesame sync\n\nstuck"  # the page itself is kept


# ------------------------------------------------------------------ matching


@asynccontextmanager
async def two_gregs(db_path: Path) -> AsyncIterator[Inbox]:
    """An inbox with two customers of the same name: only their company domains tell
    them apart."""
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        await box.add_customers(
            [
                CustomerIn(name="Greg Kennedy", email="greg@greg-kennedy.com", company="Kennedy"),
                CustomerIn(name="Greg Kennedy", email="gkennedy@harborlabs.se", company="Harbor"),
                CustomerIn(name="Jo Lindqvist", email="jo@sublingual.xyz"),  # Jo's site
            ]
        )
        yield box


async def greg_posts(
    server: Loopback, client: httpx.AsyncClient, box: Inbox, verified: bool, status_id: str
) -> None:
    """Greg's post found by the search and stored (its author matched as it is stored)."""
    server.add_mastodon_search_status(greg(verified, status_id))
    await box.ingest(await search(server, client))


def author_row(db_path: Path, handle: str) -> tuple[Any, ...]:
    with sqlite3.connect(db_path) as conn:
        row = conn.execute(
            "SELECT a.match_state, c.email, a.links FROM authors a "
            "LEFT JOIN customers c ON c.id = a.customer_id WHERE a.handle = ?",
            (handle,),
        ).fetchone()
    assert row is not None
    return tuple(row)


async def test_a_verified_link_on_the_customers_domain_links_the_author(
    server: Loopback, client: httpx.AsyncClient, db_path: Path
) -> None:
    async with two_gregs(db_path) as box:
        await greg_posts(server, client, box, verified=True, status_id="900001")
        with sqlite3.connect(db_path) as conn:
            [(mention_id,)] = conn.execute("SELECT id FROM mentions WHERE external_id = '900001'")
        detail = await box.detail(mention_id)
        exported = io.StringIO()
        await export_authors(box, exported, "jsonl")
    assert detail is not None

    state, email, links = author_row(db_path, "greg@icosahedron.website")
    assert (state, email) == ("auto", "greg@greg-kennedy.com")
    assert json.loads(links) == [["https://greg-kennedy.com", True, "Website"]]
    # The reading pane's author line says what the profile links to, and that it is proven.
    head = describe(detail, int(fixed_clock() * 1000))[0].plain
    assert "links: greg-kennedy.com ✓ verified" in head
    # `scrm export authors` says the same.
    rows = {r["handle"]: r for r in map(json.loads, exported.getvalue().splitlines())}
    assert rows["greg@icosahedron.website"]["profile_links"] == [
        {"url": "https://greg-kennedy.com", "verified": True, "label": "Website"}
    ]


async def test_an_unverified_link_is_only_suggested_and_shown_in_the_review_queue(
    server: Loopback, client: httpx.AsyncClient, db_path: Path
) -> None:
    async with two_gregs(db_path) as box:
        await greg_posts(server, client, box, verified=False, status_id="900001")
        rows = await ReviewStore(box.db).page(None, 10)

    state, email, _ = author_row(db_path, "greg@icosahedron.website")
    assert (state, email) == ("suggested", None)
    [row] = [r for r in rows if r.handle == "greg@icosahedron.website"]
    assert row.links == (ProfileLink("https://greg-kennedy.com", verified=False, label="Website"),)
    table = evidence_table(row, row.suggestions[0], 100).plain
    assert "links    greg-kennedy.com (unverified)" in table


async def test_a_link_verified_later_links_the_author_then(
    server: Loopback, client: httpx.AsyncClient, db_path: Path
) -> None:
    async with two_gregs(db_path) as box:
        await greg_posts(server, client, box, verified=False, status_id="900001")
        assert author_row(db_path, "greg@icosahedron.website")[:2] == ("suggested", None)
        # His server has since confirmed the rel=me link: his next post says so.
        await greg_posts(server, client, box, verified=True, status_id="900002")

    assert author_row(db_path, "greg@icosahedron.website")[:2] == ("auto", "greg@greg-kennedy.com")


async def test_a_bluesky_handle_under_the_company_domain_is_that_evidence(
    server: Loopback, client: httpx.AsyncClient, db_path: Path
) -> None:
    # Bluesky profiles have no website field: the handle is the domain, which Bluesky
    # verifies (DNS or /.well-known), so it needs no link.
    post = server.add_bluesky_search_post(
        "did:plc:kate0000000000000000000000", "3lpk6kkkkkk2k", "redistricting kestrel",
        at="2025-05-19T17:30:00.000Z", handle="kate.harborlabs.se",
    )  # fmt: skip
    post["author"]["displayName"] = "Kate Lindqvist"
    source = BlueskySource(
        client, server.bluesky_account(), kind="search", query="redistricting",
        clock=lambda: datetime(2025, 5, 19, 17, 41, tzinfo=UTC).timestamp(),
    )  # fmt: skip
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        await box.add_customers(
            [
                CustomerIn(name="Kate Lindqvist", email="k.lindqvist@gmail.com"),
                CustomerIn(name="Kate Lindqvist", email="kate@harborlabs.se"),
            ]
        )
        page = await source.fetch(None, int(datetime(2025, 5, 19, tzinfo=UTC).timestamp() * 1000))
        await box.ingest(page.mentions)

    [kate] = [m.author for m in page.mentions if m.author.handle == "kate.harborlabs.se"]
    assert kate.links is None  # nothing in the profile: the handle says it
    assert author_row(db_path, "kate.harborlabs.se")[:2] == ("auto", "kate@harborlabs.se")


# ------------------------------------------------------------------ the upgrade


async def test_customers_indexed_before_domains_were_kept_get_them_at_the_upgrade(
    server: Loopback, client: httpx.AsyncClient, db_path: Path
) -> None:
    async with two_gregs(db_path) as box:
        await box.add_customers([CustomerIn(name="Ann Free", email="ann@gmail.com")])
        await box.linker.refresh_index()
    # As the release before step 30 left them: entries without the domain (8 fields), and
    # no profile links on authors.
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE match_entries SET entry = json_remove(entry, '$[8]')")
        rewind(conn, 29)
    server.add_mastodon_search_status(greg(verified=True, status_id="900001"))

    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        with sqlite3.connect(db_path) as conn:
            domains = conn.execute(
                "SELECT c.email, coalesce(json_extract(e.entry, '$[8]'), '') FROM match_entries e "
                "JOIN customers c ON c.id = e.customer_id ORDER BY c.id"
            ).fetchall()
            dirty = conn.execute("SELECT count(*) FROM match_dirty").fetchone()[0]
        await box.ingest(await search(server, client))

    # What the matcher itself makes of each e-mail, without re-indexing anyone.
    assert domains == [(email, company_domain(email)) for email, _ in domains]
    assert [d for _, d in domains] == ["greg-kennedy.com", "harborlabs.se", "sublingual.xyz", ""]
    assert dirty == 0
    assert author_row(db_path, "greg@icosahedron.website")[:2] == ("auto", "greg@greg-kennedy.com")


async def test_an_email_sql_cannot_fold_like_python_is_indexed_again(db_path: Path) -> None:
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        await box.add_customers(
            [
                CustomerIn(name="Åsa Öberg", email="asa@ÖRESUND.se"),
                CustomerIn(name="Ann Acme", email="Ann@ACME.com."),
            ]
        )
        await box.linker.refresh_index()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE match_entries SET entry = json_remove(entry, '$[8]')")
        rewind(conn, 29)

    async with await Inbox.open(db_path, "tester", fixed_clock):
        with sqlite3.connect(db_path) as conn:
            dirty = conn.execute(
                "SELECT c.name FROM match_dirty d JOIN customers c ON c.id = d.customer_id"
            ).fetchall()
            acme = conn.execute(
                "SELECT json_extract(entry, '$[8]') FROM match_entries e JOIN customers c "
                "ON c.id = e.customer_id WHERE c.name = 'Ann Acme'"
            ).fetchone()

    assert dirty == [("Åsa Öberg",)]  # casefold() is not SQL's lower(): Python reads it
    assert acme == ("acme.com",)


# ------------------------------------------------------------------ scrm ingest and export


def test_scrm_ingest_reads_profile_links_and_names_a_bad_one(tmp_path: Path) -> None:
    author = {
        "handle": "kate@fosstodon.org",
        "name": "Kate Lindqvist",
        "links": [
            {"url": "https://harborlabs.se/", "verified": True, "label": "Work"},
            {"url": "mailto:kate@harborlabs.se"},
        ],
    }
    bad = [
        {**author, "links": "https://harborlabs.se"},
        {**author, "links": [{"url": "javascript:alert(1)", "verified": True}]},
        {**author, "links": [{"url": "https://x.example", "verified": "yes"}]},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(line(id=str(n), author=a) for n, a in enumerate([author, *bad], 1)) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "x.db"

    result = scrm("--db", str(db), "ingest", str(source))
    exported = scrm("--db", str(db), "export", "mentions")

    assert result.returncode == 1
    assert "line 2: 'author.links' must be a list, not str" in result.stderr
    assert "line 3: 'author.links[0].url' 'javascript:alert(1)' is not an http(s)" in result.stderr
    assert "line 4: 'author.links[0].verified' must be true or false" in result.stderr
    assert "1 stored, 0 already known, 3 bad lines" in result.stderr
    # The export gives them back as `scrm ingest` reads them.
    [record] = map(json.loads, exported.stdout.splitlines())
    assert record["author"]["links"] == [
        {"url": "https://harborlabs.se/", "verified": True, "label": "Work"},
        {"url": "mailto:kate@harborlabs.se", "verified": False, "label": ""},
    ]


async def test_a_hostile_link_from_a_file_is_shown_inert(db_path: Path) -> None:
    record = json.loads(
        line(
            author={
                "handle": "kate@fosstodon.org",
                "links": [
                    {"url": f"https://evil.example/{ESC}]52;c;cm0gLXJmIH4={ESC}\\", "label": "x"},
                    {"url": "https://\u202eevil.example/", "verified": True},
                ],
            }
        )
    )
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        await box.ingest([parse_mention(record)])
        with sqlite3.connect(db_path) as conn:
            [(mention_id,)] = conn.execute("SELECT id FROM mentions")
        detail = await box.detail(mention_id)
    assert detail is not None

    head = describe(detail, int(fixed_clock() * 1000))[0]
    assert ESC not in head.plain and "\u202e" not in head.plain
    assert "links: evil.example/␛]52;c;" in head.plain
    # Neither became a clickable link: the terminal gets no address a stranger shaped.
    assert not any("evil" in link for link in links(head))


def test_what_a_proven_link_proves() -> None:
    matcher = Matcher(
        [
            CustomerKey(1, "Kate Lindqvist", "kate@harborlabs.se"),
            CustomerKey(2, "Kate Lindqvist", "kate@medium.com"),
        ]
    )

    def linked(*proven: str) -> int | None:
        result = matcher.match("mastodon", "kate@mastodon.social", "Kate Lindqvist", proven=proven)
        return result.candidates[0].customer_id if result.decision == "auto" else None

    assert linked() is None  # a name two customers share links nobody
    assert linked("https://www.harborlabs.se/") == 1  # the company's site (www. or not)
    assert linked("mailto:Kate@HarborLabs.se") == 1  # a verified public e-mail there
    # A page of one's own on a shared host proves that page, not the domain.
    assert linked("https://medium.com/@kate") is None
    assert linked("https://harborlabs.se/~kate") is None
    assert linked("mailto:kate@gmail.com") is None
