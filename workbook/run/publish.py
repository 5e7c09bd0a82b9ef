"""``workbook publish``: the plan and its dashboards as a static site for any web host.

A city posts its plan for thousands of readers; a Voila server with a kernel per viewer
does not scale to that, and would have to be kept safe. The site is made of plain files
instead, and it holds only what a stakeholder may see:

* ``index.html``: what the site is, for which place, with links to everything below;
* ``steps/NN_<id>.html``: each registered step's notebook, executed by papermill in view
  mode (``WORKBOOK_READ_ONLY=1``: forms as static tables, private fields left out,
  nothing written) against a *copy* of the plan, then exported as the offline HTML copy
  does it, except that Vega is loaded from ``assets/vega-bundle.js`` (written once, as
  batch reports share it) instead of being inlined in every page;
* ``map.html``, ``map.docx``, ``map.pdf``: the Mobility Action Plan from the MAP engine,
  draft or final as the plan records it;
* ``scorecard.html``: Step 10's progress scorecard, from the public plan, when the
  workbook has Step 10.

No plan, notebook, data file or Python source is written, and nothing names a folder of
the machine that made it. The site is built in a temporary folder and only then put in
place, so a failure leaves the previous site as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import string
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from workbook.data.catalog import load_framework
from workbook.data.dataset import Dataset, open_dataset
from workbook.data.jurisdictions import Jurisdiction
from workbook.display import theme
from workbook.display.export import OfflineHTMLExporter, make_static
from workbook.display.html import escape, vega_bundle
from workbook.errors import ParameterError, WorkbookError
from workbook.map import versions
from workbook.map.build import build_document, plan_file
from workbook.map.matter import DATA_CATALOG_URL, DATA_CREDIT
from workbook.plan.backup import backup_plan
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore
from workbook.session import READ_ONLY_ENV
from workbook.steps import registry
from workbook.steps.registry import NOTEBOOKS_DIR
from workbook.steps.use_the_metrics import PEERS_SECTION

INDEX_FILE = "index.html"
STEPS_DIR = "steps"
ASSETS_DIR = "assets"
VEGA_FILE = "vega-bundle.js"  # the name batch reports use for the same script
MAP_STEM = "map"
MAP_FORMATS = ("html", "docx", "pdf")
SCORECARD_STEM = "scorecard"
FORMAT_NAMES = {"html": "Web page", "docx": "Word document", "pdf": "PDF (accessible)"}
# index.html carries this line: it is how a later publish knows the folder is a site.
GENERATOR = "workbook publish"
GENERATOR_META = f'<meta name="generator" content="{GENERATOR}">'
SYNTHETIC_SITE = (
    "Made from the workbook's synthetic sample: the places and values on this site are "
    "invented, for learning the workbook. Do not use them for decisions."
)


# --- checking the parameters -----------------------------------------------------------------


@dataclass
class SitePlan:
    """Checked parameters of a publish: what to build, from what, and where."""

    plan: Path
    output_dir: Path
    place: Jurisdiction
    data: Dataset
    data_dir: str | None
    notebooks: dict[int, Path]
    replaces_site: bool  # the folder holds an earlier site, which this one replaces


def is_site(folder: Path) -> bool:
    """True when ``folder`` holds a site an earlier ``workbook publish`` wrote."""
    index = folder / INDEX_FILE
    try:
        with index.open(encoding="utf-8") as page:
            return GENERATOR_META in page.read(4096)
    except (OSError, UnicodeDecodeError):
        return False


def _check_output_dir(text: object, force: bool) -> tuple[Path, bool]:
    if text in (None, ""):
        raise ParameterError(
            "output-dir",
            "",
            "the site needs a folder of its own",
            "Give a new or empty folder, e.g. --output-dir site",
        )
    folder = Path(os.fspath(text)).expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise ParameterError(
            "output-dir", str(text), "is a file, not a folder", "Give a folder for the site"
        )
    previous = folder.is_dir() and is_site(folder)
    if folder.is_dir() and not previous and any(folder.iterdir()) and not force:
        raise ParameterError(
            "output-dir",
            str(text),
            "is not empty and does not hold an earlier site, so publishing could mix the "
            "site with other files that would then be posted too",
            "Choose a new or empty folder, or add --force to write the site into it anyway "
            "(its other files are left where they are)",
        )
    parent = folder if folder.is_dir() else next(p for p in folder.parents if p.exists())
    if not os.access(parent, os.W_OK):
        raise ParameterError(
            "output-dir", str(text), "cannot be written", "Choose a folder you can write to"
        )
    return folder, previous


def _place(plan: Path, data: Dataset, jurisdiction: object) -> Jurisdiction:
    """The place asked for, else the one the plan's Step 2 was done for, else the sample's."""
    if jurisdiction in (None, ""):
        with PlanStore.open(plan, read_only=True) as store:
            saved = PublicPlan(store, registry.private_paths).value(PEERS_SECTION) or {}
        jurisdiction = saved.get("jurisdiction") or data.default_jurisdiction
    if jurisdiction in (None, ""):
        raise ParameterError(
            "jurisdiction",
            "",
            "the site is about one county or city, and the plan does not say which",
            "Give --jurisdiction with a FIPS key (e.g. 06037) or a name",
        )
    return data.find(jurisdiction)


def check_publish(
    plan_path: object,
    output_dir: object,
    jurisdiction: object = None,
    data_dir: object = None,
    force: bool = False,
    notebooks_dir: Path = NOTEBOOKS_DIR,
) -> SitePlan:
    """Check every parameter before anything runs; raises a WorkbookError that says the fix."""
    plan = plan_file(plan_path).resolve()
    folder, previous = _check_output_dir(output_dir, force)
    if folder == plan.parent or plan.is_relative_to(folder):
        raise ParameterError(
            "output-dir",
            str(output_dir),
            "holds the plan file, and the site must never carry the plan",
            "Give a folder of its own for the site, e.g. --output-dir site",
        )
    data = open_dataset(str(data_dir) if data_dir else None)
    place = _place(plan, data, jurisdiction)
    notebooks = registry.notebooks(notebooks_dir)
    if not notebooks:
        raise WorkbookError(
            f"no step notebook was found in {notebooks_dir}. Fix: run the command from the "
            "workbook's folder, or reinstall the workbook"
        )
    given = str(data_dir) if data_dir else None
    return SitePlan(plan, folder, place, data, given, notebooks, previous)


# --- the step pages --------------------------------------------------------------------------


# Extends the offline template (first on the search path): Vega from a shared file. The
# empty icon spares every reader's browser a request for a favicon the site does not have.
NO_ICON = '<link rel="icon" href="data:,">'

PAGE_TEMPLATE = (
    """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}
"""
    + NO_ICON
    + """
{%- if resources.workbook_vega_src -%}
<script src="{{ resources.workbook_vega_src | e }}"></script>
{%- endif -%}
{%- endblock html_head_js -%}
"""
)


class SitePageExporter(OfflineHTMLExporter):
    """The offline HTML copy, loading Vega from the site's shared script instead of inlining it.

    The script element sits in the page's head, so every chart's own ``vegaEmbed`` call,
    further down, finds Vega defined, as it does in the offline copy.
    """

    def __init__(self, vega_src: str, index_href: str, **kwargs) -> None:
        super().__init__(raw_template=PAGE_TEMPLATE, **kwargs)
        self.vega_src = vega_src
        self.index_href = index_href

    def from_notebook_node(self, nb, resources=None, **kw):
        static, charts = make_static(nb)
        link = nbformat.v4.new_markdown_cell(f"[All pages of this site]({self.index_href})")
        static.cells.insert(0, link)
        resources = dict(resources or {})
        resources["workbook_vega_bundle"] = ""  # nothing inlined: the head loads vega_src
        resources["workbook_vega_src"] = self.vega_src if charts else ""
        return HTMLExporter.from_notebook_node(self, static, resources, **kw)


def step_page_name(notebook: Path) -> str:
    return f"{notebook.stem}.html"


def export_step_page(notebook: Path, target: Path, title: str) -> int:
    """Write ``target`` from an executed notebook; how many charts it draws."""
    nb = nbformat.read(notebook, as_version=4)
    nb.metadata["title"] = title
    exporter = SitePageExporter(f"../{ASSETS_DIR}/{VEGA_FILE}", f"../{INDEX_FILE}")
    body, _ = exporter.from_notebook_node(nb)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    return make_static(nb)[1]


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables for the kernels started inside, then restore them."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run_steps(site: SitePlan, plan_copy: Path, work: Path, log: Callable[[str], None]) -> dict:
    """Execute every step notebook in view mode against ``plan_copy``; number -> notebook."""
    from workbook.run.runner import RunPlan, check_output_dir, environment_for_kernels, execute

    out = check_output_dir(work / "run")
    source = site.data.source
    parameters = {
        "jurisdiction": site.place.key,
        "data_dir": str(source.path.resolve()) if source.origin == "parameter" else "",
        "plan_path": str(plan_copy),
        "output_dir": str(out),
    }
    steps = sorted(site.notebooks)
    run = RunPlan(steps, dict(site.notebooks), parameters, out, site.place.label)
    environment_for_kernels()
    with _environment(**{READ_ONLY_ENV: "1"}):
        results = execute(run, html=False, log=log)
    return {r.step: r.notebook for r in results}


# --- the MAP ---------------------------------------------------------------------------------


@dataclass
class MapResult:
    files: dict[str, Path]
    version: int
    status: str
    gaps: int
    note: str = ""


def _recorded_final(plan_copy: Path) -> tuple[versions.Version | None, int]:
    """The latest recorded build when it is final (and its place in the list), else None."""
    with PlanStore.open(plan_copy, read_only=True) as store:
        history = versions.recorded(store)
    if history and history[-1].status == "final":
        return history[-1], len(history) - 1
    return None, len(history)


def _without_versions_from(plan_copy: Path, keep: int) -> None:
    """Forget the recorded builds from position ``keep`` on, in the site's own plan copy."""
    with PlanStore.open(plan_copy, author=GENERATOR) as store:
        current = store.get(versions.SECTION)
        kept = [v for v in current.value or [] if isinstance(v, dict)][:keep]
        store.save(
            versions.SECTION,
            kept,
            base_version=current.version,
            author=GENERATOR,
            private=versions.PRIVATE,
        )


def build_map(site: SitePlan, plan_copy: Path, work: Path, folder: Path, day: str) -> MapResult:
    """The MAP in every format: the released final if the plan's latest build is final and
    the plan has not changed since; otherwise a draft of the plan as it is now.

    A final version is rebuilt exactly as released: from a copy whose version record stops
    before it, on its date; its content hash proves it is the same document.
    """
    from workbook.map.render import render

    data_dir = site.data_dir
    final, position = _recorded_final(plan_copy)
    doc, note = None, ""
    if final is not None:
        released = work / "released-plan.sqlite"
        backup_plan(plan_copy, released)
        _without_versions_from(released, position)
        with contextlib.suppress(WorkbookError):
            candidate = build_document(
                released, site.place.key, data_dir, final=True, today=final.date[:10]
            )
            if versions.content_hash(candidate) == final.sha256:
                doc = candidate
        if doc is None:
            note = (
                f"The plan changed after version {final.number} was released as final, so "
                "the site shows a draft of the next version."
            )
    if doc is None:
        doc = build_document(plan_copy, site.place.key, data_dir, final=False, today=day)
    files = render(doc, folder, MAP_FORMATS, stem=MAP_STEM)
    return MapResult(files, doc.version, doc.status, len(doc.gaps), note)


def build_scorecard(site: SitePlan, plan_copy: Path, folder: Path, day: str) -> Path | None:
    """Step 10's public scorecard page (None when the workbook has no Step 10)."""
    if 10 not in registry.numbers():
        return None
    from datetime import date

    from workbook.map.render import render
    from workbook.session import start_unattended
    from workbook.steps.sustain_momentum import public_scorecard

    session = start_unattended(10, site.data, site.place)
    with PlanStore.open(plan_copy, read_only=True) as store:
        plan = PublicPlan(store, registry.private_paths)
        doc = public_scorecard(plan, session, date.fromisoformat(day))
    return render(doc, folder, ("html",), stem=SCORECARD_STEM)["html"]


# --- the index page --------------------------------------------------------------------------

# Colours from the one theme; the rest of the style is layout.
INDEX_COLOURS = (
    f":root {{ color-scheme: light; --ink: {theme.TEXT_STRONG}; --muted: {theme.TEXT_MUTED};"
    f" --accent: {theme.OKABE_ITO[0]}; --rule: {theme.BORDER_GREY};"
    f" --soft: {theme.PANEL_BACKGROUND}; --warn: {theme.WARNING_BACKGROUND};"
    f" --warn-rule: {theme.WARNING_COLOUR}; --paper: {theme.WHITE}; }}"
)
INDEX_STYLE = (
    INDEX_COLOURS
    + """
html { font-family: system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "Liberation Sans", "DejaVu Sans", sans-serif; line-height: 1.55; color: var(--ink);
  background: var(--paper); -webkit-text-size-adjust: 100%; }
body { margin: 0; }
main { max-width: 48rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
h1 { font-size: clamp(1.6rem, 5vw, 2.3rem); line-height: 1.2; margin: .2rem 0 .6rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; padding-top: .6rem;
  border-top: 2px solid var(--ink); }
a { color: var(--accent); }
.kicker { color: var(--muted); margin: 0; font-size: .95rem; }
.lead { font-size: 1.12rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem;
  margin: 1rem 0; }
.facts dt { font-weight: 700; }
.facts dd { margin: 0; }
.warning { border-left: 6px solid var(--warn-rule); background: var(--warn);
  padding: .6rem 1rem; font-weight: 600; }
.cards { list-style: none; padding: 0; margin: 0; display: grid; gap: .8rem;
  grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); }
.cards li { border: 1px solid var(--rule); border-radius: 6px; padding: .8rem 1rem;
  background: var(--soft); }
.cards a { font-weight: 700; font-size: 1.05rem; }
.cards p { margin: .3rem 0 0; color: var(--muted); font-size: .95rem; }
.status { display: inline-block; font-weight: 700; text-transform: uppercase;
  letter-spacing: .06em; font-size: .8rem; border: 2px solid currentColor;
  padding: 0 .4rem; margin-left: .4rem; }
footer { margin-top: 2.5rem; padding-top: .8rem; border-top: 1px solid var(--rule);
  color: var(--muted); font-size: .9rem; }
@media (max-width: 30rem) { .facts { grid-template-columns: 1fr; } .facts dd {
  margin-bottom: .4rem; } }
"""
)

INDEX_PAGE = string.Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
$generator
$no_icon
<title>$title</title>
<style>$style</style>
</head>
<body>
<main>
<p class="kicker">Mobility Action Planning</p>
<h1>$title</h1>
<p class="lead">How $place is planning to boost upward mobility: the coalition's
Mobility Action Plan and the dashboards behind it, one page for each step of the Urban
Institute's planning guide it has worked through so far.</p>
$warning
<dl class="facts">
<dt>Place</dt><dd>$place ($key)</dd>
<dt>Plan</dt><dd>Version $version ($status)</dd>
<dt>Published</dt><dd>$date</dd>
<dt>Data</dt><dd>$data</dd>
</dl>
<h2>The Mobility Action Plan</h2>
<p>The plan itself, the same text in three formats.$map_note</p>
<ul class="cards">
$map_links
</ul>
$scorecard
<h2>The steps</h2>
<p>What the coalition found and decided at each step, with the data's charts. These
pages are read-only copies: contact details and other private answers are not part of
them, and they work without an internet connection.</p>
<ul class="cards">
$step_links
</ul>
<footer>
<p>Data: $credit <a href="$catalog">Urban Institute Data Catalog</a>.</p>
<p>Made with the Mobility Action Planning workbook.</p>
</footer>
</main>
</body>
</html>
""")


def _card(href: str, title: str, text: str, extra: str = "") -> str:
    return f'<li><a href="{escape(href)}">{escape(title)}</a>{extra}<p>{escape(text)}</p></li>'


def index_html(
    site: SitePlan, pages: dict[int, str], map_result: MapResult, day: str, scorecard: str = ""
) -> str:
    """The site's front page: what it holds, for which place, and links to all of it."""
    from workbook.steps.review import long_date

    framework = load_framework()
    steps = []
    for number, href in sorted(pages.items()):
        guide = framework.step(number)
        steps.append(_card(href, f"Step {number}: {guide['title']}", guide["summary"]))
    maps = []
    status = f'<span class="status">{escape(map_result.status)}</span>'
    for name, path in map_result.files.items():
        size = path.stat().st_size
        maps.append(_card(path.name, FORMAT_NAMES[name], f"{path.name}, {_size(size)}", status))
    warning = f'<p class="warning">{escape(SYNTHETIC_SITE)}</p>' if site.data.synthetic else ""
    note = f" {escape(map_result.note)}" if map_result.note else ""
    if map_result.status == "draft" and map_result.gaps:
        note += escape(
            f" This is a draft: {map_result.gaps} parts are still to be written, and each "
            "is marked in the text."
        )
    progress = ""
    if scorecard:
        card = _card(scorecard, "Progress scorecard", "Each measure against its target.")
        progress = f'<h2>Progress</h2>\n<ul class="cards">\n{card}\n</ul>'
    return INDEX_PAGE.substitute(
        scorecard=progress,
        generator=GENERATOR_META,
        no_icon=NO_ICON,
        title=escape(f"Mobility Action Plan: {site.place.label}"),
        style=INDEX_STYLE,
        place=escape(site.place.label),
        key=escape(site.place.key),
        warning=warning,
        version=escape(map_result.version),
        status=escape(map_result.status),
        date=escape(long_date(day)),
        data=escape(site.data.reader_label),
        map_note=note,
        map_links="\n".join(maps),
        step_links="\n".join(steps),
        credit=escape(DATA_CREDIT),
        catalog=escape(DATA_CATALOG_URL),
    )


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{max(1, round(n / 1000))} kB"


# --- putting it together ---------------------------------------------------------------------


@dataclass
class SiteResult:
    """What a publish wrote."""

    folder: Path
    pages: dict[int, Path]
    map: MapResult
    charts: int
    seconds: float
    files: list[Path] = field(default_factory=list)


def _site_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _put_in_place(staging: Path, site: SitePlan) -> list[Path]:
    """Move the finished site into the output folder, replacing an earlier site's files."""
    folder = site.output_dir
    if site.replaces_site:
        for name in (STEPS_DIR, ASSETS_DIR):
            shutil.rmtree(folder / name, ignore_errors=True)
        for old in folder.glob(f"{MAP_STEM}.*"):
            if old.suffix.lstrip(".") in MAP_FORMATS:
                old.unlink()
        (folder / INDEX_FILE).unlink(missing_ok=True)
        (folder / f"{SCORECARD_STEM}.html").unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for path in _site_files(staging):
        target = folder / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            shutil.rmtree(target)
        shutil.move(str(path), str(target))
        written.append(target)
    return written


def publish(
    site: SitePlan, log: Callable[[str], None] = print, today: str | None = None
) -> SiteResult:
    """Build the site for a checked :class:`SitePlan` and put it in its folder."""
    started = time.perf_counter()
    day = today or datetime.now(UTC).date().isoformat()
    with tempfile.TemporaryDirectory(prefix="workbook-publish-") as temp:
        work = Path(temp)
        staging = work / "site"
        staging.mkdir()
        # The plan is read once, consistently; everything after works on the copy.
        plan_copy = backup_plan(site.plan, work / "plan.sqlite")
        executed = _run_steps(site, plan_copy, work, log)
        pages, charts = {}, 0
        framework = load_framework()
        for number, notebook in executed.items():
            title = f"Step {number}: {framework.step(number)['title']} ({site.place.label})"
            page = staging / STEPS_DIR / step_page_name(notebook)
            charts += export_step_page(notebook, page, title)
            pages[number] = page
        (staging / ASSETS_DIR).mkdir()
        (staging / ASSETS_DIR / VEGA_FILE).write_text(vega_bundle(), encoding="utf-8")
        log("the Mobility Action Plan: html, docx, pdf")
        map_result = build_map(site, plan_copy, work, staging, day)
        scorecard = build_scorecard(site, plan_copy, staging, day)
        links = {n: f"{STEPS_DIR}/{p.name}" for n, p in pages.items()}
        index = index_html(site, links, map_result, day, scorecard.name if scorecard else "")
        (staging / INDEX_FILE).write_text(index, encoding="utf-8")
        files = _put_in_place(staging, site)
    folder = site.output_dir
    moved = {name: folder / path.name for name, path in map_result.files.items()}
    return SiteResult(
        folder=folder,
        pages={n: folder / STEPS_DIR / p.name for n, p in pages.items()},
        map=replace(map_result, files=moved),
        charts=charts,
        seconds=time.perf_counter() - started,
        files=files,
    )
