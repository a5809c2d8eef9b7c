"""Canned responses load with clear errors, fill safely and are easy to find."""

from __future__ import annotations

from importlib import resources

import pytest

from scrm_tui.core.templates import (
    VARIABLES,
    Template,
    TemplateError,
    fill,
    first_name,
    parse_templates,
    rank,
    values_for,
    variables,
)
from scrm_tui.core.textlimits import measure
from tests.support import hostile

KNOWN = {name for name, _ in VARIABLES}


def shipped() -> list[Template]:
    text = resources.files("scrm_tui.fixtures").joinpath("templates.toml").read_text("utf-8")
    return parse_templates(text, "templates.toml")


# --- the shipped set --------------------------------------------------------------------


def test_shipped_templates_parse_and_use_only_known_variables() -> None:
    templates = shipped()
    assert 8 <= len(templates) <= 12
    for template in templates:
        assert set(variables(template.text)) <= KNOWN, template.name
    names = [t.name.casefold() for t in templates]
    assert len(set(names)) == len(names)


def test_shipped_templates_fit_bluesky_after_filling_with_long_names() -> None:
    values = values_for(
        author_name="Maximiliana-Josephine ☕ (she/her)",
        author_handle="maximiliana-josephine.bsky.social",
        customer_name="Maximiliana-Josephine Oyelaran-Fitzgerald",
        customer_company="Oyelaran-Fitzgerald Architects",
        customer_tier="enterprise",
        agent="Alexandra Papadopoulou",
        mention_url="https://bsky.app/profile/x.bsky.social/post/3mznf3pqydto2",
        channel="bluesky",
    )
    for template in rank(shipped(), "", "bluesky"):
        filled = fill(template.text, values)
        assert filled.missing == (), template.name
        assert not measure("bluesky", filled.text).over, template.name
        assert not measure("mastodon", filled.text).over, template.name


def test_shipped_set_covers_what_a_support_team_needs() -> None:
    texts = " ".join(t.text for t in shipped())
    for needle in (
        "https://status.kestrel.example",
        "https://docs.kestrel.example",
        "support@kestrel.example",
    ):
        assert needle in texts


# --- parsing ------------------------------------------------------------------------------

GOOD = """\
# our templates
[[template]]
name = "Thanks"
text = "Thank you {author.first_name|there}!"

[[template]]
name = "Refund"
text = \"\"\"Hi {author.first_name|there},
please email us.\"\"\"
channels = ["mastodon", "bluesky"]
"""


def test_parse_keeps_file_order_and_channels() -> None:
    templates = parse_templates(GOOD, "templates.toml")
    assert [t.name for t in templates] == ["Thanks", "Refund"]
    assert templates[0].channels == ()
    assert templates[1].channels == ("mastodon", "bluesky")
    assert templates[1].text == "Hi {author.first_name|there},\nplease email us."


def test_empty_file_has_no_templates() -> None:
    assert parse_templates("# nothing yet\n", "templates.toml") == []


def test_syntax_error_names_file_and_line() -> None:
    text = GOOD + '\n[[template]]\nname = "Broken"\ntext "no equals sign"\n'
    with pytest.raises(TemplateError) as caught:
        parse_templates(text, "templates.toml")
    assert str(caught.value) == (
        "templates.toml, line 14, column 6: Expected '=' after a key in a key/value pair"
    )


def test_unterminated_string_points_at_the_end_of_the_file() -> None:
    with pytest.raises(TemplateError, match=r"^mine\.toml, line 3 \(end of file\): Unterminated"):
        parse_templates('[[template]]\nname = "x"\ntext = """never closed\n', "mine.toml")


def test_missing_text_names_the_template_and_its_line() -> None:
    text = GOOD + '\n[[template]]\nname = "Refund policy"\n'
    with pytest.raises(TemplateError) as caught:
        parse_templates(text, "templates.toml")
    assert str(caught.value) == "templates.toml, line 12: template 'Refund policy' has no text"


def test_missing_name_is_reported_by_position() -> None:
    text = GOOD + '\n[[template]]\ntext = "orphan"\n'
    with pytest.raises(TemplateError) as caught:
        parse_templates(text, "templates.toml")
    assert str(caught.value) == "templates.toml, line 12: template #3 has no name"


def test_duplicate_name_points_at_both() -> None:
    text = GOOD + '\n[[template]]\nname = "refund"\ntext = "again"\n'
    with pytest.raises(TemplateError) as caught:
        parse_templates(text, "templates.toml")
    message = str(caught.value)
    assert message.startswith("templates.toml, line 12: template 'refund'")
    assert "(line 6)" in message


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('name = "Bad"\ntext = 42', "text must be a string"),
        ('name = "Bad"\ntext = "x"\nchannels = "mastodon"', "channels must be a list"),
        ('name = "Bad"\ntext = "x"\nchannels = ["mastadon"]', "unknown channel 'mastadon'"),
        ('name = "Bad"\ntext = "Hi {autor.name}"', "unknown variable {autor.name}"),
        ('name = "Bad"\ntext = "x"\nchanels = ["x"]', "unknown key 'chanels'"),
        ('name = "Bad"\ntext = "   "', "has no text"),
    ],
)
def test_wrong_values_are_reported_with_line(body: str, problem: str) -> None:
    text = f"[[template]]\nname = 'ok'\ntext = 'fine'\n\n[[template]]\n{body}\n"
    with pytest.raises(TemplateError) as caught:
        parse_templates(text, "t.toml")
    assert str(caught.value).startswith("t.toml, line 5: template 'Bad'")
    assert problem in str(caught.value)


def test_header_lookalike_inside_a_text_does_not_shift_line_numbers() -> None:
    text = (
        '[[template]]\nname = "Docs"\ntext = """Write it like this:\n[[template]]\n"""\n\n'
        '[[template]]\nname = "Docs"\ntext = "dup"\n'
    )
    with pytest.raises(TemplateError, match=r"^t\.toml, line 7: .*\(line 1\)"):
        parse_templates(text, "t.toml")


def test_single_bracket_table_is_explained() -> None:
    with pytest.raises(TemplateError, match=r"\[\[template\]\]"):
        parse_templates('[template]\nname = "x"\ntext = "y"\n', "t.toml")


# --- filling --------------------------------------------------------------------------------


def test_fill_uses_values_and_fallbacks() -> None:
    filled = fill(
        "Hi {author.first_name|there}, I'm {agent}.",
        {"author.first_name": "Marco", "agent": "Sam"},
    )
    assert filled.text == "Hi Marco, I'm Sam."
    assert filled.missing == ()


@pytest.mark.parametrize("value", [None, "", "   "])
def test_fill_falls_back_when_there_is_no_value(value: str | None) -> None:
    filled = fill("Hi {author.first_name|there}!", {"author.first_name": value})
    assert filled.text == "Hi there!"
    assert fill("Hi {author.first_name|}!", {}).text == "Hi !"


def test_fill_leaves_unknown_values_visible_and_lists_them() -> None:
    filled = fill("{customer.company} on {customer.tier}; {customer.company}", {})
    assert filled.text == "{customer.company} on {customer.tier}; {customer.company}"
    assert filled.missing == ("customer.company", "customer.tier")


def test_double_braces_are_literal() -> None:
    filled = fill("Use {{agent}} or {{ }} and {agent}", {"agent": "Sam"})
    assert filled.text == "Use {agent} or { } and Sam"
    assert filled.missing == ()


@pytest.mark.parametrize(
    "hostile_name",
    ["{agent}", "{{agent}}", "{customer.company|x}", "}}{{", "{0}", "{author.name.__class__}"],
)
def test_values_from_strangers_are_inserted_literally(hostile_name: str) -> None:
    filled = fill("Hi {author.name}, {agent} here", {"author.name": hostile_name, "agent": "Sam"})
    assert filled.text == f"Hi {hostile_name}, Sam here"
    assert filled.missing == ()


def test_nothing_but_variables_is_interpreted() -> None:
    text = "{agent!r} {agent:>10} {author[0]} { agent } {} {0} lone { and } brace"
    filled = fill(text, {"agent": "Sam"})
    assert filled.text == text
    assert filled.missing == ()


def test_values_for_builds_every_documented_variable() -> None:
    values = values_for(
        author_name="Marco ☕ (he/him)",
        author_handle="marco_fontana@mastodon.uno",
        customer_name="Fontana, Marco",
        customer_company="Studio Fontana",
        customer_tier="team",
        agent="Sam",
        mention_url="https://mastodon.uno/@marco_fontana/1",
        channel="mastodon",
    )
    assert set(values) == KNOWN
    assert values["author.first_name"] == "Marco"
    assert values["author.handle"] == "@marco_fontana@mastodon.uno"
    assert values["customer.first_name"] == "Marco"
    assert values["channel"] == "Mastodon"


def test_values_for_reddit_handle_and_unknowns() -> None:
    values = values_for(
        author_name=None,
        author_handle="Original_Cactus_3187",
        customer_name=None,
        customer_company=None,
        customer_tier=None,
        agent=None,
        mention_url=None,
        channel="reddit",
    )
    assert values["author.handle"] == "u/Original_Cactus_3187"
    assert values["author.first_name"] is None
    filled = fill("Thanks {author.first_name|there}! – {agent}", values)
    assert filled.text == "Thanks there! – {agent}"
    assert filled.missing == ("agent",)


# --- first names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("display", "first"),
    [
        ("Marco ☕ (he/him)", "Marco"),
        ("Dr. Jane Smith", "Jane"),
        ("林欣怡", "林欣怡"),
        ("佐藤 美咲 | ops", "佐藤 美咲"),
        ("kate🌸", "kate"),
        ("Kate, she/her", "Kate"),
        ("O'Brien, Pat", "Pat"),
        ("Jane Smith, PhD", "Jane"),
        ("Aditi Patel | freelance dev", "Aditi"),
        ("Google Alerts - Kestrel", "Google"),
        ("Abena M.", "Abena"),
        ("J. Robert Smith", "Robert"),
        ("AARON HALE", "Aaron"),
        ("JEAN-LUC PICARD", "Jean-Luc"),
        ("Ben 🏳️\u200d🌈", "Ben"),
        ("Dr. Олена Коваленко", "Олена"),
        ("יונתן לוי | eng manager", "יונתן"),
        ("Zoë Ångström 🇸🇪", "Zoë"),
        ("Ｋａｔｅ", "Kate"),
        ("[bold red]Kestrel Support[/]", "Kestrel"),
        ("\x1b[1;31mRuth\x1b[0m", "Ruth"),
        ("\u202eevil", "evil"),
    ],
)
def test_first_name(display: str, first: str) -> None:
    assert first_name(display) == first


@pytest.mark.parametrize(
    "display",
    [None, "", "  ", "@someone", "c1", "dev.null", "The Async Engineer", "🌸✨", "a" * 40],
)
def test_no_first_name(display: str | None) -> None:
    assert first_name(display) is None


@pytest.mark.parametrize("name", sorted(hostile.ALL))
def test_first_name_of_hostile_strings_is_plain(name: str) -> None:
    result = first_name(hostile.ALL[name])
    if result is not None:
        assert hostile.is_terminal_safe(result)
        assert not set(result) & set("[]\x1b\t\n")
        assert len(result) <= 30


# --- ranking --------------------------------------------------------------------------------

PICKER = [
    Template("Thanks for the kind words", "Thank you!"),
    Template("Sorry, we're looking into it", "Sorry about that."),
    Template("Refund on its way", "Your refund is on its way. Email support."),
    Template("Feature request noted", "Logged it."),
    Template("Bug report (GitHub)", "Please add steps.", channels=("github",)),
    Template("Known outage", "See the status page."),
]


def names(templates: list[Template]) -> list[str]:
    return [t.name for t in templates]


def test_empty_query_lists_everything_offered_in_file_order() -> None:
    assert names(rank(PICKER, "", "mastodon")) == [
        "Thanks for the kind words",
        "Sorry, we're looking into it",
        "Refund on its way",
        "Feature request noted",
        "Known outage",
    ]
    assert len(rank(PICKER, "  ", None)) == len(PICKER)


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("refnd", "Refund on its way"),
        ("thx", "Thanks for the kind words"),
        ("REFUND", "Refund on its way"),
        ("sorry", "Sorry, we're looking into it"),
        ("feat req", "Feature request noted"),
        ("frn", "Feature request noted"),
        ("outage", "Known outage"),
        ("status", "Known outage"),  # only in the text
    ],
)
def test_typing_finds_the_template(query: str, best: str) -> None:
    assert names(rank(PICKER, query, "bluesky"))[0] == best


def test_templates_for_other_networks_are_not_offered() -> None:
    assert "Bug report (GitHub)" not in names(rank(PICKER, "bug", "mastodon"))
    assert names(rank(PICKER, "bug", "github"))[0] == "Bug report (GitHub)"


def test_unrelated_query_finds_nothing() -> None:
    assert rank(PICKER, "xyzzy", "mastodon") == []


def test_shipped_templates_are_found_by_natural_words() -> None:
    templates = shipped()
    for query, expected in [
        ("thanks", "Thanks"),
        ("outage", "outage"),
        ("refund", "Refund"),
        ("docs", "docs"),
        ("fixed", "fixed"),
        ("feature", "Feature"),
    ]:
        found = rank(templates, query, "mastodon")
        assert found, query
        assert expected in found[0].name, query


def test_an_author_without_a_name_is_greeted_by_the_customer_s_name() -> None:
    from scrm_tui.core.templates import values_for

    values = values_for(
        author_name=None,
        author_handle="kate_lindqvist",
        customer_name="Kate Lindqvist",
        customer_company=None,
        customer_tier=None,
        agent="dana",
        mention_url=None,
        channel="reddit",
    )
    assert fill("Sorry, {author.first_name|there}!", values).text == "Sorry, Kate!"
