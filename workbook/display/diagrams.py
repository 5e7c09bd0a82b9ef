"""Diagrams laid out by Graphviz: a theory of change as SVG (and PNG for Word), offline.

The layout is Graphviz's ``dot`` (Debian's ``graphviz`` package) driven through the
``graphviz`` Python package; nothing is fetched from the network. Every label is an
HTML-like label whose text is escaped here, and Graphviz escapes it again in the SVG, so
text a user typed ("</script>") stays text in a notebook, a web page or the MAP. Node
names inside the graph are generated (``o3``, ``i1``), never taken from the plan.

The SVG is returned without its XML prolog, DOCTYPE and comments, so it can be placed
inside an HTML page as it is; :class:`DiagramView` shows it in JupyterLab, Voila and the
HTML copies of a notebook.
"""

from __future__ import annotations

import hashlib
import html
import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from workbook.analysis.theory_of_change import LEVEL_LABELS, LEVELS, Graph
from workbook.display.theme import (
    DIAGRAM_INTERVENTION_FILL,
    DIAGRAM_INTERVENTION_LINE,
    DIAGRAM_LEVEL_FILLS,
    DIAGRAM_LINK,
    DIAGRAM_PROBLEM,
    TEXT,
    WHITE,
)
from workbook.errors import WorkbookError

FONT = "Liberation Sans"  # metric twin of Arial: the sizes dot measures match the page
WRAP = 26  # characters per label line
PNG_DPI = 192  # Word pictures: sharp when printed


class DiagramError(WorkbookError):
    """Graphviz could not draw a diagram (not installed, or it failed)."""


def _label(text: str, width: int = WRAP, small: str = "") -> str:
    """An HTML-like label: ``text`` escaped and wrapped, an optional small second line."""
    lines = textwrap.wrap(" ".join(str(text).split()), width) or [" "]
    body = "<BR/>".join(html.escape(line, quote=True) for line in lines)
    if small:
        body += f'<BR/><FONT POINT-SIZE="9">{html.escape(small, quote=True)}</FONT>'
    return f"<{body}>"


def toc_graph(toc: Mapping[str, Any] | None, flagged: Iterable[str] = ()) -> Any:
    """The theory of change as a ``graphviz.Digraph``: preconditions at the bottom,
    long-term outcomes at the top, interventions pointing at the links they move."""
    import graphviz

    graph = Graph.of(toc)
    flagged = set(flagged)
    dot = graphviz.Digraph("theory_of_change", engine="dot")
    dot.attr(rankdir="BT", bgcolor=WHITE, nodesep="0.3", ranksep="0.45", newrank="true")
    dot.attr("node", shape="box", style="rounded,filled", fontname=FONT, fontsize="11",
             color=DIAGRAM_LINK, fontcolor=TEXT, margin="0.12,0.06")  # fmt: skip
    dot.attr("edge", color=DIAGRAM_LINK, arrowsize="0.7")
    node_of: dict[str, str] = {}
    by_level: dict[str, list[str]] = {}
    for n, outcome in enumerate(graph.outcomes):
        name = f"o{n}"
        oid = str(outcome.get("id"))
        node_of[oid] = name
        level = str(outcome.get("level") or "")
        by_level.setdefault(level, []).append(name)
        problem = oid in flagged
        dot.node(
            name,
            label=_label(
                str(outcome.get("name") or "(no name)"), small=LEVEL_LABELS.get(level, "")
            ),
            fillcolor=DIAGRAM_LEVEL_FILLS.get(level, WHITE),
            color=DIAGRAM_PROBLEM if problem else DIAGRAM_LINK,
            penwidth="2.5" if problem else "1",
        )
    for level in LEVELS:
        if len(by_level.get(level, [])) > 1:
            with dot.subgraph() as same:
                same.attr(rank="same")
                for name in by_level[level]:
                    same.node(name)
    attached: dict[str, list[str]] = {}
    for n, item in enumerate(graph.interventions):
        name = f"i{n}"
        dot.node(
            name,
            label=_label(str(item.get("name") or "(no name)"), small="Intervention"),
            shape="box", style="filled", fillcolor=DIAGRAM_INTERVENTION_FILL,
            color=DIAGRAM_INTERVENTION_LINE,
        )  # fmt: skip
        for link_id in item.get("links") or []:
            attached.setdefault(str(link_id), []).append(name)
    for n, link in enumerate(graph.links):
        a, b = node_of.get(str(link.get("from"))), node_of.get(str(link.get("to")))
        if a is None or b is None:
            continue
        movers = attached.get(str(link.get("id")), [])
        if not movers:
            dot.edge(a, b)
            continue
        # An intervention points at the middle of the link it moves: a small dot there.
        middle = f"l{n}"
        dot.node(middle, label="", shape="point", width="0.08", color=DIAGRAM_INTERVENTION_LINE)
        dot.edge(a, middle, arrowhead="none")
        dot.edge(middle, b)
        for mover in movers:
            dot.edge(mover, middle, style="dashed", color=DIAGRAM_INTERVENTION_LINE,
                     constraint="false")  # fmt: skip
    return dot


def _pipe(dot: Any, fmt: str, **attrs: Any) -> bytes:
    import graphviz

    try:
        if attrs:
            dot = dot.copy()
            dot.attr(**attrs)
        return dot.pipe(format=fmt)
    except graphviz.ExecutableNotFound as error:
        raise DiagramError(
            "Graphviz's 'dot' program is not installed, so the diagram cannot be laid out. "
            "Fix: install Graphviz (Debian/Ubuntu: 'apt-get install graphviz'; conda: "
            "'conda install graphviz')"
        ) from error
    except graphviz.CalledProcessError as error:
        raise DiagramError(f"Graphviz could not draw the diagram: {error}") from error


_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.DOTALL)


def clean_svg(svg: str, name: str, id_prefix: str) -> str:
    """SVG from Graphviz ready to sit inside HTML: no prolog, DOCTYPE or comments, ids
    prefixed (several diagrams share a page), named for screen readers by ``name``."""
    svg = _PROLOG.sub("", svg).strip()
    for old in set(re.findall(r'\sid="([^"]+)"', svg)):
        svg = svg.replace(f'id="{old}"', f'id="{id_prefix}-{old}"')
        svg = svg.replace(f"url(#{old})", f"url(#{id_prefix}-{old})")
    opening = re.match(r"<svg\b[^>]*>", svg)
    if opening is None:
        raise DiagramError("Graphviz returned no <svg> element")
    label = html.escape(name, quote=True)
    head = opening.group(0)[:-1] + f' role="img" aria-label="{label}">'
    return f"{head}<title>{label}</title>{svg[opening.end() :]}"


def toc_svg(
    toc: Mapping[str, Any] | None, name: str = "Theory of change", flagged: Iterable[str] = ()
) -> str:
    """The theory of change drawn as an inline ``<svg>`` element (text, no prolog)."""
    raw = _pipe(toc_graph(toc, flagged), "svg").decode("utf-8")
    # Ids from the content: the same plan draws the same bytes (the MAP's content hash
    # depends on it), and two different diagrams on one page still differ.
    digest = hashlib.sha256((name + raw).encode()).hexdigest()[:8]
    return clean_svg(raw, name, f"toc-{digest}")


def toc_png(toc: Mapping[str, Any] | None) -> bytes:
    """The theory of change as a PNG (for Word, which cannot show SVG everywhere)."""
    return _pipe(toc_graph(toc), "png", dpi=str(PNG_DPI))


@dataclass(frozen=True)
class DiagramView:
    """An SVG diagram a notebook displays: inline HTML that JupyterLab, Voila and the
    HTML copies all show, with a caption and a text alternative under it."""

    svg: str
    caption: str = ""
    description: str = ""

    def _repr_html_(self) -> str:
        caption = html.escape(self.caption)
        description = html.escape(self.description)
        return (
            '<figure class="wb-diagram" style="margin:0;overflow-x:auto">'
            f'<div style="max-width:100%">{self.svg}</div>'
            f'<figcaption style="font-size:0.9em">{caption}'
            f"{'<br>' + description if description else ''}</figcaption></figure>"
        )
