"""The document as one self-contained HTML file: read on screen, printed, or made a PDF.

Nothing is loaded from outside: the charts are inline SVG, the styles inline, the fonts
the reader's own. The same file carries the print stylesheet the PDF is made from
(:mod:`workbook.map.render.pdf`), so the two never drift apart. Every text a person
typed goes through :func:`text`, which escapes it; none of it is read as markup.
"""

from __future__ import annotations

import html

from workbook.display.document import (
    Block,
    BulletList,
    Callout,
    Citation,
    Diagram,
    Document,
    Figure,
    Gap,
    Heading,
    Paragraph,
    Table,
)
from workbook.display.theme import DOCUMENT_COLOURS
from workbook.map.render import common
from workbook.map.render.common import Numbers, RenderError


def _root_rule() -> str:
    """The page's colours as CSS variables, from the theme."""
    names = "; ".join(f"--{name}: {value}" for name, value in DOCUMENT_COLOURS.items())
    return ":root { color-scheme: light; " + names + "; }"


STYLE = (
    _root_rule()
    + """
html { font-family: system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "Liberation Sans", "DejaVu Sans", sans-serif; line-height: 1.55; color: var(--ink);
  background: var(--paper); }
body { margin: 0; }
a { color: var(--accent); }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--paper); padding: .5rem; z-index: 2; }
.cover { max-width: 70rem; margin: 0 auto; padding: 2.5rem 2rem 1rem; }
.cover h1 { font-size: 2.2rem; line-height: 1.2; margin: .3rem 0; }
.subtitle { font-size: 1.3rem; margin: 0 0 .5rem; }
.status { color: var(--muted); margin: 0; }
.marker { display: inline-block; font-weight: 700; letter-spacing: .08em;
  text-transform: uppercase; border: 2px solid var(--gap-rule); color: var(--gap-rule);
  padding: .1rem .6rem; margin: 0 .5rem .5rem 0; }
.banner { border-left: 6px solid var(--gap-rule); background: var(--gap);
  padding: .7rem 1rem; margin: 1rem 0 0; font-weight: 600; }
.layout { max-width: 70rem; margin: 0 auto; padding: 0 2rem 3rem; display: grid;
  grid-template-columns: 16rem minmax(0, 1fr); gap: 3rem; }
.short .layout { display: block; max-width: 48rem; }
.toc { font-size: .95rem; }
.toc h2 { font-size: 1.1rem; margin-top: 1.2rem; }
.toc ol { list-style: none; padding-left: 0; margin: 0; }
.toc ol ol { padding-left: 1rem; }
.toc li { margin: .3rem 0; }
.toc .toc-gaps { display: block; color: var(--gap-rule); font-size: .85rem; }
main { max-width: 48rem; min-width: 0; }
main h2 { font-size: 1.6rem; line-height: 1.25; margin: 2.5rem 0 .8rem;
  padding-top: .8rem; border-top: 3px solid var(--ink); }
main h3 { font-size: 1.25rem; margin: 1.8rem 0 .5rem; }
main h4 { font-size: 1.08rem; margin: 1.4rem 0 .4rem; }
main h5, main h6 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
.lead { font-size: 1.15rem; }
.table-wrap { overflow-x: auto; margin: 1.2rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .4rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .35rem .6rem; text-align: left;
  vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); background: var(--soft); }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.table-note, .citation { font-size: .88rem; color: var(--muted); }
figure { margin: 1.5rem 0; }
.chart-image svg { max-width: 100%; height: auto; display: block; }
.diagram-image svg { max-width: 100%; height: auto; display: block; }
figcaption, .label { font-size: .92rem; }
.label { font-weight: 700; }
.callout, .gap { border-left: 6px solid var(--accent); background: var(--key);
  padding: .6rem 1rem; margin: 1.2rem 0; }
.callout p, .gap p { margin: .3rem 0; }
.callout-caution { border-color: var(--caution-rule); background: var(--caution); }
.callout-note { border-color: var(--muted); background: var(--soft); }
.callout-title, .gap-label { font-weight: 700; }
.gap { border: 2px dashed var(--gap-rule); border-left-width: 6px; background: var(--gap); }
@media (max-width: 60rem) {
  .layout { display: block; }
}
@media screen and (min-width: 60rem) {
  .toc { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto; }
}
@page { margin: 18mm 16mm 20mm;
  @bottom-center { content: "Page " counter(page) " of " counter(pages);
    font-size: 8.5pt; color: var(--muted); } }
@page wide { size: landscape; }
@media print {
  html { font-size: 10pt; line-height: 1.45; }
  .skip { display: none; }
  .cover, .layout { max-width: none; padding: 0; display: block; }
  .cover { break-after: page; padding-top: 30mm; }
  .toc { break-after: page; font-size: 10.5pt; }
  .toc a { color: inherit; text-decoration: none; }
  .toc a::after { content: leader(".") target-counter(attr(href), page); }
  main { max-width: none; }
  main > section { break-before: page; }
  main h2 { margin-top: 0; }
  h2, h3, h4, h5, h6, caption { break-after: avoid; }
  figure, tr, .callout, .gap { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  /* Naming the ordinary page too makes the page after a wide table portrait again. */
  main > section > * { page: text; }
  main > section > .wide { page: wide; }
  a { color: inherit; }
  .short .cover { break-after: auto; padding-top: 0; page: text; }
  .short main > section { break-before: auto; }
}
"""
)


def text(value: str) -> str:
    """Typed text, escaped for HTML content and attributes alike."""
    return html.escape(common.plain(value), quote=True)


def lines(value: str) -> str:
    """Typed text whose line breaks are kept."""
    return "<br>".join(text(line) for line in common.plain(value).split("\n"))


def render_html(doc: Document) -> str:
    """The whole document as one HTML page that needs nothing from outside."""
    numbers = Numbers()
    entries = common.outline(doc)
    body: list[str] = []
    open_section = False
    for entry in entries:
        if entry.level == 1:
            if open_section:
                body.append("</section>")
            body.append(f'<section aria-labelledby="{entry.anchor}">')
            open_section = True
            body.append(f'<h2 id="{entry.anchor}">{text(entry.title)}</h2>')
        elif entry.title:
            body.append(f'<h3 id="{entry.anchor}">{text(entry.title)}</h3>')
        if entry.part is not None:
            body.extend(block_html(block, numbers) for block in entry.part.blocks)
    if open_section:
        body.append("</section>")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{text(doc.language or "en")}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            # Nothing may come from outside, even if a text slipped through as markup.
            '<meta http-equiv="Content-Security-Policy" '
            "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
            f"<title>{text(common.full_title(doc))}</title>",
            *meta_tags(doc),
            f"<style>{STYLE}{page_marker_css(doc)}</style>",
            "</head>",
            '<body class="short">' if common.is_short(doc) else "<body>",
            '<a class="skip" href="#main">Skip to the plan</a>',
            cover_html(doc),
            '<div class="layout">',
            "" if common.is_short(doc) else toc_html(entries),
            '<main id="main">',
            *body,
            "</main>",
            "</div>",
            "</body>",
            "</html>",
            "",
        ]
    )


def meta_tags(doc: Document) -> list[str]:
    tags = [f'<meta name="description" content="{text(doc.subtitle)}">']
    if doc.date:
        tags.append(f'<meta name="dcterms.created" content="{text(doc.date)}">')
    for name, value in sorted(doc.metadata.items()):
        if name.lower() not in ("description", "viewport", "dcterms.created"):
            tags.append(f'<meta name="{text(name)}" content="{text(value)}">')
    return tags


def page_marker_css(doc: Document) -> str:
    """Prints "Draft" (and "Synthetic sample") at the top of every page."""
    marker = common.page_marker(doc)
    if not marker:
        return ""
    quoted = marker.replace("\\", "\\\\").replace('"', '\\"')
    return (
        f'\n@page {{ @top-right {{ content: "{quoted}"; font-size: 8.5pt; '
        f"font-weight: 700; color: {DOCUMENT_COLOURS['gap-rule']}; }} }}\n"
    )


def cover_html(doc: Document) -> str:
    out = ['<header class="cover">']
    if doc.status == "draft":
        out.append(f'<p class="marker">{text(common.DRAFT_LABEL)}</p>')
    if doc.synthetic:
        out.append(f'<p class="marker">{text(common.SYNTHETIC_LABEL)}</p>')
    out.append(f"<h1>{text(doc.title)}</h1>")
    if doc.subtitle:
        out.append(f'<p class="subtitle">{text(doc.subtitle)}</p>')
    out.append(f'<p class="status">{text(common.status_line(doc))}</p>')
    if doc.synthetic:
        out.append(f'<p class="banner" role="note">{text(common.SYNTHETIC_WARNING)}</p>')
    out.append("</header>")
    return "\n".join(out)


def toc_html(entries: list[common.Entry]) -> str:
    """The table of contents: one jump link per heading, parts nested under sections."""
    out = ['<nav class="toc" aria-labelledby="toc-title">']
    out.append(f'<h2 id="toc-title">{text(common.TOC_TITLE)}</h2>')
    out.append("<ol>")
    nested = False
    for entry in entries:
        if entry.level == 2 and not entry.title:
            continue
        if entry.level == 1 and nested:
            out.append("</ol></li>")
            nested = False
        if entry.level == 2 and not nested:
            out[-1] = out[-1].removesuffix("</li>")  # open the section's item again
            out.append("<ol>")
            nested = True
        note = common.gaps_note(entry.gaps)
        note_html = f'<span class="toc-gaps">{text(note)}</span>' if note else ""
        out.append(f'<li><a href="#{entry.anchor}">{text(entry.title)}</a>{note_html}</li>')
    if nested:
        out.append("</ol></li>")
    out.append("</ol>")
    out.append("</nav>")
    return "\n".join(out)


def block_html(block: Block, numbers: Numbers) -> str:
    """One block as HTML; every kind the content model has."""
    if isinstance(block, Heading):
        level = common.heading_level(block.level) + 1
        level = min(level, 6)
        return f"<h{level}>{text(block.text)}</h{level}>"
    if isinstance(block, Paragraph):
        css = ' class="lead"' if block.lead else ""
        return f"<p{css}>{lines(block.text)}</p>"
    if isinstance(block, BulletList):
        tag = "ol" if block.ordered else "ul"
        items = "".join(f"<li>{lines(item)}</li>" for item in block.items)
        return f"<{tag}>{items}</{tag}>"
    if isinstance(block, Table):
        return table_html(block, numbers.next_table())
    if isinstance(block, Figure):
        return figure_html(block, numbers.next_figure())
    if isinstance(block, Diagram):
        return diagram_html(block, numbers.next_figure())
    if isinstance(block, Callout):
        kind = block.kind if block.kind in common.CALLOUT_LABELS else "note"
        label = common.callout_label(block)
        return (
            f'<aside class="callout callout-{kind}" aria-label="{text(label)}">'
            f'<p class="callout-title">{text(label)}</p><p>{lines(block.text)}</p></aside>'
        )
    if isinstance(block, Gap):
        return (
            f'<div class="gap" role="note"><p class="gap-label">{text(common.gap_label(block))}'
            f"</p><p>{lines(block.what)}</p></div>"
        )
    if isinstance(block, Citation):
        target = common.link_target(block.url)
        if target:
            link = f' <a href="{text(target)}">{text(target)}</a>'
        else:
            link = f" {text(block.url)}" if block.url else ""
        return f'<p class="citation">{text(block.text)}{link}</p>'
    raise RenderError(
        f"block {type(block).__name__!r} has no HTML form: use one of the blocks of "
        "workbook.display.document"
    )


def table_html(table: Table, number: int) -> str:
    anchor = f"table-{number}"
    numeric = common.numeric_columns(table)

    def num(i: int) -> str:
        return ' class="num"' if i in numeric else ""

    head = "".join(
        f'<th scope="col"{num(i)}>{text(cell)}</th>' for i, cell in enumerate(table.header)
    )
    rows = []
    for row in table.rows:
        cells = "".join(f"<td{num(i)}>{text(cell)}</td>" for i, cell in enumerate(row))
        rows.append(f"<tr>{cells}</tr>")
    wide = " wide" if table.wide else ""
    note = f'<p class="table-note">{lines(table.note)}</p>' if table.note else ""
    label = text(common.table_label(number))
    # A scrolling region needs a name and focus so a keyboard can scroll it.
    return (
        f'<div class="table-wrap{wide}" id="{anchor}" role="region" tabindex="0" '
        f'aria-labelledby="{anchor}-caption">'
        f'<table><caption id="{anchor}-caption"><span class="label">{label}.</span> '
        f"{text(table.caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{note}</div>"
    )


def figure_html(figure: Figure, number: int) -> str:
    anchor = f"figure-{number}"
    svg = common.chart_svg(figure.spec, figure.alt, figure.caption, id_prefix=anchor)
    label = text(common.figure_label(number))
    return (
        f'<figure id="{anchor}"><div class="chart-image">{svg}</div>'
        f'<figcaption><span class="label">{label}.</span> {text(figure.caption)}'
        "</figcaption></figure>"
    )


def diagram_html(diagram: Diagram, number: int) -> str:
    """A drawing made elsewhere (Graphviz): its SVG inline, checked to be only a drawing."""
    anchor = f"figure-{number}"
    svg = common.diagram_svg(diagram.svg, diagram.caption)
    label = text(common.figure_label(number))
    return (
        f'<figure id="{anchor}"><div class="diagram-image">{svg}</div>'
        f'<figcaption><span class="label">{label}.</span> {text(diagram.caption)}'
        "</figcaption></figure>"
    )
