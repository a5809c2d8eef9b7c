"""What makes a mention a sales lead, written as one inbox filter.

A lead is a mention tagged `lead`, one holding an intent phrase ([sales] intent), or a
question (a `?` in it) naming a question word ([sales] questions: pricing, trial...)
or a competitor's term ([watch.competitors]). It is a filter of the language of `/`,
so the dashboard's count and the mentions `Enter` opens are the same rows by
construction.
"""

from __future__ import annotations

from collections.abc import Iterable

LEAD_TAG = "lead"

# Phrases of buying intent, matched as whole words in this order, any case or accent.
# English, French, German, Spanish and Portuguese (the languages of the demo).
DEFAULT_INTENT = (
    # en
    "alternative to",
    "alternatives to",
    "can anyone recommend",
    "can you recommend",
    "any recommendations",
    "looking for a tool",
    "looking for an app",
    "how much does",
    "free trial",
    "thinking of switching",
    # fr
    "alternative à",
    "vous recommandez",
    "combien coûte",
    # de
    "Alternative zu",
    "könnt ihr empfehlen",
    "was kostet",
    # es
    "alternativa a",
    "alguien recomienda",
    "cuánto cuesta",
    # pt
    "alternativa ao",
    "alguém recomenda",
    "quanto custa",
)

# Words that make a question (a mention with `?`) a lead.
DEFAULT_QUESTIONS = (
    "pricing",
    "price",
    "prices",
    "quote",
    "trial",
    "discount",
    "prix",
    "tarif",
    "Preis",
    "Preise",
    "precio",
    "precios",
    "preço",
    "preços",
)


def phrase_problem(phrase: str) -> str | None:
    """Why `phrase` cannot be an intent phrase or question word, or None."""
    if not any(ch.isalnum() for ch in phrase):
        return "has no word in it"
    if '"' in phrase:
        return 'holds a double quote (write the words alone: alternative to, not "alternative to")'
    return None


def _quoted(phrase: str) -> str:
    return f'"{" ".join(phrase.split())}"'


def lead_filter(
    intent: Iterable[str], questions: Iterable[str], competitor_terms: Iterable[str] = ()
) -> str:
    """The filter for every lead, whatever its time: `tag:lead OR "alternative to" OR
    ... OR (? ("pricing" OR ... OR "acme"))`. Phrases that cannot be quoted are left
    out (the config refuses them before they get here)."""
    parts = [f"tag:{LEAD_TAG}"]
    parts += [_quoted(p) for p in intent if phrase_problem(p) is None]
    asked = [_quoted(p) for p in (*questions, *competitor_terms) if phrase_problem(p) is None]
    if asked:
        parts.append(f"(? ({' OR '.join(dict.fromkeys(asked))}))")
    return "(" + " OR ".join(dict.fromkeys(parts)) + ")"
