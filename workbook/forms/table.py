"""The RecordTable: repeated records (stakeholders, action items) saved as a list section.

Each change is saved at once, one record at a time, so two laptops adding records at
the same workshop both land; only a change to the same record becomes a conflict for a
person to settle. Records come in and go out as CSV (and Excel) files too.
"""

from __future__ import annotations

import copy
import csv
import io
import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from workbook.display.theme import ERROR, PENDING, SUCCESS, TEXT_MUTED
from workbook.errors import WorkbookError
from workbook.forms.base import Editor, saver
from workbook.forms.cells import neutralise_cell
from workbook.forms.controls import FieldSet, button, hidden
from workbook.forms.errors import FormSpecError, RecordError
from workbook.forms.fields import EMPTY, Field
from workbook.forms.file_import import (
    DEFAULT_MAX_IMPORT_BYTES,
    DEFAULT_MAX_IMPORT_ROWS,
    RecordImportReport,
    parse_csv,
)
from workbook.forms.messages import coloured, local_time, saved_line, updated_line
from workbook.forms.rules import Rule, check_values
from workbook.forms.static import records_table
from workbook.plan.store import ConflictError, PlanStore, strip_private


def _new_id() -> str:
    return uuid.uuid4().hex[:12]


def _find(items: Any, record_id: str) -> dict | None:
    """The record with ``record_id`` in a saved list, or None."""
    for item in items or []:
        if isinstance(item, dict) and item.get("id") == record_id:
            return item
    return None


class RecordTable(Editor):
    """Repeated records (stakeholders, respondents, action items) saved as a list section.

    Each record is a dict with a stable ``id``. Changes are saved at once, one record at a
    time; when someone else saved the table meanwhile, the change is re-applied on top of
    theirs unless they changed the same record (then it is a conflict to settle).
    """

    KIND = "RecordTable"
    KEEPS = list
    INSTEAD = "a Form for a dict"
    CSS_CLASS = "wb-table"
    RESERVED = ("id",)

    def __init__(
        self,
        fields: Sequence[Field],
        store: PlanStore,
        section: str,
        *,
        title: str = "",
        intro: str = "",
        rules: Sequence[Rule] = (),
        read_only: bool | None = None,
        label_field: str | None = None,
        max_import_bytes: int = DEFAULT_MAX_IMPORT_BYTES,
        max_import_rows: int = DEFAULT_MAX_IMPORT_ROWS,
        export_path: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(
            fields, store, section, title=title, intro=intro, rules=rules, read_only=read_only
        )
        public = [f for f in self.fields if not f.private]
        self.label_field = label_field or (public[0].name if public else None)
        if self.label_field is not None and self.label_field not in self.by_name:
            raise FormSpecError(f"label_field '{label_field}' is not one of the fields")
        self.max_import_bytes = max_import_bytes
        self.max_import_rows = max_import_rows
        self.export_path = Path(export_path) if export_path else None
        self.record = self._fetch()
        self._pending: Callable[[list], list] | None = None
        self._confirm_delete = False
        self._refreshing = False
        if not self.read_only:
            self._build()

    def _subject(self) -> str:
        return f"the table '{self.section}'"

    # -- the plan --

    def records(self, public: bool = False) -> list[dict[str, Any]]:
        """Copies of the saved records; ``public`` leaves out private fields."""
        items = [i for i in copy.deepcopy(self.record.value or []) if isinstance(i, dict)]
        return strip_private(items, self.private_paths) if public else items

    def get(self, record_id: str) -> dict[str, Any]:
        found = _find(self.record.value, record_id)
        if found is None:
            raise RecordError(self.section, {"id": f"no record with id '{record_id}'"})
        return copy.deepcopy(found)

    def reload(self) -> None:
        """Read the table as saved now (settling a shown conflict in favour of the saved)."""
        if not self.read_only:
            self._settle_as_saved()
        self.conflict = None
        self._pending = None
        self.record = self._fetch()
        if not self.read_only:
            self._refresh_table()
            hidden(self.conflict_box, True)

    def _complete(self, values: Mapping[str, Any], base: Mapping[str, Any] | None = None) -> dict:
        unknown = [k for k in values if k not in self.by_name]
        if unknown:
            raise RecordError(self.section, {k: "not a field of this table" for k in unknown})
        merged = dict(base or {})
        for f in self.fields:
            if f.name in values:
                merged[f.name] = f.coerce(values[f.name])
            else:
                merged[f.name] = f.clean(merged.get(f.name))
        errors = check_values(self.fields, self.rules, merged)
        if errors:
            raise RecordError(self.section, errors)
        return merged

    def add(self, values: Mapping[str, Any]) -> str:
        """Check and save a new record; returns its id."""
        self._require_editable()
        record = {"id": _new_id(), **self._complete(values)}
        self._commit(lambda items: [*items, record])
        return record["id"]

    def update(self, record_id: str, values: Mapping[str, Any], force: bool = False) -> None:
        """Change fields of a record (the others stay). ``force`` saves over a record
        someone else changed meanwhile."""
        self._require_editable()
        changed = {"id": record_id, **self._complete(values, self.get(record_id))}

        def apply(items: list) -> list:
            if _find(items, record_id) is None:
                return [*items, changed]  # deleted meanwhile and forced: bring it back
            return [changed if _find([i], record_id) else i for i in items]

        self._commit(
            apply,
            target=None if force else record_id,
            conflict_id=self._forced() if force else None,
        )

    def _forced(self) -> int | None:
        # Saving over someone's change after a refusal settles the conflict it raised.
        return self.conflict.conflict_id if self.conflict is not None else None

    def delete(self, record_id: str, force: bool = False) -> None:
        """Remove a record (it stays in the plan's history)."""
        self._require_editable()
        self.get(record_id)
        self._commit(
            lambda items: [i for i in items if not _find([i], record_id)],
            target=None if force else record_id,
            conflict_id=self._forced() if force else None,
            done_if_gone=True,
        )

    def _commit(
        self,
        apply: Callable[[list], list],
        target: str | None = None,
        conflict_id: int | None = None,
        done_if_gone: bool = False,
    ) -> None:
        """Save ``apply`` (a change to the list) on the version this table loaded.

        If someone saved meanwhile and did not touch ``target``, the change is applied
        to their version instead, settling the kept conflict; otherwise the conflict is
        raised for a person to decide. ``conflict_id`` settles an earlier conflict;
        ``done_if_gone`` (a deletion) is satisfied if someone else removed ``target``.
        """
        base = self.record
        for _ in range(5):
            items = apply(copy.deepcopy(list(base.value or [])))
            try:
                if conflict_id is None:
                    saved = self.store.save(
                        self.section, items, base.version, private=self.private_paths
                    )
                else:
                    saved = self.store.resolve_conflict(
                        conflict_id,
                        keep="mine",
                        value=items,
                        base_version=base.version,
                        private=self.private_paths,
                    )
            except ConflictError as exc:
                current = exc.current
                if done_if_gone and target is not None and _find(current.value, target) is None:
                    self.store.resolve_conflict(exc.conflict_id, keep="saved")
                    self.record, self.conflict, self._pending = current, None, None
                    return
                if target is not None and _find(base.value, target) != _find(current.value, target):
                    # The same record changed: a person decides. The table now shows
                    # the saved version; the refused change waits in _pending.
                    self.record, self.conflict, self._pending = current, exc, apply
                    raise
                base, conflict_id = current, exc.conflict_id
                continue
            self.record = saved
            self.conflict = None
            self._pending = None
            return
        raise WorkbookError(
            f"'{self.section}' kept changing while saving (five tries); nothing was lost "
            "(see the plan's conflicts). Try again in a moment"
        )

    # -- CSV --

    def import_csv(
        self,
        source: Any,
        import_valid_only: bool = False,
        encoding: str | None = None,
    ) -> RecordImportReport:
        """Add the rows of a CSV file (a path, bytes, or a FileUpload value).

        Every row is checked first. If any row has a problem nothing is imported, unless
        ``import_valid_only`` is True (then the sound rows are added). The report lists
        each problem by row and column.
        """
        self._require_editable()
        valid, report = parse_csv(
            self.fields,
            self.rules,
            source,
            max_bytes=self.max_import_bytes,
            max_rows=self.max_import_rows,
            encoding=encoding,
        )
        if not valid or (report.problems and not import_valid_only):
            return report
        new = [{"id": _new_id(), **row} for row in valid]
        self._commit(lambda items: [*items, *new])
        report.added = len(new)
        return report

    def export_csv(self, path: str | os.PathLike[str] | None = None, public: bool = True) -> str:
        """The records as CSV text (written to ``path`` too, as UTF-8 that Excel reads).

        The public export leaves out private fields. Cells that a spreadsheet would run as
        a formula start with an apostrophe.
        """
        columns = ["id"] + [c for f in self.fields for c in f.columns(not public)]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for item in self.records(public=public):  # without what consent does not cover
            cells = {"id": str(item.get("id", ""))}
            for f in self.fields:
                cells.update(f.to_cells(f.clean(item.get(f.name)), not public))
            writer.writerow([neutralise_cell(cells.get(c, "")) for c in columns])
        text = buffer.getvalue()
        if path is not None:
            target = Path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8-sig", newline="")
        return text

    def to_frame(self, public: bool = True) -> Any:
        """The records as a pandas DataFrame (one column per CSV column)."""
        import pandas as pd

        return pd.read_csv(io.StringIO(self.export_csv(public=public)), dtype=str).fillna("")

    # -- display --

    def _label(self, item: Mapping[str, Any]) -> str:
        if self.label_field is None:
            return str(item.get("id", ""))
        text = self.by_name[self.label_field].display(item.get(self.label_field))
        return text if text != EMPTY else f"(no {self.by_name[self.label_field].title.lower()})"

    def table_html(self) -> str:
        """The records as an escaped HTML table of the public fields (and of the public
        parts of each record: a contact who did not agree to be named is left out)."""
        return records_table(self.fields, self.records(public=True))

    def _static_body(self) -> str:
        return self.table_html()

    def _static_line(self) -> str:
        count = len(self.records())
        if not count:
            return ""  # the body says "No records yet."; "0 records. Not saved yet" adds nothing
        return f"{count} record{'s' if count != 1 else ''}. {updated_line(self.record)}"

    # -- widgets --

    def _build(self) -> None:
        self.fieldset = FieldSet(self.fields, self.rules, self._edited, self.section)
        self.controls = self.fieldset.controls
        self.table_widget = widgets.HTML()
        self.picker = widgets.Dropdown(description="Record:", options=[("New record", "")])
        self.picker.observe(lambda _: self._picked(), names="value")
        self.save_button = button("Save record", "primary", "save")
        self.save_button.on_click(lambda _: self.save_editor())
        self.new_button = button("New record", icon="plus")
        self.new_button.on_click(lambda _: self._select(""))
        self.delete_button = button("Delete record", "danger", "trash")
        self.delete_button.on_click(lambda _: self.delete_selected())
        self.reload_button, self.force_button = self._build_status_and_conflict(
            "Load the saved records", self._reload_clicked, self.force_pending
        )
        self.upload = widgets.FileUpload(accept=".csv,text/csv", multiple=False)
        self.only_valid = widgets.Checkbox(
            value=False, description="Import only the rows without problems", indent=False
        )
        self.import_button = button("Import CSV", icon="upload")
        self.import_button.on_click(lambda _: self.import_upload())
        self.import_report = widgets.HTML("")
        import_row = [self.upload, self.only_valid, self.import_button]
        self.export_message = widgets.HTML("")
        if self.export_path is not None:
            self.export_button = button("Export CSV (no private fields)", icon="download")
            self.export_button.on_click(lambda _: self.export_clicked())
            import_row.append(self.export_button)
        self.widget = widgets.VBox(
            [
                self._header(),
                self.table_widget,
                self.picker,
                self.fieldset.box,
                widgets.HBox([self.save_button, self.new_button, self.delete_button]),
                self.status,
                self.conflict_box,
                widgets.HTML("<b>Add many records from a CSV file</b>"),
                widgets.HBox(import_row, layout=widgets.Layout(flex_flow="row wrap")),
                self.import_report,
                self.export_message,
            ]
        )
        self._refresh_table()
        self._select("")

    def _refresh_table(self, keep: str | None = None) -> None:
        self.table_widget.value = self.table_html()
        selected = self.picker.value if keep is None else keep
        options = [("New record", "")] + [
            (f"{n}. {self._label(item)}", item["id"])
            for n, item in enumerate(self.records(), 1)
            if "id" in item
        ]
        # Changing the options moves the selection through other records: do not load
        # each of them into the editor on the way.
        self._refreshing = True
        try:
            with self.picker.hold_sync():
                self.picker.options = options
                self.picker.value = selected if any(v == selected for _, v in options) else ""
        finally:
            self._refreshing = False

    def _select(self, record_id: str) -> None:
        if self.picker.value != record_id:
            self.picker.value = record_id  # triggers _picked
        else:
            self._picked()

    def _picked(self) -> None:
        if self._refreshing:
            return
        record_id = self.picker.value
        self._confirm_delete = False
        self.delete_button.description = "Delete record"
        self.delete_button.disabled = not record_id
        values = _find(self.record.value, record_id) if record_id else {}
        problems = self.fieldset.load(values or {})
        self.fieldset.show(problems, include_missing=False)
        self._say("" if not record_id else f"Editing '{self._label(values or {})}'.", TEXT_MUTED)

    def _edited(self) -> None:
        errors = self.fieldset.validate()
        self.fieldset.show(errors, include_missing=False)
        self._say("Unsaved changes to this record.", PENDING)

    @property
    def message(self) -> widgets.HTML:
        """The line under the editor's buttons (the status line)."""
        return self.status

    @property
    def message_text(self) -> str:
        return self.status_text

    def save_editor(self) -> bool:
        """Save what the editor holds, as a new record or over the one selected."""
        if self._refuse_invalid(self.fieldset.validate()):
            return False
        record_id = self.picker.value
        saved_id = record_id

        def save() -> None:
            nonlocal saved_id
            if record_id:
                self.update(record_id, self.fieldset.values())
            else:
                saved_id = self.add(self.fieldset.values())

        if not self._try_save(save, lambda exc: self._show_conflict(exc, record_id)):
            return False
        label = self._label(_find(self.record.value, saved_id) or {})
        self._show_saved(f"Saved '{label}'.", keep=saved_id)
        return True

    def delete_selected(self) -> bool:
        """First call asks for confirmation; the second deletes the selected record."""
        record_id = self.picker.value
        if not record_id:
            return False
        if not self._confirm_delete:
            self._confirm_delete = True
            self.delete_button.description = "Click again to delete"
            label = self._label(_find(self.record.value, record_id) or {})
            self._say(f"Delete '{label}'? Click the button again to confirm.", PENDING)
            return False
        if not self._try_save(
            lambda: self.delete(record_id),
            lambda exc: self._show_conflict(exc, record_id),
            failed="Not deleted",
        ):
            return False
        self._show_saved("Deleted.", keep="")
        return True

    def _show_saved(self, text: str, keep: str | None = None) -> None:
        """After a change was saved: hide the conflict panel, list the records again
        (selecting ``keep``; '' empties the editor) and say ``text`` with the saved-at."""
        hidden(self.conflict_box, True)
        self._refresh_table(keep=keep)
        if keep == "":
            self._select("")
        self._say(f"{text} {saved_line(self.record)}.", SUCCESS)

    def _show_conflict(self, exc: ConflictError, record_id: str) -> None:
        who = saver(exc)
        theirs = _find(exc.current.value, record_id)
        what = "deleted it" if theirs is None else "changed it"
        self._show_conflict_panel(
            f"Not saved: {who} {what} at {local_time(exc.current.saved_at)}, after you "
            f"opened it. Your version is still in the editor, and kept in the plan as "
            f"conflict #{exc.conflict_id}. Load the saved records, or keep yours.",
            who,
            theirs or {},
            self.fieldset.values(),
            status="Not saved: someone else changed this record first (see below).",
            changed_only=False,
        )

    def _reload_clicked(self) -> None:
        selected = self.picker.value
        self.reload()
        self._refresh_table(keep=selected)
        self._picked()

    def force_pending(self) -> bool:
        """After a conflict: apply the refused change over the saved version."""
        pending = self._pending
        if pending is None:
            return False
        conflict_id = self.conflict.conflict_id if self.conflict is not None else None
        if not self._try_save(lambda: self._commit(pending, conflict_id=conflict_id)):
            return False
        self._show_saved("Saved.")
        return True

    def import_upload(self) -> RecordImportReport:
        """Import the file chosen in the upload widget, and show the report."""
        report = self.import_csv(self.upload.value, import_valid_only=self.only_valid.value)
        self.import_report.value = report.html()
        if report.added:
            self._refresh_table()
        return report

    def export_clicked(self) -> None:
        assert self.export_path is not None
        try:
            self.export_csv(self.export_path, public=True)
        except OSError as exc:
            self.export_message.value = coloured(f"Not exported: {exc}", ERROR)
            return
        self.export_message.value = coloured(
            f"Exported to {self.export_path} (private fields left out).", SUCCESS
        )
