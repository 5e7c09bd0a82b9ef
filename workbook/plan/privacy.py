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


def strip_private(value: Any, paths: Iterable[str]) -> Any:
    """``value`` without the keys named by ``paths`` ("email", "contact.phone").

    A path applies at every level it can: in a list of records it removes the key from
    each record, so one list of paths serves forms (a dict) and tables (a list of dicts).
    """
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
