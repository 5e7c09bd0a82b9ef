"""What a Form and a RecordTable both do, written once.

Both editors hold one section of the plan, check their declaration, refuse changes in
view mode, show a status line ("Saved at 14:02 by Ana"), save through the plan store
with the version they loaded, and, when someone else saved first, keep the refused
answers and show a panel comparing them with the saved ones. Both render as a live
widget with a static copy, or as the static copy alone in view mode. Only what the
subclass holds (a dict of answers, a list of records) and how it saves differs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import ipywidgets as widgets

from workbook.display import views
from workbook.display.live import WithFallback
from workbook.display.theme import ERROR
from workbook.errors import WorkbookError
from workbook.forms.controls import FieldSet, button, hidden
from workbook.forms.errors import FormSpecError
from workbook.forms.fields import Field
from workbook.forms.messages import coloured, plain, updated_line
from workbook.forms.rules import Rule, check_spec
from workbook.forms.static import StaticHTML, block
from workbook.plan.store import ConflictError, PlanStore, PlanValueError, ReadOnlyError, Record

FIX_FIELDS_FIRST = "Not saved: fix the fields in red first."


def saver(exc: ConflictError) -> str:
    """Who saved the version that refused ours, as the conflict panel names them."""
    return exc.current.saved_by or "someone (no name set)"


class Editor:
    """Base of :class:`~workbook.forms.form.Form` and
    :class:`~workbook.forms.table.RecordTable`: one section of the plan, edited with
    widgets or shown as static HTML."""

    KIND: ClassVar[str] = "editor"  # the class named in messages
    KEEPS: ClassVar[type] = dict  # what the section holds
    INSTEAD: ClassVar[str] = ""  # the other editor, for a section of the other shape
    CSS_CLASS: ClassVar[str] = ""  # of the static copy's outer <div>
    RESERVED: ClassVar[tuple[str, ...]] = ()  # names the editor itself uses

    fieldset: FieldSet
    widget: widgets.Widget

    def __init__(
        self,
        fields: Sequence[Field],
        store: PlanStore,
        section: str,
        *,
        title: str,
        intro: str,
        rules: Sequence[Rule],
        read_only: bool | None,
    ) -> None:
        check_spec(fields, rules, reserved=self.RESERVED)
        self.fields = tuple(fields)
        self.by_name = {f.name: f for f in self.fields}
        self.rules = tuple(rules)
        self.store = store
        self.section = section
        self.title = title
        self.intro = intro
        self.read_only = bool(read_only) or store.read_only
        self.private_paths = sorted({p for f in self.fields for p in f.private_paths()})
        self.conflict: ConflictError | None = None

    # -- the plan --

    def _fetch(self) -> Record:
        record = self.store.get(self.section)
        if record.exists and not isinstance(record.value, self.KEEPS):
            raise FormSpecError(
                f"section '{self.section}' holds a {type(record.value).__name__}, but a "
                f"{self.KIND} keeps a {self.KEEPS.__name__}: use another section name, or "
                f"{self.INSTEAD}"
            )
        return record

    def _subject(self) -> str:
        """This editor in a sentence: "the form for 'step4.team'"."""
        return f"the {self.KIND} '{self.section}'"

    def _require_editable(self) -> None:
        if self.read_only:
            raise ReadOnlyError(
                f"{self._subject()} is in view mode: nothing can be changed. Open the plan "
                "with read_only=False to edit it"
            )

    def _settle_as_saved(self) -> None:
        """Settle a shown conflict in favour of the saved version (if it is still open)."""
        if self.conflict is not None:
            try:
                self.store.resolve_conflict(self.conflict.conflict_id, keep="saved")
            except PlanValueError:
                pass  # already settled elsewhere

    # -- widgets --

    def _header(self) -> widgets.HTML:
        return widgets.HTML(
            (views.heading(self.title) if self.title else "")
            + (views.paragraph(self.intro) if self.intro else "")
        )

    def _build_status_and_conflict(
        self, reload_label: str, on_reload: Callable[[], object], on_keep: Callable[[], object]
    ) -> tuple[widgets.Button, widgets.Button]:
        """The status line and the (hidden) conflict panel; returns its two buttons,
        'load the saved version' and 'keep mine'."""
        self.status = widgets.HTML("")
        self.conflict_message = widgets.HTML("")
        reload_button = button(reload_label, icon="refresh")
        reload_button.on_click(lambda _: on_reload())
        keep_button = button("Keep mine: save it over theirs", "warning")
        keep_button.on_click(lambda _: on_keep())
        self.conflict_box = widgets.VBox(
            [self.conflict_message, widgets.HBox([reload_button, keep_button])],
            layout=widgets.Layout(border=f"2px solid {ERROR}", padding="6px"),
        )
        hidden(self.conflict_box, True)
        return reload_button, keep_button

    def _say(self, text: str, colour: str) -> None:
        """Put ``text`` on the status line ('' clears it)."""
        self.status.value = coloured(text, colour) if text else ""

    @property
    def status_text(self) -> str:
        """What the status line says: 'Saved at 14:02 by Ana', 'Unsaved changes'..."""
        return plain(self.status.value) if not self.read_only else updated_line(self.record)

    def _refuse_invalid(self, errors: Mapping[str, str], message: str = FIX_FIELDS_FIRST) -> bool:
        """Show every problem under its field; True (with ``message`` said) if any."""
        self.fieldset.show(errors, include_missing=True)
        if errors:
            self._say(message, ERROR)
        return bool(errors)

    def _try_save(
        self,
        action: Callable[[], object],
        on_conflict: Callable[[ConflictError], None] | None = None,
        failed: str = "Not saved",
    ) -> bool:
        """Run ``action`` (a save); on failure say why and return False. A conflict goes
        to ``on_conflict`` when given (to show the comparison panel)."""
        try:
            action()
        except WorkbookError as exc:
            if on_conflict is not None and isinstance(exc, ConflictError):
                on_conflict(exc)
            else:
                self._say(f"{failed}: {exc}", ERROR)
            return False
        return True

    def _show_conflict_panel(
        self,
        message: str,
        who: str,
        theirs: Mapping[str, Any],
        mine: Mapping[str, Any],
        *,
        status: str,
        changed_only: bool,
    ) -> None:
        """Show ``message`` above a table of the public fields, theirs beside mine (only
        the ones that differ when ``changed_only``), and say ``status``."""
        rows = [
            (f.title, f.display(theirs.get(f.name)), f.display(mine.get(f.name)))
            for f in self.fields
            if f.name in mine
            and not f.private
            and not (changed_only and theirs.get(f.name) == mine.get(f.name))
        ]
        comparison = (
            views.table(rows, ["Field", f"Saved by {who}", "Yours"])
            if rows or not changed_only
            else ""
        )
        self.conflict_message.value = coloured(message, ERROR) + comparison
        hidden(self.conflict_box, False)
        self._say(status, ERROR)

    # -- display --

    def _static_body(self) -> str:
        raise NotImplementedError

    def _static_line(self) -> str:
        raise NotImplementedError

    def static_html(self) -> str:
        """The saved public content as escaped HTML: what exports and view mode show."""
        return block(self.CSS_CLASS, self.title, self._static_body(), self._static_line())

    def view(self) -> Any:
        """What a notebook cell displays: the live editor with a static copy, or the copy."""
        if self.read_only:
            return StaticHTML(self.static_html(), f"{self.title or self.section} (view only)")
        return WithFallback(self.widget, self.static_html())

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        return self.view()._repr_mimebundle_(**kwargs)
