"""What goes out: accounts to post with, webhooks, a reply request and its result.

Plain records shared by the service layer (which builds them from the config and
the outbox) and the channel senders (which speak HTTP). Secrets live only in these
in-memory records; nothing here is ever written to the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class MastodonAccount:
    base_url: str  # e.g. "https://mastodon.social"
    token: str = field(repr=False)
    char_limit: int = 500  # the instance's max_characters
    url_length: int = 23  # every URL counts as this many characters
    visibility: str = "follow"  # "follow" the original, or public/unlisted/private/direct


@dataclass(frozen=True)
class BlueskyAccount:
    identifier: str  # handle (no leading @) or e-mail
    password: str = field(repr=False)  # an app password
    service: str = "https://bsky.social"  # the entryway; writes go to the PDS in didDoc
    session_file: Path | None = None  # where the session is cached (mode 0600)


@dataclass(frozen=True)
class RedditAccount:
    client_id: str
    client_secret: str = field(repr=False)
    username: str
    refresh_token: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)  # script apps
    user_agent: str = ""  # "<platform>:<app ID>:<version> (by /u/<username>)"
    api_url: str = "https://oauth.reddit.com"
    auth_url: str = "https://www.reddit.com"


@dataclass(frozen=True)
class GitHubAccount:
    token: str = field(repr=False)
    api_url: str = "https://api.github.com"


# Any network's account record: each network's module defines its own (these four
# came before the network table), and only that module reads its fields.
Account = Any


@dataclass(frozen=True)
class Webhook:
    """One delivery target of a team: kind is "slack", "discord" or "json"."""

    name: str
    kind: str
    url: str = field(repr=False)  # a webhook URL is itself a secret
    secret: str | None = field(default=None, repr=False)  # HMAC key ("json" only)


@dataclass(frozen=True)
class ReplyRequest:
    """One post to make. `in_reply_to` is None for a top-level (macro) post.

    `key` is fixed when the post is queued and reused on every attempt: Mastodon's
    Idempotency-Key, the Bluesky record key (a TID), a marker elsewhere.
    """

    channel: str
    text: str
    key: str
    in_reply_to: str | None = None  # the mention's external id
    target_url: str | None = None  # the mention's URL (GitHub: the issue)
    attempt: int = 1  # > 1: a previous attempt may have reached the network
    created_ms: int = 0  # when it was queued (a lower bound for "did we post it?")


@dataclass(frozen=True)
class Sent:
    """What the network says it created."""

    remote_id: str
    url: str | None = None


@dataclass(frozen=True)
class EscalationNotice:
    """The facts a webhook message carries about one escalation (all plain text)."""

    escalation_id: int
    event: str  # "opened" or "resolved"
    team: str
    priority: str  # "P1".."P4"
    note: str
    agent: str
    at_ms: int
    channel: str | None = None
    mention_text: str | None = None
    mention_url: str | None = None
    author_handle: str | None = None
    author_name: str | None = None
    customer_name: str | None = None
    mentions: int = 1  # how many mentions it names (`e` on a selection): the one above first


class SendError(Exception):
    """A send did not happen. `reason` is for people and never holds a secret."""

    def __init__(
        self, reason: str, *, status: int | None = None, retry_at: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_at = retry_at  # epoch seconds the API asked us to wait for, if any


class TransientError(SendError):
    """Try again later (429, 5xx, timeouts, connection errors)."""


class PermanentError(SendError):
    """Retrying will not help (401, 403, 404, 410, 422, a dead webhook)."""


class AuthError(PermanentError):
    """The network refused the credentials this request carried (a token, a login):
    a person must fix them. A refusal of a request that carried none is not this."""
