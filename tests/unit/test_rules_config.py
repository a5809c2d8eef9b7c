"""A bad rule is refused before anything runs, naming the file, the line and the rule:
by the config parser, when `scrm` starts, and in `scrm doctor`."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrm_tui.core.config import ConfigError, parse_config
from scrm_tui.core.rules import ROUND_ROBIN, Escalation
from scrm_tui.service.doctor import FAIL, OK, diagnose
from tests.e2e.test_cli import scrm

HEAD = """\
[team]
agents = ["dana", "kate"]

[teams.billing]
description = "Refunds"

"""
# Lines 7-13: a good rule; a second rule starts at line 15.
GOOD = """\
[[rules]]
name = "billing"
filter = "refund -ch:rss"
tag = ["billing", "Money"]
assign = "round-robin"
priority = "+20"
escalate = { team = "billing", priority = "P2", note = "money" }

[[rules]]
name = "noise"
filter = ""
done = true
snooze = "2h"
"""


def refused(second_rule: str) -> str:
    """The message for a file whose second rule (from line 15) is `second_rule`."""
    text = HEAD + GOOD.split("\n\n")[0] + "\n\n" + second_rule
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "scrm.toml")
    return str(caught.value)


def test_good_rules_are_read_in_order_with_their_actions() -> None:
    config = parse_config(HEAD + GOOD, "scrm.toml")
    billing, noise = config.rules
    assert (billing.name, billing.filter, billing.actor) == (
        "billing",
        "refund -ch:rss",
        "rule:billing",
    )
    assert billing.tags == ("billing", "money")
    assert billing.assign == ROUND_ROBIN and billing.raise_by == 20
    assert billing.escalate == Escalation("billing", "P2", "money")
    assert noise.done and noise.snooze_s == 7200 and noise.query.is_empty
    assert noise.describe() == "mark done, snooze 2h"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            'name = "x"\nfilter = "a"\ntgs = ["billing"]\n',
            "scrm.toml, line 18: rule 'x': unknown key 'tgs' "
            "(known: name, filter, tag, assign, done, snooze, escalate, priority)",
        ),
        (
            'name = "x"\nfilter = "refund ch:nope"\ndone = true\n',
            # (the filter language also says at which column, where it knows)
            "scrm.toml, line 17: rule 'x': filter 'refund ch:nope'",
        ),
        (
            'name = "x"\nfilter = "a"\nescalate = { team = "sales" }\n',
            "scrm.toml, line 18: rule 'x': escalate team 'sales' is not a team (teams: billing)",
        ),
        (
            'name = "x"\nfilter = "a"\nsnooze = "soon"\n',
            'scrm.toml, line 18: rule \'x\': snooze must be a duration like "2h", "30m" or '
            "\"1d\", not 'soon'",
        ),
        (
            'name = "x"\nfilter = "a"\n\nassign = "dnaa"\n',
            "scrm.toml, line 19: rule 'x': assign = 'dnaa' is not an agent of [team] agents "
            '(known: dana, kate) nor "round-robin"',
        ),
        (
            'name = "x"\nfilter = "a"\npriority = "20"\n',
            'scrm.toml, line 18: rule \'x\': priority must be a raise from "+1" to "+100", '
            "like priority = \"+20\", not '20'",
        ),
        (
            'name = "x"\nfilter = "a"\n[rules.escalate]\nteam = "billing"\npriority = "P9"\n',
            "scrm.toml, line 18: rule 'x': escalate priority must be one of P1, P2, P3, P4, "
            "not 'P9'",
        ),
        (
            'name = "billing"\nfilter = "a"\ndone = true\n',
            "scrm.toml, line 16: two rules are named 'billing'",
        ),
        ('name = "x"\nfilter = "a"\n', "scrm.toml, line 15: rule 'x' does nothing"),
        ('filter = "a"\ndone = true\n', "scrm.toml, line 15: rule 2 needs a name"),
        ('name = "x"\ndone = true\n', "scrm.toml, line 15: rule 'x' needs filter = "),
        (
            'name = "x"\nfilter = "a"\ntag = ["two words"]\n',
            "scrm.toml, line 18: rule 'x': tag 'two words' has a space at position 4",
        ),
    ],
)
def test_a_bad_rule_names_its_line_and_what_is_wrong(rule: str, message: str) -> None:
    assert refused("[[rules]]\n" + rule).startswith(message)


def test_a_bad_filter_says_what_the_filter_language_says() -> None:
    said = refused('[[rules]]\nname = "x"\nfilter = "refund ch:nope"\ndone = true\n')
    assert said.endswith(
        "unknown channel 'nope' (try bluesky, github, hackernews, lemmy, mastodon, reddit, rss, x)"
    )


def test_rules_written_as_one_table_are_explained() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config('[rules]\nname = "x"\n', "scrm.toml")
    assert str(caught.value) == (
        "scrm.toml, line 1: rules are written [[rules]] (two brackets), one table per rule"
    )


def test_team_round_robin_settings_are_checked() -> None:
    config = parse_config("[team]\nauto_assign = true\ncap = 25\n", "scrm.toml")
    assert config.auto_assign and config.assign_cap == 25
    with pytest.raises(ConfigError) as caught:
        parse_config("[team]\nauto_assign = true\ncap = 0\n", "scrm.toml")
    assert str(caught.value).startswith("scrm.toml, line 3: 'team.cap' is 0; it must be 1 or more")
    with pytest.raises(ConfigError) as caught:
        parse_config('[team]\nauto_assign = "yes"\n', "scrm.toml")
    assert str(caught.value) == "scrm.toml, line 2: 'team.auto_assign' has the wrong type"


@pytest.mark.parametrize("value", ["123", "true", "-5", "0.5", '"slack"', '{ kind = "slack" }'])
def test_team_webhooks_that_are_not_a_list_of_tables_name_their_key(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(f"[teams.billing]\nwebhooks = {value}\n", "scrm.toml")
    assert str(caught.value) == (
        "scrm.toml, line 1: 'teams.billing.webhooks' must be a list of tables "
        "([[teams.billing.webhooks]])"
    )


def write_config(tmp_path: Path, text: str) -> Path:
    config = tmp_path / "scrm.toml"
    config.write_text(text, encoding="utf-8")
    config.chmod(0o600)
    return config


def test_scrm_with_a_bad_rule_says_where_and_exits_1_without_a_traceback(
    tmp_path: Path,
) -> None:
    config = write_config(
        tmp_path, HEAD + GOOD + '\n[[rules]]\nname = "late"\nfilter = "a"\nsnooze = "1x"\n'
    )
    for command in ([], ["demo"], ["ingest", "/dev/null"]):
        result = scrm("--config", str(config), "--db", str(tmp_path / "x.db"), *command)
        assert result.returncode == 1, command
        assert result.stderr == (
            f"scrm: {config}, line 24: rule 'late': snooze must be a duration like \"2h\", "
            '"30m" or "1d", not \'1x\'\n'
        )
        assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "x.db").exists()  # nothing ran


async def test_doctor_fails_a_bad_rule_with_its_line_and_lists_good_ones(tmp_path: Path) -> None:
    config = write_config(
        tmp_path, HEAD.replace("[team]\n", "[team]\nauto_assign = true\ncap = 5\n") + GOOD
    )
    good = await diagnose(config, db_path=tmp_path / "none.db", env={})
    said = [(c.state, c.message) for c in good.checks if c.area == "rules"]
    assert said == [
        (OK, "2 in order: billing, noise"),
        (OK, "auto-assign: new mentions round-robin among agents present, at most 5 open each"),
    ]

    config.write_text(HEAD + GOOD.replace('"+20"', '"+200"'), encoding="utf-8")
    bad = await diagnose(config, db_path=tmp_path / "none.db", env={})
    assert bad.exit_code == 2
    [check] = bad.checks
    assert (check.area, check.state) == ("rules", FAIL)
    assert check.message == (
        f'{config}, line 12: rule \'billing\': priority must be a raise from "+1" to "+100", '
        "like priority = \"+20\", not '+200'"
    )
