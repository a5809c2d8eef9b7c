"""Your own keys: the [keys] table checked against scrm's bindings and Textual's key
names, then handed to Textual's keymap (`App.set_keymap`)."""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType

from textual.app import App
from textual.binding import Binding, BindingsMap, BindingType
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen

from scrm_tui.core import sanitize
from scrm_tui.core.config import KeySetting
from scrm_tui.ui.key_names import KeyNameError, did_you_mean, key_list, written

EVERYWHERE = "everywhere"
# Each of these was one dialog's Esc until the dialogs shared one (dialog.cancel): a
# config that names one is told so, and scrm still starts.
SHARED_ESCAPE = frozenset(
    {
        "assign.cancel",
        "contact.cancel",
        "escalate.cancel",
        "mood.cancel",
        "new_customer.cancel",
        "range.cancel",
        "resolve.cancel",
        "review-batch.cancel",
        "reward.cancel",
        "save_view.cancel",
        "snooze.cancel",
        "tags.cancel",
    }
)


# ------------------------------------------------------------------------ the bindings


@dataclass(frozen=True)
class Bound:
    """A binding scrm declares, with the class that declares it."""

    binding: Binding
    owner: type[DOMNode]


@dataclass(frozen=True)
class Catalogue:
    """Every binding of scrm's UI: by id, and the screens and app that use them."""

    by_id: dict[str, list[Bound]]
    screens: list[type[Screen[object]]]
    app: type[App[object]] | None


def catalogue(*, complete: bool = True) -> Catalogue:
    """Every binding, found in the code: one added anywhere, by anyone, can be remapped
    without a list kept by hand. `complete` imports every module of the UI (~90 ms,
    most of it screens the inbox loads only when opened); otherwise only what the
    inbox loads anyway is looked at."""
    if complete:
        return _everything()
    import scrm_tui.ui.app  # noqa: F401  (the inbox: its screen, widgets and app keys)

    return _found_in(m for name, m in list(sys.modules.items()) if name.startswith("scrm_tui.ui."))


@cache
def _everything() -> Catalogue:
    import scrm_tui.ui

    return _found_in(
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(scrm_tui.ui.__path__, "scrm_tui.ui.")
    )


def _found_in(modules: Iterable[ModuleType]) -> Catalogue:
    classes: list[type[DOMNode]] = [
        value
        for module in sorted(modules, key=lambda m: m.__name__)
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, DOMNode)
        and value.__module__ == module.__name__
    ]
    by_id: dict[str, list[Bound]] = {}
    for cls in classes:
        for binding in _as_bindings(cls.__dict__.get("BINDINGS", [])):
            if binding.id:
                by_id.setdefault(binding.id, []).append(Bound(binding, cls))
    screens = [c for c in classes if issubclass(c, Screen)]
    # A base class other screens build on (QueueScreen) is never shown itself.
    screens = [s for s in screens if not any(o is not s and issubclass(o, s) for o in screens)]
    apps = [c for c in classes if issubclass(c, App)]
    return Catalogue(dict(sorted(by_id.items())), screens, apps[0] if apps else None)


def _as_bindings(bindings: Iterable[BindingType]) -> list[Binding]:
    return [b if isinstance(b, Binding) else Binding(*b) for b in bindings]


def declared(cls: type[DOMNode]) -> list[Binding]:
    """The bindings scrm gives `cls` (none where only Textual's own are inherited)."""
    owner = next(base for base in cls.__mro__ if "BINDINGS" in base.__dict__)
    if not owner.__module__.startswith("scrm_tui."):
        return []
    return _as_bindings(owner.__dict__["BINDINGS"])


def _same(a: Binding, b: Binding) -> bool:
    if a.id or b.id:
        return a.id == b.id
    return (a.action, a.description) == (b.action, b.description)


def screen_sections(
    screen: type[Screen[object]], app: type[App[object]] | None
) -> list[tuple[str, type[DOMNode]]]:
    """Where the keys of a screen come from, titled as `?` shows them: the screen's own
    `key_sections()` (its focusable parts) or the screen alone, then the app's keys,
    which a modal screen shuts out."""
    sections: Sequence[tuple[str, type[DOMNode]]]
    getter = getattr(screen, "key_sections", None)
    sections = getter() if getter is not None else [(screen_title(screen), screen)]
    if app is not None and not issubclass(screen, ModalScreen):
        sections = [*sections, (EVERYWHERE, app)]
    return list(sections)


def screen_title(screen: type[DOMNode]) -> str:
    """FindCustomerScreen -> "find customer"."""
    name = screen.__name__.removesuffix("Screen")
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower() or name.lower()


def in_force(bindings: Sequence[Binding], keymap: Mapping[str, str]) -> list[list[str]]:
    """The keys each binding answers to once the keymap is applied, as Textual applies
    it: a binding the keymap names gets its keys; one whose key another binding was
    given in the same place loses that key."""
    applied = BindingsMap(bindings)
    applied.apply_keymap(dict(keymap))
    return [
        [key for key, found in applied.key_to_bindings.items() if any(_same(b, x) for x in found)]
        for b in bindings
    ]


# ------------------------------------------------------------------------ the check


@dataclass
class KeysChecked:
    """What [keys] comes to: the keymap for Textual (only what is right) and what to say."""

    keymap: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check(settings: Sequence[KeySetting], *, clashes: bool = True) -> KeysChecked:
    """Each setting's binding id must be one of scrm's and each key one Textual can
    report: an error naming where it is written otherwise. With `clashes`, a key that
    ends up bound twice on one screen is a warning (only one binding can have it);
    finding those reads every screen, so the inbox leaves it until it is on screen."""
    result = KeysChecked()
    if not settings:
        return result
    known = catalogue(complete=False).by_id
    if any(setting.binding not in known for setting in settings):
        known = catalogue().by_id  # a binding of a screen not loaded yet, or a typo
    where: dict[str, KeySetting] = {}
    for setting in settings:
        name = sanitize.for_message(setting.binding)
        if setting.binding in SHARED_ESCAPE:
            result.warnings.append(
                f"{setting.where}: [keys] {name} is now dialog.cancel, Esc in every dialog "
                "that cancels: set that instead (this line is left out)"
            )
            continue
        if setting.binding not in known:
            result.errors.append(
                f"{setting.where}: [keys] {name!r} is not a binding scrm has"
                f"{did_you_mean(setting.binding, known)}; `scrm keys` lists them"
            )
            continue
        try:
            keys = key_list(setting.keys)
        except KeyNameError as error:
            result.errors.append(f"{setting.where}: [keys] {name}: {error}")
            continue
        if setting.binding in where:
            result.warnings.append(
                f"{setting.where}: [keys] {name} is set twice; this one counts "
                f"(the other: {where[setting.binding].where})"
            )
        where[setting.binding] = setting
        result.keymap[setting.binding] = ",".join(dict.fromkeys(keys))
    if clashes:
        result.warnings += clash_warnings(settings, result.keymap)
    return result


@dataclass(frozen=True)
class _Holder:
    """One binding that answers to a key on a screen, and where it sits."""

    binding: Binding
    section: str
    rank: int  # who gets a key first: 0 a focused part, 1 the screen, 2 the app


def clash_warnings(settings: Sequence[KeySetting], keymap: Mapping[str, str]) -> list[str]:
    """A key the keymap puts where another binding already answers to it, screen by
    screen: in one class, or across the screen, the app and any one part of it (two
    parts, such as the list and the reading pane, never have focus at once)."""
    where = {setting.binding: setting for setting in settings if setting.binding in keymap}
    found = catalogue()
    said: dict[tuple[str, ...], str] = {}
    for screen in found.screens:
        holders: dict[str, list[_Holder]] = {}
        for section, cls in screen_sections(screen, found.app):
            rank = 2 if issubclass(cls, App) else 1 if issubclass(cls, Screen) else 0
            for binding in declared(cls):
                keys = keymap.get(binding.id or "", binding.key)
                for key in dict.fromkeys(key_list(keys)):
                    holders.setdefault(key, []).append(_Holder(binding, section, rank))
        for key, held in holders.items():
            # The bindings the user moved to this key, and every other one it reaches.
            mine = [h for h in held if _moved_to(h.binding, key, keymap)]
            touched = [m for m in mine if any(_clash(m, other) for other in held)]
            clash = [h for h in held if h in touched or any(_clash(h, m) for m in touched)]
            names = tuple(sorted({_label(h.binding) for h in clash}))
            if len(names) < 2 or (key, *names) in said:
                continue
            setting = min((where[m.binding.id or ""] for m in mine), key=lambda s: s.line)
            place = (
                EVERYWHERE
                if all(h.rank == 2 for h in clash)
                else f"on the {screen_title(screen)} screen"
            )
            times = "twice" if len(names) == 2 else f"{len(names)} times"
            said[(key, *names)] = (
                f"{setting.where}: [keys] {setting.binding} = "
                f"{sanitize.for_message(setting.keys)!r}: {written(key)} is bound {times} "
                f"{place} ({', '.join(names[:-1])} and {names[-1]}); {_winner(clash, mine)}"
            )
    return list(said.values())


def _moved_to(binding: Binding, key: str, keymap: Mapping[str, str]) -> bool:
    """The keymap gives `binding` this key, which it does not have by default."""
    given = keymap.get(binding.id or "")
    return given is not None and key in given.split(",") and key not in key_list(binding.key)


def _clash(a: _Holder, b: _Holder) -> bool:
    """Two bindings that one key press could reach: not the same binding, and not in
    two parts of a screen (only the focused one hears it)."""
    return not _same(a.binding, b.binding) and (a.section == b.section or bool(a.rank or b.rank))


def _label(binding: Binding) -> str:
    return binding.id or repr(binding.description or binding.action)


def _winner(clash: list[_Holder], mine: list[_Holder]) -> str:
    """Which binding the key reaches, as Textual decides: a priority binding first, then
    the focused part, the screen, the app; in one class, the one the keymap moved."""
    pool = [h for h in clash if h.binding.priority] or clash
    best = min(h.rank for h in pool)
    top = [h for h in pool if h.rank == best]
    if best == 0:  # parts of the screen: whichever has focus
        first, *rest = top
        said = f"{_label(first.binding)} gets it while the {first.section} has focus"
        return ", ".join([said, *(f"{_label(h.binding)} while the {h.section} has" for h in rest)])
    winner = next((h for h in top if h in mine), top[0])
    return f"{_label(winner.binding)} gets it"


# ------------------------------------------------------------------------ listing


def listing(keymap: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """Every binding id with its keys (after `keymap`) and what it does."""
    rows = []
    for binding_id, bound in catalogue().by_id.items():
        if keymap and binding_id in keymap:
            keys = keymap[binding_id].split(",")
        else:
            keys = [k.strip() for b in bound for k in b.binding.key.split(",")]
        description = next((b.binding.description for b in bound if b.binding.description), "")
        rows.append((binding_id, ", ".join(written(k) for k in dict.fromkeys(keys)), description))
    return rows


def markdown_table() -> str:
    """The README's table of binding ids (a test keeps the README equal to this)."""
    lines = ["| binding id | keys | does |", "|---|---|---|"]
    for binding_id, keys, description in listing():
        cells = (f"`{binding_id}`", " ".join(f"`{k}`" for k in keys.split(", ")), description)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)
