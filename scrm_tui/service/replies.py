"""Answering: the composer's context, drafts, templates, and queueing a reply or a post."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from scrm_tui.core import networks
from scrm_tui.core import templates as tpl
from scrm_tui.core.locations import config_dir
from scrm_tui.core.models import NETWORK_NAMES, MentionDetail, OutboxItem
from scrm_tui.core.team import AnswerMark
from scrm_tui.core.textlimits import MASTODON_URL_LENGTH, Measure, measure
from scrm_tui.core.utm import tag_links
from scrm_tui.service.credentials import Credentials
from scrm_tui.store.mentions import MentionStore
from scrm_tui.store.outbox import OutboxStore

ELSEWHERE = "elsewhere"  # a macro post made by hand somewhere scrm does not post


class ReplyRefused(ValueError):
    """The reply cannot be queued as it is; the message says why and what to do."""


@dataclass(frozen=True)
class Compose:
    """Everything the composer shows before the first key is typed."""

    channel: str
    network: str  # the network's name for people
    text: str  # the saved draft, or the prefill the network expects
    from_draft: bool
    manual_reason: str | None  # set: scrm cannot post here, the reply is made elsewhere
    draft_key: str
    mention_ids: tuple[int, ...] = ()
    url: str | None = None  # the mention (to open it when replying by hand)
    char_limit: int | None = None
    url_length: int = 23
    values: dict[str, str | None] = field(default_factory=dict)
    earlier: tuple[OutboxItem, ...] = ()  # replies already sent or queued
    # The outbox as it was for these mentions when the composer opened: an answer
    # that is news since then holds the send (see OutboxStore.enqueue).
    mark: AnswerMark = field(default_factory=AnswerMark)

    @property
    def manual(self) -> bool:
        return self.manual_reason is not None

    def measure(self, text: str) -> Measure:
        return measure(self.channel, text, char_limit=self.char_limit, url_length=self.url_length)


def _prefill(detail: MentionDetail) -> str:
    # Where a reply must name who it answers (Mastodon), its record says how; elsewhere
    # the reply threads by itself.
    net = networks.find(detail.row.channel)
    prefill = net.prefill if net else None
    return prefill(detail.row.author_handle) if prefill else ""


class Replies:
    def __init__(
        self,
        outbox: OutboxStore,
        mentions: MentionStore,
        agent: str,
        now_ms: Callable[[], int],
        kick: Callable[[], None],
    ):
        self.outbox = outbox
        self.mentions = mentions
        self.agent = agent
        self.now_ms = now_ms
        self.kick = kick  # wakes this process's outbox worker
        self.creds = Credentials()
        self.done_on_reply = True
        self.utm_domains: tuple[str, ...] = ()  # [sales] utm_domains: links tagged
        self.templates_path: Path = config_dir() / "templates.toml"

    # ---------------------------------------------------------------- composing

    def _limits(self, channel: str) -> tuple[int | None, int]:
        """The account's own limit and link length, where its network has them (a
        Mastodon instance's); else the network's limit and Mastodon's link default."""
        account = self.creds.accounts.get(channel)
        net = networks.find(channel)
        if account is not None and net is not None and net.account_limits is not None:
            return net.account_limits(account)
        return None, MASTODON_URL_LENGTH

    async def compose(self, mention_id: int) -> Compose:
        detail = await self.mentions.detail(mention_id, self.agent)
        if detail is None:
            raise ReplyRefused("that mention is gone")
        channel = detail.row.channel
        key = f"reply:{mention_id}"
        draft = await self.outbox.draft(self.agent, key)
        limit, url_length = self._limits(channel)
        return Compose(
            channel=channel,
            network=NETWORK_NAMES.get(channel, channel),
            text=draft[1] if draft else _prefill(detail),
            from_draft=draft is not None,
            manual_reason=self.creds.why_not(channel),
            draft_key=key,
            mention_ids=(mention_id,),
            url=detail.url,
            char_limit=limit,
            url_length=url_length,
            values=tpl.values_for(
                author_name=detail.row.author_name,
                author_handle=detail.row.author_handle,
                customer_name=detail.row.customer_name,
                customer_company=detail.customer_company,
                customer_tier=detail.row.customer_tier,
                agent=self.agent,
                mention_url=detail.url,
                channel=channel,
            ),
            earlier=tuple(await self.outbox.for_mention(mention_id)),
            mark=await self.outbox.mark_now([mention_id]),
        )

    def post_networks(self) -> list[tuple[str, str | None]]:
        """Where a macro response can go: (channel, why it must be made by hand)."""
        options: list[tuple[str, str | None]] = [
            (net.name, self.creds.why_not(net.name))
            for net in networks.all_networks()
            if net.can_post
        ]
        options.append((ELSEWHERE, "a status page, a blog, a forum"))
        return options

    async def compose_post(self, channel: str, mention_ids: Sequence[int]) -> Compose:
        """One public post answering many mentions (a macro response)."""
        if not mention_ids:
            raise ReplyRefused("select the mentions this post answers first (space)")
        draft = await self.outbox.draft(self.agent, "post")
        limit, url_length = self._limits(channel)
        reason = "posted by hand elsewhere" if channel == ELSEWHERE else self.creds.why_not(channel)
        return Compose(
            channel=channel,
            network=NETWORK_NAMES.get(channel, "Elsewhere"),
            text=draft[1] if draft else "",
            from_draft=draft is not None,
            manual_reason=reason,
            draft_key="post",
            mention_ids=tuple(mention_ids),
            char_limit=limit,
            url_length=url_length,
            values=tpl.values_for(
                author_name=None,
                author_handle=None,
                customer_name=None,
                customer_company=None,
                customer_tier=None,
                agent=self.agent,
                mention_url=None,
                channel=channel,
            ),
            mark=await self.outbox.mark_now(mention_ids),
        )

    async def save_draft(self, compose: Compose, text: str) -> None:
        await self.outbox.save_draft(
            self.agent, compose.draft_key, compose.channel, text, self.now_ms()
        )

    # ---------------------------------------------------------------- sending

    def _check(self, compose: Compose, text: str) -> None:
        if not text.strip() or text.strip() == _prefill_only(compose):
            raise ReplyRefused("Nothing to send yet: write the reply first.")
        refusal = compose.measure(text).refusal()
        if refusal:
            raise ReplyRefused(refusal)

    async def send(
        self, compose: Compose, text: str, *, overriding: Sequence[OutboxItem] = ()
    ) -> int:
        """Queue the reply (or post); the outbox worker sends it. Raises AnswerHeld,
        queueing nothing, when someone answered since the composer opened, apart from
        the answers in `overriding` (the agent saw those and sends all the same)."""
        self._check(compose, text)
        if compose.manual_reason is not None:
            raise ReplyRefused(
                f"scrm cannot post this: {compose.manual_reason}. "
                "Record it as made elsewhere instead (Ctrl+R)."
            )
        kind = "reply" if compose.draft_key != "post" else "post"
        if kind == "reply" and compose.mention_ids:
            text = self.tagged(compose, text)
        # The key is chosen once, now: every retry reuses it (see service/outbox.py).
        net = networks.find(compose.channel)
        key = net.new_key() if net and net.new_key else uuid.uuid4().hex
        outbox_id = await self.outbox.enqueue(
            kind=kind,
            channel=compose.channel,
            text=text,
            key=key,
            mention_ids=compose.mention_ids,
            agent=self.agent,
            now_ms=self.now_ms(),
            draft_key=compose.draft_key,
            mark=compose.mark.seen(overriding),
            overriding=overriding,
        )
        self.kick()
        return outbox_id

    def tagged(self, compose: Compose, text: str) -> str:
        """The reply as sent: its links to the brand's domains carry UTM tags naming the
        mention (core/utm.py), unless that would take it past the network's limit."""
        return tag_links(
            text,
            self.utm_domains,
            compose.channel,
            compose.mention_ids[0],
            lambda tagged: not compose.measure(tagged).over,
        )

    async def record_manual(
        self, compose: Compose, text: str, *, overriding: Sequence[OutboxItem] = ()
    ) -> int:
        """The reply was (or will be) made by hand on the network: record it as sent.
        Held as `send` is."""
        self._check(compose, text)
        return await self.outbox.record_manual(
            channel=compose.channel,
            text=text,
            key=uuid.uuid4().hex,
            mention_ids=compose.mention_ids,
            agent=self.agent,
            now_ms=self.now_ms(),
            done=self.done_on_reply,
            draft_key=compose.draft_key,
            url=compose.url,
            mark=compose.mark.seen(overriding),
            overriding=overriding,
        )

    async def drop_draft(self, compose: Compose, answered: Sequence[OutboxItem]) -> None:
        """Others answered first and the agent leaves it to them: the draft goes."""
        await self.outbox.drop_draft(
            self.agent, compose.draft_key, compose.mention_ids, answered, self.now_ms()
        )

    # ---------------------------------------------------------------- templates

    def templates(self) -> tuple[list[tpl.Template], str | None]:
        """The agent's templates file if there is one, else the shipped set; a broken
        file gives the shipped set and the error (naming its line)."""
        try:
            text = self.templates_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = None
        except (OSError, UnicodeDecodeError) as error:
            return self._shipped(), f"{self.templates_path}: cannot be read ({error})"
        if text is not None:
            try:
                return tpl.parse_templates(text, str(self.templates_path)), None
            except tpl.TemplateError as error:
                return self._shipped(), f"{error} (showing the default templates)"
        return self._shipped(), None

    @staticmethod
    def _shipped() -> list[tpl.Template]:
        text = resources.files("scrm_tui").joinpath("fixtures/templates.toml").read_text("utf-8")
        return tpl.parse_templates(text, "fixtures/templates.toml")


def _prefill_only(compose: Compose) -> str:
    return compose.text.strip() if not compose.from_draft else ""
