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


def parts_of(*steps: int) -> list[tuple[str, int]]:
    """(MAP section title, step) for every part the given steps write, in document order."""
    from workbook.data.catalog import load_framework

    sections = load_framework()["map_sections"]
    return [(s["title"], n) for s in sections for n in s["steps"] if n in steps]


def example_without(folder, *steps: int, drop: tuple[str, ...] = ()):
    """The example plan with every section of ``steps`` (and the ``drop`` sections) taken
    out, imported in ``folder``: a plan whose MAP has empty parts now that every step
    exists."""
    import json
    from pathlib import Path

    from tests.conftest import ROOT
    from workbook.plan.store import import_plan

    data = json.loads((ROOT / "data" / "examples" / "sample_plan.json").read_text("utf-8"))

    def gone(section: str) -> bool:
        return section in drop or section.split(".")[0] in {f"step{n}" for n in steps}

    data["sections"] = {k: v for k, v in data["sections"].items() if not gone(k)}
    data["history"] = [h for h in data["history"] if not gone(h["section"])]
    path = Path(folder) / "partial.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return import_plan(path, Path(folder) / "partial.sqlite")
