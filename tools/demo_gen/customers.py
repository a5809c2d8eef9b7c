"""The CRM's customers: the special ones the demo's story needs, and the rest drawn."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import timedelta

from demo_gen import corpus
from demo_gen.basics import REFERENCE_TIME, slugify
from demo_gen.people import HandleRegistry, Person, base_handle, make_person, net_handle
from demo_gen.texts import (
    COMPANIES_RAW,
    COUNTRIES,
    CRM_NOTES,
    CULTURES,
    PAIR_CULTURES,
    PERSONAL_MAIL,
)

# Named customers the brief asks for: diacritics, CJK, and people with the same or a
# very similar name at different companies.  Handles: net -> handle(s), ";"-separated.
SPECIAL_CUSTOMERS = corpus.data("special_customers")


@dataclass
class Customer:
    record: dict
    person: Person
    handles: dict  # net -> list of handles
    display: str | None
    activity: float
    links: dict = field(default_factory=dict)  # handle -> its profile links (add_profile_links)


def phone_for(rng: random.Random, cc: str) -> str:
    tpl = COUNTRIES[cc][2]
    if cc == "US":  # real area codes; 555-01xx is the range reserved for fiction
        tpl = tpl.replace(
            "(###)", f"({rng.choice([212, 415, 312, 617, 206, 512, 303, 404, 646, 720])})"
        )
    return "".join(str(rng.randint(0, 9)) if ch == "#" else ch for ch in tpl)


def email_for(rng: random.Random, p: Person, domain: str | None, taken: set) -> str:
    f, last = slugify(p.first, "") or "user", slugify(p.last, "") or "x"
    if domain:
        locals_ = [
            f"{f}.{last}",
            f"{f}.{last}",
            f"{f[0]}{last}",
            f"{f}",
            f"{f}.{last[0]}",
            f"{f}{last}",
        ]
    else:
        locals_ = [
            f"{f}.{last}",
            f"{f}{last}{rng.randint(1, 99)}",
            f"{f}.{last}.{rng.randint(70, 99)}",
            f"{f[0]}{last}",
            f"{f}_{last}",
        ]
        mails = PERSONAL_MAIL.get(p.lang, PERSONAL_MAIL["default"])
        domain = rng.choice(mails)
    for local in locals_ * 3:
        addr = f"{local}@{domain}"
        if addr not in taken:
            taken.add(addr)
            return addr
        locals_ = [f"{f}.{last}{rng.randint(2, 9)}"]
    addr = f"{f}.{last}.{rng.randint(100, 999)}@{domain}"
    taken.add(addr)
    return addr


def lifetime_value(rng: random.Random, tier: str) -> float | int:
    if tier == "free":
        return 0
    if tier == "pro":
        return rng.choice([96, 96, 96, 86.4, 192, 120])
    if tier == "team":
        seats = max(3, round(9 * math.exp(rng.gauss(0, 0.8))))
        v = round(seats * 14 * 12 * rng.choice([1, 1, 1, 0.9, 0.85]), 2)
        return int(v) if v == int(v) else v
    seats = max(60, round(260 * math.exp(rng.gauss(0, 0.7))))
    return int(round(seats * rng.uniform(13.5, 19.0) * 12, -2))


def build_customers(rng: random.Random, reg: HandleRegistry, target: int = 340) -> list[Customer]:
    companies = []
    for line in COMPANIES_RAW.strip().splitlines():
        name, domain, cc = line.split("|")
        companies.append({"name": name, "domain": domain, "cc": cc})
    special_companies = {s["company"] for s in SPECIAL_CUSTOMERS if s.get("company")}
    # Tier is a property of the company's workspace, so colleagues share it.
    for c in companies:
        c["tier"] = rng.choices(["enterprise", "team", "pro", "free"], [14, 40, 30, 16])[0]
        c["ltv"] = lifetime_value(rng, c["tier"])
    by_name = {c["name"]: c for c in companies}
    for s in SPECIAL_CUSTOMERS:
        if s.get("company"):
            c = by_name[s["company"]]
            if c["tier"] != s["tier"]:
                c["tier"], c["ltv"] = s["tier"], lifetime_value(rng, s["tier"])

    emails: set = set()
    out: list[Customer] = []

    def finish(
        p: Person,
        company: dict | None,
        tier: str,
        handles: dict,
        display: str | None,
        name: str | None = None,
        email: str | None = None,
    ) -> None:
        rec = {
            "id": "",
            "name": name or (p.native if (p.native and rng.random() < 0.5) else p.latin),
            "email": email
            or email_for(
                rng, p, company["domain"] if company and rng.random() < 0.9 else None, emails
            ),
            "company": company["name"] if company else "",
            "phone": phone_for(rng, (company or {}).get("cc", p.country))
            if rng.random() < 0.78
            else "",
            "tier": tier,
            "lifetime_value": company["ltv"]
            if company and tier in ("team", "enterprise")
            else lifetime_value(rng, tier),
            "notes": " ".join(rng.sample(CRM_NOTES, rng.choice([0, 1, 1, 1, 2]))),
        }
        for net in ["mastodon", "bluesky", "hackernews", "reddit", "github", "x"]:
            rec[net] = ";".join(handles.get(net, []))
        cc = (company or {}).get("cc", p.country)
        rec["region"] = COUNTRIES[cc][0]
        if tier == "free":
            rec["renewal_date"] = ""
        else:
            rec["renewal_date"] = (
                REFERENCE_TIME.date() + timedelta(days=rng.randint(-25, 365))
            ).isoformat()
        out.append(Customer(rec, p, handles, display, math.exp(rng.gauss(0, 0.9))))

    for s in SPECIAL_CUSTOMERS:
        p = Person(
            s["first"], s["last"], s.get("native"), s["cc"], COUNTRIES[s["cc"]][1], "special"
        )
        if s.get("native") and s["cc"] in ("JP", "CN", "KR", "IL"):
            p.lang = {"JP": "ja", "CN": "zh", "KR": "ko", "IL": "he"}[s["cc"]]
        handles = {}
        for net, hs in s["handles"].items():
            handles[net] = [h for h in hs.split(";")]
            for h in handles[net]:
                reg.reserve(net, h)
        company = by_name.get(s.get("company") or "")
        finish(
            p, company, s["tier"], handles, s.get("display"), name=s["name"], email=s.get("email")
        )

    # Colleagues at the companies, then individuals on personal e-mail addresses.
    queue: list[tuple[dict | None, str]] = []
    for c in companies:
        n = {
            "enterprise": rng.randint(2, 5),
            "team": rng.randint(1, 3),
            "pro": 1,
            "free": rng.choice([1, 1, 2]),
        }[c["tier"]]
        if c["name"] in special_companies:
            n = max(0, n - 1)
        queue += [(c, c["tier"])] * n
    while len(out) + len(queue) < target:
        queue.append((None, rng.choices(["free", "pro"], [60, 40])[0]))
    rng.shuffle(queue)
    cc_cultures: dict[str, list[str]] = {}
    for cul, spec in list(CULTURES.items()) + list(PAIR_CULTURES.items()):
        for cc in spec["cc"].split():
            cc_cultures.setdefault(cc, []).append(cul)
    for company, tier in queue[: target - len(out)]:
        if company and rng.random() < 0.8 and company["cc"] in cc_cultures:
            p = make_person(rng, rng.choice(cc_cultures[company["cc"]]), None)
            if company["cc"] in [
                x
                for x in CULTURES.get(p.culture, PAIR_CULTURES.get(p.culture, {}))
                .get("cc", "")
                .split()
            ]:
                p.country = company["cc"]
        else:
            p = make_person(rng)
        # ~60% of customers have at least one social handle.
        handles: dict = {}
        if rng.random() < 0.53:
            base = base_handle(rng, p)
            nets = [
                n
                for n, w in [
                    ("mastodon", 0.45),
                    ("bluesky", 0.55),
                    ("github", 0.35),
                    ("reddit", 0.3),
                    ("hackernews", 0.16),
                    ("x", 0.35),
                ]
                if rng.random() < w
            ]
            if not nets:
                nets = [rng.choice(["mastodon", "bluesky", "github"])]
            for net in nets:
                h = net_handle(rng, net, p, base if rng.random() < 0.7 else None)
                handles[net] = [reg.claim(net, h, rng)]
                # A few people keep two accounts on one network (moved instance, alt, work).
                if net in ("mastodon", "reddit", "github") and rng.random() < 0.025:
                    handles[net].append(reg.claim(net, net_handle(rng, net, p), rng))
        finish(p, company, tier, handles, None)

    rng.shuffle(out)
    for i, c in enumerate(out, 1):
        c.record["id"] = f"C-{i:04d}"
    return out
