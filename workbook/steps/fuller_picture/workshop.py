"""The Step 6 notebook's tables and views (identifiers redacted outside edit mode)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from workbook.analysis import qualitative as qual
from workbook.data.qdc import read_qdc, write_qdc
from workbook.data.transcripts import decode_text, read_transcript
from workbook.display import qualitative_charts as charts
from workbook.display import views
from workbook.display.live import Live, LiveViews, WithFallback, batch_mode
from workbook.display.theme import ERROR, SUCCESS
from workbook.errors import WorkbookError
from workbook.forms import (
    RecordError,
    RecordTable,
)
from workbook.forms.controls import button
from workbook.forms.messages import coloured
from workbook.session import Session
from workbook.steps import review
from workbook.steps.fuller_picture import headline
from workbook.steps.fuller_picture.fields import (
    Codebook,
    Excerpts,
    InSource,
    activity_fields,
    activity_label,
    code_fields,
    excerpt_fields,
    finding_fields,
    group_fields,
    identifier_fields,
    narrative_fields,
    record_options,
    relationship_fields,
    source_text,
    sustain_fields,
    timeline_fields,
)
from workbook.steps.fuller_picture.joint import joint_html, joint_table
from workbook.steps.fuller_picture.sections import (
    ACTIVITIES_SECTION,
    CODEBOOK_SECTION,
    EXCERPTS_SECTION,
    FINDINGS_SECTION,
    GROUPS_SECTION,
    IDENTIFIERS_SECTION,
    LOCAL_DATA,
    NARRATIVES_SECTION,
    PRIORITIES,
    RELATIONSHIPS_SECTION,
    STAKEHOLDERS,
    STRENGTH_LABELS,
    SUSTAIN_SECTION,
    TIMELINE_SECTION,
    TYPE_LABELS,
    WITHHELD,
    identifier_names,
    listed,
)


class FullerPicture(LiveViews):
    """Step 6's tables and views. Views redact identifiers outside edit mode."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.framework = session.framework
        self.store = session.plan
        self.names = identifier_names(self.store)
        self._build_tables()
        super().__init__(session.read_only, self.editors())

    def _build_tables(self) -> None:
        store, ro = self.store, self.session.read_only
        stakeholders = record_options(store.get(STAKEHOLDERS).value or [], "organisation")
        groups = record_options(store.get(GROUPS_SECTION).value or [], "name")
        sources = [
            (activity_label(r), str(r["id"]))
            for r in store.get(ACTIVITIES_SECTION).value or []
            if isinstance(r, Mapping) and r.get("id")
        ]
        codes = record_options(store.get(CODEBOOK_SECTION).value or [], "name")
        self.groups_table = RecordTable(
            group_fields(self.framework, stakeholders),
            store,
            GROUPS_SECTION,
            title="",  # the notebook's section heading names it
            read_only=ro,
            label_field="name",
        )
        self.activities_table = RecordTable(
            activity_fields(groups),
            store,
            ACTIVITIES_SECTION,
            title="",  # the notebook's section heading names it
            intro="Who was reached counts people, never names them.",
            read_only=ro,
            label_field="type",
        )
        self.codebook_table = Codebook(
            code_fields(self.framework, codes),
            store,
            CODEBOOK_SECTION,
            title="Codebook",
            read_only=ro,
            label_field="name",
        )
        self.excerpts_table = Excerpts(
            excerpt_fields(sources, codes, self.redact),
            store,
            EXCERPTS_SECTION,
            rules=[InSource(lambda source: source_text(store, source))],
            title="Excerpts",
            read_only=ro,
            label_field="source",
        )
        self.timeline_table = RecordTable(
            timeline_fields(),
            store,
            TIMELINE_SECTION,
            title="Timeline of policies and events",
            read_only=ro,
            label_field="what",
        )
        self.relationships_table = RecordTable(
            relationship_fields(),
            store,
            RELATIONSHIPS_SECTION,
            title="Relationships between organisations",
            read_only=ro,
            label_field="from_org",
        )
        self.narratives_table = RecordTable(
            narrative_fields(),
            store,
            NARRATIVES_SECTION,
            title="Prevailing narratives",
            read_only=ro,
            label_field="narrative",
        )
        self.identifiers_table = RecordTable(
            identifier_fields(),
            store,
            IDENTIFIERS_SECTION,
            title="Names to redact",
            read_only=ro,
            label_field="kind",
        )
        self.findings_table = RecordTable(
            finding_fields(self.framework),
            store,
            FINDINGS_SECTION,
            title="Findings",
            read_only=ro,
            label_field="statement",
        )
        self.sustain_table = RecordTable(
            sustain_fields(),
            store,
            SUSTAIN_SECTION,
            title="Keeping people engaged",
            read_only=ro,
            label_field="activity",
        )

    def editors(self) -> tuple[RecordTable, ...]:
        return (
            self.groups_table,
            self.activities_table,
            self.codebook_table,
            self.excerpts_table,
            self.timeline_table,
            self.relationships_table,
            self.narratives_table,
            self.identifiers_table,
            self.findings_table,
            self.sustain_table,
        )

    def reload(self) -> None:
        """Build the tables again (after codes or activities changed their choices)."""
        self.names = identifier_names(self.store)
        self._build_tables()

    def redact(self, text: str) -> str:
        return qual.redact(text, self.names)

    def for_readers(self) -> bool:
        """True in dashboards and in the pages an unattended run writes (HTML copies)."""
        return self.read_only or batch_mode()

    # -- the page's opening --

    def headline_html(self) -> str:
        """The answer first: the working groups, who was heard, the findings checked."""
        place = self.session.jurisdiction
        return headline.headline_html(
            place.label if place is not None else None,
            self.groups_table.records(public=True),
            self.activities_table.records(public=True),
            self.findings_table.records(public=True),
        )

    def headline(self) -> Live:
        """The page's opening, before any table."""
        return self._live(lambda: HTML(self.headline_html()))

    # -- records as views may show them --

    def _records(self, table: RecordTable) -> list[dict[str, Any]]:
        return table.records(public=self.read_only)

    def sources(self) -> dict[str, dict[str, Any]]:
        return {str(r["id"]): r for r in self.activities_table.records(public=True)}

    def excerpt_records(self) -> list[dict[str, Any]]:
        """Excerpts with their quotes redacted again against today's list of names."""
        rows = self.excerpts_table.records(public=True)
        for r in rows:
            for key in ("quote", "memo"):
                if isinstance(r.get(key), Mapping):
                    r[key] = {"shown": self.redact(qual.text_of(r[key], shown=True))}
        return rows

    def codes(self) -> list[dict[str, Any]]:
        return self.codebook_table.records(public=True)

    # -- working groups and activities --

    def groups(self) -> RecordTable:
        return self.groups_table

    def activities(self) -> RecordTable:
        return self.activities_table

    def import_transcript(self, activity_id: str, path: str | Path) -> int:
        """Read a transcript file into an activity's material; returns its length.

        Excerpts of the activity are re-anchored in the new text (see :meth:`edit_source`).
        """
        text = read_transcript(Path(path))
        return self.edit_source(activity_id, text, file_name=Path(path).name)

    def edit_source(self, activity_id: str, text: str, file_name: str | None = None) -> int:
        """Replace an activity's material and re-anchor its excerpts in the new text.

        Excerpts whose passage is still found keep it (moved ones get new offsets and the
        flag ``moved``); those no longer found are flagged ``lost`` for a person to look at.
        """
        record = self.activities_table.get(activity_id)
        material = dict(record.get("material") or {})
        material["text"] = text
        if file_name is not None:
            material["file_name"] = file_name
        self.activities_table.update(activity_id, {"material": material})
        for excerpt in self.excerpts_table.records():
            if excerpt.get("source") != activity_id:
                continue
            moved = qual.anchor(text, excerpt)
            if (moved.get("start"), moved.get("end"), moved.get("anchor")) != (
                excerpt.get("start"),
                excerpt.get("end"),
                excerpt.get("anchor"),
            ):
                self._save_anchor(moved)
        return len(text)

    def _save_anchor(self, excerpt: Mapping[str, Any]) -> None:
        self.excerpts_table.update(
            excerpt["id"],
            {"start": excerpt["start"], "end": excerpt["end"], "anchor": excerpt["anchor"]},
        )

    def moved_excerpts(self) -> pd.DataFrame:
        """Excerpts whose passage moved or was lost after their source was edited."""
        rows = [
            (r["id"], r.get("source"), r.get("anchor"))
            for r in self.excerpts_table.records()
            if r.get("anchor") in (qual.MOVED, qual.LOST)
        ]
        return pd.DataFrame(rows, columns=["excerpt", "source", "anchor"])

    # -- the codebook --

    def codebook(self) -> RecordTable:
        return self.codebook_table

    def rename_code(self, code_id: str, name: str) -> None:
        """A new name; excerpts refer to the code's id, so none is lost."""
        self.codebook_table.update(code_id, {"name": name})

    def merge_codes(self, keep: str, merged: str) -> None:
        """Fold ``merged`` into ``keep``: excerpts, sub-codes and description move."""
        book, excerpts = qual.merge_codes(
            self.codebook_table.records(), self.excerpts_table.records(), keep, merged
        )
        excerpt_version = self.excerpts_table.record.version
        self.store.save(
            EXCERPTS_SECTION, excerpts, excerpt_version, private=self.excerpts_table.private_paths
        )
        self.store.save(
            CODEBOOK_SECTION,
            book,
            self.codebook_table.record.version,
            private=self.codebook_table.private_paths,
        )
        self.reload()

    def delete_code(self, code_id: str) -> None:
        self.codebook_table.delete(code_id)

    def import_codebook(self, path: str | Path, content: bytes | None = None) -> int:
        """Add the codes of a REFI-QDA (.qdc) or CSV codebook; returns how many were added.

        ``content`` is the file's bytes when it was uploaded (``path`` then names it).
        """
        path = Path(path)
        data = path.read_bytes() if content is None else bytes(content)
        if path.suffix.lower() == ".qdc":
            codes = read_qdc(data, path.name)
        else:
            rows = list(csv.DictReader(io.StringIO(decode_text(data, path.name))))
            if rows and "name" not in rows[0]:
                raise RecordError(
                    CODEBOOK_SECTION,
                    {
                        "name": f"'{path.name}' has no 'name' "
                        "column: one code per row with name, "
                        "description, parent"
                    },
                )
            names = {}
            codes = []
            for n, row in enumerate(rows):
                code_id = (row.get("id") or "").strip() or f"csv{n + 1}"
                names[(row.get("name") or "").strip()] = code_id
                codes.append(
                    {
                        "id": code_id,
                        "name": (row.get("name") or "").strip(),
                        "description": (row.get("description") or "").strip(),
                        "parent": (row.get("parent") or "").strip() or None,
                        "pillars": [],
                        "predictors": [],
                    }
                )
            for code in codes:  # a parent may be named rather than given by id
                if code["parent"] in names:
                    code["parent"] = names[code["parent"]]
        existing = {c["name"].lower() for c in self.codebook_table.records()}
        added = [c for c in codes if c["name"] and c["name"].lower() not in existing]
        ids = {c["id"] for c in self.codebook_table.records()} | {c["id"] for c in added}
        for code in added:
            if code.get("parent") not in ids:
                code["parent"] = None
        if added:
            self.store.save(
                CODEBOOK_SECTION,
                [*self.codebook_table.records(), *added],
                self.codebook_table.record.version,
                private=self.codebook_table.private_paths,
            )
            self.reload()
        return len(added)

    def _panel(self, rows: list, action, done: str, live_only: str) -> WithFallback | HTML:
        """A row of inputs and a button that runs ``action`` and says how it went.

        Only whoever edits the plan has it: dashboards and HTML copies show nothing in its
        place (``live_only`` is kept for the editing notebook's own record).
        """
        if self.read_only:
            return HTML("")
        message = widgets.HTML("")
        go = button(done.split(":")[0])

        def clicked(_: object) -> None:
            try:
                action()
            except (WorkbookError, ValueError) as exc:
                message.value = coloured(f"Not done: {exc}", ERROR)
                return
            message.value = coloured(done, SUCCESS)

        go.on_click(clicked)
        box = widgets.VBox([*rows, go, message])
        return WithFallback(box, "")

    def merge_panel(self) -> WithFallback | HTML:
        """Merge one code into another (excerpts, memos and sub-codes move with it)."""
        codes = record_options(self.codebook_table.records(), "name")
        keep = widgets.Dropdown(options=codes, description="Keep")
        merged = widgets.Dropdown(options=codes, description="Merge in")
        return self._panel(
            [widgets.HBox([keep, merged])],
            lambda: self.merge_codes(keep.value, merged.value),
            "Merge codes: done; run the cells below again to see the codebook as it is now.",
            "Codes are merged in the editing notebook.",
        )

    def revision_panel(self) -> WithFallback | HTML:
        """Revise a finding's statement, recording the reason."""
        findings = record_options(self.findings_table.records(), "statement")
        chosen = widgets.Dropdown(options=findings, description="Finding")
        text = widgets.Textarea(placeholder="The finding as revised", rows=2)
        reason = widgets.Text(placeholder="Why it changed (what people said)")
        return self._panel(
            [chosen, text, reason],
            lambda: self.revise(chosen.value, text.value, reason.value),
            "Revise the finding: saved, with its reason, in the finding's revisions.",
            "Findings are revised in the editing notebook.",
        )

    def files(self) -> WithFallback | HTML:
        """Upload a transcript into an activity, import or export the codebook."""
        if self.for_readers():  # nothing to import or export for readers
            return HTML("")
        sources = [
            (activity_label(r), str(r["id"])) for r in self.activities_table.records(public=True)
        ]
        chooser = widgets.Dropdown(options=sources, description="Activity")
        transcript = widgets.FileUpload(accept=".txt,.md,.docx,.pdf", multiple=False)
        codebook = widgets.FileUpload(accept=".qdc,.csv", multiple=False)
        message = widgets.HTML("")

        def uploaded(upload: widgets.FileUpload) -> tuple[str, bytes]:
            if not upload.value:
                raise WorkbookError("no file chosen: choose one with the upload button first")
            item = upload.value[0]
            return str(item["name"]), bytes(item["content"])

        def run(action, done: str) -> None:
            try:
                result = action()
            except (WorkbookError, ValueError) as exc:
                message.value = coloured(f"Not done: {exc}", ERROR)
                return
            message.value = coloured(done.format(result), SUCCESS)

        def add_transcript(_: object) -> None:
            def action() -> int:
                if not chooser.value:
                    raise WorkbookError("no activity yet: add the activity first, then its file")
                name, data = uploaded(transcript)
                return self.edit_source(chooser.value, read_transcript(data, name), name)

            run(action, "Transcript imported ({} characters); its excerpts were re-anchored.")

        def add_codes(_: object) -> None:
            def action() -> int:
                name, data = uploaded(codebook)
                return self.import_codebook(name, data)

            run(action, "{} new code(s) added to the codebook.")

        def export(_: object) -> None:
            def action() -> str:
                folder = self.session.output_dir
                qdc = self.export_codebook(Path(folder) / "step6_codebook.qdc")
                self.export_codebook(Path(folder) / "step6_codebook.csv")
                self.export_memos(Path(folder) / "step6_memos.csv")
                return str(qdc.parent)

            run(action, "Codebook (.qdc and .csv) and memos written to {}.")

        buttons = []
        for label, handler in (
            ("Import transcript", add_transcript),
            ("Import codebook", add_codes),
            ("Export codebook and memos", export),
        ):
            buttons.append(button(label))
            buttons[-1].on_click(handler)
        box = widgets.VBox(
            [
                widgets.HBox([chooser, transcript, buttons[0]]),
                widgets.HBox([codebook, buttons[1], buttons[2]]),
                message,
            ]
        )
        return WithFallback(box, "")  # an exported page shows no upload panel

    def export_codebook(self, path: str | Path) -> Path:
        """Write the codebook as .qdc (by the file's suffix) or CSV."""
        path = Path(path)
        codes = self.codebook_table.records(public=True)
        if path.suffix.lower() == ".qdc":
            path.write_text(write_qdc(codes), encoding="utf-8")
        else:
            frame = pd.DataFrame(
                [
                    {
                        "id": c["id"],
                        "name": c.get("name"),
                        "description": c.get("description") or "",
                        "parent": c.get("parent") or "",
                        "pillars": "; ".join(listed(c.get("pillars"))),
                        "predictors": "; ".join(listed(c.get("predictors"))),
                    }
                    for c in codes
                ],
                columns=["id", "name", "description", "parent", "pillars", "predictors"],
            )
            frame.to_csv(path, index=False)
        return path

    # -- excerpts --

    def excerpts(self) -> RecordTable | HTML:
        """The excerpts to code in edit mode; in view mode a table whose passages are
        redacted and withheld where the people of the activity did not agree to quotes."""
        if not self.for_readers():
            return self.excerpts_table
        sources = self.sources()
        names = {c["id"]: c.get("name") or c["id"] for c in self.codes()}
        rows = [
            (
                activity_label(sources.get(str(e.get("source")), {})),
                self._quote(qual.text_of(e.get("quote"), True), sources.get(str(e.get("source")))),
                "; ".join(str(names[c]) for c in qual.listed(e.get("codes")) if c in names),
                qual.text_of(e.get("memo"), True),
            )
            for e in self.excerpt_records()
        ]
        if not rows:
            return HTML(views.paragraph("No excerpts coded yet."))
        return HTML(views.table(rows, ["Activity", "Passage", "Codes", "Memo"], "Excerpts"))

    def add_excerpt(
        self, source_id: str, quote: str, codes: Sequence[str] = (), memo: str = "", near: int = 0
    ) -> str:
        """Code a passage of an activity's material (found in its text by the quote)."""
        source = self.activities_table.get(source_id)
        text = str((source.get("material") or {}).get("text") or "")
        try:
            start, end = qual.passage(text, quote, near)
        except ValueError as exc:
            raise RecordError(EXCERPTS_SECTION, {"quote": str(exc)}) from None
        return self.excerpts_table.add(
            {
                "source": source_id,
                "start": start,
                "end": end,
                "quote": quote,
                "codes": list(codes),
                "memo": memo,
            }
        )

    def identifiers_found(self) -> HTML:
        """What redaction hides in the activities' material: each identifier in edit mode,
        only how many of each kind in view mode."""
        rows, counts = [], {}
        for record in self.activities_table.records():
            text = str((record.get("material") or {}).get("text") or "")
            for found in qual.find_identifiers(text, self.names):
                counts[found.kind] = counts.get(found.kind, 0) + 1
                rows.append((activity_label(record), found.kind, found.text, found.start))
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        if self.for_readers():  # a page for readers: how many, never what
            if not rows:
                return HTML("")
            words = {"email": ("e-mail address", "e-mail addresses"), "name": ("name", "names"),
                     "phone": ("phone number", "phone numbers")}  # fmt: skip
            found = ", ".join(
                f"{n} {words.get(kind, (kind, kind))[n != 1]}" for kind, n in sorted(counts.items())
            )
            return HTML(
                views.paragraph(f"Hidden on this page, from the activities' notes: {found}.")
            )
        if not rows:
            return HTML(views.paragraph("No e-mail, phone number or listed name in the material."))
        note = views.paragraph(f"Redacted outside edit mode: {summary}.")
        return HTML(note + views.table(rows, ["Activity", "Kind", "Found", "At character"]))

    def flagged_identifiers(self, text: str) -> HTML:
        """The identifiers found in ``text`` while coding, to redact or rephrase."""
        found = qual.find_identifiers(text, self.names)
        if not found:
            return HTML(views.paragraph("No e-mail, phone number or listed name found."))
        rows = [
            (i.kind, i.text if not self.read_only else qual.MARKS[i.kind], i.start) for i in found
        ]
        return HTML(
            views.table(
                rows, ["Kind", "Found", "At character"], "Identifiers: redacted outside edit mode"
            )
        )

    # -- analysis views --

    def frequency(self, by: str = "type") -> Live:
        def build():
            if not self.excerpt_records():  # the excerpts above say there are none yet
                return HTML("")
            labels = (
                TYPE_LABELS
                if by == "type"
                else {
                    str(g["id"]): str(g.get("name")) for g in self.groups_table.records(public=True)
                }
            )
            table = qual.frequencies(
                self.excerpt_records(), self.codes(), self.sources().values(), by, labels
            )
            return charts.frequency_bars(
                table, "activity type" if by == "type" else "working group"
            )

        return self._live(build)

    def cooccurrence(self) -> Live:
        def build():
            excerpts = self.excerpt_records()
            if not excerpts:  # the excerpts above say there are none yet
                return HTML("")
            table = qual.cooccurrence(excerpts, self.codes())
            return charts.cooccurrence_heatmap(qual.cooccurrence_long(table))

        return self._live(build)

    def code_excerpts(self, code_id: str) -> HTML:
        table = qual.code_excerpts(code_id, self.excerpt_records(), self.sources())
        sources = self.sources()
        rows = [
            (
                r.excerpt,
                TYPE_LABELS.get(r.type, r.type),
                self._quote(r.quote, sources.get(r.source)),
                r.memo,
            )
            for r in table.itertuples()
        ]
        return HTML(views.table(rows, ["Excerpt", "Activity", "Passage", "Memo"]))

    def _quote(self, quote: str, source: Mapping[str, Any] | None) -> str:
        if self.for_readers() and not qual.quotable(source):
            return WITHHELD
        return quote

    def memos(self) -> HTML:
        table = qual.memos(self.excerpt_records(), self.codes())
        if table.empty:  # no memo yet: nothing to list
            return HTML("")
        return HTML(views.table(table.values.tolist(), ["Kind", "About", "Codes", "Memo"]))

    def export_memos(self, path: str | Path) -> Path:
        """All memos together, redacted, as CSV."""
        qual.memos(self.excerpt_records(), self.codes()).to_csv(path, index=False)
        return Path(path)

    def reach(self) -> HTML:
        table = qual.reach(self.activities_table.records(public=True), TYPE_LABELS)
        if table.empty:  # the activities' table below says there are none yet
            return HTML("")
        return HTML(
            views.table(table.values.tolist(), ["Activity type", "Activities", "People reached"])
        )

    # -- systems and narratives --

    def timeline(self) -> RecordTable:
        return self.timeline_table

    def timeline_chart(self) -> Live:
        def build():
            events = self.timeline_table.records(public=True)
            if not events:  # the timeline's table above says there are none yet
                return HTML("")
            return charts.timeline_chart(
                pd.DataFrame(events, columns=["date", "what", "who", "effect"])
            )

        return self._live(build)

    def relationships(self) -> RecordTable:
        return self.relationships_table

    def network(self) -> Live:
        def build():
            rows = [
                (r.get("from_org"), r.get("to_org"), r.get("kind"))
                for r in self.relationships_table.records(public=True)
            ]
            if not rows:  # the relationships' table above says there are none yet
                return HTML("")
            return charts.network_chart(pd.DataFrame(rows, columns=["source", "target", "kind"]))

        return self._live(build)

    def narratives(self) -> RecordTable:
        return self.narratives_table

    def identifiers(self) -> RecordTable | HTML:
        """The team's list of names to redact: an editing tool, left out of readers' pages."""
        if self.for_readers():
            return HTML("")
        return self.identifiers_table

    # -- findings --

    def findings(self) -> RecordTable | HTML:
        """The findings form in the editing notebook; for readers, a table in words."""
        if not self.for_readers():
            return self.findings_table
        rows = self.findings_table.records(public=True)
        if not rows:
            return HTML(views.paragraph("No findings drafted yet."))
        return HTML(
            views.table(
                [self._finding_row(f) for f in rows],
                ["Finding", "Evidence", "Strength", "Groups it concerns",
                 "What community members said back", "Revisions"],
            )
        )  # fmt: skip

    def _evidence_words(self, evidence: Any) -> str:
        """'2 metrics (A; B); 1 local measure (C); 3 excerpts (2 focus group, 1 interview)'."""
        items = [e for e in evidence or [] if isinstance(e, Mapping)]
        catalog = self.session.catalog
        measures = {
            f"{d.get('id')}/{m.get('id')}": str(m.get("name") or "")
            for d in self.store.get(LOCAL_DATA, public=True).value or []
            if isinstance(d, Mapping)
            for m in d.get("measures") or []
            if isinstance(m, Mapping)
        }
        excerpts = {str(e["id"]): e for e in self.excerpt_records() if e.get("id")}
        sources = self.sources()
        metrics = [catalog[e["ref"]].name for e in items
                   if e.get("kind") == "metric" and e.get("ref") in catalog]  # fmt: skip
        local = [measures.get(str(e.get("ref")), "a local measure") for e in items
                 if e.get("kind") == "local"]  # fmt: skip
        heard: dict[str, int] = {}
        for e in items:
            if e.get("kind") == "excerpt":
                excerpt = excerpts.get(str(e.get("ref"))) or {}
                kind = (sources.get(str(excerpt.get("source"))) or {}).get("type")
                label = TYPE_LABELS.get(str(kind), "activity").lower()
                heard[label] = heard.get(label, 0) + 1
        parts = []
        if metrics:
            parts.append(f"{len(metrics)} metric{'s' if len(metrics) > 1 else ''} "
                         f"({'; '.join(metrics)})")  # fmt: skip
        if local:
            parts.append(f"{len(local)} local measure{'s' if len(local) > 1 else ''} "
                         f"({'; '.join(local)})")  # fmt: skip
        if heard:
            total = sum(heard.values())
            where = ", ".join(
                f"{n} from {'an' if kind[:1] in 'aeiou' else 'a'} {kind}" if n == 1
                else f"{n} from {kind}s"
                for kind, n in heard.items()
            )  # fmt: skip
            parts.append(f"{total} excerpt{'s' if total > 1 else ''} ({where})")
        return "; ".join(parts) or "-"

    def _finding_row(self, finding: Mapping[str, Any]) -> tuple[str, ...]:
        follow = finding.get("follow_up") or {}
        said = ""
        if isinstance(follow, Mapping) and follow.get("response"):
            people = follow.get("people")
            who = f"{people} people" if isinstance(people, int | float) and people else "People"
            response = headline.RESPONSES.get(str(follow["response"]), "answered")
            comment = str(follow.get("comments") or "").strip()
            said = f"{who} {response}" + (f": {comment}" if comment else ".")
        revisions = "; ".join(
            f"{review.long_date(str(r.get('date') or ''))}: {r.get('reason') or ''} "
            f"(was: {r.get('before') or ''})"
            for r in finding.get("revisions") or []
            if isinstance(r, Mapping)
        )
        return (  # the findings' own title is the notebook's section heading
            str(finding.get("statement") or ""),
            self._evidence_words(finding.get("evidence")),
            STRENGTH_LABELS.get(str(finding.get("strength")), "-"),
            ", ".join(listed(finding.get("groups"))) or "-",
            said or "Not taken back yet.",
            revisions or "-",
        )

    def follow_up(
        self, finding_id: str, response: str, comments: str = "", people: int | None = None
    ) -> None:
        """Record what community members said back about a finding."""
        self.findings_table.update(
            finding_id,
            {"follow_up": {"response": response, "comments": comments, "people": people}},
        )

    def revise(self, finding_id: str, statement: str, reason: str, on: str | None = None) -> None:
        """Change a finding's statement, recording the change and its reason."""
        if not finding_id:
            raise RecordError(FINDINGS_SECTION, {"statement": "Choose the finding to revise."})
        if not statement.strip():
            raise RecordError(FINDINGS_SECTION, {"statement": "Write the finding as revised."})
        if not reason.strip():
            raise RecordError(FINDINGS_SECTION, {"revisions": "Give the reason for the revision."})
        record = self.findings_table.get(finding_id)
        revisions = [
            *(record.get("revisions") or []),
            {
                "date": on or date.today().isoformat(),
                "before": record.get("statement"),
                "after": statement,
                "reason": reason.strip(),
            },
        ]
        self.findings_table.update(finding_id, {"statement": statement, "revisions": revisions})

    def joint_displays(self) -> HTML:
        table = joint_table(
            self.session,
            self.store.get(PRIORITIES).value,
            self.store.get(LOCAL_DATA).value or [],
            self.store,
            self.excerpt_records(),
            self.codes(),
            self.sources(),
            self.findings_table.records(public=True),
        )
        return HTML(joint_html(table))

    def sustain(self) -> RecordTable:
        return self.sustain_table
