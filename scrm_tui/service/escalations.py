"""Escalating to a team: the in-app queue, SLAs, and webhook deliveries through the outbox."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from scrm_tui.core.config import DEFAULT_SLA_S, Team
from scrm_tui.core.models import PRIORITIES, Escalation
from scrm_tui.core.outgoing import EscalationNotice
from scrm_tui.service.credentials import Credentials
from scrm_tui.store.bulk_changes import WITHDRAWN, EscalateChange
from scrm_tui.store.escalations import Delivery, EscalationStore
from scrm_tui.store.mentions import MentionStore


class EscalationRefused(ValueError):
    """The escalation cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class TeamInfo:
    name: str
    description: str
    hooks: tuple[str, ...]  # "slack", "discord: eng"... what will hear about it
    problems: tuple[str, ...] = ()  # hooks that cannot be reached, and why


@dataclass
class EscalationPolicy:
    teams: tuple[Team, ...] = ()
    sla_s: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SLA_S))


class Escalations:
    def __init__(
        self,
        store: EscalationStore,
        mentions: MentionStore,
        agent: str,
        now_ms: Callable[[], int],
        kick: Callable[[], None],
    ):
        self.store = store
        self.mentions = mentions
        self.agent = agent
        self.now_ms = now_ms
        self.kick = kick
        self.creds = Credentials()
        self.policy = EscalationPolicy()

    def teams(self) -> list[TeamInfo]:
        infos = []
        for team in self.policy.teams:
            hooks = tuple(
                f"{h.kind}" if h.name == h.kind else f"{h.kind}: {h.name}"
                for h in self.creds.hooks.get(team.name, [])
            )
            problems = tuple(
                f"{target.partition('/')[2]}: {why}"
                for target, why in self.creds.hook_problems.items()
                if target.partition("/")[0] == team.name
            )
            infos.append(TeamInfo(team.name, team.description, hooks, problems))
        return infos

    def sla_ms(self, priority: str) -> int:
        return int(self.policy.sla_s.get(priority, DEFAULT_SLA_S["P4"]) * 1000)

    def overdue_ms(self, escalation: Escalation, now_ms: int | None = None) -> int:
        """How far past its SLA an unresolved escalation is (negative: time left)."""
        now = self.now_ms() if now_ms is None else now_ms
        end = escalation.resolved_ms if escalation.state == "resolved" else now
        return int(end or now) - escalation.created_ms - self.sla_ms(escalation.priority)

    async def _notice(
        self,
        escalation_id: int,
        event: str,
        team: str,
        priority: str,
        note: str,
        mention_id: int | None,
        mentions: int = 1,
    ) -> EscalationNotice:
        detail = await self.mentions.detail(mention_id, self.agent) if mention_id else None
        return EscalationNotice(
            mentions=mentions,
            escalation_id=escalation_id,
            event=event,
            team=team,
            priority=priority,
            note=note,
            agent=self.agent,
            at_ms=self.now_ms(),
            channel=detail.row.channel if detail else None,
            mention_text=detail.text if detail else None,
            mention_url=detail.url if detail else None,
            author_handle=detail.row.author_handle if detail else None,
            author_name=detail.row.author_name if detail else None,
            customer_name=detail.row.customer_name if detail else None,
        )

    def _deliveries(self, team: str, notice: EscalationNotice) -> list[Delivery]:
        body = json.dumps(dataclasses.asdict(notice), ensure_ascii=False)
        return [
            (hook.kind, f"{team}/{hook.name}", body, uuid.uuid4().hex)
            for hook in self.creds.hooks.get(team, [])
        ]

    def check(self, team: str, priority: str) -> None:
        """EscalationRefused unless `team` is in the config and `priority` is known."""
        if team not in {t.name for t in self.policy.teams}:
            known = ", ".join(t.name for t in self.policy.teams) or "none: add [teams.<name>]"
            raise EscalationRefused(f"no team '{team}' in the config (teams: {known})")
        if priority not in PRIORITIES:
            raise EscalationRefused(f"priority must be one of {', '.join(PRIORITIES)}")

    async def group_change(
        self, first: int, total: int, team: str, priority: str, note: str
    ) -> EscalateChange:
        """One escalation naming `total` mentions, the team told once about the first
        (and how many there are): the bulk change `e` writes."""
        self.check(team, priority)
        draft = await self._notice(0, "opened", team, priority, note.strip(), first, total)

        def opened(escalation_id: int) -> Sequence[Delivery]:
            return self._deliveries(team, dataclasses.replace(draft, escalation_id=escalation_id))

        return EscalateChange(team, priority, note.strip(), total, opened=opened)

    async def rebuild(self, params: dict[str, Any]) -> EscalateChange:
        """The change of a journal (to undo it): a withdrawal tells the team too."""
        change = EscalateChange(
            params["team"],
            params["priority"],
            params["note"],
            params["total"],
            escalation_id=params["escalation"],
        )
        current = await self.store.get(params["escalation"]) if params["escalation"] else None
        if current is not None:
            notice = await self._notice(
                current.id,
                "resolved",
                current.team,
                current.priority,
                WITHDRAWN,
                current.mention_id,
                params["total"],
            )
            deliveries = self._deliveries(current.team, notice)
            change.withdrawn = lambda _: deliveries
        return change

    async def escalate(self, mention_id: int | None, team: str, priority: str, note: str) -> int:
        self.check(team, priority)
        # The notice names the escalation, whose id exists only inside the transaction.
        draft = await self._notice(0, "opened", team, priority, note.strip(), mention_id)

        def deliveries(escalation_id: int) -> Sequence[Delivery]:
            notice = dataclasses.replace(draft, escalation_id=escalation_id)
            return self._deliveries(team, notice)

        escalation_id = await self.store.create(
            mention_id=mention_id,
            customer_id=None,
            team=team,
            priority=priority,
            note=note.strip(),
            agent=self.agent,
            now_ms=self.now_ms(),
            deliveries=deliveries,
        )
        self.kick()
        return escalation_id

    async def _change(self, escalation_id: int, state: str, note: str) -> bool:
        current = await self.store.get(escalation_id)
        if current is None:
            raise EscalationRefused(f"no escalation #{escalation_id}")
        deliveries: list[Delivery] = []
        if state == "resolved":
            notice = await self._notice(
                escalation_id,
                "resolved",
                current.team,
                current.priority,
                note.strip(),
                current.mention_id,
            )
            deliveries = self._deliveries(current.team, notice)
        changed = await self.store.change(
            escalation_id,
            state,
            agent=self.agent,
            now_ms=self.now_ms(),
            note=note.strip(),
            deliveries=deliveries,
        )
        if changed:
            self.kick()
        return changed

    async def acknowledge(self, escalation_id: int) -> bool:
        return await self._change(escalation_id, "acknowledged", "")

    async def resolve(self, escalation_id: int, note: str) -> bool:
        return await self._change(escalation_id, "resolved", note)

    async def reopen(self, escalation_id: int) -> bool:
        return await self._change(escalation_id, "open", "")

    async def listing(self, states: Sequence[str] = ()) -> list[Escalation]:
        return await self.store.listing(states)

    async def for_mention(self, mention_id: int) -> list[Escalation]:
        return await self.store.for_mention(mention_id)
