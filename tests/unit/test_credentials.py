"""Accounts and webhooks come from the config or the environment, and never leak."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrm_tui.core.config import ConfigError, parse_config
from scrm_tui.service.credentials import exposed_config, resolve
from scrm_tui.service.settings import config_warnings, load_config

CONFIG = """\
[mastodon]
instance = "https://social.example"
token_env = "KESTREL_MASTO"

[bluesky]
handle = "@kestrel.example"

[teams.billing]
description = "Refunds"
webhooks = [{ kind = "slack", url_env = "BILLING_HOOK" }]

[[teams.engineering.webhooks]]
kind = "json"
name = "pager"
url = "https://hooks.example/scrm/abcdef123456"
secret = "s3cr3t-signing-key"

[escalation]
sla = { P1 = "30m", P2 = "1h30m" }
"""


def test_secrets_come_from_the_named_variable_or_the_default_one() -> None:
    config = parse_config(CONFIG, "config.toml")
    env = {
        "KESTREL_MASTO": "tok-123456",
        "SCRM_BLUESKY_PASSWORD": "app-pass-1",
        "BILLING_HOOK": "https://hooks.slack.example/T/B/x",
    }
    creds = resolve(config, env)
    assert creds.accounts["mastodon"].token == "tok-123456"  # type: ignore[union-attr]
    assert creds.accounts["bluesky"].identifier == "kestrel.example"  # type: ignore[union-attr]
    assert creds.can_send("mastodon") and creds.can_send("bluesky")
    assert creds.targets == {"billing/slack", "engineering/pager"}
    assert creds.hook("engineering/pager").secret == "s3cr3t-signing-key"  # type: ignore[union-attr]
    # Secrets never show in a repr (a log line, a traceback's locals).
    assert "tok-123456" not in repr(creds.accounts["mastodon"])
    assert "abcdef123456" not in repr(creds.hook("engineering/pager"))


def test_a_missing_secret_names_where_it_should_come_from() -> None:
    config = parse_config(CONFIG, "config.toml")
    creds = resolve(config, {})
    assert creds.why_not("mastodon") == "$KESTREL_MASTO is not set (named by [mastodon] token_env)"
    assert "SCRM_BLUESKY_PASSWORD" in (creds.why_not("bluesky") or "")
    assert creds.why_not("reddit") == "no client id: set [reddit] client_id in the config"
    assert creds.why_not("hackernews") == "Hacker News has no API for posting"
    assert creds.hook_problems == {
        "billing/slack": (
            "$BILLING_HOOK is not set (named by [teams.billing] webhook 'slack' url_env)"
        )
    }


def test_redact_hides_every_secret_it_knows() -> None:
    config = parse_config(CONFIG, "config.toml")
    creds = resolve(config, {"KESTREL_MASTO": "tok-123456", "BILLING_HOOK": "https://h/T/B/xyz"})
    text = (
        "POST https://hooks.example/scrm/abcdef123456 failed with tok-123456 and https://h/T/B/xyz"
    )
    redacted = creds.redact(text)
    for secret in ("abcdef123456", "tok-123456", "T/B/xyz", "s3cr3t"):
        assert secret not in redacted


def test_sla_durations_and_bad_values_name_the_line() -> None:
    config = parse_config(CONFIG, "config.toml")
    assert config.sla_s["P1"] == 1800 and config.sla_s["P2"] == 5400
    assert config.sla_s["P4"] == 72 * 3600  # the default stays
    with pytest.raises(ConfigError, match=r"config.toml, line 2: 'escalation.sla.P1' must be"):
        parse_config('[escalation]\nsla = { P1 = "soon" }\n', "config.toml")
    with pytest.raises(ConfigError, match=r"line 1: webhook 1 of team 'ops' needs kind"):
        parse_config('[teams.ops]\nwebhooks = [{ kind = "teams", url = "x" }]\n', "config.toml")
    with pytest.raises(ConfigError, match=r"line 3: 'mastodon.char_limit' must be a positive"):
        parse_config('[mastodon]\ninstance = "x"\nchar_limit = "lots"\n', "config.toml")


def test_warns_when_a_config_holding_secrets_is_readable_by_others(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    path.chmod(0o644)
    config = load_config(path)
    warnings = config_warnings(config)
    assert len(warnings) == 1 and "chmod 600" in warnings[0] and "-rw-r--r--" in warnings[0]
    path.chmod(0o600)
    assert config_warnings(config) == []
    # Secrets only by variable name: nothing to protect, nothing to nag about.
    safe = tmp_path / "safe.toml"
    safe.write_text('[mastodon]\ninstance = "https://x"\ntoken_env = "T"\n', encoding="utf-8")
    safe.chmod(0o644)
    assert exposed_config(safe, load_config(safe)) is None


def test_the_readme_configuration_example_is_valid() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Configuration", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    config = parse_config(example, "README")
    assert [t.name for t in config.teams] == ["billing", "engineering"]
    assert config.networks["mastodon"]["token_env"] == "SCRM_MASTODON_TOKEN"
    assert config.sla_s["P3"] == 86400
