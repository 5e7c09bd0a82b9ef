"""A small document made by hand: every block kind, and hostile text in every text field.

HOSTILE mixes what breaks each format: an HTML comment and script, a CDATA end, an
ampersand and quotes, and a dollar amount (a template or regex replacement could eat it).
Every renderer must show it literally.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT
from workbook.display.document import (
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

HOSTILE = '<!--<script> </script><script>alert(1)</script> ]]> & "quotes" $32,319'
SECTION_TITLES = ("Where the county stands", "What the coalition will do")
HEADINGS = (
    ("Title", "Mobility Action Plan"),
    (1, "About this plan"),
    (1, "1. Where the county stands"),
    (2, "Housing and neighbourhoods"),
    (3, "Rent burden"),
    (2, "The coalition"),
    (1, "2. What the coalition will do"),
    (2, "Measures"),
    (4, "Sub-measure"),
    (1, "Sources"),
)
FIGURE_ALTS = (
    f"Bar chart: share of renters paying over 30% of income, by tract {HOSTILE}",
    f"Bar chart: jobs reached in 45 minutes by transit, 2015 to 2023 {HOSTILE}",
)
STEP_TITLE = f"Build the coalition {HOSTILE}"


def h(text: str) -> str:
    return f"{text} {HOSTILE}"


def bar_chart(alt_title: str) -> dict:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": h("Rent burden"),
        "description": h("renters"),
        "data": {
            "values": [
                {"tract": h("Tract A"), "share": 0.42},
                {"tract": "Tract & <B>", "share": 0.31},
                {"tract": 'Tract "C"', "share": 0.27},
            ]
        },
        "mark": "bar",
        "encoding": {
            "x": {"field": "tract", "type": "nominal", "title": h("Tract")},
            "y": {"field": "share", "type": "quantitative", "title": alt_title},
        },
        "width": 300,
        "height": 200,
    }


def jobs_chart() -> dict:
    return {
        "data": {"values": [{"year": 2015 + i, "jobs": 1000 + 90 * i} for i in range(9)]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": h("Year")},
            "y": {"field": "jobs", "type": "quantitative", "title": "Jobs & <reach>"},
            "color": {"field": "jobs", "type": "quantitative"},  # a gradient legend (ids)
        },
        "width": 420,
        "height": 220,
    }


WIDE_HEADER = tuple(h(f"Year {2013 + i}") if i == 0 else str(2013 + i) for i in range(12))


def sample_document() -> Document:
    front = (
        Part(
            h("About this plan"),
            (
                Paragraph(h("The opening sentence."), lead=True),
                Callout(h("Read this first"), h("The key message."), kind="key"),
            ),
        ),
    )
    first = Section(
        id="where-we-stand",
        number=1,
        title=h(SECTION_TITLES[0]),
        parts=(
            Part(
                h("Housing and neighbourhoods"),
                (
                    Paragraph(h("A paragraph\nwith a line break.")),
                    Heading(h("Rent burden"), level=3),
                    BulletList((h("First item"), h("Second item"))),
                    BulletList((h("Step one"),), ordered=True),
                    Figure(bar_chart(h("Share")), h("Rent burden by tract"), FIGURE_ALTS[0]),
                    Table(
                        caption=h("Rent burden by tract"),
                        header=(h("Tract"), "Share", "Median rent"),
                        rows=((h("Tract A"), "42%", "$1,250"), ("Tract B", "31%", "$980")),
                        note=h("Source: invented."),
                    ),
                ),
                step=2,
            ),
            Part(
                h("The coalition"),
                (Gap(what=h("Who sits on the coalition"), step=4, step_title=STEP_TITLE),),
                step=4,
            ),
        ),
    )
    second = Section(
        id="what-we-will-do",
        number=2,
        title=h(SECTION_TITLES[1]),
        parts=(
            Part(
                h("Measures"),
                (
                    Callout(h("Mind the margins"), h("Weak quality values."), kind="caution"),
                    Figure(jobs_chart(), h("Jobs reached by transit"), FIGURE_ALTS[1]),
                    Table(
                        caption=h("Measures by year"),
                        header=WIDE_HEADER,
                        rows=tuple(
                            (h("Jobs"), *(f"{1000 + 7 * i * r:,}" for i in range(1, 12)))
                            for r in range(1, 4)
                        ),
                        wide=True,
                    ),
                    Heading(h("Sub-measure"), level=4),
                    Callout(h("A note"), h("Method note.")),
                ),
                step=6,
            ),
        ),
    )
    back = (
        Part(
            h("Sources"),
            (
                Citation(h("Urban Institute, Mobility Metrics"), "https://example.org/a?x=1&y=<2>"),
                Citation(h("A link that must not run"), "javascript:alert(1)"),
            ),
        ),
    )
    return Document(
        title=h("Mobility Action Plan"),
        subtitle=h("Linden County, Calderra (98031)"),
        language="en-US",
        status="draft",
        version=3,
        date="2026-05-04",
        front=front,
        sections=(first, second),
        back=back,
        synthetic=True,
        metadata={"author": h("Linden Coalition")},
    )


@pytest.fixture(scope="session")
def document() -> Document:
    return sample_document()


EXAMPLE = ROOT / "data" / "examples" / "sample_plan.json"


@pytest.fixture
def example_plan(tmp_path: Path) -> Path:
    """The example plan imported into this test's folder."""
    from workbook.plan.store import import_plan

    return import_plan(EXAMPLE, tmp_path / "plan" / "plan.sqlite")
