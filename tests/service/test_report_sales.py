"""The Sales section: leads (a tag, intent phrases, questions naming a pricing word or a
competitor), revenue touched (customers answered) and revenue at risk (a falling mood,
an open escalation, a negative mention unanswered past the SLA), each recomputed here
in plain Python over the rows of a known database, and each opening its records."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from pathlib import Path

import pytest

from scrm_tui.core.config import Config, ConfigError, Team, parse_config
from scrm_tui.core.leads import DEFAULT_INTENT, DEFAULT_QUESTIONS, lead_filter
from scrm_tui.core.models import Channel, CustomerIn, MentionIn
from scrm_tui.core.query import parse
from scrm_tui.core.ranges import parse_range
from scrm_tui.core.tags import TagEdit
from scrm_tui.service import report
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.screens.customer_list import CustomerListScreen
from tests.conftest import NOW, mention
from tests.service.test_demo import fixtures_match_generator
from tests.support.tui import make_app, press, wait_until
from tests.tui.test_dashboard import highlight, open_dashboard

# The figures are the same on either engine: each test that opens an inbox runs on both.
pytestmark = pytest.mark.both_engines

DAY = 24 * 60  # minutes

# name, lifetime value, renewal date (NOW is 2026-11-20), handle
CUSTOMERS = [
    ("Ada Renewing", 1000.0, "2026-12-20", "ada@shop.example"),
    ("Bo Escalated", 500.0, "", "bo@shop.example"),
    ("Cy Unknown", None, "", "cy@shop.example"),
    ("Di Recent", 2000.0, "2027-06-01", "di@shop.example"),
    ("Ed Happy", 300.0, "", "ed@shop.example"),
]

# (n, text, channel, minutes ago, author handle or None)
POSTS: list[tuple[int, str, Channel, float, str | None]] = [
    # Ada: glad 20 days ago, cross this week -> falling mood
    (1, "Kestrel is wonderful, I love it", Channel.MASTODON, 20 * DAY, "ada@shop.example"),
    (2, "Kestrel is great and fast, happy", Channel.MASTODON, 19 * DAY, "ada@shop.example"),
    (3, "Kestrel sync is broken, terrible", Channel.MASTODON, 2 * DAY, "ada@shop.example"),
    (4, "Kestrel lost my work again, awful", Channel.MASTODON, 1 * DAY, "ada@shop.example"),
    (5, "Kestrel invoice for March", Channel.MASTODON, 3 * DAY, "bo@shop.example"),
    (6, "Kestrel crashed and I hate it", Channel.MASTODON, 1 * DAY, "cy@shop.example"),
    (7, "Kestrel crashed, this is bad", Channel.MASTODON, 60, "di@shop.example"),
    (8, "Kestrel is nice", Channel.MASTODON, 2 * DAY, "ed@shop.example"),
    # leads, and what is not one
    (20, "Can anyone recommend a planner like Kestrel", Channel.BLUESKY, 3 * DAY, None),
    (21, "Is Kestrel pricing fair for a team of 5?", Channel.MASTODON, 4 * DAY, None),
    (22, "Kestrel pricing is a joke", Channel.MASTODON, 4 * DAY, None),
    (23, "Gibt es eine Alternative zu Kestrel für Teams", Channel.REDDIT, 2 * DAY, None),
    (24, "Does Asana sync better than Kestrel?", Channel.BLUESKY, 1 * DAY, None),
    (25, "Kestrel talk at the meetup", Channel.MASTODON, 5 * DAY, None),  # tagged lead
    (26, "Quel est le prix de Kestrel ?", Channel.MASTODON, 2 * DAY, None),
    (27, "Any alternative to Kestrel? Asked last month", Channel.MASTODON, 12 * DAY, None),
    (28, "I recommend Kestrel to everyone", Channel.MASTODON, 2 * DAY, None),
]


def _post(n: int, text: str, channel: Channel, ago: float, handle: str | None) -> MentionIn:
    return mention(n, text, channel=channel, minutes_ago=ago, handle=handle)


class Clock:
    """A clock the seeding moves: each post arrives at its own time."""

    def __init__(self) -> None:
        self.at = NOW.timestamp()

    def __call__(self) -> float:
        return self.at


async def _seed(box: Inbox, clock: Clock) -> dict[str, int]:
    """The known database; the customers' ids by name."""
    box.configure(Config(teams=(Team("billing", "Refunds", ()),)))
    outcome = await box.add_customers(
        [
            CustomerIn(
                name,
                lifetime_value=value,
                fields=(("renewal_date", renewal),) if renewal else (),
                identities=((Channel.MASTODON, handle),),
            )
            for name, value, renewal, handle in CUSTOMERS
        ]
    )
    # Each post arrives when it is posted (a response time runs from its arrival).
    for post in sorted(POSTS, key=lambda p: -p[3]):
        clock.at = NOW.timestamp() - post[3] * 60
        await box.ingest([_post(*post)])
    clock.at = NOW.timestamp()
    ids = await _ids(box)
    await box.edit_tags([ids[25]], TagEdit(add=("lead",)))
    await box.escalations.escalate(ids[5], "billing", "P3", "invoice")
    for n in (4, 8):  # Ada and Ed are answered this week
        compose = await box.replies.compose(ids[n])
        await box.replies.record_manual(compose, compose.text + " sorry, on it")
    return {name: i for (name, *_), i in zip(CUSTOMERS, outcome.ids, strict=True)}


async def _ids(box: Inbox) -> dict[int, int]:
    rows = await box.db.reader.execute_fetchall("SELECT external_id, id FROM mentions")
    return {int(str(e).rsplit("-", 1)[1]): int(i) for e, i in rows}


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return re.findall(r"\w+", "".join(c for c in folded if not unicodedata.combining(c)))


def _has(text: str, phrase: str) -> bool:
    words, wanted = _words(text), _words(phrase)
    return any(words[i : i + len(wanted)] == wanted for i in range(len(words)))


def _is_lead(text: str, tags: set[str], competitors: list[str]) -> bool:
    """The definition, in plain Python over the text (no full-text index)."""
    asked = "?" in text and any(_has(text, w) for w in (*DEFAULT_QUESTIONS, *competitors))
    return "lead" in tags or any(_has(text, p) for p in DEFAULT_INTENT) or asked


async def test_leads_and_revenue_recomputed_from_the_rows(db_path: Path) -> None:
    clock = Clock()
    async with await Inbox.open(db_path, "kate", clock) as box:
        customers = await _seed(box, clock)
        period = parse_range("7d", box.now_ms())
        settings = report.Settings(
            leads=lead_filter(DEFAULT_INTENT, DEFAULT_QUESTIONS, ["Asana"]),
            response_sla_s=4 * 3600,
        )
        built = await report.build(box.db, period, settings, box.now_ms(), with_rising=False)
        assert [s.key for s in built.sections][:2] == ["awareness", "sales"]
        rows = await box.db.reader.execute_fetchall(
            """SELECT m.id, m.text, m.channel, m.created_ms,
                      (SELECT group_concat(tag, ',') FROM mention_tags t WHERE t.mention_id = m.id)
               FROM mentions m"""
        )
        expected: dict[str, int] = {}
        for _, text, channel, created, tags in rows:
            if period.start_ms <= created < period.end_ms and _is_lead(
                text, set((tags or "").split(",")), ["Asana"]
            ):
                expected[channel] = expected.get(channel, 0) + 1
        leads = built.figure("sales.leads")
        # 20 recommend, 21 a pricing question, 23 Alternative zu, 24 names Asana, 25 tagged,
        # 26 a French pricing question; 22 has no `?`, 27 is older, 28 is no intent.
        assert leads.value == sum(expected.values()) == 6
        assert await box.count(parse(leads.filter or "")) == 6
        [by_network, at_risk_table] = built.section("sales").tables
        assert {r.cells[0]: int(r.cells[1]) for r in by_network.rows} == {
            "Mastodon": expected["mastodon"],
            "Bluesky": expected["bluesky"],
            "Reddit": expected["reddit"],
        }
        for row in by_network.rows:
            assert await box.count(parse(row.filter or "")) == int(row.cells[1])

        # Revenue touched: the customers with a sent answer this week, by plain SQL.
        answered = await box.db.reader.execute_fetchall(
            """SELECT DISTINCT a.customer_id FROM outbox o
               JOIN outbox_mentions om ON om.outbox_id = o.id
               JOIN mentions m ON m.id = om.mention_id JOIN authors a ON a.id = m.author_id
               WHERE o.state = 'sent' AND o.sent_ms >= ? AND o.sent_ms < ?""",
            (period.start_ms, period.end_ms),
        )
        value = {customers[name]: v for name, v, *_ in CUSTOMERS}
        touched = built.figure("sales.revenue_touched")
        assert {r[0] for r in answered} == {customers["Ada Renewing"], customers["Ed Happy"]}
        assert touched.value == sum(value[r[0]] or 0 for r in answered) == 1300
        assert set(touched.customers or ()) == {r[0] for r in answered}

        # Revenue at risk, each reason recomputed from the rows.
        scored = await box.db.reader.execute_fetchall(
            """SELECT a.customer_id, m.created_ms, m.compound, m.ingested_ms,
                      m.first_response_ms FROM mentions m JOIN authors a ON a.id = m.author_id
               WHERE a.customer_id IS NOT NULL"""
        )
        base_start = period.start_ms - 90 * 86_400_000
        falling = set()
        for customer in value:
            now = [c for cid, t, c, *_ in scored if cid == customer and t >= period.start_ms]
            old = [
                c
                for cid, t, c, *_ in scored
                if cid == customer and base_start <= t < period.start_ms
            ]
            if len(now) >= 2 and len(old) >= 2 and sum(old) / len(old) - sum(now) / len(now) >= 0.3:
                falling.add(customer)
        late = {
            cid
            for cid, t, c, arrived, answered_ms in scored
            if t >= period.start_ms
            and c <= -0.05
            and answered_ms is None
            and box.now_ms() - arrived > 4 * 3600 * 1000
        }
        escalated = {customers["Bo Escalated"]}
        assert falling == {customers["Ada Renewing"]}
        # Ada's post 3 is still unanswered after two days too; Di's is an hour old.
        assert late == {customers["Cy Unknown"], customers["Ada Renewing"]}
        risky = falling | late | escalated
        at_risk = built.figure("sales.revenue_at_risk")
        assert set(at_risk.customers or ()) == risky
        assert at_risk.value == sum(value[c] or 0 for c in risky) == 1500
        assert "1 customer with no lifetime value" in at_risk.note
        assert customers["Di Recent"] not in risky  # negative, but within the SLA
        # The churn view: Ada renews in 30 days, so she comes first.
        first = at_risk_table.rows[0]
        assert first.customer == customers["Ada Renewing"]
        assert first.cells[:3] == ("Ada Renewing", "$1,000", "30d")
        assert first.cells[3] == "falling mood, unanswered past SLA"
        assert [r.customer for r in at_risk_table.rows[1:]] == [
            customers["Bo Escalated"],
            customers["Cy Unknown"],
        ]
        assert at_risk_table.rows[1].cells[3] == "open escalation"
        assert at_risk_table.rows[2].cells[1:] == ("—", "—", "unanswered past SLA")
        assert "falling mood" in at_risk.formula and "≥ 0.3 below" in at_risk.formula


async def test_enter_on_revenue_at_risk_lists_exactly_those_customers(db_path: Path) -> None:
    clock = Clock()
    async with await Inbox.open(db_path, "kate", clock) as box:
        customers = await _seed(box, clock)
    app = make_app(db_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_dashboard(pilot)
        await highlight(pilot, "Revenue at risk")
        await press(pilot, "enter")
        await wait_until(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, CustomerListScreen) and bool(pilot.app.screen.cards)
            ),
        )
        listed = pilot.app.screen
        assert isinstance(listed, CustomerListScreen)
        names = {card.name for card in listed.cards}
        # The default config: no competitor, SLA 4h. Ada (falling), Bo (escalated), Cy
        # (unanswered a day), never Di (an hour) nor Ed (glad, answered).
        assert names == {"Ada Renewing", "Bo Escalated", "Cy Unknown"}
        assert {card.id for card in listed.cards} == {
            customers[n] for n in ("Ada Renewing", "Bo Escalated", "Cy Unknown")
        }


def test_sales_settings_are_checked_in_the_config() -> None:
    config = parse_config(
        '[sales]\nintent = ["Looking  for a CRM"]\nutm_domains = ["Kestrel.app"]\n'
    )
    assert config.sales_intent == ("Looking for a CRM",)
    assert config.utm_domains == ("kestrel.app",)
    assert config.sales_questions == DEFAULT_QUESTIONS
    for bad, said in (
        ('[sales]\nintent = ["?!"]\n', "line 2: 'sales.intent': '?!' has no word in it"),
        ("[sales]\nquestions = [3]\n", "line 2: 'sales.questions' must be a list of phrases"),
        ('[sales]\nutm_domains = ["https://x.io/"]\n', "line 2: 'sales.utm_domains': 'https"),
    ):
        with pytest.raises(ConfigError) as error:
            parse_config(bad)
        assert said in str(error.value)


def test_a_competitor_set_makes_its_questions_leads() -> None:
    from types import SimpleNamespace

    from scrm_tui.service.measures import competitor_terms

    configured = SimpleNamespace(
        competitors=(SimpleNamespace(terms='asana OR "asana app" -#kestrel'),)
    )
    assert competitor_terms(configured) == ["asana", "asana app"]  # type: ignore[arg-type]
    assert competitor_terms(Config()) == []  # no [watch.competitors]: only the phrases
    assert '(? ("pricing"' in lead_filter((), DEFAULT_QUESTIONS, ["asana"])
    assert '"asana")' in lead_filter((), DEFAULT_QUESTIONS, ["asana"])


async def test_the_demo_shows_leads_answers_and_a_customer_renewing_soon(db_path: Path) -> None:
    from scrm_tui.service import demo

    async with await Inbox.open(db_path, "you", lambda: NOW.timestamp()) as box:
        await demo.seed(box)
        period = parse_range("7d", box.now_ms())
        built = await report.build(box.db, period, with_rising=False)
        leads = built.figure("sales.leads")
        assert (leads.value or 0) >= 10
        assert await box.count(parse(leads.filter or "")) == leads.value
        touched = built.figure("sales.revenue_touched")
        # The customers answered in the range, recomputed from the outbox's rows: the
        # sales part's answers (Hannah Turner, Rachel Lewis, Matilda Cook, Taylor Rogers)
        # and the demo team's (tools/gen_demo_team.py).
        with sqlite3.connect(db_path) as conn:
            answered = dict(
                conn.execute(
                    """SELECT c.name, c.lifetime_value FROM customers c WHERE c.id IN (
                       SELECT a.customer_id FROM outbox o
                       JOIN outbox_mentions om ON om.outbox_id = o.id
                       JOIN mentions m ON m.id = om.mention_id
                       JOIN authors a ON a.id = m.author_id
                       WHERE o.state = 'sent' AND o.sent_ms >= ? AND o.sent_ms < ?)""",
                    (period.start_ms, period.end_ms),
                )
            )
        assert {"Hannah Turner", "Rachel Lewis", "Matilda Cook", "Taylor Rogers"} <= set(answered)
        assert touched.value == pytest.approx(sum(v for v in answered.values() if v is not None))
        at_risk = next(t for t in built.section("sales").tables if t.key == "sales.at_risk")
        first = at_risk.rows[0]
        taylor = next(row for row in at_risk.rows if row.cells[0] == "Taylor Rogers")
        assert "falling mood" in taylor.cells[3]
        assert int(first.cells[2].rstrip("d")) <= 60  # renewing soon comes first
        # The shop's sales after Hannah's and Matilda's tagged links; a newsletter's is not.
        attributed = built.figure("sales.attributed")
        assert attributed.value == 2_400 + 1_663.2
        assert "1 of 3 conversions not attributable" in attributed.note
        # Enter opens the two answered mentions whose replies the sales followed.
        credited = await box.page_older(parse(attributed.filter or ""), None, 9)
        assert {r.customer_name for r in credited} == {"Hannah Turner", "Matilda Cook"}
        assert len(credited) == 2


def test_the_sales_demo_records_come_from_their_generator() -> None:
    fixtures_match_generator(
        "gen_demo_sales",
        {"mentions_sales.jsonl": "records", "conversions_sales.jsonl": "conversions"},
    )
