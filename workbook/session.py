"""The first code cell of every notebook: check parameters, open data, say what is used."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from IPython.display import HTML, display

from workbook.data.catalog import Catalog, Framework, load_catalog, load_framework
from workbook.data.dataset import Dataset, open_dataset
from workbook.data.jurisdictions import Jurisdiction
from workbook.display import render
from workbook.display.html import escape
from workbook.display.pages import EDITORS_CLASS, TITLE_ATTRIBUTE, page_title
from workbook.display.theme import TEXT_MUTED, WARNING_BACKGROUND, WARNING_COLOUR
from workbook.errors import ParameterError

TOTAL_STEPS = 10
READ_ONLY_ENV = "WORKBOOK_READ_ONLY"
AUTHOR_ENV = "WORKBOOK_AUTHOR"
# A server runs notebooks with their parameters left empty; these fill them in.
JURISDICTION_ENV = "WORKBOOK_JURISDICTION"
PLAN_PATH_ENV = "WORKBOOK_PLAN_PATH"
PLAN_FILE = "plan.sqlite"


def author_file() -> Path:
    from workbook.data.sources import workbook_home

    return workbook_home() / "author.txt"


def remembered_author() -> str:
    """The name saved with each change: $WORKBOOK_AUTHOR, else the name set once here."""
    if os.environ.get(AUTHOR_ENV):
        return os.environ[AUTHOR_ENV].strip()
    try:
        return author_file().read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def remember_author(name: str) -> None:
    path = author_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(name.strip(), encoding="utf-8")


def read_only_requested() -> bool:
    """True when the server says pages are read-only dashboards (set by its configuration)."""
    return os.environ.get(READ_ONLY_ENV, "").strip().lower() in ("1", "true", "yes")


@dataclass
class Session:
    """Everything a step notebook works with, set up from its parameters.

    An ``unattended`` session (:func:`start_unattended`) serves a batch job's reports:
    nobody is there to edit, so it offers nothing that writes and keeps no plan.
    """

    step: dict
    data: Dataset
    jurisdiction: Jurisdiction | None
    plan_path: Path | None
    output_dir: Path
    framework: Framework
    catalog: Catalog
    unattended: bool = False

    @property
    def synthetic(self) -> bool:
        return self.data.synthetic

    @property
    def read_only(self) -> bool:
        """Dashboards show the plan but offer nothing that writes; nor do unattended runs."""
        return self.unattended or read_only_requested()

    @property
    def plan(self):
        """The coalition's plan (opened on first use; read-only in dashboards)."""
        if self.unattended:
            raise ParameterError(
                "plan_path", self.plan_path, "an unattended session keeps no plan",
                "Start the step with session.start to read or change the coalition's plan",
            )  # fmt: skip
        if getattr(self, "_plan", None) is None:
            from workbook.plan.store import PlanStore

            path = self.plan_path or self.output_dir / PLAN_FILE
            if not self.read_only:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._plan = PlanStore.open(path, author=remembered_author(), read_only=self.read_only)
        return self._plan

    def name_box(self):
        """Where the facilitator types the name saved with each change (once per machine)."""
        import ipywidgets as widgets

        box = widgets.Text(
            value=remembered_author(),
            description="Your name:",
            placeholder="saved with every change you make",
        )
        note = widgets.HTML()

        def changed(change: dict) -> None:
            name = change["new"].strip()
            remember_author(name)
            self.plan.author = name
            note.value = f"Changes are saved as made by {escape(name)}." if name else ""

        box.observe(changed, names="value")
        return widgets.HBox([box, note])

    def output_path(self, name: str) -> Path:
        """A path in the output folder (created on first use)."""
        self.output_dir.mkdir(parents=True, exist_ok=True)
        return self.output_dir / name

    @property
    def page_title(self) -> str:
        """The browser title of the step's pages: the step and the place."""
        place = self.jurisdiction.label if self.jurisdiction else None
        return page_title(self.step["number"], self.step["title"], place)

    def header_html(self) -> str:
        step = self.step
        place = (
            f"<b>{escape(self.jurisdiction.label)}</b> ({escape(self.jurisdiction.key)})"
            if self.jurisdiction
            else "no jurisdiction chosen"
        )
        banner = ""
        if self.synthetic:
            banner = (
                f'<div class="wb-synthetic" style="border:2px solid {WARNING_COLOUR};'
                f'padding:6px 10px;margin:6px 0;background:{WARNING_BACKGROUND}">'
                "<b>Synthetic sample.</b> The places and values "
                "shown here are invented, for learning the workbook. Do not use them for "
                "decisions: import the real Mobility Metrics first (see the README).</div>"
            )
        return (
            f'<div class="wb-header" {TITLE_ATTRIBUTE}="{escape(self.page_title)}">'
            f'<div style="font-size:0.95em;color:{TEXT_MUTED}">Step '
            f"{step['number']} of {TOTAL_STEPS}</div>"
            f'<h2 style="margin:2px 0 6px 0">{escape(step["title"])}</h2>'
            f"<div>Jurisdiction: {place}</div>"
            f"<div>Data: {escape(self.data.reader_label)}{self._data_note()}</div>{banner}</div>"
        )

    def _data_note(self) -> str:
        """Which build of the data and how it was chosen: for whoever runs the notebook,
        left out of dashboards, batch reports and HTML copies (``pages.for_readers``)."""
        if self.read_only:
            return ""
        note = ", ".join(t for t in (self.data.release_text, self.data.source.explanation) if t)
        return f' <span class="{EDITORS_CLASS}" style="color:{TEXT_MUTED}">({escape(note)})</span>'


def _text_parameter(name: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise ParameterError(name, value, "expected a path as text", "Put the path in quotes")
    return value.strip() or None


def default_output_dir(jurisdiction: Jurisdiction | None) -> str:
    """``output/<key>``: the folder (and plan) `workbook run` and `serve` use too.

    One default everywhere, so two jurisdictions opened from the same folder never
    share a plan by accident, however their notebooks are run.
    """
    return str(Path("output") / jurisdiction.key) if jurisdiction else "output"


def start(
    step: int,
    jurisdiction: object = None,
    data_dir: object = None,
    plan_path: object = None,
    output_dir: object = None,
    kind: str | None = None,
    show: bool = True,
) -> Session:
    """Set up a step notebook from its parameters and display its header.

    ``jurisdiction`` may be a FIPS key (text or the integer papermill makes of it) or a
    name; left empty it is the sample's suggested county when the sample is in use.
    """
    render.setup()
    if jurisdiction in (None, "") and os.environ.get(JURISDICTION_ENV):
        jurisdiction = os.environ[JURISDICTION_ENV]
    if plan_path in (None, "") and os.environ.get(PLAN_PATH_ENV):
        plan_path = os.environ[PLAN_PATH_ENV]
    framework = load_framework()
    data = open_dataset(_text_parameter("data_dir", data_dir))
    chosen = None
    if jurisdiction in (None, "") and data.default_jurisdiction:
        jurisdiction = data.default_jurisdiction
    if jurisdiction not in (None, ""):
        chosen = data.find(jurisdiction, kind=kind)
    out = _text_parameter("output_dir", output_dir) or default_output_dir(chosen)
    plan = _text_parameter("plan_path", plan_path)
    session = Session(
        step=framework.step(step),
        data=data,
        jurisdiction=chosen,
        plan_path=Path(plan) if plan else None,
        output_dir=Path(out),
        framework=framework,
        catalog=load_catalog(),
    )
    if show:
        display(HTML(session.header_html()))
        if not session.read_only:
            display(session.name_box())
    return session


def start_unattended(
    step: int,
    data: Dataset,
    jurisdiction: Jurisdiction | None = None,
    framework: Framework | None = None,
) -> Session:
    """A session for a run nobody watches (a batch job's reports) on an already-open dataset.

    Unlike :func:`start` it reads no parameters or environment and displays nothing; it
    offers no widgets and opens no plan file, so a worker can make one per jurisdiction.
    (Notebooks that ``workbook run`` executes are unattended too, see
    ``render.batch_mode()``, but they keep the coalition's plan: they use :func:`start`.)
    """
    framework = framework or load_framework()
    return Session(
        step=framework.step(step),
        data=data,
        jurisdiction=jurisdiction,
        plan_path=None,
        output_dir=Path("output"),
        framework=framework,
        catalog=data.catalog,
        unattended=True,
    )
