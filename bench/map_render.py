"""Rendering figures for a plan of realistic size: 5 sections, 10 charts, 5 tables.

Run by hand (``python bench/map_render.py [REPEAT]``); prints seconds per format,
asserts nothing. The document is invented here, so no data files are needed.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbook.display.document import (  # noqa: E402
    BulletList,
    Callout,
    Citation,
    Document,
    Figure,
    Gap,
    Heading,
    Paragraph,
    Part,
    Section,
    Table,
)

TEXT = (
    "The coalition compared the county with its peers on each metric, keeping the "
    "quality flag and the bounds beside every value, and chose where to act first. "
)


def chart(n: int) -> dict:
    years = range(2014, 2024)
    return {
        "title": f"Metric {n} by year",
        "data": {
            "values": [
                {"year": str(y), "group": g, "value": 0.2 + 0.01 * ((y * (n + 3) + i) % 17)}
                for y in years
                for i, g in enumerate(("County", "Peers", "State"))
            ]
        },
        "mark": "line" if n % 2 else "bar",
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": "Year"},
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": "Share",
                "axis": {"format": "%"},
            },
            "color": {"field": "group", "type": "nominal"},
            **({} if n % 2 else {"xOffset": {"field": "group"}}),
        },
        "width": 480,
        "height": 240,
    }


def table(n: int, wide: bool) -> Table:
    columns = 11 if wide else 5
    header = ("Metric", *(f"{2014 + i}" for i in range(columns - 1)))
    rows = tuple(
        (f"Metric {n}.{r}", *(f"${(r + 1) * (i + 7) * 131:,}" for i in range(columns - 1)))
        for r in range(12)
    )
    return Table(f"Values for group {n}", header, rows, note="Invented values.", wide=wide)


def document() -> Document:
    sections = []
    for s in range(1, 6):
        parts = []
        for p in range(1, 4):
            blocks = [Paragraph(TEXT * 2, lead=True), Paragraph(TEXT * 4)]
            if p < 3:
                n = 2 * (s - 1) + p
                blocks += [Figure(chart(n), f"Metric {n} by year", f"Chart of metric {n}.")]
            if p == 2:
                blocks += [table(s, wide=s % 2 == 0), Heading("What this means")]
                blocks += [BulletList(tuple(TEXT for _ in range(4)))]
            if p == 3:
                blocks += [Callout("Mind the bounds", TEXT, kind="caution")]
                if s == 5:
                    blocks = [Gap("The action plan's budget", 9, "Implement the plan")]
            parts.append(Part(f"Part {s}.{p}", tuple(blocks), step=s))
        sections.append(Section(f"s{s}", s, f"Section {s}", tuple(parts)))
    return Document(
        title="Mobility Action Plan",
        subtitle="Linden County, Calderra (98031)",
        date="2026-05-04",
        version=1,
        front=(Part("Summary", (Paragraph(TEXT * 3, lead=True),)),),
        sections=tuple(sections),
        back=(
            Part(
                "Sources", tuple(Citation(f"Source {i}", "https://example.org") for i in range(8))
            ),
        ),
        synthetic=True,
    )


def main() -> None:
    from workbook.map.render import render

    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    doc = document()
    folder = Path(tempfile.mkdtemp(prefix="map-bench-"))
    render(doc, folder, formats=("html",))  # warm up: imports and Vega's first start
    print(f"document: {len(doc.sections)} sections, 10 charts, 5 tables; best of {repeat}")
    for name in ("html", "docx", "pdf"):
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            written = render(doc, folder, formats=(name,))
            times.append(time.perf_counter() - started)
        size = written[name].stat().st_size / 1024
        print(
            f"{name:5} best {min(times):6.2f} s  median {statistics.median(times):6.2f} s"
            f"  ({size:,.0f} KiB)"
        )


if __name__ == "__main__":
    main()
