"""`workbook map` on the example plan, all three formats opened and read back.

The example plan gets one more insight whose text is hostile markup; its contacts and
its readiness respondents are private. Each format must hold the five MAP sections in
the guide's order, the hostile text as literal text, and none of the private values.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile

import docx
import pikepdf
import pytest

from tests.conftest import private_values
from workbook.data.catalog import load_framework
from workbook.data.sources import PROJECT_ROOT, SAMPLE_DIR
from workbook.plan.store import PlanStore

HOSTILE = "Rents <!--<script> outpace </script><script>alert(1)</script> incomes ]]> & more"
SECTION_TITLES = [s["title"] for s in load_framework()["map_sections"]]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from workbook.plan.store import import_plan
    from workbook.steps import use_the_metrics

    folder = tmp_path_factory.mktemp("map")
    plan = import_plan(
        PROJECT_ROOT / "data" / "examples" / "sample_plan.json", folder / "plan.sqlite"
    )
    with PlanStore.open(plan, author="test") as store:
        record = store.get(use_the_metrics.INSIGHTS_SECTION)
        insight = {"id": "hostile1", "statement": HOSTILE, "tag": "concern",
                   "metrics": ["share_employed"], "pillars": []}  # fmt: skip
        store.save(use_the_metrics.INSIGHTS_SECTION, [*record.value, insight],
                   base_version=record.version)  # fmt: skip
    private = private_values(plan)
    assert any("@" in value for value in private), "the example plan has private contacts"
    out = folder / "docs"
    result = subprocess.run(
        [sys.executable, "-m", "workbook", "map", "--plan-path", str(plan),
         "--data-dir", str(SAMPLE_DIR), "--output-dir", str(out)],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "WORKBOOK_AUTHOR": "Test Builder"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return {"out": out, "private": private}


def _in_order(text: str, titles: list[str]) -> bool:
    positions = [text.find(title) for title in titles]
    return -1 not in positions and positions == sorted(positions)


def test_docx_has_the_sections_as_word_headings_in_order(built):
    document = docx.Document(built["out"] / "map.docx")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    numbered = [h for h in headings if any(title in h for title in SECTION_TITLES)]
    assert len(numbered) == 5
    assert _in_order("\n".join(numbered), SECTION_TITLES)
    body = "\n".join(p.text for p in document.paragraphs)
    assert HOSTILE in body
    with zipfile.ZipFile(built["out"] / "map.docx") as archive:
        xml = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                      if n.endswith(".xml"))  # fmt: skip
    assert not [v for v in built["private"] if v in xml]
    assert "Test Builder" not in xml  # who built it is kept in the plan, not printed


def test_pdf_is_tagged_titled_and_holds_the_sections_in_order(built):
    path = built["out"] / "map.pdf"
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang).startswith("en")
        assert "Mobility Action Plan" in str(pdf.open_metadata().get("dc:title", ""))
        assert len(pdf.Root.Outlines.keys()) > 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", " ", text)
    assert _in_order(flat, SECTION_TITLES)
    assert re.sub(r"\s+", " ", HOSTILE) in flat
    assert not [v for v in built["private"] if v in flat]


def test_html_is_offline_and_holds_text_as_typed(built):
    page = (built["out"] / "map.html").read_text(encoding="utf-8")
    assert "<script" not in page.replace("&lt;script", "")
    # Nothing is fetched from outside (links to sources are fine: a reader follows them).
    assert not re.search(r"""src=["']https?://|<link[^>]+https?://|url\(["']?https?://""", page)
    assert _in_order(page, SECTION_TITLES)
    assert not [v for v in built["private"] if v in page]
    escaped = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert escaped in page
