"""The one-line summaries that history keeps of each save ("added chair; changed size").

A summary names what changed (fields, or how many items of a table), never the values,
so history can be shown to anyone who may see the plan's outline.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from workbook.plan.records import canonical
from workbook.plan.wording import counted, name_list


def _kind(value: Any) -> str:
    return {dict: "a dict", list: "a list"}.get(type(value), "nothing")


def _keyed(items: list) -> bool:
    """True for a table whose rows carry text ids, so rows can be matched across saves."""
    return all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items)


def summarise(old: Any, new: Any) -> str:
    """A short description of what changed between two versions (names, never values)."""
    if old is None:
        if isinstance(new, dict):
            names = sorted(new)
            return f"created with {counted(len(names), 'field')}" + (
                f": {name_list(names)}" if names else ""
            )
        return f"created with {counted(len(new), 'item')}"
    if isinstance(old, dict) and isinstance(new, dict):
        added = sorted(new.keys() - old.keys())
        removed = sorted(old.keys() - new.keys())
        changed = sorted(
            k for k in old.keys() & new.keys() if canonical(old[k]) != canonical(new[k])
        )
        parts = [
            f"{verb} {name_list(keys)}"
            for verb, keys in (("added", added), ("changed", changed), ("removed", removed))
            if keys
        ]
        return "; ".join(parts) or "no change"
    if isinstance(old, list) and isinstance(new, list):
        if _keyed(old) and _keyed(new):
            before = {i["id"]: canonical(i) for i in old}
            after = {i["id"]: canonical(i) for i in new}
            counts = {
                "added": len(after.keys() - before.keys()),
                "changed": sum(1 for k in after.keys() & before.keys() if after[k] != before[k]),
                "removed": len(before.keys() - after.keys()),
            }
        else:
            before_c = Counter(canonical(i) for i in old)
            after_c = Counter(canonical(i) for i in new)
            counts = {
                "added": sum((after_c - before_c).values()),
                "removed": sum((before_c - after_c).values()),
            }
        parts = [f"{verb} {counted(n, 'item')}" for verb, n in counts.items() if n]
        if not parts:
            return "reordered items" if canonical(old) != canonical(new) else "no change"
        return ", ".join(parts)
    return f"replaced {_kind(old)} with {_kind(new)}"
