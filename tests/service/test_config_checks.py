"""Every config value is checked at start-up and by `doctor`: a bad one names its file,
line, key and what is allowed; an unknown setting is a warning, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

from scrm_tui.core.config import THEMES, ConfigError, parse_config
from scrm_tui.service.doctor import FAIL, WARN, diagnose
from tests.e2e.test_cli import scrm
from tests.support.tui import running, settle, toasts
from tests.tui.test_tui import seed


def refused(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "scrm.toml")
    return str(caught.value)


def test_the_themes_scrm_accepts_are_textuals() -> None:
    assert set(THEMES) == set(App().available_themes)


def test_an_unknown_theme_names_the_line_and_the_themes() -> None:
    said = refused('agent = "kate"\n\n[ui]\ntheme = "nonexistent"\n')
    assert said.startswith("scrm.toml, line 4: 'ui.theme' is 'nonexistent', not a theme")
    assert "textual-dark" in said and "gruvbox" in said and "nord" in said
    assert parse_config('[ui]\ntheme = "nord"\n', "scrm.toml").theme == "nord"


def test_intervals_have_a_floor_and_name_their_own_line() -> None:
    # `interval` is in [demo] too: the line is the one in the source's table.
    said = refused('[demo]\ninterval = [1, 5]\n\n[sources.hackernews]\ninterval = "0s"\n')
    assert said == (
        "scrm.toml, line 5: 'sources.hackernews.interval' is '0s'; it must be at least 1s"
    )
    said = refused('[sources.rss]\ninterval = "soon"\n')
    assert said.startswith("scrm.toml, line 2: 'sources.rss.interval' must be a duration")
    assert "the default is 900s" in said
    said = refused("[demo]\ninterval = [0, 5]\n")
    assert said.startswith("scrm.toml, line 2: 'demo.interval' is [0, 5]; it must be")
    said = refused('[escalation]\nsla = { P1 = "0m" }\n')
    assert said == "scrm.toml, line 2: 'escalation.sla.P1' is '0m'; it must be at least 60s"
    ok = parse_config('[sources.hackernews]\ninterval = "1s"\n[watch]\nbackfill = "0s"\n', "c")
    assert ok.sources["hackernews"].interval_s == 1 and ok.backfill_s == 0


def test_numbers_out_of_range_say_what_is_allowed() -> None:
    said = refused("[matching]\nauto = 95\nsuggest = 160\n")
    assert said == "scrm.toml, line 3: 'matching.suggest' is 160; it must be between 0 and 100"
    said = refused('[sources.rss]\nfeeds = [{ url = "https://x.example/f", filter = "no" }]\n')
    assert "feed 1: 'filter' must be true or false, not 'no'" in said


def test_unknown_settings_are_warnings_that_name_their_line() -> None:
    config = parse_config(
        "\n".join(
            [
                'agent = "kate"',
                "[inbox]",
                "advance_on_dne = false",
                "[sources.myspace]",
                'interval = "1m"',
                "[sources.rss]",
                'feeds = [{ url = "https://x.example/f", filtr = true }]',
                "[mastadon]",
                'instance = "https://social.example"',
                "[mastodon]",
                'instance = "https://social.example"',
                'tokne = "x"',
                "",
            ]
        ),
        "scrm.toml",
    )
    assert list(config.warnings) == [
        "scrm.toml, line 8: unknown setting 'mastadon', ignored "
        "(known: agent, db, keys, rules, sources, teams, views)",
        "scrm.toml, line 3: unknown setting 'inbox.advance_on_dne', ignored "
        "(known: advance_on_done)",
        "scrm.toml, line 12: unknown setting 'mastodon.tokne', ignored (known: char_limit, "
        "instance, token, token_env, url_length, visibility)",
        "scrm.toml, line 4: unknown source [sources.myspace], ignored "
        "(known: mastodon, bluesky, hackernews, reddit, github, rss, lemmy)",
        "scrm.toml, line 6: unknown setting 'sources.rss.feeds[1].filtr', ignored "
        "(known: filter, name, url)",
    ]
    # What it did understand is in force; what it ignored is nowhere.
    assert config.advance_on_done is True and list(config.sources) == ["rss"]
    assert config.networks == {"mastodon": {"instance": "https://social.example"}}


def test_scrm_demo_with_a_bad_theme_says_why_and_exits_1(tmp_path: Path) -> None:
    config = tmp_path / "scrm.toml"
    config.write_text('[ui]\ntheme = "nonexistent"\n', encoding="utf-8")
    result = scrm("--config", str(config), "demo", "--db", str(tmp_path / "demo.db"), stdin="")
    assert result.returncode == 1
    assert result.stderr.startswith(f"scrm: {config}, line 2: 'ui.theme' is 'nonexistent'")
    assert "Traceback" not in result.stderr + result.stdout


def test_a_typo_in_a_key_warns_and_the_command_runs(tmp_path: Path) -> None:
    config = tmp_path / "scrm.toml"
    config.write_text("[inbox]\nadvance_on_dne = true\n", encoding="utf-8")
    config.chmod(0o600)
    result = scrm("--config", str(config), "--db", str(tmp_path / "x.db"), "ingest", "/dev/null")
    assert result.returncode == 0, result.stderr
    assert (
        f"scrm: warning: {config}, line 2: unknown setting 'inbox.advance_on_dne', ignored "
        "(known: advance_on_done)" in result.stderr
    )


async def test_doctor_fails_a_bad_value_and_warns_about_an_unknown_key(tmp_path: Path) -> None:
    config = tmp_path / "scrm.toml"
    config.write_text('[ui]\ntheme = "nonexistent"\n', encoding="utf-8")
    config.chmod(0o600)
    bad = await diagnose(config, db_path=tmp_path / "none.db", env={})
    assert bad.exit_code == 2
    [check] = bad.checks
    assert check.state == FAIL
    assert check.message.startswith(f"{config}, line 2: 'ui.theme' is 'nonexistent', not a")

    config.write_text('[watch]\nterms = "kestrel"\n[ui]\nthme = "nord"\n', encoding="utf-8")
    typo = await diagnose(config, db_path=tmp_path / "none.db", env={})
    warned = [c.message for c in typo.checks if c.area == "config" and c.state == WARN]
    assert warned == [f"{config}, line 4: unknown setting 'ui.thme', ignored (known: theme)"]


async def test_a_theme_textual_lacks_starts_the_app_with_a_warning(db_path: Path) -> None:
    """A Config made in code (not read from a file) is not checked: the app still starts."""
    await seed(db_path, 3)
    async with running(db_path, toasts=True, theme="no-such-theme") as pilot:
        await settle(pilot)
        assert pilot.app.theme == "textual-dark"
        assert any("'no-such-theme' is not a theme" in toast for toast in toasts(pilot))


async def test_team_agents_must_be_names_and_doctor_says_which(tmp_path: Path) -> None:
    assert refused('[team]\nagents = "kate, dana"\n') == (
        'scrm.toml, line 2: \'team.agents\' must be a list of names, like agents = ["kate", "dana"]'
    )
    assert refused('[team]\nagents = ["kate", ""]\n').startswith(
        "scrm.toml, line 2: 'team.agents' item 2 is ''; it must be a name"
    )
    assert "holds a control character" in refused('[team]\nagents = ["ka\\u001bte"]\n')
    kept = parse_config('[team]\nagents = [" kate ", "dana", "kate"]\n', "scrm.toml")
    assert kept.team_agents == ("kate", "dana")

    config = tmp_path / "scrm.toml"
    config.write_text("[team]\nagents = [1, 2]\n", encoding="utf-8")
    config.chmod(0o600)
    bad = await diagnose(config, db_path=tmp_path / "none.db", env={})
    assert bad.exit_code == 2
    assert bad.checks[0].message == (
        f"{config}, line 2: 'team.agents' item 1 is 1; it must be a name, like "
        'agents = ["kate", "dana"]'
    )
