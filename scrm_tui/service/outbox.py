"""The outbox worker: claims due items, sends them, and retries the way each API asks.

Exactly once: an item is claimed (state `sending`, attempts + 1) and committed before
any byte goes out, and marked sent in its own transaction afterwards. A process
killed in between leaves the item in `sending`; whoever picks it up next sends it
again with the same key, and the sender makes that repeat harmless (Mastodon's
Idempotency-Key, the Bluesky record key, or a look for our own post first).

A send in flight is never sent again by another process: the holder renews its claim
while it sends, a send ends within SEND_DEADLINE_S (well inside the claim), and a
claim whose holder is still alive on this host is never taken over, even if it ran
out (a stopped or suspended process that wakes up would otherwise send it twice).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any, Protocol

from scrm_tui.channels.http import make_client
from scrm_tui.channels.webhooks import WebhookSender
from scrm_tui.core import networks
from scrm_tui.core.models import OutboxItem
from scrm_tui.core.outgoing import (
    EscalationNotice,
    PermanentError,
    ReplyRequest,
    SendError,
    Sent,
    TransientError,
)
from scrm_tui.service.credentials import Credentials
from scrm_tui.service.processes import alive_here, gone_here, process_id
from scrm_tui.store.outbox import OutboxStore

log = logging.getLogger(__name__)

Clock = Callable[[], float]
# A claim outlives the slowest send with room to spare, and its holder renews it every
# third of it; a claim of a process that is known dead (same host, pid gone) is
# released at once instead.
LEASE_MS = 90_000
# Each request ends within the HTTP deadline (30 s); a send of several requests (a
# session, then the post) ends within this, however the server answers.
SEND_DEADLINE_S = 60.0
MAX_TRIES = 8  # transient failures before an item is failed (then retried by hand)
BACKOFF_BASE_S = 5.0
BACKOFF_CAP_S = 600.0


class _Sender(Protocol):
    async def send(self, request: ReplyRequest) -> Sent: ...


def backoff_s(tries: int, rng: random.Random | None = None) -> float:
    """Exponential with jitter: 5 s, 10 s, 20 s … capped at 10 min, each drawn from
    [half, full] so that many waiting items do not all come back at once."""
    delay = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2.0 ** max(0, tries - 1))
    draw: float = (rng or random).random()
    return delay * (0.5 + 0.5 * draw)


class Dispatcher:
    """Turns an outbox item into one call of the right sender."""

    def __init__(
        self,
        creds: Credentials,
        store: OutboxStore,
        clock: Clock = time.time,
        *,
        client: Any = None,
    ):
        self.creds = creds
        self.store = store
        self.clock = clock
        self._client: Any = client  # made on first use unless given
        self._senders: dict[str, _Sender] = {}
        self._hooks: WebhookSender | None = None

    @property
    def channels(self) -> set[str]:
        return set(self.creds.accounts)

    @property
    def targets(self) -> set[str]:
        return self.creds.targets

    def _http(self) -> Any:
        if self._client is None:
            self._client = make_client()
        return self._client

    def _sender(self, channel: str) -> _Sender:
        if channel not in self._senders:
            account = self.creds.accounts[channel]
            make = networks.network(channel).sender
            if make is None:  # why_not said so before any account could be read
                raise PermanentError(f"scrm cannot post to {channel}")
            self._senders[channel] = make(self._http(), account, self.clock)
        return self._senders[channel]

    async def send(self, item: OutboxItem) -> Sent:
        if item.kind == "webhook":
            hook = self.creds.hook(item.target or "")
            if hook is None:
                raise PermanentError(
                    self.creds.hook_problems.get(item.target or "")
                    or f"no webhook {item.target} in the config"
                )
            if self._hooks is None:
                self._hooks = WebhookSender(self._http(), clock=self.clock)
            notice = EscalationNotice(**json.loads(item.text))
            return await self._hooks.deliver(hook, notice, item.key)
        why = self.creds.why_not(item.channel)
        if why:
            raise PermanentError(why)
        in_reply_to = target_url = None
        if item.kind == "reply":
            target = await self.store.reply_target(item.id)
            if target is None:
                raise PermanentError("the mention this answers is gone")
            in_reply_to, target_url = target
        request = ReplyRequest(
            channel=item.channel,
            text=item.text,
            key=item.key,
            in_reply_to=in_reply_to,
            target_url=target_url,
            attempt=item.attempts,
            created_ms=item.created_ms,
        )
        return await self._sender(item.channel).send(request)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


class OutboxWorker:
    """Sends what is due, one item at a time, in any process that has the credentials."""

    def __init__(
        self,
        store: OutboxStore,
        dispatcher: Dispatcher,
        *,
        done_on_send: bool = True,
        clock: Clock = time.time,
        worker: str | None = None,
        rng: random.Random | None = None,
        lease_ms: int = LEASE_MS,
        send_deadline_s: float = SEND_DEADLINE_S,
    ) -> None:
        self.store = store
        self.dispatcher = dispatcher
        self.done_on_send = done_on_send
        self.clock = clock
        self.worker = worker or process_id()
        self.rng = rng or random.Random()
        self.lease_ms = lease_ms
        self.send_deadline_s = send_deadline_s
        self.wake = asyncio.Event()
        self._listeners: list[Callable[[OutboxItem], None]] = []

    def on_change(self, listener: Callable[[OutboxItem], None]) -> None:
        """Call `listener(item)` after each item this worker sent, retried or failed."""
        self._listeners.append(listener)

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    async def release_dead(self) -> int:
        """Claims left by a process on this host that no longer exists are due now."""
        released = 0
        for outbox_id, claimed_by, _ in await self.store.claims():
            if claimed_by == self.worker:
                continue
            if gone_here(claimed_by) and await self.store.release(
                outbox_id, claimed_by, self.now_ms()
            ):
                released += 1
        return released

    async def _live_holders(self) -> set[str]:
        """Who holds a claim and is alive on this host (and was when it last renewed)."""
        return {
            claimed_by
            for _, claimed_by, renewed_ms in await self.store.claims()
            if claimed_by != self.worker and alive_here(claimed_by, renewed_ms)
        }

    async def run_due(self) -> list[OutboxItem]:
        """Send everything due now; returns the items as they ended up."""
        done: list[OutboxItem] = []
        while True:
            item = await self.store.claim(
                self.worker,
                self.now_ms(),
                self.lease_ms,
                self.dispatcher.channels,
                self.dispatcher.targets,
                respect=await self._live_holders(),
            )
            if item is None:
                return done
            if not await self._attempt(item):
                continue  # the claim was lost mid-send: its new holder reports it
            after = await self.store.get(item.id)
            if after is not None:
                done.append(after)
                for listener in list(self._listeners):
                    listener(after)

    async def _attempt(self, item: OutboxItem) -> bool:
        """Send one claimed item and record how it went; False if the claim was lost
        while sending (nothing is recorded then: its new holder does that)."""
        redact = self.dispatcher.creds.redact
        sending = asyncio.ensure_future(self._deliver(item))
        sent_or_failed = asyncio.Event()
        renewing = asyncio.ensure_future(self._renew(item, sending, sent_or_failed))
        try:
            try:
                sent = await sending
            finally:
                # Not cancelled: a renewal under way finishes its transaction first.
                sent_or_failed.set()
                await renewing
        except asyncio.CancelledError:
            if sending.cancelled() and not _being_cancelled():
                log.error("outbox item %s: another process took the claim over", item.id)
                return False
            raise
        except PermanentError as error:
            await self.store.mark_failed(item.id, redact(error.reason), self.now_ms())
        except TransientError as error:
            await self._retry(item, error)
        except SendError as error:  # neither kind: treat as transient
            await self._retry(item, error)
        except Exception as error:  # a bug: keep the item, say so, log the traceback
            log.exception("sending outbox item %s failed", item.id)
            reason = redact(f"unexpected error: {type(error).__name__}: {error}")
            await self.store.mark_failed(item.id, reason, self.now_ms())
        else:
            done = self.done_on_send and item.kind != "webhook"
            await self.store.mark_sent(item.id, sent.remote_id, sent.url, self.now_ms(), done)
        return True

    async def _deliver(self, item: OutboxItem) -> Sent:
        """The network part of a send (no database writes: it may be cancelled)."""
        deadline = asyncio.timeout(self.send_deadline_s)
        try:
            async with deadline:
                return await self.dispatcher.send(item)
        except TimeoutError:
            if deadline.expired():
                reason = f"no complete answer within {self.send_deadline_s:g} s"
                raise TransientError(reason) from None
            raise

    async def _renew(
        self, item: OutboxItem, sending: asyncio.Future[Sent], over: asyncio.Event
    ) -> None:
        """Keep the claim alive while the item is sent, every third of its lease; if
        another process took it over (a lease run out on another host), stop sending."""
        while not over.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(over.wait(), self.lease_ms / 3000)
            if over.is_set():
                return
            if not await self.store.renew_claim(item.id, self.worker, self.now_ms(), self.lease_ms):
                sending.cancel()
                return

    async def _retry(self, item: OutboxItem, error: SendError) -> None:
        reason = self.dispatcher.creds.redact(error.reason)
        now = self.clock()
        if item.tries >= MAX_TRIES:
            await self.store.mark_failed(
                item.id, f"gave up after {item.tries} attempts: {reason}", self.now_ms()
            )
            return
        if error.retry_at is not None and error.retry_at > now:
            # The API said when: wait exactly that long (plus a breath of jitter).
            wait = error.retry_at - now + self.rng.random()
        else:
            wait = backoff_s(item.tries, self.rng)
        next_ms = int((now + wait) * 1000)
        await self.store.mark_retry(item.id, reason, next_ms, self.now_ms())

    async def run_forever(self, poll_s: float = 1.0) -> None:
        """Send as items fall due; `wake` is set by whoever queues something here, and
        the poll picks up items queued by other processes."""
        while True:
            try:
                await self.release_dead()
                await self.run_due()
            except Exception:  # the database was busy too long, say: try again later
                log.exception("outbox worker pass failed")
            due = await self.store.next_due_ms()
            wait = poll_s
            if due is not None:
                wait = min(poll_s, max(0.05, (due - self.now_ms()) / 1000))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), wait)
            self.wake.clear()


def _being_cancelled() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
