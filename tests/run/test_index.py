"""The batch folder's index.html: key, name, state, population and status, sortable and
filterable offline; without JavaScript, the same rows as a plain table."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from workbook.run.summary import BatchSummary, JobRecord

RECORDS = [
    JobRecord("98031", "Linden County, Calderra", "county", "done", place="Linden County",
              state="Calderra", population=412_000.0),
    JobRecord("98001", "Ash County, Calderra", "county", "failed", error="disk <full>",
              place="Ash County", state="Calderra", population=9_800.0),
    JobRecord("97005", "Birch County, Norland", "county", "skipped", place="Birch County",
              state="Norland", population=1_250_000.0),
]  # fmt: skip


def index(tmp_path: Path) -> Path:
    summary = BatchSummary(tmp_path, "fast", 1, "this process", list(RECORDS))
    path = tmp_path / "index.html"
    path.write_text(summary.index_html(), encoding="utf-8")
    return path


class Cells(HTMLParser):
    """The table's rows as text, as a browser without JavaScript shows them."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.sources: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("script", "link", "img") and (dict(attrs).get("src") or "").strip():
            self.sources.append(dict(attrs)["src"])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_the_index_is_a_plain_table_of_every_jurisdiction(tmp_path):
    page = index(tmp_path).read_text(encoding="utf-8")
    cells = Cells()
    cells.feed(page)
    assert cells.rows[0] == ["Key", "Jurisdiction", "State", "Population", "Status"]
    assert cells.rows[1] == ["98031", "Linden County", "Calderra", "412,000", "done"]
    assert cells.rows[2][:4] == ["98001", "Ash County", "Calderra", "9,800"]
    assert "disk <full>" in cells.rows[2][4] and "disk &lt;full&gt;" in page
    assert cells.sources == []  # nothing loaded from anywhere, the script is inline
    assert not re.search(r"https?://", page)


@pytest.fixture(scope="module")
def browser():
    from tests.e2e.test_browser import browser as launch

    yield from launch.__wrapped__()


def test_a_reader_sorts_and_filters_offline(tmp_path, browser):
    page = browser.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(index(tmp_path).as_uri())
    keys = "() => Array.from(document.querySelectorAll('#wb-index tbody tr'))" \
           ".filter(r => !r.hidden).map(r => r.cells[0].textContent)"  # fmt: skip
    assert page.evaluate(keys) == ["98031", "98001", "97005"]
    page.get_by_role("button", name="Population").click()
    assert page.evaluate(keys) == ["98001", "98031", "97005"]  # smallest first
    page.get_by_role("button", name="Population").click()
    assert page.evaluate(keys) == ["97005", "98031", "98001"]
    page.get_by_role("button", name="Jurisdiction").click()
    assert page.evaluate(keys) == ["98001", "97005", "98031"]
    page.get_by_label("Show only jurisdictions or states containing").fill("norland")
    assert page.evaluate(keys) == ["97005"]
    assert "1 of 3 shown" in page.inner_text("body")
    page.close()
    assert [u for u in failed if not u.startswith("file:")] == []  # nothing from outside
