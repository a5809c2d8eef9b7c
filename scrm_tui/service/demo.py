"""The offline demo: seed a database from the shipped fixtures, then keep streaming."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from scrm_tui.core.config import Competitor, Team
from scrm_tui.core.models import CustomerIn, MentionIn
from scrm_tui.core.records import parse_customer, parse_mention
from scrm_tui.core.timefmt import parse_iso
from scrm_tui.service.inbox import Inbox

BATCH = 500
HOUR_MS = 3_600_000


def fixtures() -> Traversable:
    """The fixtures folder inside the installed package (works from a wheel too)."""
    return resources.files("scrm_tui").joinpath("fixtures")


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(fixtures().joinpath("demo.json").read_text("utf-8"))
    return data


def _records(name: str) -> Iterator[dict[str, Any]]:
    with fixtures().joinpath(name).open("r", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def demo_customers() -> list[CustomerIn]:
    return [parse_customer(record) for record in _records("customers.jsonl")]


def mention_files() -> list[str]:
    """`mentions.jsonl`, then each `mentions_<part>.jsonl` (a dashboard section's own
    demo records, written by its generator under tools/), in name order."""
    extra = sorted(
        f.name
        for f in fixtures().iterdir()
        if f.name.startswith("mentions_") and f.name.endswith(".jsonl")
    )
    return ["mentions.jsonl", *extra]


def demo_mentions(now: datetime) -> list[MentionIn]:
    """The seeded mentions, moved in time so the newest is a few minutes old."""
    reference = parse_iso(str(manifest()["reference_time"]))
    shift = now - reference
    return [
        replace(mention, created_at=mention.created_at + shift)
        for name in mention_files()
        for mention in map(parse_mention, _records(name))
    ]


def demo_contacts() -> list[dict[str, Any]]:
    """Calls, e-mails, surveys, letters and notes for some of the demo customers."""
    return list(_records("contacts.jsonl"))


@dataclass
class SeedReport:
    customers: int
    mentions: int
    contacts: int = 0


def brand(inbox: Inbox) -> None:
    """The demo's product name is no word of any language, nor a mood."""
    inbox.brand_words = (str(manifest()["product"]),)
    handles = manifest().get("brand_handles", {})
    inbox.brand_accounts = tuple((str(n), str(h)) for n, h in handles.items() if h)


async def seed(inbox: Inbox) -> SeedReport:
    """Load the demo customers and mentions; safe to run on an already seeded file."""
    now = datetime.fromtimestamp(inbox.clock(), tz=UTC)
    brand(inbox)
    days = (now - parse_iso(str(manifest()["reference_time"]))).days
    outcome = await inbox.add_customers(
        [_renewing_later(c, days) for c in demo_customers()], source="the demo data"
    )
    mentions = demo_mentions(now)
    stored = 0
    new_ids: list[int] = []
    for start in range(0, len(mentions), BATCH):
        result = await inbox.ingest(mentions[start : start + BATCH])
        stored += len(result.stored)
        new_ids.extend(result.stored)
    arrived = await _arrived_as_posted(inbox, new_ids)
    contacts = 0
    if outcome.created:  # first seeding only: contacts have no natural key to dedupe on
        ids = {c.external_id: i for c, i in zip(demo_customers(), outcome.ids, strict=True)}
        now_ms = inbox.now_ms()
        contacts = await inbox.record_contacts(
            [
                (
                    ids[str(record["customer"])],
                    str(record["kind"]),
                    str(record["summary"]),
                    record["direction"],
                    now_ms - int(float(record["days_ago"]) * 86_400_000),
                    str(record["agent"]),
                )
                for record in demo_contacts()
                if str(record["customer"]) in ids
            ]
        )
        await _seed_replies(inbox, arrived)
        await _seed_escalations(inbox, arrived)
        await _seed_rewards(inbox)
    return SeedReport(customers=outcome.created, mentions=stored, contacts=contacts)


def history_rates(now: datetime) -> list[float]:
    """Mentions per hour of the seeded days, for each hour of the day (UTC, 0-23), as
    seeded at `now`: the pace at which the stream can run all day and be no spike."""
    mentions = demo_mentions(now)
    days = max((now - min(m.created_at for m in mentions)).total_seconds() / 86400, 1.0)
    per_hour = [0] * 24
    for mention in mentions:
        per_hour[mention.created_at.astimezone(UTC).hour] += 1
    return [n / days for n in per_hour]


FIRST_GAP = (1.0, 5.0)  # the paced stream's first post comes at once: the demo streams
MIN_RATE = 0.5  # mentions an hour, at the quietest: the stream never stops for hours


def _renewing_later(customer: CustomerIn, days: int) -> CustomerIn:
    """A customer's renewal date moved as the mentions are: "renews in 37 days" stays
    true whenever the demo is opened."""
    fields = []
    for key, value in customer.fields:
        if key == "renewal_date" and value:
            with contextlib.suppress(ValueError):
                value = (date.fromisoformat(value) + timedelta(days=days)).isoformat()
        fields.append((key, value))
    return replace(customer, fields=tuple(fields))


def _draw(channel: str, external_id: str, what: str) -> random.Random:
    """A generator seeded by the mention and what is drawn: the same demo every time."""
    return random.Random(f"{what}\x1f{channel}\x1f{external_id}")


def arrival_delay_ms(channel: str, external_id: str) -> int:
    """How long after it was posted a seeded mention reached scrm: half a minute to a
    few minutes, as a collector polling each network would have found it."""
    return int(_draw(channel, external_id, "arrived").uniform(30, 8 * 60) * 1000)


def answer_delay_ms(channel: str, external_id: str) -> int:
    """How long after it arrived the demo's team answered a mention: most within the
    hour, some within the 4-hour SLA, some past it, a few the next day."""
    rng = _draw(channel, external_id, "answered")
    roll = rng.random()
    minutes = (
        rng.uniform(4, 55)
        if roll < 0.5
        else rng.uniform(60, 230)
        if roll < 0.75
        else rng.uniform(250, 600)
        if roll < 0.9
        else rng.uniform(600, 1560)
    )
    return int(minutes * 60_000)


async def _arrived_as_posted(inbox: Inbox, ids: list[int]) -> dict[int, int]:
    """The newly seeded mentions arrived a little after they were posted, not at seeding
    (so response times are history's, not 0m); returns each one's arrival."""
    from scrm_tui.store.demo_history import posted, set_arrivals

    now_ms = inbox.now_ms()
    arrivals = {
        mention_id: min(created + arrival_delay_ms(channel, external_id), now_ms)
        for start in range(0, len(ids), BATCH)
        for mention_id, channel, external_id, created in await posted(
            inbox.db, ids[start : start + BATCH]
        )
    }
    await set_arrivals(inbox.db, sorted(arrivals.items()))
    return arrivals


def _answers() -> list[tuple[str, str, dict[str, Any]]]:
    """(network, external id, answer) of each seeded answer: a mention record's "reply"
    (the sales part's) and the team's (answers_team.jsonl, tools/gen_demo_team.py)."""
    found = [
        (str(record["channel"]), str(record["id"]), record["reply"])
        for name in mention_files()
        for record in _records(name)
        if isinstance(record.get("reply"), dict)
    ]
    found += [(str(r["channel"]), str(r["id"]), r) for r in _records("answers_team.jsonl")]
    return found


async def _seed_replies(inbox: Inbox, arrived: dict[int, int]) -> int:
    """The answers the demo's agents sent, recorded as the outbox records a reply made by
    hand (never sent anywhere), each a while after its mention arrived (never after now),
    in the order they were sent."""
    from scrm_tui.core.utm import tag_links
    from scrm_tui.store.sales import ids_of

    answers = _answers()
    ids = await ids_of(inbox.db.reader, [(channel, external) for channel, external, _ in answers])
    now_ms = inbox.now_ms()
    planned = []
    for channel, external_id, reply in answers:
        mention_id = ids.get((channel, external_id))
        if mention_id is None or mention_id not in arrived:
            continue
        sent_ms = min(arrived[mention_id] + answer_delay_ms(channel, external_id), now_ms)
        planned.append((sent_ms, mention_id, channel, reply))
    for sent_ms, mention_id, channel, reply in sorted(planned):
        text = str(reply["text"])
        if reply.get("utm"):  # as scrm sends a reply with [sales] utm_domains set
            text = tag_links(text, DEMO_DOMAINS, channel, mention_id)
        await inbox.outbox.record_manual(
            channel=channel,
            text=text,
            key=f"demo-reply:{mention_id}",
            mention_ids=[mention_id],
            agent=str(reply["agent"]),
            now_ms=sent_ms,
            done=True,
            draft_key=None,
            url=None,
        )
    await _seed_conversions(inbox, ids)
    return len(planned)


async def _seed_escalations(inbox: Inbox, arrived: dict[int, int]) -> int:
    """The complaints the demo's agents escalated to its in-app teams (no webhook is
    called), each some hours after it arrived; some resolved since, some still open
    (escalations_team.jsonl, tools/gen_demo_team.py)."""
    from scrm_tui.store.sales import ids_of

    records = list(_records("escalations_team.jsonl"))
    ids = await ids_of(inbox.db.reader, [(str(r["channel"]), str(r["id"])) for r in records])
    now_ms = inbox.now_ms()
    made = 0
    for record in records:
        mention_id = ids.get((str(record["channel"]), str(record["id"])))
        if mention_id is None or mention_id not in arrived:
            continue
        opened_ms = min(arrived[mention_id] + int(float(record["after_hours"]) * HOUR_MS), now_ms)
        agent = str(record["agent"])
        escalation_id = await inbox.escalations.store.create(
            mention_id=mention_id,
            customer_id=None,
            team=str(record["team"]),
            priority=str(record["priority"]),
            note=str(record["note"]),
            agent=agent,
            now_ms=opened_ms,
            deliveries=lambda _: (),
        )
        resolved = record.get("resolved_after_hours")
        if resolved is not None and opened_ms + float(resolved) * HOUR_MS < now_ms:
            await inbox.escalations.store.change(
                escalation_id,
                "resolved",
                agent=agent,
                now_ms=opened_ms + int(float(resolved) * HOUR_MS),
                note="fixed",
            )
        made += 1
    return made


async def _seed_rewards(inbox: Inbox) -> int:
    """Rewards the demo's agents gave its top advocates, days ago (rewards_team.jsonl)."""
    from scrm_tui.store.advocacy import record_reward
    from scrm_tui.store.demo_history import author_ids

    records = list(_records("rewards_team.jsonl"))
    ids = await author_ids(inbox.db, [(str(r["channel"]), str(r["handle"])) for r in records])
    now_ms = inbox.now_ms()
    given = 0
    async with inbox.db.transaction() as conn:
        for record in records:
            author_id = ids.get((str(record["channel"]), str(record["handle"])))
            if author_id is None:
                continue
            await record_reward(
                conn,
                kind=str(record["kind"]),
                note=str(record["note"]),
                agent=str(record["agent"]),
                now_ms=now_ms - int(float(record["days_ago"]) * 24 * HOUR_MS),
                customer_id=None,
                author_id=author_id,
            )
            given += 1
    return given


async def _seed_conversions(inbox: Inbox, ids: dict[tuple[str, str], int]) -> None:
    """The shop's sales that followed the demo replies' tagged links, dated back from now
    (conversions_sales.jsonl: "reply_to" names the answered mention, or null)."""
    from scrm_tui.core.conversions import Conversion
    from scrm_tui.store.conversions import store

    today = datetime.fromtimestamp(inbox.clock(), tz=UTC).date()
    rows = []
    for line, record in enumerate(_records("conversions_sales.jsonl"), 1):
        named = record.get("reply_to")
        mention_id = ids.get((str(named[0]), str(named[1]))) if named else None
        rows.append(
            Conversion(
                f"demo:{line}",
                str(record["campaign"]),
                float(record["value"]),
                today - timedelta(days=int(record["days_ago"])),
                f"m{mention_id}" if mention_id is not None else None,
                line,
            )
        )
    await store(inbox.db, rows, "the demo data", inbox.now_ms())


class DemoStream:
    """New mentions at an irregular pace, drawn from `stream.jsonl`.

    With an `interval`, gaps follow a skewed distribution inside [low, high] seconds:
    mostly quick, sometimes a lull. Without one, the stream keeps the pace of the
    demo's history (`rates`, mentions an hour for each UTC hour of the day) as a
    Poisson process: a stream of ~1,000 an hour against a history of ~6 would be a
    spike every hour (core/spikes.py). When the pool runs out it starts again with
    fresh ids, so the demo can run all day.
    """

    def __init__(
        self,
        rng: random.Random | None = None,
        interval: tuple[float, float] | None = (1.0, 5.0),
        rates: list[float] | None = None,
    ):
        self.rng = rng or random.Random()
        self.interval = interval
        self.low, self.high = interval or FIRST_GAP
        self.rates = rates
        self._first = True
        self._pool = [parse_mention(record) for record in _records("stream.jsonl")]
        self.rng.shuffle(self._pool)
        self._index = 0
        self._round = 0

    def next_gap(self) -> float:
        span = self.high - self.low
        return self.low + span * min(self.rng.betavariate(1.3, 2.6), 1.0)

    def paced_gap(self, now: datetime, rates: list[float]) -> tuple[float, bool]:
        """Seconds to wait at the pace of `now`'s hour of day, and whether a post comes
        then. A gap that would cross into the next hour ends there with no post and is
        drawn again at that hour's pace: exact for a Poisson process (no memory)."""
        if self._first:
            self._first = False
            return self.next_gap(), True
        rate = max(rates[now.astimezone(UTC).hour], MIN_RATE) / 3600
        gap = self.rng.expovariate(rate)
        to_hour = 3600 - (now.timestamp() % 3600)
        return (gap, True) if gap < to_hour else (to_hour, False)

    def next_mention(self, now: datetime) -> MentionIn:
        if self._index >= len(self._pool):
            self._index = 0
            self._round += 1
        mention = self._pool[self._index]
        self._index += 1
        external_id = mention.external_id
        if self._round:
            external_id = f"{external_id}~{self._round}"
        return replace(mention, external_id=external_id, created_at=now)

    async def run(self, inbox: Inbox) -> None:
        """Stream until cancelled."""
        brand(inbox)
        rates = self.rates
        if self.interval is None and rates is None:
            rates = history_rates(datetime.fromtimestamp(inbox.clock(), tz=UTC))
        while True:
            if rates is None:
                await asyncio.sleep(self.next_gap())
            else:
                gap, posts = self.paced_gap(datetime.fromtimestamp(inbox.clock(), tz=UTC), rates)
                await asyncio.sleep(gap)
                if not posts:
                    continue
            now = datetime.fromtimestamp(inbox.clock(), tz=UTC)
            await inbox.ingest([self.next_mention(now)])


# The demo brand's own site: its replies' links to it carry UTM tags.
DEMO_DOMAINS = ("kestrel.app",)

# Teams for `e` in the demo when the config names none: in-app only (no webhooks),
# so an escalation can be tried with no network.
DEMO_TEAMS = (
    Team("billing", "Refunds, invoices, plans"),
    Team("engineering", "Bugs, outages, sync"),
    Team("product", "Feature requests and feedback"),
)

# Colleagues to assign demo mentions to (`a`) when the config names none.
DEMO_AGENTS = ("dana", "lee", "priya", "sam")

# Kestrel's invented competitors (mentions_industry.jsonl, tools/gen_demo_industry.py),
# watched when the config names none.
DEMO_COMPETITORS = (
    Competitor("Harrier", "harrier OR #harrierapp"),
    Competitor("Osprey", 'osprey OR #ospreyapp -"osprey nest"'),
)
