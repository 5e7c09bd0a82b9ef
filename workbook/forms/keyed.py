"""Record tables over a list kept inside a dict section, and choices that follow the plan.

Some sections are one document with several lists (a theory of change: outcomes, links,
interventions), because what refers to what must be saved together. :class:`KeyedStore`
shows one of those lists to a :class:`~workbook.forms.table.RecordTable` as if it were
a list section: the table saves its records one at a time as always, the store writes
them back into the dict with the version the table loaded, and a conflict reaches the
table in the table's own shape. Two tables over two lists of one section both land: the
second save is re-applied on top of the first.

:class:`LiveChoice` and :class:`LiveChoices` are choices read from the plan when asked
(the outcomes a link can start from), so a table's drop-down follows what other tables
saved without rebuilding the form.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import ipywidgets as widgets

from workbook.errors import WorkbookError
from workbook.forms.fields import EMPTY, Field, _match_option
from workbook.plan.store import ConflictError, PlanStore, Record


class KeyedStore:
    """The list under ``key`` of the dict section ``section``, as a list section."""

    def __init__(self, store: PlanStore, section: str, key: str) -> None:
        self.store = store
        self.section = section
        self.key = key

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)  # history, path...: the plan's own

    def _part(self, record: Record) -> Record:
        whole = record.value if isinstance(record.value, dict) else {}
        items = whole.get(self.key)
        items = copy.deepcopy(items) if isinstance(items, list) else []
        return replace(record, value=items if record.exists else None)

    def _whole(self, items: list, record: Record) -> dict[str, Any]:
        whole = dict(record.value) if isinstance(record.value, dict) else {}
        whole[self.key] = items
        return whole

    def _private(self, private: Iterable[str] | None) -> list[str] | None:
        return None if private is None else [f"{self.key}.{p}" for p in private]

    def _conflict(self, exc: ConflictError) -> ConflictError:
        return ConflictError(
            exc.section, exc.base_version, self._part(exc.current), exc.conflict_id,
            exc.attempted_by,
        )  # fmt: skip

    def get(self, section: str, public: bool = False) -> Record:
        return self._part(self.store.get(self.section, public=public))

    def save(
        self,
        section: str,
        value: list,
        base_version: int,
        author: str | None = None,
        private: Iterable[str] | None = None,
    ) -> Record:
        current = self.store.get(self.section)
        if base_version != current.version and self._untouched(base_version, current):
            base_version = current.version  # only the other lists changed: no conflict
        try:
            saved = self.store.save(
                self.section, self._whole(value, current), base_version, author,
                self._private(private),
            )  # fmt: skip
        except ConflictError as exc:
            raise self._conflict(exc) from None
        return self._part(saved)

    def _items(self, record: Record) -> Any:
        return record.value.get(self.key) if isinstance(record.value, dict) else None

    def _untouched(self, base_version: int, current: Record) -> bool:
        """Whether this list is as it was at ``base_version`` (others may have changed)."""
        if base_version == 0:
            return not self._items(current)
        try:
            base = self.store.get_version(self.section, base_version)
        except WorkbookError:
            return False
        return self._items(base) == self._items(current)

    def resolve_conflict(
        self,
        conflict_id: int,
        keep: str = "saved",
        value: Any = None,
        base_version: int | None = None,
        author: str | None = None,
        private: Iterable[str] | None = None,
    ) -> Record:
        whole = None
        if keep == "mine" and value is not None:
            whole = self._whole(value, self.store.get(self.section))
        try:
            record = self.store.resolve_conflict(
                conflict_id, keep, whole, base_version, author, self._private(private)
            )
        except ConflictError as exc:
            raise self._conflict(exc) from None
        return self._part(record)

    def change(self, apply: Callable[[dict[str, Any]], dict[str, Any]]) -> Record:
        """Save ``apply(whole section)`` on the latest version (for a change that spans
        several lists, such as an outcome deleted with its links)."""
        for _ in range(5):
            current = self.store.get(self.section)
            whole = dict(current.value) if isinstance(current.value, dict) else {}
            try:
                return self.store.save(self.section, apply(copy.deepcopy(whole)), current.version)
            except ConflictError as exc:
                self.store.resolve_conflict(exc.conflict_id, keep="saved")
        raise WorkbookError(
            f"'{self.section}' kept changing while saving (five tries); nothing was lost. "
            "Try again in a moment"
        )


Options = Callable[[], Sequence[tuple[str, str]]]


@dataclass(frozen=True)
class LiveChoice(Field):
    """One of choices read from the plan when needed (``source()`` gives (label, value)
    pairs); a drop-down whose options :meth:`refresh` brings up to date."""

    source: Options = field(default=lambda: ())

    missing_message: ClassVar[str] = "Please choose one."

    @property
    def labels(self) -> dict[str, str]:
        return {value: label for label, value in self.source()}

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return inputs["value"].value or None

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        self.refresh(inputs)
        inputs["value"].value = value if value in self.labels else ""

    def problem(self, value: Any) -> str | None:
        return None if value in self.labels else "Choose one of the listed options."

    def display(self, value: Any, include_private: bool = False) -> str:
        return EMPTY if self.is_empty(value) else self.labels.get(value, f"(removed: {value})")

    def from_text(self, text: str) -> Any:
        return _match_option(list(self.source()), text) if text else None

    def to_text(self, value: Any) -> str:
        return self.labels.get(value, str(value))

    def make_inputs(self) -> dict[str, widgets.Widget]:
        box = widgets.Dropdown(options=[("(choose one)", "")], value="")
        inputs = {"value": box}
        self.refresh(inputs)
        return inputs

    def refresh(self, inputs: Mapping[str, widgets.Widget]) -> None:
        box = inputs["value"]
        keep = box.value
        options = [("(choose one)", ""), *self.source()]
        with box.hold_trait_notifications():
            box.options = options
            box.value = keep if any(v == keep for _, v in options) else ""


@dataclass(frozen=True)
class LiveChoices(Field):
    """Any number of choices read from the plan when needed: a list box (arrow keys and
    Shift or Ctrl to pick several; screen readers announce it as a multi-select list)."""

    source: Options = field(default=lambda: ())
    rows: int = 5

    missing_message: ClassVar[str] = "Please choose at least one."

    @property
    def labels(self) -> dict[str, str]:
        return {value: label for label, value in self.source()}

    def clean(self, value: Any) -> Any:
        if isinstance(value, tuple | set):
            value = list(value)
        return None if self.is_empty(value) else value

    coerce = clean

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return self.clean(list(inputs["value"].value))

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        self.refresh(inputs)
        labels = self.labels
        chosen = [v for v in value or [] if v in labels] if isinstance(value, list) else []
        inputs["value"].value = tuple(chosen)

    def problem(self, value: Any) -> str | None:
        labels = self.labels
        if not isinstance(value, list) or any(v not in labels for v in value):
            return "Choose only the listed options."
        return None

    def display(self, value: Any, include_private: bool = False) -> str:
        if self.is_empty(value):
            return EMPTY
        labels = self.labels
        return "; ".join(labels.get(v, f"(removed: {v})") for v in value)

    def from_text(self, text: str) -> Any:
        parts = [p for p in text.split(";") if p.strip()]
        return [_match_option(list(self.source()), p) for p in parts] or None

    def to_text(self, value: Any) -> str:
        labels = self.labels
        return "; ".join(labels.get(v, str(v)) for v in value)

    def make_inputs(self) -> dict[str, widgets.Widget]:
        box = widgets.SelectMultiple(
            options=[], rows=self.rows, layout=widgets.Layout(width="100%", max_width="44em")
        )
        inputs = {"value": box}
        self.refresh(inputs)
        return inputs

    def refresh(self, inputs: Mapping[str, widgets.Widget]) -> None:
        box = inputs["value"]
        keep = tuple(box.value)
        options = list(self.source())
        with box.hold_trait_notifications():
            box.value = ()
            box.options = options
            box.value = tuple(v for v in keep if any(v == o for _, o in options))


def refresh_choices(table: Any) -> None:
    """Bring every live choice of an editable table up to date with the plan."""
    if getattr(table, "read_only", True):
        return
    for name, control in table.controls.items():
        spec = table.by_name[name]
        if isinstance(spec, LiveChoice | LiveChoices):
            spec.refresh(control.inputs)
