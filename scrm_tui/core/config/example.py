"""The example config `scrm init` writes: every setting, commented out."""

EXAMPLE = """\
# scrm configuration (TOML). Every setting is optional.

# Name recorded on every action you take (default: $SCRM_AGENT, then your login).
# agent = "kate"

# Database file (default: scrm.db in the XDG data directory).
# db = "~/scrm/inbox.db"

# [store]
# A PostgreSQL server instead, for a team across machines (README: A team across
# machines). Keep the password in ~/.pgpass or $PGPASSWORD, not here.
# url = "postgresql://scrm@db.example.com/scrm"

[watch]
# What to listen for: words and "quoted phrases" (whole words, any case or accent),
# #tags (the hashtag only) and @handles (a mention of that account on any network).
# Terms side by side, or joined by AND, must all be there; OR offers alternatives
# (it binds tighter than AND, as in web search); NOT or a leading - excludes.
# terms = 'kestrel OR "kestrel app" OR #kestrelapp OR @kestrelhq -"kestrel falcon"'
# How far back a source's first poll reaches.
# backfill = "24h"

# [watch.competitors]
# Competitors, each listened for like the brand (same sources, same term syntax) and
# counted apart: the dashboard's "The industry" (share of voice, switching
# opportunities), `watch:harrier` in a filter. A post naming the brand is the brand's.
# harrier = 'harrier OR "harrier app" OR #harrierapp'
# osprey = 'osprey OR @ospreyhq -"osprey fish"'

# Where to listen: uncomment a table to poll that source. `scrm watch` polls; an
# open inbox polls too while no collector runs. Each source keeps its own
# schedule, well inside the API's limits; change it with
# `interval`, switch it off with `enabled = false`, or give it its own `terms`.
# Run `scrm doctor` after editing to check each one answers.
# [sources.hackernews]                  # stories and comments, through Algolia; no account
# interval = "2m"

# [sources.mastodon]                    # needs [mastodon] instance below
# kinds = ["notifications", "tag"]      # or "search"; notifications need a token
# tags = ["kestrelapp"]                 # tag timelines, besides the #tags in the terms

# [sources.bluesky]                     # needs the [bluesky] account below
# kinds = ["search", "notifications"]

# [sources.reddit]                      # [reddit] client_id, client_secret, user_agent
# kinds = ["search", "comments"]        # search finds posts only, never comments;
# subreddits = ["kestrelapp"]           # comments: every new comment in these subreddits;
#                                       # "mentions": u/you, needs the refresh token

# [sources.github]                      # issue search; a [github] token raises the limit
# kinds = ["issues", "discussions"]     # discussions need a [github] token
# interval = "5m"

# [sources.rss]                         # RSS or Atom feeds; a Google Alert is one too
# feeds = [
#     { name = "alerts", url = "https://www.google.com/alerts/feeds/0123/4567" },
#     { name = "blog", url = "https://blog.example.com/feed.xml" },
# ]
# A feed's entries are kept only when they match the terms, except a Google Alert's
# (it chose them already); `filter = true` or `false` in a feed's table decides.

# [sources.lemmy]                       # comment search on [lemmy] instance (no login);
# kinds = ["mentions", "search"]        # "mentions": the account's, needs its password

[inbox]
# After `x` marks a mention done, move to the next one.
# advance_on_done = true

[views]
# Filters the whole team gets, in this order, each written as after `/`. Keys 1-9
# jump to the first nine; `V` in the inbox saves one of your own.
# negative = "s:neg is:open"
# "hacker news" = "ch:hn"

[demo]
# Seconds between two mentions of the demo stream: [shortest, longest]. Unset, the
# stream keeps the pace of the demo's 14 days (about 6 an hour), so it raises no spike.
# interval = [1.0, 5.0]

[ui]
# theme = "textual-dark"

[keys]
# Your own keys: a binding id = the key or keys (comma-separated) that do it instead.
# `scrm keys` lists every binding id with its key; `?` in the app shows those in force.
# inbox.reply = "ctrl+r"
# list.down = "j,down,ctrl+n"

[matching]
# An author is linked to a customer automatically on evidence a name cannot fake (their
# confirmed handle elsewhere, their e-mail as the handle, a profile on their company's
# domain), or when the probability (percent) reaches `auto`, the score beats the next
# customer's by `margin` and no other customer has the name; from a score of `suggest`
# up, the best three are offered in the link pane (`l`).
# auto = 99.5
# margin = 5
# suggest = 60

[reply]
# A mention moves to done once a reply to it is sent.
# done_on_send = true

[priority]
# A mention's priority (0-100) is what each input earns, up to these points (together
# at most 100), less `recency` points per day of age. A team shares one set: the
# database keeps the weights, and a config that changes them re-scores every mention.
# reach = 20        # followers on a log scale per network (HN points, Reddit score)
# negative = 25     # how negative the post is
# question = 15     # it asks something
# tier = 25         # the customer's tier, as a share below
# value = 15        # lifetime value: half the points at value_half
# recency = 5       # points lost per day of age
# value_half = 10000
# other_tier = 0.25 # a tier not listed below
# [priority.tiers]
# enterprise = 1.0
# business = 0.8
# team = 0.6
# pro = 0.5
# free = 0.1

# Accounts to reply with. Secrets (token, password, client_secret, refresh_token, a
# webhook's url and secret) are best kept out of this file: give `<key>_env`, the
# name of an environment variable, or set $SCRM_<NETWORK>_<KEY> (e.g.
# SCRM_MASTODON_TOKEN). scrm warns when this file is readable by others.
# [mastodon]
# instance = "https://mastodon.social"
# token_env = "SCRM_MASTODON_TOKEN"     # scopes: read, write:statuses
# char_limit = 500                      # your instance's limit
# visibility = "follow"                 # follow the original, or public/unlisted/private

# [bluesky]
# handle = "kestrel.bsky.social"
# password_env = "SCRM_BLUESKY_PASSWORD"  # an app password, not your main one

# [reddit]
# client_id = "..."
# client_secret_env = "SCRM_REDDIT_CLIENT_SECRET"
# username = "kestrel_support"
# refresh_token_env = "SCRM_REDDIT_REFRESH_TOKEN"
# user_agent = "linux:scrm:1.0 (by /u/kestrel_support)"

# [github]
# token_env = "SCRM_GITHUB_TOKEN"       # a token that may comment on issues

# [lemmy]
# instance = "https://lemmy.ml"
# username = "kestrel_support"
# password_env = "SCRM_LEMMY_PASSWORD"  # or token_env: a JWT from a login

[team]
# Who mentions can be assigned to with `a` (agents already assigned some are offered too).
# agents = ["kate", "dana", "lee"]
# Give each new mention that no rule assigned to the agents who have scrm open, in
# turn, passing over anyone with `cap` open mentions assigned already.
# auto_assign = true
# cap = 25
# Your time zone for snoozes (`z`): `mon` is Monday here. Default: the system's.
# timezone = "Europe/Berlin"
# The hour a snooze to a day without a time (`mon`, `tomorrow`) ends.
# day_start = 9
# Opening the composer (r, R) or the escalate form (e) claims the mention: every
# other terminal shows "✎ dana, 12s" until the form closes. A form with no key
# pressed for this long stops claiming.
# claim_idle = "10m"
# When the team works, in `timezone`: the dashboard's response times count these hours
# only (a mention from Friday 16:30 answered Monday 09:30 waited one hour).
# hours = "Mon-Fri 09:00-17:00"
# How soon a mention should have its first answer (the dashboard's "within SLA").
# response_sla = "4h"

# Rules act on each new mention as it is stored, in the order written; each action
# lands in the history as done by "rule:<name>". `scrm rules test` shows what each
# would do to the mentions stored so far, without changing anything.
# [[rules]]
# name = "billing"
# filter = 'refund OR invoice OR "charged twice"'   # the filter language of `/`
# tag = ["billing"]
# assign = "round-robin"                # or an agent of [team] agents
# priority = "+20"                      # raised, up to 100
# escalate = { team = "billing", priority = "P2", note = "money" }
#
# [[rules]]
# name = "noise"
# filter = "ch:rss giveaway"
# done = true                           # or snooze = "2h"

[advocacy]
# The dashboard's advocate levels (points over 90 days), how fast points fade, and the
# brand's own accounts besides those above, which never count as advocates.
# levels = { fan = 5, advocate = 20, champion = 50 }
# half_life = "30d"
# accounts = ["mastodon:kestrel@fosstodon.org"]
[sales]
# A lead (the dashboard's Sales) is a mention tagged "lead", one with an intent phrase
# (whole words in this order, any case or accent), or a question (a "?") naming one of
# `questions` or a competitor's term ([watch.competitors]). The defaults cover English,
# French, German, Spanish and Portuguese.
# intent = ["alternative to", "can anyone recommend", "free trial", "was kostet"]
# questions = ["pricing", "price", "trial", "prix", "Preis", "precio", "preço"]
# The brand's own domains: a link to one in a reply gets UTM tags naming the mention
# (utm_content=m<id>), so `scrm conversions import` can credit the reply.
# utm_domains = ["kestrel.app"]

[escalation]
# How long an escalation may stay unresolved before it is shown as late.
# sla = { P1 = "1h", P2 = "4h", P3 = "1d", P4 = "3d" }

# Teams to escalate to (`e`), each with the webhooks that hear about it.
# [teams.billing]
# description = "Refunds, invoices, plans"
# webhooks = [{ kind = "slack", url_env = "SCRM_SLACK_BILLING" }]
#
# [[teams.engineering.webhooks]]
# kind = "discord"
# url_env = "SCRM_DISCORD_ENG"
#
# [[teams.engineering.webhooks]]
# kind = "json"                         # signed: X-Scrm-Signature-256
# name = "pager"
# url = "https://hooks.example.com/scrm"
# secret_env = "SCRM_PAGER_SECRET"
"""
