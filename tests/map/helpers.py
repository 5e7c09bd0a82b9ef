"""Walking a Document: every block and every string in it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from workbook.display.document import Document, Gap, Paragraph, Part, Table


def strings(value: object) -> Iterator[str]:
    """Every string anywhere in ``value``: dataclass fields, dicts, lists, chart specs."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from strings(getattr(value, item.name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from strings(item)


def part(doc: Document, section: str, step: int) -> Part:
    found = [p for s in doc.sections if s.id == section for p in s.parts if p.step == step]
    assert len(found) == 1, (section, step)
    return found[0]


def texts(blocks) -> list[str]:
    return [b.text for b in blocks if isinstance(b, Paragraph)]


def table(blocks, caption_start: str) -> Table:
    found = [b for b in blocks if isinstance(b, Table) and b.caption.startswith(caption_start)]
    assert len(found) == 1, caption_start
    return found[0]


def gaps(blocks) -> list[Gap]:
    return [b for b in blocks if isinstance(b, Gap)]


def without_steps(plan, numbers) -> None:
    """Delete every section of the steps ``numbers`` from the plan file ``plan``: a plan
    whose coalition has not reached them yet, so their MAP parts are empty."""
    from workbook.plan.store import PlanStore

    prefixes = tuple(f"step{n}." for n in numbers)
    with PlanStore.open(plan, author="Test") as store:
        for section in store.sections():
            if section.startswith(prefixes):
                store.delete_section(section)


def expected_gaps(sections, numbers, registered) -> list[tuple[str, int]]:
    """(MAP section title, step) of the parts left empty: steps removed or not built."""
    return [
        (s["title"], n) for s in sections for n in s["steps"]
        if n in numbers or n not in registered
    ]  # fmt: skip
