"""SQLite's SQL as PostgreSQL reads it: the store writes one SQL, and this turns each
statement text into PostgreSQL's once (cached), token by token, never inside a string.

What it changes is mechanical and listed in `_WORDS`/`_CALLS` below; what is not
mechanical (full-text search, an id list's type) is written portably at its source.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>--[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^']|'')*')
  | (?P<quoted>"(?:[^"]|"")*")
  | (?P<param>\?\d*|(?<!:):[A-Za-z_]\w*)
  | (?P<word>[A-Za-z_][A-Za-z_0-9$]*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+)
  | (?P<op>\|\||<>|<=|>=|!=|==|::|.)
    """,
    re.S | re.X,
)


@dataclass
class Tok:
    kind: str
    text: str

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else self.text


def tokens(sql: str) -> list[Tok]:
    return [
        Tok(m.lastgroup or "op", m.group())
        for m in _TOKEN.finditer(sql)
        if m.lastgroup != "comment"
    ]


@dataclass(frozen=True)
class Translated:
    """A statement in PostgreSQL's words: `sql` uses psycopg's placeholders; `named` when
    SQLite's were :name; `fts` names the parameters that are FTS5 queries (by position or
    name), which the connection turns into tsquery text before binding."""

    sql: str
    params: bool
    named: bool
    fts: tuple[int | str, ...] = ()


class _Reader:
    """Tokens with their depth of parentheses, read and rewritten left to right."""

    def __init__(self, toks: list[Tok]):
        self.t = toks

    def skip_space(self, i: int) -> int:
        while i < len(self.t) and self.t[i].kind == "space":
            i += 1
        return i

    def close_of(self, i: int) -> int:
        """The index of the ")" matching the "(" at i."""
        depth = 0
        for j in range(i, len(self.t)):
            text = self.t[j].text
            if self.t[j].kind == "op" and text == "(":
                depth += 1
            elif self.t[j].kind == "op" and text == ")":
                depth -= 1
                if depth == 0:
                    return j
        raise ValueError("unbalanced parentheses")

    def args(self, open_: int, close: int) -> list[list[Tok]]:
        """The top-level arguments between the parentheses at open_ and close."""
        out: list[list[Tok]] = [[]]
        depth = 0
        for tok in self.t[open_ + 1 : close]:
            if tok.kind == "op" and tok.text == "(":
                depth += 1
            elif tok.kind == "op" and tok.text == ")":
                depth -= 1
            if depth == 0 and tok.kind == "op" and tok.text == ",":
                out.append([])
            else:
                out[-1].append(tok)
        return out


def _strip(toks: list[Tok]) -> list[Tok]:
    while toks and toks[0].kind == "space":
        toks = toks[1:]
    while toks and toks[-1].kind == "space":
        toks = toks[:-1]
    return toks


def _json_path(path: str) -> str:
    """'$.a.b' as PostgreSQL path arguments: 'a', 'b'."""
    inner = path[1:-1]
    if not inner.startswith("$"):
        raise ValueError(f"unsupported JSON path {path}")
    parts = [p for p in re.split(r"\.|\[|\]", inner[1:]) if p]
    return ", ".join("'" + p.replace("'", "''") + "'" for p in parts)


def _call(name: str) -> Callable[[list[str]], str]:
    return lambda a: f"{name}({', '.join(a)})"


def _cast(args: list[str]) -> str:
    value, _, kind = args[0].rpartition(" AS ")
    if not value:
        value, _, kind = args[0].rpartition(" as ")
    kind = kind.strip().upper()
    if kind in ("INTEGER", "INT", "BIGINT"):
        return f"scrm_int({value})"
    if kind == "REAL":
        return f"CAST({value} AS double precision)"
    return f"CAST({args[0]})"


# Function calls whose name or shape differs; each gets its arguments already translated.
_CALLS: dict[str, Callable[[list[str]], str]] = {
    "IFNULL": _call("coalesce"),
    "CAST": _cast,
    "CHAR": _call("chr"),
    "INSTR": _call("strpos"),
    "JSON_OBJECT": _call("json_build_object"),
    "JSON_ARRAY": _call("json_build_array"),
    "JSON": lambda a: f"({a[0]})::json",
    "JSON_ARRAY_LENGTH": lambda a: f"json_array_length(({a[0]})::json)",
    "JSON_GROUP_ARRAY": lambda a: f"coalesce(json_agg({a[0]}), '[]'::json)",
    "GROUP_CONCAT": lambda a: (
        f"string_agg(({a[0]})::text, {a[1] if len(a) > 1 else chr(39) + ',' + chr(39)})"
        if not a[0].lstrip().upper().startswith("DISTINCT ")
        else f"string_agg(DISTINCT ({a[0].lstrip()[9:]})::text, "
        f"{a[1] if len(a) > 1 else chr(39) + ',' + chr(39)})"
    ),
    "TOTAL": lambda a: f"coalesce(sum({a[0]}), 0.0)",
    "IIF": lambda a: f"(CASE WHEN {a[0]} THEN {a[1]} ELSE {a[2]} END)",
    "JSON_EXTRACT": lambda a: f"json_extract_path_text(({a[0]})::json, {_json_path(a[1].strip())})",
    "MAX": lambda a: f"greatest({', '.join(a)})" if len(a) > 1 else f"max({a[0]})",
    "MIN": lambda a: f"least({', '.join(a)})" if len(a) > 1 else f"min({a[0]})",
}


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> Translated:
    """`sql` (SQLite's) as PostgreSQL's, with placeholders for psycopg."""
    toks = tokens(sql)
    named = any(t.kind == "param" and t.text.startswith(":") for t in toks)
    params = any(t.kind == "param" for t in toks)
    fts: list[int | str] = []
    out = _rewrite(toks, fts, params)
    return Translated(out, params, named, tuple(fts))


def translate_body(sql: str, keys: dict[str, list[list[str]]] | None = None) -> str:
    """Statements without parameters (a trigger's body, a migration's DDL); `keys`: each
    table's primary key, for INSERT OR REPLACE (an upsert on it)."""
    return _rewrite(tokens(sql), [], False, keys or {})


def _replace(toks: list[Tok], start: int, keys: dict[str, list[list[str]]]) -> str:
    """INSERT OR REPLACE INTO t (cols) as an upsert on t's primary key."""
    words = [t for t in toks[start:] if t.kind != "space"]
    table = words[1].text  # INTO t
    if table not in keys or words[2].text != "(":
        raise ValueError(f"INSERT OR REPLACE INTO {table}: say its key (or write an upsert)")
    columns: list[str] = []
    for tok in words[3:]:
        if tok.text == ")":
            break
        if tok.kind in ("word", "quoted"):
            columns.append(tok.text)
    # SQLite replaces the row any unique key of the inserted columns finds: the first
    # key (primary, then unique) all of whose columns are inserted.
    fitting = [k for k in keys[table] if set(k) <= set(columns)]
    if not fitting:
        raise ValueError(f"INSERT OR REPLACE INTO {table}: no key among {columns}")
    key = fitting[0]
    rest = [c for c in columns if c not in key]
    if not rest:
        return f" ON CONFLICT ({', '.join(key)}) DO NOTHING"
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in rest)
    return f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}"


Keys = dict[str, list[list[str]]]  # each table's primary key, then its unique keys


def _rewrite(toks: list[Tok], fts: list[int | str], params: bool, keys: Keys | None = None) -> str:
    statements: list[list[Tok]] = [[]]
    depth = 0
    for tok in toks:
        if tok.kind == "op" and tok.text in "()":
            depth += 1 if tok.text == "(" else -1
        if tok.kind == "op" and tok.text == ";" and depth == 0:
            statements.append([])
            continue
        statements[-1].append(tok)
    counter = [0]
    done = [
        _statement(
            _int_truths(_qualify_upsert(_conflict_target(s, keys or {}))),
            fts,
            params,
            counter,
            keys or {},
        )
        for s in statements
    ]
    return ";".join(done)


def _glob_regex(literal: str) -> str:
    """A GLOB pattern (a string literal) as the POSIX regular expression that matches the
    same whole texts: `*` any run, `?` any one character, `[...]` a class as it is."""
    pattern = literal[1:-1].replace("''", "'")
    out = ["^"]
    k = 0
    while k < len(pattern):
        c = pattern[k]
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "[":
            end = pattern.find("]", k + 2)  # a `]` first in the class is the class's own
            if end < 0:
                out.append(re.escape(c))
            else:
                body = pattern[k + 1 : end].replace("\\", "\\\\")
                out.append("[" + body + "]")
                k = end
        else:
            out.append(re.escape(c))
        k += 1
    out.append("$")
    return "'" + "".join(out).replace("'", "''") + "'"


def _conflict_target(toks: list[Tok], keys: Keys) -> list[Tok]:
    """`ON CONFLICT DO UPDATE` with no target (SQLite takes it) on the table's primary
    key, which PostgreSQL wants named: where the keys are known (the schema's triggers)."""
    words = [k for k, t in enumerate(toks) if t.kind != "space"]
    ups = [toks[k].upper for k in words]
    for n in range(len(words) - 3):
        if ups[n : n + 4] != ["ON", "CONFLICT", "DO", "UPDATE"]:
            continue
        table = next((toks[words[m + 1]].text for m in range(n) if ups[m] == "INTO"), None)
        if table not in keys:
            return toks
        at = words[n + 1] + 1
        target = [Tok("space", " "), Tok("op", "("), Tok("word", ", ".join(keys[table][0]))]
        return [*toks[:at], *target, Tok("op", ")"), *toks[at:]]
    return toks


def _statement(
    toks: list[Tok],
    fts: list[int | str],
    params: bool,
    counter: list[int],
    keys: dict[str, list[list[str]]] | None = None,
) -> str:
    keys = keys or {}
    r = _Reader(toks)
    head = [t.upper for t in toks if t.kind == "word"][:4]
    creates_table = head[:1] == ["CREATE"] and "TABLE" in head
    out: list[str] = []
    suffix = ""
    i = 0
    n = len(toks)
    while i < n:
        tok = toks[i]
        up = tok.upper
        if tok.kind == "param":
            if tok.text.startswith("?"):
                counter[0] += 1
                out.append("%s")
            else:
                out.append(f"%({tok.text[1:]})s")
            i += 1
            continue
        if params and "%" in tok.text and tok.kind in ("string", "op", "quoted"):
            out.append(tok.text.replace("%", "%%"))
            i += 1
            continue
        if tok.kind == "op" and tok.text == "(" and _truth_in_sum(toks, i, r, out):
            close = r.close_of(i)
            inner = _statement(toks[i + 1 : close], fts, params, counter, keys)
            out.append(f"scrm_int(({inner}))")
            i = close + 1
            continue
        if tok.kind == "op" and tok.text == "(" and _prev_upper(out) in ("FROM", "JOIN"):
            # PostgreSQL names every subquery in FROM; SQLite lets it go unnamed.
            close = r.close_of(i)
            k = r.skip_space(close + 1)
            after = toks[k] if k < n else None
            if (
                after is None
                or after.kind != "word"
                or (after.upper in _CLAUSE_WORDS and after.upper != "AS")
            ):
                inner = _statement(toks[i + 1 : close], fts, params, counter, keys)
                counter_alias = sum(1 for piece in out if piece.startswith("("))
                out.append(f"({inner}) AS _sub{counter_alias}")
                i = close + 1
                continue
        if tok.kind == "number" and tok.text in ("0", "1") and _literal_truth(toks, i, r):
            out.append("TRUE" if tok.text == "1" else "FALSE")
            i += 1
            continue
        if tok.kind != "word":
            out.append("=" if tok.text == "==" else tok.text)
            i += 1
            continue
        j = r.skip_space(i + 1)
        nxt = toks[j].upper if j < n else ""
        if up == "INSERT" and nxt == "OR":
            k = r.skip_space(j + 1)
            how = toks[k].upper
            out.append("INSERT")
            i = k + 1
            if how == "IGNORE":
                suffix = " ON CONFLICT DO NOTHING"
            elif how == "REPLACE":
                suffix = _replace(toks, i, keys)
            else:
                raise ValueError(f"INSERT OR {how} has no PostgreSQL form")
            continue
        if up == "RETURNING" and suffix:
            out.append(suffix.strip() + " RETURNING")
            suffix = ""
            i += 1
            continue
        if up == "WITHOUT" and nxt == "ROWID":  # a table's storage, which PostgreSQL has one of
            i = j + 1
            continue
        if up == "INTEGER" and creates_table:  # SQLite's INTEGER holds 64 bits
            out.append("bigint")
            i += 1
            continue
        if up == "TEMP" and nxt == "." and _prev_upper(out) != ".":
            out.append("pg_temp")  # SQLite's schema of temporary tables
            i += 1
            continue
        if up == "BINARY" and _prev_upper(out) == "COLLATE":
            # SQLite's BINARY compares code points (UTF-8's bytes), as Python orders str;
            # PostgreSQL's is "C" whatever the database's own collation.
            out.append('"C"')
            i += 1
            continue
        if up == "LIKE":
            out.append("ILIKE")
            i += 1
            continue
        if up == "GLOB" and j < n and toks[j].kind == "string":
            regex = _glob_regex(toks[j].text)
            out.append("~ " + (regex.replace("%", "%%") if params else regex))
            i = j + 1
            continue
        if up == "NOT" and nxt == "INDEXED":  # SQLite's planner hint
            i = j + 1
            continue
        if up == "INDEXED" and nxt == "BY":
            k = r.skip_space(j + 1)
            i = k + 1
            continue
        if up == "IS":
            k = j
            negated = nxt == "NOT"
            if negated:
                k = r.skip_space(j + 1)
            what = toks[k].upper if k < n else ""
            if what not in ("NULL", "TRUE", "FALSE", "DISTINCT"):
                out.append("IS DISTINCT FROM" if negated else "IS NOT DISTINCT FROM")
                i = k if negated else j
                out.append(" ")
                continue
        if up == "CROSS" and nxt == "JOIN" and _joins_on(toks, j + 1):
            out.append("JOIN")
            i = j + 1
            continue
        if up == "LIMIT" and j < n and toks[j].text == "-":
            k = r.skip_space(j + 1)
            if k < n and toks[k].text == "1":
                out.append("LIMIT ALL")
                i = k + 1
                continue
        if up == "AS" and nxt == "REAL":
            out.append("AS double precision")
            i = j + 1
            continue
        if up == "MATCH":
            # `<fts table> MATCH <query>`: the table's tsvector against the query as
            # tsquery (the connection turns the bound FTS5 text into tsquery text).
            prev = _prev_word(out)
            k = j
            q = toks[k]
            if q.kind != "param":
                raise ValueError("MATCH takes a bound parameter here")
            name: int | str = q.text[1:] if q.text.startswith(":") else counter[0]
            fts.append(name)
            placeholder = f"%({name})s" if isinstance(name, str) else "%s"
            if isinstance(name, int):
                counter[0] += 1
            _drop_prev_word(out, prev)
            # `tsv` unqualified: the FTS table is often aliased (`mentions_fts f`).
            out.append(f"tsv @@ CAST({placeholder} AS tsquery)")
            i = k + 1
            continue
        if j < n and toks[j].text == "(" and up in _CALLS:
            close = r.close_of(j)
            args = [_statement(_strip(a), fts, params, counter, keys) for a in r.args(j, close)]
            out.append(_CALLS[up](args))
            i = close + 1
            continue
        if up == "JSON_EACH" and j < n and toks[j].text == "(":
            close = r.close_of(j)
            [arg] = [_statement(_strip(a), fts, params, counter, keys) for a in r.args(j, close)]
            k = r.skip_space(close + 1)
            alias = "json_each"
            if k < n and toks[k].upper == "AS":
                k = r.skip_space(k + 1)
            if k < n and toks[k].kind == "word" and toks[k].upper not in _CLAUSE_WORDS:
                alias = toks[k].text
                close = k
            out.append(
                f"json_array_elements_text(({arg})::json) WITH ORDINALITY AS {alias}(value, key)"
            )
            i = close + 1
            continue
        out.append(tok.text)
        if tok.text.lower() in FLAGS and _is_truth(out[:-1], toks, i, r):
            out.append(" <> 0")
        i += 1
    return "".join(out) + suffix


# Integer columns of 0 and 1 that SQLite's SQL tests as truth (`WHERE brand`):
# PostgreSQL wants a boolean, so such a column where a truth is wanted reads `<> 0`.
FLAGS = frozenset({"brand", "parent_asks"})
_TRUTH_BEFORE = {"AND", "OR", "NOT", "WHERE", "WHEN", "ON", "("}
_TRUTH_AFTER = {"AND", "OR", "THEN", ")", "", "ORDER", "GROUP", "LIMIT", "ELSE", "END", ";"}


def _is_truth(out: list[str], toks: list[Tok], i: int, r: _Reader) -> bool:
    """Whether the flag column at toks[i] stands where a truth is wanted."""
    k = len(out) - 1
    while k >= 0 and not out[k].strip():
        k -= 1
    if k >= 1 and out[k] == ".":  # a qualified name: look before its qualifier
        k -= 2
        while k >= 0 and not out[k].strip():
            k -= 1
    before = out[k].strip().upper() if k >= 0 else ""
    j = r.skip_space(i + 1)
    after = toks[j].upper if j < len(toks) else ""
    return before in _TRUTH_BEFORE and after in _TRUTH_AFTER


_LITERAL_BEFORE = {"AND", "OR", "NOT", "WHERE", "ON", "WHEN", "("}
_LITERAL_AFTER = {
    "AND", "OR", ")", "", "ORDER", "GROUP", "LIMIT", ";", "THEN", "WHERE", "JOIN", "LEFT",
}  # fmt: skip


def _literal_truth(toks: list[Tok], i: int, r: _Reader) -> bool:
    """Whether the 0 or 1 at toks[i] stands for a truth (`WHERE 1`, `AND 0 AND`: a filter
    that keeps everything or nothing), which PostgreSQL wants as TRUE or FALSE. Not a
    value: `IN (1)`, `BETWEEN 0 AND 1`, `THEN 1`."""
    k = i - 1
    while k >= 0 and toks[k].kind == "space":
        k -= 1
    before = toks[k].upper if k >= 0 else ""
    j = r.skip_space(i + 1)
    after = toks[j].upper if j < len(toks) else ""
    if before not in _LITERAL_BEFORE or after not in _LITERAL_AFTER:
        return False
    if before == "(" and after not in ("AND", "OR"):
        return False  # `IN (1)`, `count(1)`, `(1)`: a value
    if (before == "WHEN") != (after == "THEN"):
        return False
    if before == "AND":  # `BETWEEN 0 AND 1`: the AND is BETWEEN's
        depth = 0
        for tok in reversed(toks[:k]):
            if tok.text == ")":
                depth += 1
            elif tok.text == "(":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and tok.upper in _LITERAL_BEFORE | {"SELECT"}:
                break
            elif depth == 0 and tok.upper == "BETWEEN":
                return False
    return True


_ARITHMETIC = {"+", "-", "*", "/"}
_COMPARISONS = {"=", "==", "<", ">", "<=", ">=", "!=", "<>", "AND", "OR", "NOT", "IS"}


def _truth_in_sum(toks: list[Tok], i: int, r: _Reader, out: list[str]) -> bool:
    """Whether the parenthesis at i holds a comparison that is added or multiplied
    (SQLite's true is 1): `voices + (NEW.scored > 0)`. Not a call's parentheses
    (`avg(CASE WHEN … END) - …`), nor a comparison inside a CASE."""
    if out and re.fullmatch(r"\w+", out[-1]) and out[-1].upper() not in _NOT_CALLS:
        return False
    close = r.close_of(i)
    depth = 0
    found = False
    for tok in toks[i + 1 : close]:
        if tok.text == "(" or tok.upper == "CASE":
            depth += 1
        elif tok.text == ")" or tok.upper == "END":
            depth -= 1
        elif depth == 0 and tok.upper in _COMPARISONS:
            found = True
        elif depth == 0 and tok.upper == "SELECT":
            return False
    if not found:
        return False
    k = len(out) - 1
    while k >= 0 and not out[k].strip():
        k -= 1
    before = out[k].strip() if k >= 0 else ""
    j = r.skip_space(close + 1)
    after = toks[j].text if j < len(toks) else ""
    if before in _ARITHMETIC or after in _ARITHMETIC:
        return True
    # a value of its own in a SELECT list or VALUES: SQLite's is 0 or 1, and a column
    # it goes into is an integer
    return before.upper() in (",", "SELECT") and after.upper() in (",", "FROM")


_BOOL_OPS = {"=", "==", "<", ">", "<=", ">=", "!=", "<>"}
_BOOL_WORDS = {"AND", "OR", "IS", "IN", "LIKE", "GLOB", "BETWEEN", "MATCH"}
_NOT_CALLS = {
    "IN", "EXISTS", "VALUES", "AS", "USING", "ON", "AND", "OR", "NOT", "WHEN", "THEN",
    "ELSE", "WHERE", "SELECT", "FROM", "JOIN", "IIF", "OVER", "FILTER", "ANY", "ALL",
    "INTO", "TABLE", "KEY", "UNIQUE", "CHECK", "REFERENCES", "CONFLICT", "RETURNING",
    "SET", "BY", "LIMIT", "OFFSET", "CASE", "END", "WITH", "RECURSIVE", "IF", "INDEX",
}  # fmt: skip
_LIST_ENDS = {
    "FROM", "WHERE", "GROUP", "ORDER", "LIMIT", "UNION", "EXCEPT", "INTERSECT", "HAVING",
    "WINDOW", "ON", "RETURNING",
}  # fmt: skip


def _is_boolean(item: list[Tok]) -> bool:
    """Whether an expression's value is a truth (SQLite's 0 or 1): a comparison, AND, OR,
    NOT, IN, EXISTS… at its top level (inside no parenthesis or CASE)."""
    item = _strip(item)
    words = [t for t in item if t.kind != "space"]
    if len(words) >= 2 and words[-2].upper == "AS":
        words = words[:-2]
    if not words:
        return False
    if words[0].upper == "SELECT":  # a subquery's value is its column's, not a truth
        return False
    if words[0].upper in ("NOT", "EXISTS"):
        return True
    if words[0].upper in ("SELECT", "WITH", "VALUES"):
        return False  # a subquery's value is its item's (made an integer there if a truth)
    if words[0].text == "(" and words[-1].text == ")" and _closes_at_end(words):
        return _is_boolean(words[1:-1])
    depth = 0
    for tok in words:
        if tok.text == "(" or tok.upper == "CASE":
            depth += 1
        elif tok.text == ")" or tok.upper == "END":
            depth -= 1
        elif depth == 0 and (tok.text in _BOOL_OPS or tok.upper in _BOOL_WORDS):
            return True
    return False


def _closes_at_end(words: list[Tok]) -> bool:
    depth = 0
    for k, tok in enumerate(words):
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
            if depth == 0 and k != len(words) - 1:
                return False
    return True


def _wrap(item: list[Tok]) -> list[Tok]:
    """`scrm_int(item)`, an alias kept outside."""
    body = _strip(item)
    alias: list[Tok] = []
    sig = [k for k, t in enumerate(body) if t.kind != "space"]
    if len(sig) >= 3 and body[sig[-2]].upper == "AS":
        alias = body[sig[-2] - 1 :] if body[sig[-2] - 1].kind == "space" else body[sig[-2] :]
        body = _strip(body[: sig[-2]])
    return [Tok("word", "scrm_int"), Tok("op", "("), *body, Tok("op", ")"), *alias]


def _int_truths(toks: list[Tok]) -> list[Tok]:
    """A truth used as a value (a SELECT list's item, a function's argument) is SQLite's
    integer 0 or 1: `coalesce(a > b, 0)`, `SELECT x IS NULL AND y`. PostgreSQL's is a
    boolean, which neither adds nor goes into an integer column, so it becomes scrm_int(…)."""
    r = _Reader(toks)
    out: list[Tok] = []
    i = 0
    n = len(toks)
    in_values = False
    while i < n:
        tok = toks[i]
        if tok.upper == "VALUES":
            in_values = True
        elif tok.kind == "word" and tok.upper in _LIST_ENDS:
            in_values = False
        if tok.text == "(":
            close = r.close_of(i)
            prev = next((t for t in reversed(out) if t.kind != "space"), None)
            is_call = (
                prev is not None
                and prev.kind == "word"
                and prev.upper not in _NOT_CALLS
                and out
                and out[-1] is prev  # name( with no space: a call, not `INTO t (cols)`
            )
            inner = toks[i + 1 : close]
            row = prev is not None and (
                prev.upper == "VALUES" or (prev.text == "," and in_values)
            )  # a row of VALUES: each item is a value
            if is_call or row:
                args = r.args(i, close)
                out.append(tok)
                for k, arg in enumerate(args):
                    if k:
                        out.append(Tok("op", ","))
                    done = _int_truths(arg)
                    out.extend(_wrap(done) if _is_boolean(arg) else done)
                out.append(toks[close])
            else:
                out.append(tok)
                out.extend(_int_truths(inner))
                out.append(toks[close])
            i = close + 1
            continue
        if tok.upper == "SELECT":
            out.append(tok)
            j = i + 1
            items: list[list[Tok]] = [[]]
            depth = 0
            while j < n:
                t = toks[j]
                if t.text == "(" or t.upper == "CASE":
                    depth += 1
                elif t.text == ")" or t.upper == "END":
                    if depth == 0:
                        break
                    depth -= 1
                elif depth == 0 and t.upper in _LIST_ENDS:
                    break
                if depth == 0 and t.text == ",":
                    items.append([])
                else:
                    items[-1].append(t)
                j += 1
            for k, item in enumerate(items):
                if k:
                    out.append(Tok("op", ","))
                done = _int_truths(item)
                if _is_boolean(item):
                    out.append(Tok("space", " "))
                    out.extend(_wrap(done))
                    out.append(Tok("space", " "))
                else:
                    out.extend(done)
            i = j
            continue
        out.append(tok)
        i += 1
    return out


_KEYWORDS = {
    "CASE", "WHEN", "THEN", "ELSE", "END", "AND", "OR", "NOT", "NULL", "IS", "IN", "LIKE",
    "BETWEEN", "EXISTS", "SELECT", "FROM", "WHERE", "AS", "TRUE", "FALSE", "DISTINCT",
    "EXCLUDED", "CAST", "INTEGER", "REAL", "TEXT", "ESCAPE", "COLLATE", "NOCASE",
    "ORDER", "BY", "GROUP", "LIMIT", "ASC", "DESC", "ON", "JOIN", "LEFT",
}  # fmt: skip


def _qualify_upsert(toks: list[Tok]) -> list[Tok]:
    """In `INSERT INTO t … ON CONFLICT … DO UPDATE SET c = c + excluded.c`, the bare `c`
    on the right is t's (SQLite reads it so); PostgreSQL calls it ambiguous, so it
    becomes `t.c`."""
    words = [(k, t.upper) for k, t in enumerate(toks) if t.kind != "space"]
    table = None
    for n, (_, up) in enumerate(words[:-2]):
        if up == "INSERT":
            for k2, up2 in words[n + 1 : n + 5]:
                if up2 not in ("OR", "IGNORE", "REPLACE", "INTO"):
                    table = toks[k2].text
                    break
            break
    if table is None:
        return toks
    start = None
    for n in range(len(words) - 2):
        if [w[1] for w in words[n : n + 3]] == ["DO", "UPDATE", "SET"]:
            start = words[n + 2][0] + 1
            break
    if start is None:
        return toks
    out = list(toks[:start])
    depth = 0
    right = False  # past the `=` of an assignment
    for k in range(start, len(toks)):
        tok = toks[k]
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        if depth == 0 and tok.text == ",":
            right = False
        elif depth == 0 and tok.upper in ("WHERE", "RETURNING"):
            right = True
            out.append(tok)  # the word itself is no column
            continue
        elif depth == 0 and tok.text == "=" and not right:
            right = True
            out.append(tok)
            continue
        if right and tok.kind == "word" and tok.upper not in _KEYWORDS:
            prev = next((t for t in reversed(out) if t.kind != "space"), None)
            nxt = next((t for t in toks[k + 1 :] if t.kind != "space"), None)
            if (prev is None or prev.text != ".") and (nxt is None or nxt.text not in ("(", ".")):
                out.extend((Tok("word", table), Tok("op", ".")))
        out.append(tok)
    return out


_CLAUSE_WORDS = {
    "WHERE", "JOIN", "CROSS", "LEFT", "INNER", "ON", "GROUP", "ORDER", "LIMIT", "UNION",
    "EXCEPT", "INTERSECT", "WINDOW", "HAVING", "NATURAL", "FULL", "RIGHT", "USING",
}  # fmt: skip


def _joins_on(toks: list[Tok], start: int) -> bool:
    """Whether the CROSS JOIN whose JOIN ends before `start` has an ON (SQLite allows it)."""
    depth = 0
    for tok in toks[start:]:
        if tok.kind == "op" and tok.text == "(":
            depth += 1
        elif tok.kind == "op" and tok.text == ")":
            depth -= 1
            if depth < 0:
                return False
        elif depth == 0 and tok.kind == "word":
            up = tok.upper
            if up == "ON":
                return True
            if up in _CLAUSE_WORDS - {"ON"}:
                return False
    return False


def _prev_upper(out: list[str]) -> str:
    for piece in reversed(out):
        if piece.strip():
            return piece.strip().upper()
    return ""


def _prev_word(out: list[str]) -> str:
    for piece in reversed(out):
        if piece.strip():
            return piece.strip()
    raise ValueError("MATCH without a table")


def _drop_prev_word(out: list[str], word: str) -> None:
    while out and not out[-1].strip():
        out.pop()
    if out and out[-1].strip() == word:
        out.pop()
    out.append(" ")
