"""The Form: one set of answers saved as a dict section of the plan.

Answers are checked as they are typed and saved together with the version the form was
loaded from. Unsaved answers are kept on disk as a draft, so a kernel that stops (a
crash, a closed laptop) loses nothing: the next time the form opens it offers them back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

from workbook.display import views
from workbook.display.theme import PENDING, SUCCESS, TEXT_MUTED
from workbook.errors import WorkbookError
from workbook.forms.base import Editor, saver
from workbook.forms.controls import FieldSet, button, hidden
from workbook.forms.fields import Field
from workbook.forms.messages import coloured, local_time, saved_line, updated_line
from workbook.forms.rules import Rule, check_values
from workbook.forms.static import answers_table
from workbook.plan.store import ConflictError, PlanStore


class Form(Editor):
    """One set of answers saved as a dict section of the plan.

    ``Form(fields, store, section, rules=[DateOrder("start", "end")])``; display it as
    the last line of a cell. In view mode it is a static table of the public answers.
    """

    KIND = "Form"
    KEEPS = dict
    INSTEAD = "a RecordTable for a list"
    CSS_CLASS = "wb-form"

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
        draft_interval: float = 2.0,
    ) -> None:
        super().__init__(
            fields, store, section, title=title, intro=intro, rules=rules, read_only=read_only
        )
        self.draft_interval = draft_interval
        self.record = self._fetch()
        self._attempted = False
        self._last_draft = 0.0
        self._drafted = False
        self._draft_timer: threading.Timer | None = None
        if not self.read_only:
            self._build()

    def _subject(self) -> str:
        return f"the form for '{self.section}'"

    # -- the plan --

    def saved_values(self) -> dict[str, Any]:
        """The answers as last saved (all fields, private ones included)."""
        saved = self.record.value or {}
        return {f.name: f.clean(saved.get(f.name)) for f in self.fields}

    def _document(self) -> dict[str, Any]:
        # Keys the plan holds beyond these fields (from another version of the notebook)
        # are kept: a form never deletes what it does not know about.
        extra = {k: v for k, v in (self.record.value or {}).items() if k not in self.by_name}
        return {**extra, **self.values()}

    # -- the pure-Python API --

    def values(self) -> dict[str, Any]:
        """The answers as they stand in the widgets (the saved ones in view mode)."""
        if self.read_only:
            return self.saved_values()
        return self.fieldset.values()

    def set_value(self, name: str, value: Any) -> None:
        """Fill in a field, as a user typing would (dates may be date objects)."""
        self._require_editable()
        self.fieldset.set_value(name, value)

    def validate(self) -> dict[str, str]:
        """Problems with the current answers, by field name, in plain words."""
        return check_values(self.fields, self.rules, self.values())

    @property
    def dirty(self) -> bool:
        return not self.read_only and self.values() != self.saved_values()

    def save(self) -> bool:
        """Check and save the answers; False (with messages shown) if they were not saved."""
        self._require_editable()
        self._attempted = True
        errors = self.validate()
        count = len(errors)
        if self._refuse_invalid(
            errors,
            f"Not saved: {count} field{'s need' if count > 1 else ' needs'} attention "
            "(see the messages in red).",
        ):
            return False

        def save() -> None:
            self.record = self.store.save(
                self.section, self._document(), self.record.version, private=self.private_paths
            )

        if not self._try_save(save, self._show_conflict):
            return False
        self._saved()
        return True

    def reload(self) -> None:
        """Show the saved version (dropping unsaved changes; a conflict keeps them)."""
        self._require_editable()
        self._settle_as_saved()
        try:
            # The saved version was chosen: unsaved answers should not come back later.
            self.store.discard_draft(self.section)
        except WorkbookError:
            pass
        self.record = self._fetch()
        self.conflict = None
        self._attempted = False
        self._drafted = False
        problems = self.fieldset.load(self.saved_values())
        self.fieldset.show(problems, include_missing=False)
        hidden(self.conflict_box, True)
        self._refresh_status()

    def keep_mine(self) -> bool:
        """After a conflict: save the answers in the form over the version saved meanwhile."""
        self._require_editable()
        if self.conflict is None:
            return self.save()
        if self._refuse_invalid(self.validate()):
            return False
        conflict = self.conflict

        def resolve() -> None:
            self.record = self.store.resolve_conflict(
                conflict.conflict_id,
                keep="mine",
                value=self._document(),
                base_version=conflict.current.version,
                private=self.private_paths,
            )

        # A conflict here means someone saved yet again.
        if not self._try_save(resolve, self._show_conflict):
            return False
        self._saved()
        return True

    # -- drafts --

    def restore_draft(self) -> None:
        """Put back the unsaved answers found from an earlier session."""
        self._require_editable()
        draft = self.store.get_draft(self.section)
        if draft is not None and isinstance(draft.value, dict):
            self.fieldset.load(draft.value)
        hidden(self.draft_box, True)
        self._changed()

    def discard_draft(self) -> None:
        self._require_editable()
        self.store.discard_draft(self.section)
        hidden(self.draft_box, True)

    def _offer_draft(self) -> None:
        draft = self.store.get_draft(self.section)
        if draft is None or not isinstance(draft.value, dict):
            return
        drafted = {f.name: f.clean(draft.value.get(f.name)) for f in self.fields}
        if drafted == self.saved_values():
            return
        self.draft_message.value = coloured(
            f"Unsaved answers from {local_time(draft.saved_at)} were found: the notebook "
            "stopped before they were saved. Restore them into the form, or discard them.",
            PENDING,
        )
        hidden(self.draft_box, False)

    def _keep_draft(self) -> None:
        """Keep unsaved answers on disk, at most once per ``draft_interval`` seconds.

        A change that comes too soon after the last write is written by a timer when the
        interval is over, so the latest answers always reach the disk. Best effort:
        typing must never fail or stall because of a draft.
        """
        try:
            if self.dirty:
                wait = self.draft_interval - (time.monotonic() - self._last_draft)
                if wait <= 0:
                    self._write_draft()
                elif self._draft_timer is None:
                    self._draft_timer = threading.Timer(wait, self._flush_draft)
                    self._draft_timer.daemon = True
                    self._draft_timer.start()
            elif self._drafted:
                self.store.discard_draft(self.section)
                self._drafted = False
        except WorkbookError:
            pass

    def _write_draft(self) -> None:
        self.store.save_draft(self.section, self.values(), self.record.version)
        self._last_draft = time.monotonic()
        self._drafted = True

    def _flush_draft(self) -> None:
        self._draft_timer = None
        try:
            if self.dirty:
                self._write_draft()
        except Exception:
            pass  # a background thread must not die loudly over a draft

    # -- widgets --

    def _build(self) -> None:
        self.fieldset = FieldSet(self.fields, self.rules, self._changed, self.section)
        self.controls = self.fieldset.controls
        self.save_button = button("Save", "primary", "save")
        self.save_button.on_click(lambda _: self.save())
        self.reload_button, self.keep_button = self._build_status_and_conflict(
            "Load the saved version", self.reload, self.keep_mine
        )
        self.draft_message = widgets.HTML("")
        self.restore_button = button("Restore them", "info")
        self.restore_button.on_click(lambda _: self.restore_draft())
        self.discard_button = button("Discard them")
        self.discard_button.on_click(lambda _: self.discard_draft())
        self.draft_box = widgets.VBox(
            [self.draft_message, widgets.HBox([self.restore_button, self.discard_button])]
        )
        hidden(self.draft_box, True)
        self.widget = widgets.VBox(
            [
                self._header(),
                self.draft_box,
                self.fieldset.box,
                widgets.HBox([self.save_button, self.status]),
                self.conflict_box,
            ]
        )
        problems = self.fieldset.load(self.saved_values())
        self.fieldset.show(problems, include_missing=False)
        self._offer_draft()
        self._refresh_status()

    def _changed(self) -> None:
        errors = self.fieldset.validate()
        self.fieldset.show(errors, include_missing=self._attempted)
        self._refresh_status()
        self._keep_draft()

    def _saved(self) -> None:
        self.conflict = None
        self._attempted = False
        self._drafted = False
        hidden(self.conflict_box, True)
        hidden(self.draft_box, True)
        self.fieldset.show({}, include_missing=False)
        self._refresh_status()

    def _refresh_status(self) -> None:
        if self.conflict is not None:
            return
        if self.dirty:
            self._say("Unsaved changes", PENDING)
        else:
            colour = SUCCESS if self.record.exists else TEXT_MUTED
            self._say(saved_line(self.record), colour)

    def _show_conflict(self, exc: ConflictError) -> None:
        self.conflict = exc
        current = exc.current
        who = saver(exc)
        mine = self.values()
        theirs = {f.name: f.clean((current.value or {}).get(f.name)) for f in self.fields}
        hidden_count = sum(1 for f in self.fields if f.private and theirs[f.name] != mine[f.name])
        note = f" ({hidden_count} private field(s) also differ.)" if hidden_count else ""
        self._show_conflict_panel(
            f"Not saved: {who} saved this section at {local_time(current.saved_at)} "
            f"(version {current.version}) after you opened it. Your answers are still "
            f"in the form, and kept in the plan as conflict #{exc.conflict_id}. Compare "
            "them below, then load the saved version or keep yours." + note,
            who,
            theirs,
            mine,
            status="Not saved: someone else saved this section first (see below).",
            changed_only=True,
        )

    # -- display --

    def _static_body(self) -> str:
        if not self.record.exists:
            return views.paragraph("Not answered yet.")
        return answers_table(self.fields, self.saved_values())

    def _static_line(self) -> str:
        return updated_line(self.record)
