"""The real app in a real terminal: tmux sends the keys, capture-pane reads the screen
(tests/support/terminal.py; the `terminal` fixture is in conftest)."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.support import hostile
from tests.support.terminal import Terminal, header_count, position, scrm_command


def ingest(db: Path, records: list[dict]) -> None:
    lines = "\n".join(json.dumps(r) for r in records)
    subprocess.run(
        [sys.executable, "-m", "scrm_tui", "--db", str(db), "ingest", "-"],
        input=lines,
        text=True,
        check=True,
        capture_output=True,
    )


def marked_done(db: Path) -> int:
    """How many mentions were marked done (the demo's seeded answers among them)."""
    with sqlite3.connect(db) as conn:
        return int(
            conn.execute(
                "SELECT count(*) FROM interactions WHERE kind = 'status' AND summary = ?",
                ("marked done",),
            ).fetchone()[0]
        )


def outbox(db: Path) -> list[tuple[object, ...]]:
    """Each outbox item's kind, target, state, tries and last error (for a failure)."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT kind, target, state, tries, last_error FROM outbox ORDER BY id"
        ).fetchall()


def record(n: int, text: str, **author: object) -> dict:
    return {
        "channel": "mastodon",
        "id": str(n),
        "text": text,
        "created_at": f"2026-11-20T10:{n % 60:02d}:00Z",
        "author": {"handle": f"user{n}@example.social", "name": f"User {n}", **author},
    }


def test_hostile_mentions_cannot_touch_the_terminal(terminal: Terminal, tmp_path: Path) -> None:
    db = tmp_path / "hostile.db"
    records = [record(n, text) for n, text in enumerate(hostile.ALL.values())]
    records.append(record(90, "title and clipboard", name="\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07"))
    ingest(db, records)
    total = len(records)
    terminal.start(scrm_command("--db", str(db)), 100, 30, tmp_path)
    terminal.wait_for(lambda s: position(s) == (1, total))
    title = terminal.title()
    seen = ""
    # Every mention in turn: each key moves the cursor, and the reading pane shows it.
    for at in range(2, total + 1):
        terminal.keys("j")
        screen = terminal.wait_for(lambda s, at=at: position(s) == (at, total))
        seen += screen
        # No title was set, nothing but colours reached the terminal, and the header
        # was never erased.
        assert terminal.title() == title
        assert terminal.foreign_escapes() == []
        assert screen.splitlines()[0].lstrip().startswith("scrm")
    assert "␛[2J" in seen and "[URGENT]" in seen and "␛]0;pwned␇" in seen
    terminal.keys("g")
    terminal.wait_for(lambda s: position(s) == (1, total))
    # No clipboard write reached tmux.
    assert terminal.tmux("list-buffers").stdout == ""
    assert "pwned" not in terminal.title()
    terminal.keys("q")
    terminal.wait_for(lambda _: terminal.exited(), timeout=10)


def import_customers(db: Path, rows: list[dict]) -> None:
    source = db.with_name("customers.jsonl")
    source.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "scrm_tui", "--db", str(db), "customers", "import", str(source)],
        check=True,
        capture_output=True,
    )


def test_hostile_text_cannot_reach_the_terminal_through_forms(
    terminal: Terminal, tmp_path: Path
) -> None:
    """The composer's prefill, a template's values, the customer header and the link
    pane's new-customer form all show a stranger's escapes as symbols."""
    from scrm_tui.core.locations import config_dir

    db = tmp_path / "forms.db"
    ingest(
        db,
        [
            record(
                1,
                "from the evil twin",
                handle="evil\x1b]0;HANDLETITLE\x07@x.social",
                name="Evil \x1b[2J\x1b]0;NAMETITLE\x07 Twin",
            ),
            record(2, "from kate", handle="kate@x.social", name="Kate \x1b]0;TPLTITLE\x07 Jones"),
        ],
    )
    import_customers(
        db,
        [
            {
                "id": "K1",
                "name": "Kate Jones",
                "company": "Acme\x1b[2J\x1b[HCorp",
                "mastodon": "kate@x.social",
            }
        ],
    )
    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "templates.toml").write_text(
        '[[template]]\nname = "Greet"\ntext = "Hi {author.name} of {customer.company}!"\n',
        encoding="utf-8",
    )
    terminal.start(scrm_command("--db", str(db)), 100, 30, tmp_path)
    terminal.wait_text("2 mentions")
    title = terminal.title()

    def untouched(screen: str, first_line: str = "scrm") -> None:
        assert terminal.title() == title  # no OSC 0/2 reached the terminal
        assert terminal.foreign_escapes() == []
        assert screen.splitlines()[0].lstrip().startswith(first_line), screen  # not cleared

    # Kate's mention (the newest): reply, and fill a template with her name and company.
    terminal.keys("r")
    terminal.wait_text("Reply to kate@x.social")
    terminal.keys("C-t")
    terminal.wait_text("Insert a canned response")
    terminal.keys("Enter")
    screen = terminal.wait_text("▊ @kate@x.social Hi Kate ␛]0;TPLTITLE␇ Jones of Acme␛[2J␛[HCorp!")
    untouched(screen)
    terminal.keys("Escape")  # keeps the draft
    terminal.wait_for(lambda s: "Reply to" not in s)

    # Her customer header shows the company as text.
    terminal.keys("c")
    screen = terminal.wait_text("history of Kate Jones")
    assert "Acme␛[2J␛[HCorp" in screen
    untouched(screen, "Kate Jones")
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "history of" not in s)

    # The evil twin: the Mastodon prefill carries the handle.
    terminal.keys("j")
    terminal.wait_text("2/2")
    terminal.keys("r")
    # In the text area (the reading pane shows the handle too).
    screen = terminal.wait_text("▊ @evil␛]0;HANDLETITLE␇@x.social")
    untouched(screen)
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "Reply to" not in s)

    # A new customer from that author: the form is pre-filled with the name.
    terminal.keys("l")
    terminal.wait_text("Who is")
    terminal.keys("a")
    screen = terminal.wait_text("New customer for")
    name = "Evil ␛[2J␛]0;NAMETITLE␇ Twin"
    assert any(name in line and "Who is" not in line for line in screen.splitlines()), screen
    untouched(screen)
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "New customer for" not in s)
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "Who is" not in s)
    untouched(terminal.screen())
    terminal.keys("q")
    terminal.wait_for(lambda _: terminal.exited(), timeout=10)


def test_demo_streams_and_keys_work_at_80x24(terminal: Terminal, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    terminal.start(scrm_command("demo", "--db", str(db)), 80, 24, tmp_path)
    first = terminal.wait_for(lambda s: header_count(s) is not None)
    count = header_count(first)
    assert count is not None and count >= 1500
    # New mentions arrive on their own within a few seconds.
    terminal.wait_for(lambda s: (header_count(s) or 0) > count, timeout=20)
    terminal.keys("j", "j", "Enter")
    # At 80 columns the reading pane takes the whole screen: its border is on line 2.
    reading = terminal.wait_for(lambda s: s.splitlines()[1].startswith("─"))
    assert "compound" in reading and "@" in reading
    # Esc and x typed at once reach the app as one write, ESC x, which is also what
    # Alt+x sends: it is read as both keys, back to the list and done.
    answered = marked_done(db)  # the demo's agents answered (and closed) a few already
    terminal.write("\x1bx")
    # What x causes, in the database: a ✓ on screen alone could be a post's own text.
    terminal.wait_for(lambda _: marked_done(db) == answered + 1)
    screen = terminal.wait_for(lambda s: "✓" in s)
    assert not screen.splitlines()[1].startswith("─")
    terminal.keys("/")
    terminal.wait_text("filter:")
    terminal.keys("sync", "Enter")
    terminal.wait_for(lambda s: "/sync → " in s.splitlines()[0])
    terminal.keys("?")
    terminal.wait_text("Keys")
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "Keys" not in s)
    terminal.keys("q")
    terminal.wait_for(lambda _: terminal.exited(), timeout=10)


def test_wide_terminal_puts_the_reading_pane_beside_the_list(
    terminal: Terminal, tmp_path: Path
) -> None:
    db = tmp_path / "wide.db"
    ingest(db, [record(n, f"wide layout post {n}") for n in range(40)])
    terminal.start(scrm_command("--db", str(db)), 200, 50, tmp_path)
    # A list row and the reading pane's author line share a screen line.
    screen = terminal.wait_for(
        lambda s: any(
            "wide layout post 39" in line and "@user39@example.social" in line
            for line in s.splitlines()[1:4]
        )
    )
    assert len(screen.splitlines()) >= 49
    terminal.keys("q")
    terminal.wait_for(lambda _: terminal.exited(), timeout=10)


def test_no_color_still_marks_sentiment_and_unread(terminal: Terminal, tmp_path: Path) -> None:
    db = tmp_path / "mono.db"
    ingest(db, [record(1, "I love this, wonderful!"), record(2, "This is terrible, I hate it")])
    terminal.start("NO_COLOR=1 " + scrm_command("--db", str(db)), 80, 24, tmp_path)
    # The count shown, not "… mentions" (the first frame, before the first page).
    screen = terminal.wait_for(lambda s: header_count(s) == 2 and position(s) is not None)
    assert "▲" in screen and "▼" in screen and "●" in screen
    styled = terminal.tmux("capture-pane", "-p", "-e", "-t", "t").stdout
    # Reverse video (SGR 7) marks the cursor row; Textual's NO_COLOR mode draws in
    # greys only (256-colour ramp 232-255 and the black/white/grey base colours).
    assert "\x1b[7m" in styled or ";7m" in styled or "[1;7m" in styled
    greys = {*range(232, 256), 0, 7, 8, 15, 16, 231}
    used = {int(n) for n in re.findall(r"[34]8;5;(\d+)", styled)}
    assert used <= greys, used - greys
    assert "38;2;" not in styled
    terminal.keys("q")
    terminal.wait_for(lambda _: terminal.exited(), timeout=10)


def test_demo_customer_history_and_logging_a_call(terminal: Terminal, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    terminal.start(scrm_command("demo", "--db", str(db), "--no-stream"), 80, 24, tmp_path)
    terminal.wait_for(lambda s: header_count(s) is not None)
    # Find a known customer, as a person would: C, a name, Enter on the first hit.
    terminal.keys("C")
    terminal.wait_text("Find a customer")
    terminal.keys("Amelia MacLeod")
    terminal.wait_text("Wattle & Gum")
    terminal.keys("Enter")  # opens the best hit
    screen = terminal.wait_for(lambda s: "history of Amelia MacLeod" in s and "mention" in s)
    # Her history spans several networks.
    networks = {badge for badge in ("mast", "bsky", "rddt", "gh") if f" {badge} " in screen}
    assert len(networks) >= 2, screen
    terminal.keys("o")
    terminal.wait_text("Log a contact with")
    terminal.keys("Customer called: loves the new timeline")
    terminal.wait_text("loves the new timeline")
    terminal.keys("C-s")
    # Saved: the form closes and the call is at the top of her history, scored positive.
    screen = terminal.wait_for(
        lambda s: (
            "Log a contact" not in s
            and any("call" in line and "loves the new" in line for line in s.splitlines())
        )
    )
    top = next(line for line in screen.splitlines() if "loves the new" in line)
    assert "▲" in top and "←" in top
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "history of" not in s)
    terminal.keys("q")
    terminal.wait_for(lambda _: terminal.exited(), timeout=10)


def test_reply_macro_post_and_escalation_from_the_keyboard(
    terminal: Terminal, tmp_path: Path
) -> None:
    from tests.fakes.loopback import Loopback, _scrm_config

    db = tmp_path / "answer.db"
    ingest(db, [record(n, f"Kestrel sync broken {n}") for n in range(1, 4)])
    with Loopback(lenient=True) as server:  # any status a reply answers exists
        config = tmp_path / "config.toml"
        config.write_text(_scrm_config(server), encoding="utf-8")
        config.chmod(0o600)
        terminal.start(scrm_command("--db", str(db), "--config", str(config)), 100, 30, tmp_path)
        terminal.wait_text("3 mentions")

        # One reply: r, type, Ctrl+S; it is sent and shows under the mention.
        terminal.keys("r")
        terminal.wait_text("Reply to user3@example.social on Mastodon")
        terminal.keys("Thanks, fixing it")
        terminal.wait_text("Thanks, fixing it")
        terminal.keys("C-s")
        screen = terminal.wait_text("✓ sent")
        assert "@user3@example.social Thanks, fixing it" in screen
        assert [p["text"] for p in server.posts("mastodon")] == [
            "@user3@example.social Thanks, fixing it"
        ]

        # One post for all three: select, R, Mastodon, write, send.
        terminal.keys("space")
        terminal.wait_text("1 selected")
        terminal.keys("space", "space")
        terminal.wait_text("3 selected")
        terminal.keys("R")
        terminal.wait_text("where?")
        terminal.keys("Enter")
        terminal.wait_text("One post on Mastodon answering 3 mentions")
        terminal.keys("Sync is fixed")
        terminal.wait_text("Sync is fixed")
        terminal.keys("C-s")
        terminal.wait_for(lambda s: "one post for many" in s and "selected" not in s)
        # The pane shows the post once it is queued; the server hears it when it is sent.
        terminal.wait_for(lambda _: server.count("mastodon") == 2)

        # Escalate the mention to billing; its Slack and JSON hooks hear about it.
        terminal.keys("e")
        terminal.wait_text("Note for the team")
        terminal.keys("customer wants a refund")
        terminal.wait_text("customer wants a refund")
        terminal.keys("C-s")
        terminal.wait_text("Escalated to billing")
        terminal.wait_for(
            lambda _: server.count("slack") == 1 and server.count("json") == 1,
            explain=lambda: f"the server heard {server.counts()}; the outbox: {outbox(db)}",
        )

        # The queue shows it; x resolves it with a note.
        terminal.keys("E")
        terminal.wait_text("slack: ✓ sent")  # the queue is loaded and its detail shown
        terminal.keys("x")
        # "Resolve" alone is already in the footer; wait for the modal's own prompt.
        terminal.wait_text("What was done")
        terminal.keys("refund sent")
        terminal.wait_text("refund sent")
        terminal.keys("C-s")
        terminal.wait_for(lambda _: server.count("json") == 2)
        assert server.posts("json")[-1]["json"]["type"] == "escalation.resolved"
        assert terminal.tmux("list-buffers").stdout == ""  # nothing wrote the clipboard
        terminal.keys("q")
        terminal.wait_text("3 mentions")
        terminal.keys("q")
        terminal.wait_for(lambda _: terminal.exited(), timeout=10)
    assert server.errors == []
