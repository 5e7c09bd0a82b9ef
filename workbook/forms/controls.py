"""The widgets of a set of fields: each field's label, inputs and error line, loaded,
read and checked together; plus the small button helpers both editors use."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from workbook.display.html import escape
from workbook.display.theme import ERROR, TEXT_MUTED
from workbook.forms.errors import FormSpecError, RecordError
from workbook.forms.fields import Field
from workbook.forms.messages import coloured, plain
from workbook.forms.rules import Rule, check_values


class Control:
    """The widgets of one field: a label, the inputs, and a place for its error."""

    def __init__(self, spec: Field) -> None:
        self.field = spec
        self.inputs = spec.make_inputs()
        badge = (
            f' <span style="color:{TEXT_MUTED};font-size:0.9em">'
            "(private: not shown in views or public exports)</span>"
            if spec.private
            else ""
        )
        star = f' <span style="color:{ERROR}" title="required">*</span>' if spec.required else ""
        help_html = (
            f'<div style="color:{TEXT_MUTED};font-size:0.9em">{escape(spec.help)}</div>'
            if spec.help
            else ""
        )
        self.label = widgets.HTML(f"<b>{escape(spec.title)}</b>{star}{badge}{help_html}")
        self.error = widgets.HTML("")
        self.box = widgets.VBox(
            [self.label, spec.arrange(self.inputs), self.error],
            layout=widgets.Layout(margin="0 0 10px 0"),
        )

    def get(self) -> Any:
        return self.field.read(self.inputs)

    def set(self, value: Any) -> None:
        self.field.write(self.inputs, value)

    def show_error(self, message: str | None) -> None:
        self.error.value = coloured(message, ERROR) if message else ""

    @property
    def error_text(self) -> str:
        """The message shown under the field, as plain text ('' when none)."""
        return plain(self.error.value)

    def observe(self, callback: Callable[[Any], None]) -> None:
        for widget in self.inputs.values():
            widget.observe(callback, names="value")


class FieldSet:
    """Controls for a list of fields, with loading, reading and error display."""

    def __init__(
        self,
        fields: Sequence[Field],
        rules: Sequence[Rule],
        on_change: Callable[[], None],
        section: str = "form",
    ) -> None:
        self.section = section
        self.fields = tuple(fields)
        self.rules = tuple(rules)
        self.controls = {f.name: Control(f) for f in self.fields}
        self._quiet = False
        self._on_change = on_change
        for control in self.controls.values():
            control.observe(self._changed)
        self.box = widgets.VBox([c.box for c in self.controls.values()])

    def _changed(self, _change: Any = None) -> None:
        if not self._quiet:
            self._on_change()

    def values(self) -> dict[str, Any]:
        return {name: control.get() for name, control in self.controls.items()}

    def set_value(self, name: str, value: Any) -> None:
        if name not in self.controls:
            raise FormSpecError(f"no field named '{name}'; fields: {', '.join(self.controls)}")
        try:
            self.controls[name].set(value)
        except ValueError as exc:
            raise RecordError(self.section, {name: str(exc)}) from None

    def load(self, values: Mapping[str, Any]) -> dict[str, str]:
        """Put saved values in the widgets; return what could not be shown, by field."""
        problems = {}
        self._quiet = True
        try:
            for name, control in self.controls.items():
                value = values.get(name)
                try:
                    control.set(value)
                except (ValueError, TypeError) as exc:
                    control.set(None)
                    problems[name] = (
                        f"The saved value {value!r} does not fit this field ({exc}); the "
                        "plan's history still holds it."
                    )
        finally:
            self._quiet = False
        return problems

    def validate(self) -> dict[str, str]:
        return check_values(self.fields, self.rules, self.values())

    def show(self, errors: Mapping[str, str], include_missing: bool) -> None:
        """Show errors under their fields; 'please fill this in' only after a save try."""
        for name, control in self.controls.items():
            message = errors.get(name)
            if message == control.field.missing_message and not include_missing:
                message = None
            control.show_error(message)


def button(description: str, style: str = "", icon: str = "") -> widgets.Button:
    """A button as wide as its words."""
    return widgets.Button(
        description=description,
        button_style=style,
        icon=icon,
        layout=widgets.Layout(width="auto"),
    )


def hidden(box: widgets.Widget, hide: bool) -> None:
    """Hide or show a box (a conflict or a draft panel) without rebuilding it."""
    box.layout.display = "none" if hide else None
