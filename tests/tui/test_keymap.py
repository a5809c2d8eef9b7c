"""Your own keys: [keys] in the config is checked against every binding scrm has and
every key name Textual knows; a mistake is an error that names its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scrm_tui.core.config import parse_config
from scrm_tui.ui import keymap
from scrm_tui.ui.key_names import KeyNameError, key_name
from scrm_tui.ui.keymap import check
from tests.support.cli import scrm

UI = Path(keymap.__file__).parent
README = UI.parent.parent / "README.md"


def checked(text: str) -> keymap.KeysChecked:
    return check(parse_config(text, "config.toml").keys)


@pytest.mark.parametrize(
    ("written", "textual"),
    [
        ("r", "r"),
        ("R", "R"),
        ("shift+r", "R"),  # what Textual reports for Shift+r
        ("?", "question_mark"),
        ("question_mark", "question_mark"),
        ("/", "slash"),
        ("slash", "slash"),
        ("ctrl+r", "ctrl+r"),
        ("ctrl+alt+x", "alt+ctrl+x"),  # Textual's order
        ("f5", "f5"),
        ("pagedown", "pagedown"),
        ("space", "space"),
        ("ctrl+comma", "ctrl+comma"),
        (" enter ", "enter"),
    ],
)
def test_key_names_are_read_as_textual_reports_the_key(written: str, textual: str) -> None:
    assert key_name(written) == textual


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("Enter", "'Enter' is not a key name Textual knows (did you mean 'enter'?)"),
        ("pgdn", "'pgdn' is not a key name Textual knows (did you mean 'pagedown'?)"),
        ("cmd+x", "'cmd' is not a modifier Textual knows (alt, ctrl, hyper, meta, shift, super)"),
        ("ctrl++", "a key is missing after a + (the + key is 'plus', the , key 'comma')"),
        ("ctrl+", "a key is missing after a +"),
        ("ctrl+x ctrl+y", "one key per name (Textual has no key sequences)"),
        ("ctrl+ctrl+x", "a modifier is given twice"),
        ("", "an empty key name"),
    ],
)
def test_a_key_name_textual_does_not_know_says_what_is_wrong(written: str, says: str) -> None:
    with pytest.raises(KeyNameError) as error:
        key_name(written)
    assert says in str(error.value)


def test_a_bad_key_name_is_an_error_naming_the_line_and_the_binding() -> None:
    result = checked(
        '[watch]\nterms = "kestrel"\n\n[keys]\ninbox.reply = "ctrl+r"\ninbox.done = "Enter"\n'
        'inbox.filter = "ctrl+,"\n'
    )
    assert result.errors == [
        "config.toml, line 6: [keys] inbox.done: 'Enter' is not a key name Textual knows "
        "(did you mean 'enter'?)",
        "config.toml, line 7: [keys] inbox.filter: 'ctrl+,': commas separate keys; "
        "the , key is 'comma'",
    ]
    # What is right is used; what is wrong is left as it was.
    assert result.keymap == {"inbox.reply": "ctrl+r"}


def test_an_unknown_binding_id_names_its_line_however_it_is_written() -> None:
    result = checked(
        "[keys]\n"
        'inbox.replly = "z"\n'  # a dotted key
        '"list.dwn" = "n"\n'  # a quoted one
        "\n[keys.detail]\n"
        'topp = "t"\n'  # inside a [keys.<part>] table
    )
    assert result.errors == [
        "config.toml, line 2: [keys] 'inbox.replly' is not a binding scrm has "
        "(did you mean 'inbox.reply'?); `scrm keys` lists them",
        "config.toml, line 3: [keys] 'list.dwn' is not a binding scrm has "
        "(did you mean 'list.down'?); `scrm keys` lists them",
        "config.toml, line 6: [keys] 'detail.topp' is not a binding scrm has "
        "(did you mean 'detail.top'?); `scrm keys` lists them",
    ]
    assert result.keymap == {}


def test_a_key_that_is_not_a_string_is_a_config_error() -> None:
    from scrm_tui.core.config import ConfigError

    with pytest.raises(ConfigError, match=r"config.toml, line 2: 'keys.inbox.reply' must be"):
        parse_config("[keys]\ninbox.reply = 5\n", "config.toml")


def test_every_binding_id_written_anywhere_in_the_ui_can_be_remapped() -> None:
    """Found in the code, not in a list kept by hand: a binding someone adds to any
    screen or widget (with an id) is known to [keys] at once."""
    call = re.compile(r"""\bBinding\((?:[^()]|\([^()]*\))*?\bid=["']([\w.]+)["']""")
    written = {found for path in UI.rglob("*.py") for found in call.findall(path.read_text())}
    assert len(written) > 80
    known = set(keymap.catalogue().by_id)
    assert written <= known, written - known
    assert {"escalate.p1", "escalate.p4", "inbox.copy_link", "app.command_palette"} <= known
    for binding_id in sorted(written):
        assert checked(f'[keys]\n"{binding_id}" = "f9"\n').errors == []


def test_a_key_bound_twice_on_one_screen_is_a_warning_that_says_who_gets_it() -> None:
    result = checked('[keys]\ninbox.customer = "j"\napp.help = "q"\nlist.down = "j,down,ctrl+n"\n')
    assert result.errors == []
    assert (
        "config.toml, line 2: [keys] inbox.customer = 'j': j is bound 3 times on the inbox "
        "screen (detail.down, inbox.customer and list.down); list.down gets it while the list "
        "has focus, detail.down while the reading pane has" in result.warnings
    )
    assert (
        "config.toml, line 3: [keys] app.help = 'q': q is bound twice everywhere "
        "(app.help and app.quit); app.help gets it" in result.warnings
    )
    assert (
        "config.toml, line 3: [keys] app.help = 'q': q is bound 3 times on the outbox screen "
        "(app.help, app.quit and outbox.back); outbox.back gets it" in result.warnings
    )
    # Still in force: a warning, not an error.
    assert result.keymap["inbox.customer"] == "j"


def test_keys_moved_to_free_places_warn_of_nothing() -> None:
    # j stays in the list and in the reading pane as it always was: only one has focus.
    result = checked('[keys]\ninbox.reply = "ctrl+r"\nlist.down = "j,down,ctrl+n"\n')
    assert (result.errors, result.warnings) == ([], [])
    # Two keys swapped in one place: each has one binding again.
    swapped = checked('[keys]\ninbox.done = "u"\ninbox.read = "x"\n')
    assert (swapped.errors, swapped.warnings) == ([], [])


def test_the_readme_lists_every_binding_id() -> None:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- keys:begin -->\n(.*?)\n<!-- keys:end -->", text, re.S)
    assert match, "README.md has no <!-- keys:begin --> … <!-- keys:end --> table"
    table = keymap.markdown_table()
    assert match.group(1) == table, (
        "README.md's table of binding ids is out of date: put this between the markers\n" + table
    )


subprocess_group = pytest.mark.xdist_group("subprocess")


@subprocess_group
def test_scrm_will_not_start_on_a_bad_key_and_says_where(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\ninbox.reply = "ctrl+r"\ninbox.done = "Enter"\n', encoding="utf-8")
    db = tmp_path / "never.db"
    for command in ([], ["demo"]):
        result = scrm("--config", str(config), "--db", str(db), *command)
        assert result.returncode == 1
        assert result.stderr == (
            f"scrm: {config}, line 3: [keys] inbox.done: 'Enter' is not a key name Textual "
            "knows (did you mean 'enter'?)\n"
        )
        assert not db.exists()  # refused before anything was opened


@subprocess_group
def test_doctor_fails_a_bad_key_and_warns_of_a_clash(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[watch]\nterms = "kestrel"\n[keys]\ninbox.replly = "z"\napp.help = "q"\n',
        encoding="utf-8",
    )
    config.chmod(0o600)
    result = scrm("doctor", "--config", str(config), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (
        f"keys    ✗ {config}, line 4: [keys] 'inbox.replly' is not a binding scrm has "
        "(did you mean 'inbox.reply'?); `scrm keys` lists them" in lines
    )
    assert (
        f"keys    ! {config}, line 5: [keys] app.help = 'q': q is bound twice everywhere "
        "(app.help and app.quit); app.help gets it" in lines
    )
    assert "Traceback" not in result.stdout + result.stderr


@subprocess_group
def test_scrm_keys_lists_every_binding_with_the_keys_in_force(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\ninbox.reply = "ctrl+r"\n', encoding="utf-8")
    config.chmod(0o600)
    listed = scrm("--config", str(config), "keys")
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line for line in listed.stdout.splitlines() if line.strip()}
    assert set(keymap.catalogue().by_id) <= set(rows)
    assert re.fullmatch(r"inbox\.reply\s+\* ctrl\+r\s+Reply", rows["inbox.reply"])
    assert re.fullmatch(r"inbox\.filter\s+/\s+Filter", rows["inbox.filter"])
    config.write_text('[keys]\ninbox.reply = "ctrl+"\n', encoding="utf-8")
    bad = scrm("--config", str(config), "keys")
    assert bad.returncode == 1
    assert f"scrm: {config}, line 2: [keys] inbox.reply: 'ctrl+': a key is missing" in bad.stderr
