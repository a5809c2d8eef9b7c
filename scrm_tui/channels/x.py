"""X (Twitter): known by name only, for customers' handles imported from a CRM."""

from __future__ import annotations

from scrm_tui.core.models import Channel
from scrm_tui.core.networks import Network, as_at, register

NETWORK = register(
    Network(
        name=Channel.X,
        label="X",
        badge="x",
        aliases=("twitter",),
        mention_form=as_at,
        reach_full=100_000,
        no_reply="scrm does not post to X",
        hosts=("x.com", "twitter.com"),
    )
)
