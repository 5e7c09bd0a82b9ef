"""What the batch tests share: the keys they run and readers of the pages and CSVs made."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

SAMPLE_KEYS = ["98031", "98001", "97001", "9808800"]  # counties of both states and a city
# Large and small, DC, Alaska, a Connecticut planning region, an old Connecticut county
# (no recent row), Loving County (no racial gaps), cities.
REAL_KEYS = ["06037", "48301", "11001", "02013", "09110", "09001", "4260000", "0644000"]


def csv_text(comparison) -> str:
    buffer = io.StringIO()
    comparison.write_csv(buffer)
    return buffer.getvalue()


class Links(HTMLParser):
    """Every src/href of a page, and the inline scripts' types."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.urls += [attrs[a] for a in ("src", "href") if a in attrs]
        if tag == "script" and "src" not in attrs:
            self.inline_scripts.append(attrs.get("type", ""))


def page_links(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def page_specs(path: Path) -> list[tuple[str, dict]]:
    text = path.read_text(encoding="utf-8")
    found = re.findall(r'data-shared="([^"]*)">(.*?)</script>', text)
    return [(shared, json.loads(spec)) for shared, spec in found]
