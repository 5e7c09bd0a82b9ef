"""Step 8's own form fields (logic-model element, owners, baseline, target) and rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import ipywidgets as widgets

from workbook.analysis import measures as ms
from workbook.forms import (
    EMPTY,
    Date,
    Field,
    Rule,
)

# --- fields the kit does not have: a logic-model element, owners, a baseline or target ---


@dataclass(frozen=True)
class ElementRef(Field):
    """A logic-model element, saved as {"kind", "id"}; chosen from the approved model."""

    choices: tuple[tuple[str, str], ...] = ()  # (label, "kind:id")

    missing_message: ClassVar[str] = "Choose the logic-model element this measures."

    def clean(self, value: Any) -> Any:
        if isinstance(value, str) and ":" in value:
            kind, _, ident = value.partition(":")
            value = {"kind": kind, "id": ident}
        if isinstance(value, Mapping) and value.get("id"):
            return {"kind": str(value.get("kind") or ""), "id": str(value["id"])}
        return None if self.is_empty(value) else value

    coerce = clean

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, Mapping) or value.get("kind") not in ms.KINDS:
            return "Choose an input, activity, output or outcome of the logic model."
        return None

    def display(self, value: Any, include_private: bool = False) -> str:
        whole = self.clean(value)
        if not isinstance(whole, dict):
            return EMPTY
        labels = {ref: label for label, ref in self.choices}
        return labels.get(
            f"{whole['kind']}:{whole['id']}", f"(removed) {whole['kind']} {whole['id']}"
        )

    def to_text(self, value: Any) -> str:
        whole = self.clean(value)
        return f"{whole['kind']}:{whole['id']}" if isinstance(whole, dict) else str(value)

    def from_text(self, text: str) -> Any:
        return self.clean(text) if text else None

    def make_inputs(self) -> dict[str, widgets.Widget]:
        return {"value": widgets.Dropdown(options=[("(choose one)", ""), *self.choices], value="")}

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return self.clean(inputs["value"].value)

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        ref = self.to_text(value) if value else ""
        known = [r for _, r in self.choices]
        inputs["value"].value = ref if ref in known else ""


@dataclass(frozen=True)
class Owners(Field):
    """Step 4's stakeholder or team record ids; shown by their public names.

    Saved as a list, empty when nobody is named yet (readers can always iterate it).
    """

    choices: tuple[tuple[str, str], ...] = ()  # (public name, record id)

    def clean(self, value: Any) -> Any:
        if isinstance(value, str):
            value = [v.strip() for v in value.replace("|", ";").split(";") if v.strip()]
        if isinstance(value, list | tuple):
            return [str(v) for v in value if str(v).strip()]
        return [] if self.is_empty(value) else value

    coerce = clean

    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, list) else "Choose owners from the coalition's register."

    def display(self, value: Any, include_private: bool = False) -> str:
        names = dict((i, n) for n, i in self.choices)
        whole = self.clean(value)
        return "; ".join(names.get(v, f"(left) {v}") for v in whole) if whole else EMPTY

    def to_text(self, value: Any) -> str:
        return "; ".join(self.clean(value) or [])

    def from_text(self, text: str) -> Any:
        names = {n.casefold(): i for n, i in self.choices}
        return self.clean([names.get(p.strip().casefold(), p.strip()) for p in text.split(";")])

    def make_inputs(self) -> dict[str, widgets.Widget]:
        return {
            ident: widgets.Checkbox(
                value=False, description=name, indent=False, layout=widgets.Layout(width="auto")
            )
            for name, ident in self.choices
        }

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return [i for i, box in inputs.items() if box.value]

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        chosen = self.clean(value) or []
        for ident, box in inputs.items():
            box.value = ident in chosen

    def arrange(self, inputs: Mapping[str, widgets.Widget]) -> widgets.Widget:
        if not inputs:
            return widgets.HTML("<i>No stakeholders or team members in Step 4 yet.</i>")
        return widgets.VBox(list(inputs.values()))


def _as_number(text: str, year: bool) -> Any:
    text = text.strip()
    if not text:
        return None
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return text  # kept as typed: problem() says what is wrong
    return int(number) if year and number.is_integer() else number


@dataclass(frozen=True)
class Parts(Field):
    """A small record of named parts (a baseline, a target), saved as one dict."""

    parts: tuple[tuple[str, str, str], ...] = ()  # (part, label, "number"|"year"|"text"|"date")

    def clean(self, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return None if self.is_empty(value) else value
        whole = {}
        for part, _, kind in self.parts:
            v = value.get(part)
            if isinstance(v, str) and kind in ("number", "year"):
                v = _as_number(v, kind == "year")
            whole[part] = None if v in ("", None) else v
        return whole if any(v is not None for v in whole.values()) else None

    coerce = clean

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return "Fill in the parts below."
        problems = []
        for part, label, kind in self.parts:
            v = value.get(part)
            if v is None:
                continue
            if kind == "number" and (isinstance(v, bool) or not isinstance(v, int | float)):
                problems.append(f"{label} '{v}' is not a number: type digits, e.g. 0.25.")
            if kind == "year" and not (isinstance(v, int) and 1900 <= v <= 2100):
                problems.append(f"{label} '{v}' is not a year: type one such as 2030.")
            if kind == "date":
                try:
                    Date.parse(v)
                except ValueError:
                    problems.append(f"{label} '{v}' is not a date: use YYYY-MM-DD.")
        return " ".join(problems) or None

    def display(self, value: Any, include_private: bool = False) -> str:
        whole = self.clean(value)
        if not isinstance(whole, dict):
            return EMPTY
        if {"value", "year"} <= {p for p, _, _ in self.parts}:
            return _reading(whole, baseline="collect_by" in whole)
        return ", ".join(
            f"{label} {whole[p]}" for p, label, _ in self.parts if whole[p] is not None
        )

    def _column(self, part: str) -> str:
        return f"{self.name}_{part}"

    def columns(self, include_private: bool = True) -> list[str]:
        return [self._column(p) for p, _, _ in self.parts]

    def column_aliases(self) -> dict[str, str]:
        return {self._column(p): self._column(p) for p, _, _ in self.parts}

    def from_cells(self, cells: Mapping[str, str]) -> Any:
        return self.clean({p: cells.get(self._column(p), "") for p, _, _ in self.parts})

    def to_cells(self, value: Any, include_private: bool = True) -> dict[str, str]:
        whole = self.clean(value) or {}
        return {
            self._column(p): "" if whole.get(p) is None else str(whole[p]) for p, _, _ in self.parts
        }

    def make_inputs(self) -> dict[str, widgets.Widget]:
        return {
            part: widgets.Text(
                placeholder=label, layout=widgets.Layout(width="auto", flex="1 1 8em")
            )
            for part, label, _ in self.parts
        }

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return self.clean({p: inputs[p].value for p, _, _ in self.parts})

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        whole = self.clean(value) or {}
        for part, _, _ in self.parts:
            inputs[part].value = "" if whole.get(part) is None else str(whole[part])

    def arrange(self, inputs: Mapping[str, widgets.Widget]) -> widgets.Widget:
        return widgets.HBox(list(inputs.values()), layout=widgets.Layout(flex_flow="row wrap"))


def _reading(whole: Mapping[str, Any], baseline: bool) -> str:
    """'1.393 in 2023 (1.2 to 1.5), Strong; source: ...', '1.533 by 2030' or 'To be
    collected by 2027-06-30': a baseline or target as a reader says it."""
    value = whole.get("value")
    if not ms.has_value(whole):
        by = whole.get("collect_by")
        return f"To be collected by {by}" if by else EMPTY
    text = f"{value:.4g}"
    when = whole.get("year") or whole.get("date")
    if when:
        text += f" {'in' if baseline else 'by'} {when}"
    low, high = whole.get("low"), whole.get("high")
    if isinstance(low, int | float) and isinstance(high, int | float):
        text += f" ({low:.4g} to {high:.4g})"
    if whole.get("quality"):
        text += f", rated {whole['quality']}"
    if whole.get("source"):
        text += f"; source: {whole['source']}"
    return text


BASELINE_PARTS = (
    ("value", "Value", "number"),
    ("year", "Year", "year"),
    ("low", "Lower bound", "number"),
    ("high", "Upper bound", "number"),
    ("quality", "Quality", "text"),
    ("source", "Source", "text"),
    ("date", "Date measured", "date"),
    ("collect_by", "Collect by", "date"),
)
TARGET_PARTS = (("value", "Target value", "number"), ("year", "Target year", "year"))


@dataclass(frozen=True)
class TargetRule(Rule):
    """A target needs a number, a year not before the baseline's, and a direction."""

    def field_names(self) -> tuple[str, ...]:
        return ("target", "direction", "baseline")

    def check(self, values: Mapping[str, Any], fields: Mapping[str, Field]) -> dict[str, str]:
        return ms.target_problems(values)


@dataclass(frozen=True)
class GroupRule(Rule):
    """A gap names two groups: 'gap:<group a>|<group b>'."""

    def field_names(self) -> tuple[str, ...]:
        return ("subgroup",)

    def check(self, values: Mapping[str, Any], fields: Mapping[str, Field]) -> dict[str, str]:
        group = values.get("subgroup")
        if ms.is_gap(group):
            try:
                ms.gap_groups(group)
            except ValueError as exc:
                return {"subgroup": f"{exc}, e.g. 'gap:Black|White, Non-Hispanic'."}
        return {}
