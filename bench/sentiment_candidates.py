"""The offline scorers tried for languages other than English, on the XLM-T test sets.

scrm ships only those that met issue 13's targets (bench/sentiment_languages.py); this
prints the figures that decided, for every candidate installed. The others are skipped
with a line saying how to install them, in a scratch virtualenv: several pull heavy or
stale dependencies scrm does not want.

    python bench/sentiment_candidates.py [--data DIR]

Each candidate's score is labelled with VADER's ±0.05 band and with the band scrm uses
for its ports (scorers.WEAK_COMPOUND); nothing else was tuned on this data.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sentiment_languages import (  # noqa: E402
    CODES,
    DATA,
    F1_GAIN,
    MAX_OPPOSITE,
    agreement,
    load,
)
from scrm_tui.core.models import Sentiment  # noqa: E402
from scrm_tui.enrich.scorers import WEAK_COMPOUND  # noqa: E402
from scrm_tui.enrich.sentiment import score  # noqa: E402

Polarity = Callable[[str], float]
WORD = re.compile(r"\w+")


def textblob_fr(_: str) -> Polarity:
    from textblob import TextBlob
    from textblob_fr import PatternAnalyzer

    analyzer = PatternAnalyzer()
    return lambda text: float(TextBlob(text, analyzer=analyzer).sentiment[0])


def textblob_de(_: str) -> Polarity:
    # Needs textblob<0.18 (textblob.translate) and Pattern's tokenizer: the default one
    # downloads NLTK's punkt at run time.
    from textblob_de import PatternTokenizer, TextBlobDE

    tokenizer = PatternTokenizer()
    return lambda text: float(TextBlobDE(text, tokenizer=tokenizer).sentiment.polarity)


def chen_skiena(lang: str) -> Polarity:
    """Chen & Skiena's (2014) ±1 word lists, as asent ships them, under VADER's rules."""
    spec = importlib.util.find_spec("asent")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(spec.submodule_search_locations[0]) / "lexicons"
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    lexicon = {}
    for line in (folder / f"{lang}_lexicon_chen_skiena_2014_v1.txt").read_text("utf-8").split("\n"):
        word, _, value = line.partition("\t")
        if value:
            lexicon[word.lower()] = 2.0 * float(value)  # ±1 onto VADER's ±4 scale, halfway
    analyzer.lexicon = lexicon
    return lambda text: float(analyzer.polarity_scores(text)["compound"])


def senticnet(lang: str) -> Polarity:
    """SenticNet's machine-translated concepts: mean polarity of the words and pairs found."""
    concepts = importlib.import_module(f"senticnet.babel.senticnet_{lang}").senticnet

    def polarity(text: str) -> float:
        words = [w.lower() for w in WORD.findall(text)]
        found, i = [], 0
        while i < len(words):
            pair = "_".join(words[i : i + 2])
            if i + 1 < len(words) and pair in concepts:
                found.append(float(concepts[pair][6]))
                i += 2
                continue
            if words[i] in concepts:
                found.append(float(concepts[words[i]][6]))
            i += 1
        return sum(found) / len(found) if found else 0.0

    return polarity


CANDIDATES: dict[str, tuple[str, Callable[[str], Polarity], Sequence[str]]] = {
    "textblob-fr": ("pip install textblob-fr", textblob_fr, ("fr",)),
    "textblob-de": ("pip install textblob-de 'textblob<0.18'", textblob_de, ("de",)),
    "chen-skiena (asent)": (
        "pip install asent",
        chen_skiena,
        ("de", "es", "it", "ar", "hi", "fr", "pt"),
    ),
    "senticnet babel": ("pip install senticnet", senticnet, ("de", "es", "it", "ar", "hi")),
}
MODULES = {
    "textblob-fr": "textblob_fr",
    "textblob-de": "textblob_de",
    "chen-skiena (asent)": "asent",
    "senticnet babel": "senticnet",
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the xlmt_umsab folder")
    args = parser.parse_args(argv)
    name_of = {code: name for name, code in CODES.items()}
    for candidate, (install, make, langs) in CANDIDATES.items():
        if importlib.util.find_spec(MODULES[candidate]) is None:
            print(f"{candidate}: not installed ({install}, in a scratch virtualenv)")
            continue
        for lang in langs:
            texts, truth = load(args.data / name_of[lang])
            bare = agreement(truth, [score(t) for t in texts])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                polarity = make(lang)
                raw = [polarity(t) for t in texts]
            cells = []
            for band in (0.05, WEAK_COMPOUND):
                ours = agreement(
                    truth, [Sentiment(p if abs(p) >= band else 0.0, 0, 0, 0) for p in raw]
                )
                ok = ours.macro_f1 >= bare.macro_f1 + F1_GAIN and ours.opposite <= MAX_OPPOSITE
                cells.append(
                    f"±{band:.2f}: F1 {ours.macro_f1:4.1f} opp {ours.opposite:4.1f}% "
                    f"{'PASS' if ok else 'fail'}"
                )
            need = f"needs F1 {bare.macro_f1 + F1_GAIN:4.1f}"
            print(f"{candidate:20} {lang}  {need}  " + "   ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
