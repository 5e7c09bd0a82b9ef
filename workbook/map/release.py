"""Step 9's documents in the notebook: build the MAP, its brief and its fact sheet.

The notebook of Step 9 (a step module may not build documents: the MAP sits above the
steps) uses :class:`ReleaseDocuments` to

- build, in edit mode, the documents and formats the coalition chose in Step 9 into the
  output folder, with a button (in unattended runs, ``WORKBOOK_BATCH=1``, it builds at
  once), and record the MAP's build in the plan as ``workbook map`` does;
- show, in view mode (dashboards), the versions built so far, writing nothing;
- hand the MAP as built now (in memory) to the messaging review.

A final version is built here only as ``workbook map --final`` builds it: every part
written and the sign-off approving; otherwise the refusal says what is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
from IPython.display import HTML

from workbook.display import views
from workbook.display.document import Document
from workbook.display.html import escape
from workbook.display.live import WithFallback, batch_mode
from workbook.errors import WorkbookError
from workbook.map import briefs, versions
from workbook.map.build import build_document
from workbook.plan.public import PublicPlan
from workbook.session import Session, remembered_author
from workbook.steps import finalize_and_release as step9
from workbook.steps import registry
from workbook.steps.review import long_date

NAMES = {"map": "The full plan", "brief": "Summary brief", "fact_sheet": "Fact sheet"}


def build_files(
    plan_path: Path,
    folder: Path,
    kinds: list[str],
    formats: list[str],
    *,
    jurisdiction: object = None,
    data_dir: object = None,
    final: bool = False,
    today: str | None = None,
) -> tuple[Document, dict[str, dict[str, Path]]]:
    """Build the MAP once, condense it into the other kinds, write each in ``formats``.

    Returns the MAP's document and, per kind, its files. Nothing is recorded: the caller
    records the MAP's build (:func:`workbook.map.versions.record`) once the files exist.
    """
    from workbook.map.render import render

    full = build_document(plan_path, jurisdiction, data_dir, final, today=today)
    written = {
        kind: render(briefs.condensed(full, kind), folder, formats, stem=briefs.STEMS[kind])
        for kind in kinds
    }
    return full, written


def files_html(written: dict[str, dict[str, Path]], folder: Path) -> str:
    rows = [
        (NAMES[kind], name.upper(), path.name)
        for kind, files in written.items()
        for name, path in files.items()
    ]
    # The folder's name only: a page others read does not show the machine's folders.
    return views.paragraph(f"Written to the output folder, {folder.name}/:") + views.table(
        rows, ["Document", "Format", "File"]
    )


def versions_html(plan: PublicPlan) -> str:
    """The builds recorded so far (who built each stays private)."""
    history = versions.recorded(plan)
    if not history:
        return views.paragraph("No version of the plan has been built yet.")
    rows = [
        (v.number, long_date(v.date), v.status, ", ".join(v.formats) or "-", v.sha256[:12])
        for v in history
    ]
    return views.table(rows, ["Version", "Date", "Status", "Formats", "Fingerprint"])


class ReleaseDocuments:
    """Build Step 9's documents from the plan, or show what was built (view mode)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._document: Document | None = None
        self._built = False
        self._outcome: str | None = None

    # -- the plan and its place --

    def _plan_path(self) -> Path | None:
        path = Path(self.session.plan.path)
        return path if path.is_file() else None

    def _place(self) -> tuple[object, object]:
        place = self.session.jurisdiction
        return (place.key if place else None), str(self.session.data.folder)

    def _choices(self) -> tuple[list[str], list[str]]:
        values = self.session.plan.get(step9.FORMAT_SECTION).value
        return step9.chosen_documents(values), step9.chosen_formats(values)

    def document(self) -> Document | None:
        """The MAP as the plan stands now, built in memory (None before any plan exists)."""
        if not self._built:
            self._built = True
            path = self._plan_path()
            if path is not None:
                jurisdiction, data_dir = self._place()
                self._document = build_document(path, jurisdiction, data_dir)
        return self._document

    # -- building --

    def build(self, final: bool = False) -> str:
        """Write the chosen documents; record the MAP's build. The outcome, as HTML."""
        path = self._plan_path()
        if path is None:
            return views.paragraph("There is no plan file yet: save something in the plan first.")
        kinds, formats = self._choices()
        jurisdiction, data_dir = self._place()
        folder = self.session.output_dir
        try:
            full, written = build_files(
                path, folder, kinds, formats,
                jurisdiction=jurisdiction, data_dir=data_dir, final=final,
            )  # fmt: skip
            done = [f"map.{name}" for name in written.get("map", {})]
            briefs_done = [f"{k}.{n}" for k, files in written.items() if k != "map" for n in files]
            version = versions.record(
                self.session.plan, full, done + briefs_done, who=remembered_author()
            )
        except WorkbookError as error:
            return f"<pre>{escape(error)}</pre>"
        self._document, self._built = full, True  # the messaging review reads this one
        return (
            views.paragraph(
                f"Version {version.number} ({version.status}) of the plan for {full.subtitle}."
            )  # fmt: skip
            + files_html(written, folder)
        )

    def build_once(self) -> str:
        """Unattended runs build the drafts once, the first time they are asked for (the
        page's headline asks first, so that it tells of the version this run builds)."""
        if self._outcome is None:
            self._outcome = self.build()
        return self._outcome

    def documents(self) -> Any:
        """Edit mode: buttons that build; unattended: build now; view mode: the versions."""
        if self.session.read_only:
            plan = PublicPlan(self.session.plan, registry.private_paths)
            return HTML(views.heading("Versions built so far") + versions_html(plan))
        if batch_mode():
            return HTML(self.build_once())
        kinds, formats = self._choices()
        chosen = ", ".join(NAMES[k].lower() for k in kinds)
        intro = widgets.HTML(views.paragraph(
            f"Builds {chosen} as {', '.join(f.upper() for f in formats)} into "
            f"the output folder, {self.session.output_dir.name}/ (the choice is saved in the "
            "form above)."
        ))  # fmt: skip
        draft = widgets.Button(description="Build drafts", button_style="primary", icon="file")
        final = widgets.Button(description="Build the final version", icon="check")
        result = widgets.HTML()

        def clicked(is_final: bool) -> None:
            result.value = views.paragraph("Building...")
            result.value = self.build(final=is_final)

        draft.on_click(lambda _: clicked(False))
        final.on_click(lambda _: clicked(True))
        box = widgets.VBox([intro, widgets.HBox([draft, final]), result])
        plan = PublicPlan(self.session.plan, registry.private_paths)
        return WithFallback(box, views.heading("Versions built so far") + versions_html(plan))
