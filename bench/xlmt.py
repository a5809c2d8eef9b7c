"""Where the XLM-T tweets are (../shared, never shipped: their licence forbids it) and
the languages of its folders, for the language and sentiment benches."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# ../shared beside the checkout; from a git worktree one level further down, the
# project's shared folder is two up.
DATA = next(
    (
        up / "shared" / "research" / "data" / "xlmt_umsab"
        for up in (ROOT.parent, ROOT.parent.parent)
        if (up / "shared" / "research" / "data" / "xlmt_umsab").is_dir()
    ),
    ROOT.parent / "shared" / "research" / "data" / "xlmt_umsab",
)
# Folder → ISO 639-1, English first (the reference).
CODES = {
    "english": "en",
    "german": "de",
    "french": "fr",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "arabic": "ar",
    "hindi": "hi",
}
