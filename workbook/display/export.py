"""Export an executed notebook to one HTML file that works offline.

The stock nbconvert HTML loads RequireJS, MathJax and the widget manager from CDNs and
cannot draw Vega-Lite output. This exporter drops those, turns each chart into a
``vegaEmbed`` call, inlines Vega once per file (from ``vl-convert-python``, which ships
it), and shows each widget's static copy instead of the live widget. The figures and
their escaping come from :mod:`workbook.display.html`, as the batch reports' do.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from traitlets import Bool, Unicode, default

from workbook.display.html import figure_html, for_bundle, vega_bundle
from workbook.display.pages import for_readers, title_in_outputs
from workbook.display.render import VEGALITE_MIMETYPE, WIDGET_MIMETYPE

TEMPLATES = Path(__file__).parent / "templates" / "nbconvert"


def make_static(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, int]:
    """A copy of ``nb`` for readers (see :mod:`workbook.display.pages`) with charts as HTML
    and widgets replaced by their static copies."""
    nb = for_readers(nb, title_in_outputs(nb))
    nb.metadata.pop("widgets", None)
    charts = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is None:
                kept.append(output)
                continue
            if VEGALITE_MIMETYPE in data:
                charts += 1
                spec = for_bundle(data[VEGALITE_MIMETYPE])
                output["data"] = {"text/html": figure_html(spec, charts)}
                output["metadata"] = {}
            elif WIDGET_MIMETYPE in data:
                data.pop(WIDGET_MIMETYPE)
                if "text/html" not in data:
                    continue  # a widget with no static copy has nothing to show offline
                charts += "vegaEmbed(" in data["text/html"]
            kept.append(output)
        cell["outputs"] = kept
    return nb, charts


class OfflineHTMLExporter(HTMLExporter):
    """HTMLExporter whose output references no external script."""

    template_name = Unicode("workbook_offline").tag(config=True)
    show_code = Bool(False, help="Include the code cells (hidden by default)").tag(config=True)

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(TEMPLATES)]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.exclude_input = not self.show_code
        self.exclude_input_prompt = True
        self.exclude_output_prompt = True

    def from_notebook_node(self, nb, resources=None, **kw):
        static, charts = make_static(nb)
        resources = dict(resources or {})
        resources["workbook_vega_bundle"] = vega_bundle() if charts else ""
        return super().from_notebook_node(static, resources, **kw)


def export_html(notebook: Path, html_path: Path, show_code: bool = False) -> Path:
    """Write the offline HTML copy of an executed notebook."""
    nb = nbformat.read(notebook, as_version=4)
    body, _ = OfflineHTMLExporter(show_code=show_code).from_notebook_node(nb)
    html_path = Path(html_path)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(body, encoding="utf-8")
    return html_path
