"""Which parts of a section are private (contact details), and the section without them.

A form marks fields private by path ("email", "contact.phone"); the marks are stored with
the section so that views and public exports can leave those parts out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workbook.plan.records import canonical

NO_MARKS = "[]"


def marks_text(private: Iterable[str] | None, current: str | None) -> str:
    """The private marks a save stores, as canonical JSON text.

    The paths given, or with none given (``None``) the marks already stored
    (``current``), so that code which does not know which parts are private cannot make
    them public by saving.
    """
    if private is not None:
        return canonical(sorted(set(private)))
    return current if current is not None else NO_MARKS


# "contact.name unless contact_named": the path is private in every record whose own
# field contact_named is not True (a person who agreed to be named is shown).
UNLESS = " unless "


def consent_mark(path: str, consent_field: str) -> str:
    """The private mark of ``path`` in records where ``consent_field`` is not True."""
    return f"{path}{UNLESS}{consent_field}"


def strip_private(value: Any, paths: Iterable[str]) -> Any:
    """``value`` without the keys named by ``paths`` ("email", "contact.phone").

    A path applies at every level it can: in a list of records it removes the key from
    each record, so one list of paths serves forms (a dict) and tables (a list of dicts).
    A consent mark (:func:`consent_mark`) removes its path from each record (or form)
    whose consent field is not True.
    """
    plain, consented = [], {}
    for mark in paths:
        path, _, consent = mark.partition(UNLESS)
        if consent:
            consented.setdefault(consent.strip(), []).append(path.strip())
        else:
            plain.append(mark)
    value = _strip(value, plain)
    return _strip_without_consent(value, consented) if consented else value


def _strip_without_consent(value: Any, consented: dict[str, list[str]]) -> Any:
    if isinstance(value, list):
        return [_strip_without_consent(item, consented) for item in value]
    if isinstance(value, dict):
        hidden = [p for field, paths in consented.items() if value.get(field) is not True
                  for p in paths]  # fmt: skip
        return _strip(value, hidden)
    return value


def _strip(value: Any, paths: Iterable[str]) -> Any:
    tree: dict[str, Any] = {}
    for path in paths:
        node = tree
        parts = path.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if child is True:
                break
            node = child
        else:
            node[parts[-1]] = True
    if not tree:
        return value

    def apply(item: Any, node: dict[str, Any]) -> Any:
        if isinstance(item, list):
            return [apply(x, node) for x in item]
        if isinstance(item, dict):
            kept = {}
            for key, sub in item.items():
                rule = node.get(key)
                if rule is True:
                    continue
                kept[key] = apply(sub, rule) if rule else sub
            return kept
        return item

    return apply(value, tree)
