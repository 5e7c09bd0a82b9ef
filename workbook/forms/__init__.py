"""Declarative forms on ipywidgets: a step notebook says what it asks, the kit builds it.

A notebook lists field specs (:class:`ShortText`, :class:`Rating`, :class:`Person`...)
and hands them to a :class:`Form` (one set of answers, saved as a dict section of the
plan) or a :class:`RecordTable` (repeated records such as stakeholders or action items,
saved as a list section). The kit builds the widgets, checks the answers in plain words
before anything is saved, saves through the :mod:`workbook.store` with the version the
form was loaded from, and shows conflicts instead of overwriting someone else's work.

Every widget is displayed with a static, escaped HTML copy for exported pages, and in
view mode (``read_only=True``, or a plan opened read-only) only the static copy exists:
no inputs, and no private fields. Everything a user typed is escaped wherever it is
rendered as HTML.

Tests and scripts drive a form without a browser: ``form.set_value(name, value)``
(or ``.value`` on the widgets in ``form.controls``), ``form.validate()``,
``form.save()``, ``form.values()``.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import html
import io
import math
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import ipywidgets as widgets

from workbook.display import views
from workbook.display.render import WithFallback, escape
from workbook.errors import WorkbookError
from workbook.plan.store import (
    ConflictError,
    PlanStore,
    PlanValueError,
    ReadOnlyError,
    Record,
    strip_private,
)

ERROR_COLOUR = "#b00020"
OK_COLOUR = "#1b6e3a"
MUTED_COLOUR = "#555"
EMPTY = "\u2014"  # shown for an unanswered field in static views
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
PHONE = re.compile(r"^\+?[0-9 ()./-]{3,30}( ?(x|ext\.?) ?[0-9]{1,6})?$")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
DEFAULT_MAX_IMPORT_BYTES = 5_000_000
DEFAULT_MAX_IMPORT_ROWS = 5_000


# --- errors -------------------------------------------------------------------------


class FormSpecError(WorkbookError, ValueError):
    """A form or table is declared in a way the kit cannot build (a notebook author's fix)."""


class RecordError(WorkbookError, ValueError):
    """Values given to a form or table in code do not pass its checks."""

    def __init__(self, section: str, errors: Mapping[str, str]) -> None:
        self.section = section
        self.errors = dict(errors)
        listed = "; ".join(f"{name}: {message}" for name, message in self.errors.items())
        super().__init__(f"'{section}': not saved, fix these fields first: {listed}")


# --- small helpers --------------------------------------------------------------------


def _coloured(text: str, colour: str) -> str:
    return f'<span style="color:{colour}">{escape(text)}</span>'


def local_time(iso: str) -> str:
    """'14:02' today, '2025-03-01 14:02' another day, in the computer's time zone."""
    try:
        moment = dt.datetime.fromisoformat(iso).astimezone()
    except (TypeError, ValueError):
        return iso
    if moment.date() == dt.datetime.now().astimezone().date():
        return moment.strftime("%H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")


def saved_line(record: Record) -> str:
    """'Saved at 14:02 by Ana', or 'Not saved yet'."""
    if not record.exists:
        return "Not saved yet"
    when = local_time(record.saved_at)
    line = f"Saved at {when}" if len(when) == 5 else f"Saved on {when[:10]} at {when[11:]}"
    return line + (f" by {record.saved_by}" if record.saved_by else "")


def _format_number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _parse_number(text: str, integer: bool) -> int | float:
    """A number from what someone typed ('1,200', '3.5'); ValueError in plain words."""
    cleaned = text.strip().replace(" ", "")
    if THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(_number_hint(integer)) from None
    if not math.isfinite(number):
        raise ValueError(_number_hint(integer))
    if integer:
        if not number.is_integer():
            raise ValueError("Enter a whole number, like 12.")
        return int(number)
    return number


def _number_hint(integer: bool) -> str:
    return "Enter a whole number, like 12." if integer else "Enter a number, like 12 or 3.5."


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1e6:.1f} MB"
    return f"{n / 1e3:.1f} KB" if n >= 1_000 else f"{n} bytes"


def _norm_header(text: str) -> str:
    return re.sub(r"[\s_\-]+", "_", text.strip().lower())


def neutralise_cell(text: str) -> str:
    """Make a CSV cell safe for spreadsheets: text that starts like a formula gets an
    apostrophe, so Excel or LibreOffice show it instead of running it."""
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _looks_like_formula(text: str) -> bool:
    """Worth a note on import: '=...', '@...', or +/- followed by more than a number or
    a phone number (exports neutralise every risky start regardless)."""
    if text.startswith(("=", "@", "\t", "\r")):
        return True
    return text.startswith(("+", "-")) and not re.match(r"^[+-][\d\s().,-]*$", text)


def _plain(markup: str) -> str:
    """Text of a bit of HTML made by this module (for status properties and tests)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


# --- field specs ----------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """What every field has: a name (the key in the plan), a label, help text, and
    whether it is required or private (kept out of views and public exports)."""

    name: str
    label: str = ""
    help: str = ""
    required: bool = False
    private: bool = False

    missing_message: ClassVar[str] = "Please fill this in."

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not FIELD_NAME.match(self.name):
            raise FormSpecError(
                f"field name {self.name!r}: use lower-case letters, digits and '_', "
                "starting with a letter (e.g. 'start_date')"
            )

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()

    # -- values (what is saved in the plan: JSON) --

    def is_empty(self, value: Any) -> bool:
        return value is None or value == "" or value == [] or value == {}

    def clean(self, value: Any) -> Any:
        """The canonical form of a value, so saved and typed values compare equal."""
        return None if self.is_empty(value) else value

    def coerce(self, value: Any) -> Any:
        """A Python value given in code, as the plan stores it (e.g. a date as text)."""
        return self.clean(value)

    def problem(self, value: Any) -> str | None:
        """What is wrong with a non-empty value, in plain words (None when fine)."""
        return None

    def validate(self, value: Any) -> str | None:
        if self.is_empty(value):
            return self.missing_message if self.required else None
        return self.problem(value)

    def display(self, value: Any, include_private: bool = False) -> str:
        """The value as plain text for tables and static views."""
        return EMPTY if self.is_empty(value) else str(value)

    def private_paths(self) -> list[str]:
        return [self.name] if self.private else []

    # -- CSV --

    def columns(self, include_private: bool = True) -> list[str]:
        return [self.name] if include_private or not self.private else []

    def column_aliases(self) -> dict[str, str]:
        """Header spellings accepted on import, normalised, mapped to the column."""
        return {_norm_header(self.name): self.name, _norm_header(self.title): self.name}

    def from_cells(self, cells: Mapping[str, str]) -> Any:
        """The value from CSV cell texts; ValueError (in plain words) if unreadable."""
        return self.from_text(cells.get(self.name, "").strip())

    def from_text(self, text: str) -> Any:
        return text or None

    def to_cells(self, value: Any, include_private: bool = True) -> dict[str, str]:
        if self.private and not include_private:
            return {}
        return {self.name: "" if self.is_empty(value) else self.to_text(value)}

    def to_text(self, value: Any) -> str:
        return str(value)

    # -- widgets --

    def make_inputs(self) -> dict[str, widgets.Widget]:
        raise NotImplementedError

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return self.clean(inputs["value"].value)

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        inputs["value"].value = value

    def arrange(self, inputs: Mapping[str, widgets.Widget]) -> widgets.Widget:
        return inputs["value"]


def _wide(**extra: Any) -> widgets.Layout:
    return widgets.Layout(width="100%", max_width="44em", **extra)


@dataclass(frozen=True)
class ShortText(Field):
    """One line of text (a name, a title)."""

    max_length: int = 200
    placeholder: str = ""

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return self.clean(inputs["value"].value.strip())

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        if value is not None and not isinstance(value, str | int | float):
            raise ValueError(f"expected text, found {type(value).__name__}")
        inputs["value"].value = "" if value is None else str(value)

    def coerce(self, value: Any) -> Any:
        return self.clean(value.strip() if isinstance(value, str) else value)

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return "Enter text."
        if len(value) > self.max_length:
            extra = len(value) - self.max_length
            return (
                f"Too long: {len(value)} characters, the limit is {self.max_length}. "
                f"Shorten it by {extra}."
            )
        return None

    def make_inputs(self) -> dict[str, widgets.Widget]:
        return {"value": widgets.Text(placeholder=self.placeholder, layout=_wide())}


@dataclass(frozen=True)
class LongText(ShortText):
    """Several lines of text (notes, insights, a vision statement)."""

    max_length: int = 5000
    rows: int = 4

    def make_inputs(self) -> dict[str, widgets.Widget]:
        return {
            "value": widgets.Textarea(placeholder=self.placeholder, rows=self.rows, layout=_wide())
        }


@dataclass(frozen=True)
class Number(Field):
    """A number, optionally whole and within ``minimum``..``maximum``."""

    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    unit: str = ""

    missing_message: ClassVar[str] = "Please enter a number."

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        text = inputs["value"].value.strip()
        if not text:
            return None
        try:
            return _parse_number(text, self.integer)
        except ValueError:
            return text  # kept as typed: validate() says what is wrong with it

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        if value is None:
            inputs["value"].value = ""
        elif isinstance(value, int | float) and not isinstance(value, bool):
            inputs["value"].value = _format_number(value)
        elif isinstance(value, str):
            inputs["value"].value = value
        else:
            raise ValueError(f"expected a number, found {type(value).__name__}")

    def coerce(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            try:
                return _parse_number(value, self.integer)
            except ValueError:
                return value
        return self.clean(value)

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _number_hint(self.integer)
        if self.integer and not float(value).is_integer():
            return "Enter a whole number, like 12."
        if self.minimum is not None and value < self.minimum:
            return f"Must be at least {_format_number(self.minimum)}."
        if self.maximum is not None and value > self.maximum:
            return f"Must be at most {_format_number(self.maximum)}."
        return None

    def display(self, value: Any, include_private: bool = False) -> str:
        if self.is_empty(value):
            return EMPTY
        text = _format_number(value) if isinstance(value, int | float) else str(value)
        return f"{text} {self.unit}".strip()

    def from_text(self, text: str) -> Any:
        return _parse_number(text, self.integer) if text else None

    def to_text(self, value: Any) -> str:
        return _format_number(value) if isinstance(value, int | float) else str(value)

    def make_inputs(self) -> dict[str, widgets.Widget]:
        hint = "whole number" if self.integer else "number"
        return {
            "value": widgets.Text(
                placeholder=f"{hint}{', ' + self.unit if self.unit else ''}",
                layout=widgets.Layout(width="14em"),
            )
        }


@dataclass(frozen=True)
class Date(Field):
    """A calendar date, saved as text 'YYYY-MM-DD'."""

    earliest: dt.date | None = None
    latest: dt.date | None = None

    missing_message: ClassVar[str] = "Please pick a date."

    @staticmethod
    def parse(value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()[:10])
            except ValueError:
                pass
        raise ValueError("Write the date as YYYY-MM-DD, e.g. 2025-03-31.")

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        value = inputs["value"].value
        return value.isoformat() if value else None

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        inputs["value"].value = None if self.is_empty(value) else self.parse(value)

    def coerce(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return self.parse(value).isoformat()
        return self.clean(value)

    def problem(self, value: Any) -> str | None:
        try:
            day = self.parse(value)
        except ValueError as exc:
            return str(exc)
        if self.earliest and day < self.earliest:
            return f"Must be on or after {self.earliest.isoformat()}."
        if self.latest and day > self.latest:
            return f"Must be on or before {self.latest.isoformat()}."
        return None

    def from_text(self, text: str) -> Any:
        return self.parse(text).isoformat() if text else None

    def make_inputs(self) -> dict[str, widgets.Widget]:
        return {"value": widgets.DatePicker(value=None)}


def _options(options: Sequence[str | tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    pairs = tuple((o, o) if isinstance(o, str) else (str(o[0]), str(o[1])) for o in options)
    values = [v for _, v in pairs]
    if not pairs or "" in values or len(set(values)) != len(values):
        raise FormSpecError(
            f"choices {list(options)!r}: give at least one choice, each with a distinct, "
            "non-empty value"
        )
    return pairs


def _match_option(pairs: Sequence[tuple[str, str]], text: str) -> str:
    wanted = text.strip().casefold()
    for label, value in pairs:
        if wanted in (label.casefold(), value.casefold()):
            return value
    choices = ", ".join(label for label, _ in pairs)
    raise ValueError(f"'{text.strip()}' is not one of the choices: {choices}.")


@dataclass(frozen=True)
class SingleChoice(Field):
    """One of a list of choices: text, or (label, value) pairs. ``radio`` shows buttons."""

    options: Sequence[str | tuple[str, str]] = ()
    radio: bool = False

    missing_message: ClassVar[str] = "Please choose one."

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "options", _options(self.options))

    @property
    def labels(self) -> dict[str, str]:
        return {value: label for label, value in self.options}

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return inputs["value"].value or None

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        if value is not None and value not in self.labels:
            raise ValueError(f"{value!r} is not one of the choices")
        inputs["value"].value = (None if self.radio else "") if value is None else value

    def problem(self, value: Any) -> str | None:
        return None if value in self.labels else "Choose one of the listed options."

    def display(self, value: Any, include_private: bool = False) -> str:
        return EMPTY if self.is_empty(value) else self.labels.get(value, str(value))

    def from_text(self, text: str) -> Any:
        return _match_option(self.options, text) if text else None

    def to_text(self, value: Any) -> str:
        return self.labels.get(value, str(value))

    def make_inputs(self) -> dict[str, widgets.Widget]:
        if self.radio:
            return {"value": widgets.RadioButtons(options=list(self.options), value=None)}
        # An explicit blank first entry, so a choice can be taken back.
        blank = [("(choose one)", "")]
        return {"value": widgets.Dropdown(options=blank + list(self.options), value="")}


@dataclass(frozen=True)
class MultipleChoice(Field):
    """Any number of choices, as tick boxes; ``max_choices`` caps how many."""

    options: Sequence[str | tuple[str, str]] = ()
    max_choices: int | None = None

    missing_message: ClassVar[str] = "Please tick at least one."

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "options", _options(self.options))

    @property
    def labels(self) -> dict[str, str]:
        return {value: label for label, value in self.options}

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return [v for _, v in self.options if inputs[v].value] or None

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        chosen = [] if value is None else list(value) if isinstance(value, list | tuple) else None
        if chosen is None or any(v not in self.labels for v in chosen):
            raise ValueError(f"{value!r} is not a list of the choices")
        for _, option in self.options:
            inputs[option].value = option in chosen

    def coerce(self, value: Any) -> Any:
        return self.clean(list(value) if isinstance(value, tuple | set) else value)

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, list) or any(v not in self.labels for v in value):
            return "Tick only the listed options."
        if self.max_choices is not None and len(value) > self.max_choices:
            return f"Choose at most {self.max_choices}: {len(value)} are ticked."
        return None

    def display(self, value: Any, include_private: bool = False) -> str:
        if self.is_empty(value):
            return EMPTY
        return ", ".join(self.labels.get(v, str(v)) for v in value)

    def from_text(self, text: str) -> Any:
        parts = [p for p in re.split(r"[;|]", text) if p.strip()]
        return [_match_option(self.options, p) for p in parts] or None

    def to_text(self, value: Any) -> str:
        return "; ".join(self.labels.get(v, str(v)) for v in value)

    def make_inputs(self) -> dict[str, widgets.Widget]:
        return {
            # Sized to the label, so long names (actor types, pillars) are not cut off.
            value: widgets.Checkbox(
                value=False,
                description=label,
                indent=False,
                layout=widgets.Layout(width="auto"),
            )
            for label, value in self.options
        }

    def arrange(self, inputs: Mapping[str, widgets.Widget]) -> widgets.Widget:
        return widgets.VBox(list(inputs.values()))


@dataclass(frozen=True)
class Level:
    """One level of a rating scale and what it looks like in practice."""

    value: int
    label: str
    description: str = ""


@dataclass(frozen=True)
class Rating(Field):
    """A rating scale whose levels are anchored by descriptions of what each looks like."""

    levels: Sequence[Level | tuple[int, str, str]] = ()

    missing_message: ClassVar[str] = "Please choose a level."

    def __post_init__(self) -> None:
        super().__post_init__()
        levels = tuple(lv if isinstance(lv, Level) else Level(*lv) for lv in self.levels)
        values = [lv.value for lv in levels]
        if not levels or len(set(values)) != len(values):
            raise FormSpecError(f"rating '{self.name}': give levels with distinct values")
        object.__setattr__(self, "levels", levels)

    def level(self, value: Any) -> Level | None:
        return next((lv for lv in self.levels if lv.value == value), None)

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return inputs["value"].value

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        if value is not None and self.level(value) is None:
            raise ValueError(f"{value!r} is not a level of this scale")
        inputs["value"].value = value

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or self.level(value) is None:
            return "Choose one of the levels."
        return None

    def display(self, value: Any, include_private: bool = False) -> str:
        level = self.level(value)
        return f"{level.value}. {level.label}" if level else EMPTY

    def from_text(self, text: str) -> Any:
        if not text:
            return None
        for level in self.levels:
            if text.strip().casefold() in (str(level.value), level.label.casefold()):
                return level.value
        listed = ", ".join(f"{lv.value} ({lv.label})" for lv in self.levels)
        raise ValueError(f"'{text.strip()}' is not a level: use {listed}.")

    def anchors_html(self) -> str:
        rows = [(f"{lv.value}. {lv.label}", lv.description) for lv in self.levels]
        return views.table(rows, ["Level", "What it looks like"])

    def make_inputs(self) -> dict[str, widgets.Widget]:
        options = [(f"{lv.value}. {lv.label}", lv.value) for lv in self.levels]
        return {"value": widgets.RadioButtons(options=options, value=None)}

    def arrange(self, inputs: Mapping[str, widgets.Widget]) -> widgets.Widget:
        return widgets.VBox([inputs["value"], widgets.HTML(self.anchors_html())])


@dataclass(frozen=True)
class YesNo(Field):
    """Yes or no, with 'not answered' as a third state (so it can be required)."""

    missing_message: ClassVar[str] = "Please answer yes or no."

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        if value is not None and not isinstance(value, bool):
            raise ValueError(f"expected yes or no, found {value!r}")
        inputs["value"].value = value

    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, bool) else "Answer yes or no."

    def display(self, value: Any, include_private: bool = False) -> str:
        return EMPTY if value is None else "Yes" if value else "No"

    def from_text(self, text: str) -> Any:
        word = text.strip().casefold()
        if not word:
            return None
        if word in ("yes", "y", "true", "1"):
            return True
        if word in ("no", "n", "false", "0"):
            return False
        raise ValueError(f"'{text.strip()}' is not yes or no.")

    def to_text(self, value: Any) -> str:
        return "yes" if value else "no"

    def make_inputs(self) -> dict[str, widgets.Widget]:
        return {
            "value": widgets.RadioButtons(
                options=[("Yes", True), ("No", False)],
                value=None,
                layout=widgets.Layout(flex_flow="row"),
            )
        }


@dataclass(frozen=True)
class Person(Field):
    """A person or an organisation: name, organisation and (optionally) contact details.

    The email and phone are private by default (``contact_private``): they are saved in
    the plan but left out of views, dashboards and public exports.
    """

    contact: bool = True
    contact_private: bool = True
    max_length: int = 200

    missing_message: ClassVar[str] = "Please give a name or an organisation."

    @property
    def parts(self) -> tuple[str, ...]:
        return ("name", "organisation", "email", "phone")[: 4 if self.contact else 2]

    def _private_part(self, part: str) -> bool:
        return self.private or (self.contact_private and part in ("email", "phone"))

    def clean(self, value: Any) -> Any:
        if isinstance(value, str):
            value = {"name": value}
        if not isinstance(value, Mapping):
            return None if self.is_empty(value) else value
        whole = {p: str(value.get(p) or "").strip() for p in self.parts}
        return whole if any(whole.values()) else None

    coerce = clean

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return self.clean({p: inputs[p].value for p in self.parts})

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        whole = self.clean(value)
        if whole is not None and not isinstance(whole, dict):
            raise ValueError(f"expected a name and organisation, found {value!r}")
        for part in self.parts:
            inputs[part].value = (whole or {}).get(part, "")

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return "Give a name and an organisation."
        problems = []
        for part in self.parts:
            text = value.get(part) or ""
            if len(text) > self.max_length:
                problems.append(
                    f"The {part} is too long ({len(text)} characters, the "
                    f"limit is {self.max_length})."
                )
        if not (value.get("name") or value.get("organisation")):
            problems.append("Add a name or an organisation for these contact details.")
        if value.get("email") and not EMAIL.match(value["email"]):
            problems.append("The email does not look like an address (name@example.org).")
        if value.get("phone") and not PHONE.match(value["phone"]):
            problems.append("The phone number may hold only digits, spaces and + ( ) - .")
        return " ".join(problems) or None

    def display(self, value: Any, include_private: bool = False) -> str:
        whole = self.clean(value)
        if not isinstance(whole, dict):
            return EMPTY if whole is None else str(whole)
        shown = [
            whole[p]
            for p in self.parts
            if whole[p] and (include_private or not self._private_part(p))
        ]
        return ", ".join(shown) or EMPTY

    def private_paths(self) -> list[str]:
        if self.private:
            return [self.name]
        if self.contact and self.contact_private:
            return [f"{self.name}.email", f"{self.name}.phone"]
        return []

    def _column(self, part: str) -> str:
        return self.name if part == "name" else f"{self.name}_{part}"

    def columns(self, include_private: bool = True) -> list[str]:
        return [self._column(p) for p in self.parts if include_private or not self._private_part(p)]

    def column_aliases(self) -> dict[str, str]:
        aliases = {}
        for part in self.parts:
            column = self._column(part)
            aliases[_norm_header(column)] = column
            spoken = self.title if part == "name" else f"{self.title} {part}"
            aliases[_norm_header(spoken)] = column
        return aliases

    def from_cells(self, cells: Mapping[str, str]) -> Any:
        return self.clean({p: cells.get(self._column(p), "") for p in self.parts})

    def to_cells(self, value: Any, include_private: bool = True) -> dict[str, str]:
        whole = self.clean(value) or {}
        return {
            self._column(p): str(whole.get(p, "")) if isinstance(whole, dict) else ""
            for p in self.parts
            if include_private or not self._private_part(p)
        }

    def make_inputs(self) -> dict[str, widgets.Widget]:
        hints = {
            "name": "Name",
            "organisation": "Organisation",
            "email": "Email",
            "phone": "Phone",
        }
        return {
            part: widgets.Text(
                placeholder=hints[part] + (" (private)" if self._private_part(part) else ""),
                layout=widgets.Layout(width="auto", flex="1 1 10em"),
            )
            for part in self.parts
        }

    def arrange(self, inputs: Mapping[str, widgets.Widget]) -> widgets.Widget:
        return widgets.HBox(list(inputs.values()), layout=_wide(flex_flow="row wrap"))


# --- rules across fields --------------------------------------------------------------


class Rule:
    """A check across fields: returns {field name: message} for what is wrong."""

    def field_names(self) -> tuple[str, ...]:
        return ()

    def check(self, values: Mapping[str, Any], fields: Mapping[str, Field]) -> dict[str, str]:
        raise NotImplementedError


@dataclass(frozen=True)
class DateOrder(Rule):
    """The ``second`` date may not come before the ``first`` (e.g. start, end)."""

    first: str
    second: str
    message: str = ""

    def field_names(self) -> tuple[str, ...]:
        return (self.first, self.second)

    def check(self, values: Mapping[str, Any], fields: Mapping[str, Field]) -> dict[str, str]:
        try:
            start = Date.parse(values.get(self.first))
            end = Date.parse(values.get(self.second))
        except ValueError:
            return {}  # a missing or unreadable date has its own message
        if end >= start:
            return {}
        first, second = fields[self.first].title, fields[self.second].title
        return {
            self.second: self.message
            or f"{second} ({end.isoformat()}) is before {first} ({start.isoformat()}); it "
            "should be on or after it."
        }


@dataclass(frozen=True)
class AtLeastOne(Rule):
    """At least one of ``names`` must be filled in (e.g. link a metric or a pillar)."""

    names: tuple[str, ...]
    message: str = ""

    def field_names(self) -> tuple[str, ...]:
        return tuple(self.names)

    def check(self, values: Mapping[str, Any], fields: Mapping[str, Field]) -> dict[str, str]:
        if any(not fields[n].is_empty(values.get(n)) for n in self.names):
            return {}
        titles = " or ".join(fields[n].title for n in self.names)
        return {self.names[0]: self.message or f"Fill in at least one of: {titles}."}


def check_values(
    fields: Sequence[Field], rules: Sequence[Rule], values: Mapping[str, Any]
) -> dict[str, str]:
    """Every problem with ``values``, by field name; rules only speak for sound fields."""
    by_name = {f.name: f for f in fields}
    errors = {}
    for f in fields:
        message = f.validate(values.get(f.name))
        if message:
            errors[f.name] = message
    for rule in rules:
        for name, message in rule.check(values, by_name).items():
            errors.setdefault(name, message)
    return errors


def _check_spec(
    fields: Sequence[Field], rules: Sequence[Rule], reserved: Iterable[str] = ()
) -> None:
    if not fields or not all(isinstance(f, Field) for f in fields):
        raise FormSpecError("give a list of field specs (ShortText, Number, ...)")
    names = [f.name for f in fields]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise FormSpecError(f"field names must be distinct; repeated: {', '.join(duplicates)}")
    for name in reserved:
        if name in names:
            raise FormSpecError(f"field name '{name}' is used by the table itself; rename it")
    for rule in rules:
        unknown = [n for n in rule.field_names() if n not in names]
        if unknown:
            raise FormSpecError(f"{rule!r} names unknown fields: {', '.join(unknown)}")


# --- widgets for a set of fields ------------------------------------------------------


class Control:
    """The widgets of one field: a label, the inputs, and a place for its error."""

    def __init__(self, spec: Field) -> None:
        self.field = spec
        self.inputs = spec.make_inputs()
        badge = (
            ' <span style="color:#555;font-size:0.9em">(private: not shown in views or '
            "public exports)</span>"
            if spec.private
            else ""
        )
        star = (
            f' <span style="color:{ERROR_COLOUR}" title="required">*</span>'
            if spec.required
            else ""
        )
        help_html = (
            f'<div style="color:{MUTED_COLOUR};font-size:0.9em">{escape(spec.help)}</div>'
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
        self.error.value = _coloured(message, ERROR_COLOUR) if message else ""

    @property
    def error_text(self) -> str:
        """The message shown under the field, as plain text ('' when none)."""
        return _plain(self.error.value)

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


def _button(description: str, style: str = "", icon: str = "") -> widgets.Button:
    return widgets.Button(
        description=description,
        button_style=style,
        icon=icon,
        layout=widgets.Layout(width="auto"),
    )


def _hidden(box: widgets.Widget, hide: bool) -> None:
    box.layout.display = "none" if hide else None


# --- Form -----------------------------------------------------------------------------


class Form:
    """One set of answers saved as a dict section of the plan.

    ``Form(fields, store, section, rules=[DateOrder("start", "end")])``; display it as
    the last line of a cell. In view mode it is a static table of the public answers.
    """

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
        _check_spec(fields, rules)
        self.fields = tuple(fields)
        self.by_name = {f.name: f for f in self.fields}
        self.rules = tuple(rules)
        self.store = store
        self.section = section
        self.title = title
        self.intro = intro
        self.read_only = bool(read_only) or store.read_only
        self.draft_interval = draft_interval
        self.conflict: ConflictError | None = None
        self.record = self._fetch()
        self.private_paths = sorted({p for f in self.fields for p in f.private_paths()})
        self._attempted = False
        self._status_text = ""
        self._last_draft = 0.0
        self._drafted = False
        self._draft_timer: threading.Timer | None = None
        if not self.read_only:
            self._build()

    # -- the plan --

    def _fetch(self) -> Record:
        record = self.store.get(self.section)
        if record.exists and not isinstance(record.value, dict):
            raise FormSpecError(
                f"section '{self.section}' holds a {type(record.value).__name__}, but a Form "
                "keeps a dict: use another section name, or a RecordTable for a list"
            )
        return record

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

    @property
    def status_text(self) -> str:
        """What the status line says: 'Saved at 14:02 by Ana', 'Unsaved changes'..."""
        return self._status_text if not self.read_only else saved_line(self.record)

    def save(self) -> bool:
        """Check and save the answers; False (with messages shown) if they were not saved."""
        self._require_editable()
        self._attempted = True
        errors = self.validate()
        self.fieldset.show(errors, include_missing=True)
        if errors:
            count = len(errors)
            self._set_status(
                f"Not saved: {count} field{'s need' if count > 1 else ' needs'} attention "
                "(see the messages in red).",
                ERROR_COLOUR,
            )
            return False
        try:
            self.record = self.store.save(
                self.section, self._document(), self.record.version, private=self.private_paths
            )
        except ConflictError as exc:
            self._show_conflict(exc)
            return False
        except WorkbookError as exc:
            self._set_status(f"Not saved: {exc}", ERROR_COLOUR)
            return False
        self._saved()
        return True

    def reload(self) -> None:
        """Show the saved version (dropping unsaved changes; a conflict keeps them)."""
        self._require_editable()
        if self.conflict is not None:
            try:
                self.store.resolve_conflict(self.conflict.conflict_id, keep="saved")
            except PlanValueError:
                pass  # already settled elsewhere
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
        _hidden(self.conflict_box, True)
        self._refresh_status()

    def keep_mine(self) -> bool:
        """After a conflict: save the answers in the form over the version saved meanwhile."""
        self._require_editable()
        if self.conflict is None:
            return self.save()
        errors = self.validate()
        self.fieldset.show(errors, include_missing=True)
        if errors:
            self._set_status("Not saved: fix the fields in red first.", ERROR_COLOUR)
            return False
        try:
            self.record = self.store.resolve_conflict(
                self.conflict.conflict_id,
                keep="mine",
                value=self._document(),
                base_version=self.conflict.current.version,
                private=self.private_paths,
            )
        except ConflictError as exc:  # someone saved yet again
            self._show_conflict(exc)
            return False
        except WorkbookError as exc:
            self._set_status(f"Not saved: {exc}", ERROR_COLOUR)
            return False
        self._saved()
        return True

    def restore_draft(self) -> None:
        """Put back the unsaved answers found from an earlier session."""
        self._require_editable()
        draft = self.store.get_draft(self.section)
        if draft is not None and isinstance(draft.value, dict):
            self.fieldset.load(draft.value)
        _hidden(self.draft_box, True)
        self._changed()

    def discard_draft(self) -> None:
        self._require_editable()
        self.store.discard_draft(self.section)
        _hidden(self.draft_box, True)

    def _require_editable(self) -> None:
        if self.read_only:
            raise ReadOnlyError(
                f"the form for '{self.section}' is in view mode: nothing can be changed. "
                "Open the plan with read_only=False to edit it"
            )

    # -- widgets --

    def _build(self) -> None:
        self.fieldset = FieldSet(self.fields, self.rules, self._changed, self.section)
        self.controls = self.fieldset.controls
        header = ""
        if self.title:
            header += views.heading(self.title)
        if self.intro:
            header += views.paragraph(self.intro)
        self.save_button = _button("Save", "primary", "save")
        self.save_button.on_click(lambda _: self.save())
        self.status = widgets.HTML("")
        self.conflict_message = widgets.HTML("")
        self.reload_button = _button("Load the saved version", icon="refresh")
        self.reload_button.on_click(lambda _: self.reload())
        self.keep_button = _button("Keep mine: save it over theirs", "warning")
        self.keep_button.on_click(lambda _: self.keep_mine())
        self.conflict_box = widgets.VBox(
            [self.conflict_message, widgets.HBox([self.reload_button, self.keep_button])],
            layout=widgets.Layout(border=f"2px solid {ERROR_COLOUR}", padding="6px"),
        )
        _hidden(self.conflict_box, True)
        self.draft_message = widgets.HTML("")
        self.restore_button = _button("Restore them", "info")
        self.restore_button.on_click(lambda _: self.restore_draft())
        self.discard_button = _button("Discard them")
        self.discard_button.on_click(lambda _: self.discard_draft())
        self.draft_box = widgets.VBox(
            [self.draft_message, widgets.HBox([self.restore_button, self.discard_button])]
        )
        _hidden(self.draft_box, True)
        self.widget = widgets.VBox(
            [
                widgets.HTML(header),
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

    def _offer_draft(self) -> None:
        draft = self.store.get_draft(self.section)
        if draft is None or not isinstance(draft.value, dict):
            return
        drafted = {f.name: f.clean(draft.value.get(f.name)) for f in self.fields}
        if drafted == self.saved_values():
            return
        self.draft_message.value = _coloured(
            f"Unsaved answers from {local_time(draft.saved_at)} were found: the notebook "
            "stopped before they were saved. Restore them into the form, or discard them.",
            "#8a5300",
        )
        _hidden(self.draft_box, False)

    def _changed(self) -> None:
        errors = self.fieldset.validate()
        self.fieldset.show(errors, include_missing=self._attempted)
        self._refresh_status()
        self._keep_draft()

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

    def _saved(self) -> None:
        self.conflict = None
        self._attempted = False
        self._drafted = False
        _hidden(self.conflict_box, True)
        _hidden(self.draft_box, True)
        self.fieldset.show({}, include_missing=False)
        self._refresh_status()

    def _set_status(self, text: str, colour: str) -> None:
        self._status_text = text
        self.status.value = _coloured(text, colour)

    def _refresh_status(self) -> None:
        if self.conflict is not None:
            return
        if self.dirty:
            self._set_status("Unsaved changes", "#8a5300")
        else:
            self._set_status(
                saved_line(self.record), OK_COLOUR if self.record.exists else MUTED_COLOUR
            )

    def _show_conflict(self, exc: ConflictError) -> None:
        self.conflict = exc
        current = exc.current
        who = current.saved_by or "someone (no name set)"
        mine = self.values()
        theirs = {f.name: f.clean((current.value or {}).get(f.name)) for f in self.fields}
        rows = [
            (f.title, f.display(theirs[f.name]), f.display(mine[f.name]))
            for f in self.fields
            if not f.private and theirs[f.name] != mine[f.name]
        ]
        hidden = sum(1 for f in self.fields if f.private and theirs[f.name] != mine[f.name])
        note = f" ({hidden} private field(s) also differ.)" if hidden else ""
        self.conflict_message.value = _coloured(
            f"Not saved: {who} saved this section at {local_time(current.saved_at)} "
            f"(version {current.version}) after you opened it. Your answers are still "
            f"in the form, and kept in the plan as conflict #{exc.conflict_id}. Compare "
            "them below, then load the saved version or keep yours." + note,
            ERROR_COLOUR,
        ) + (views.table(rows, ["Field", f"Saved by {who}", "Yours"]) if rows else "")
        _hidden(self.conflict_box, False)
        self._set_status(
            "Not saved: someone else saved this section first (see below).", ERROR_COLOUR
        )

    # -- display --

    def static_html(self) -> str:
        """The saved public answers as escaped HTML: what exports and view mode show."""
        values = self.saved_values()
        rows = []
        for f in self.fields:
            if f.private:
                continue
            text = f.display(values[f.name])
            if isinstance(f, Rating) and (level := f.level(values[f.name])) and level.description:
                text += f": {level.description}"
            rows.append(
                f'<tr><th style="text-align:left;vertical-align:top;padding-right:1em">'
                f"{escape(f.title)}</th>"
                f'<td style="text-align:left;white-space:pre-wrap">{escape(text)}</td></tr>'
            )
        title = views.heading(self.title) if self.title else ""
        return (
            f'<div class="wb-form">{title}<table><tbody>{"".join(rows)}</tbody></table>'
            f'<div style="color:{MUTED_COLOUR}">{escape(saved_line(self.record))}</div></div>'
        )

    def view(self) -> Any:
        """What a notebook cell displays: the live form with a static copy, or the copy."""
        if self.read_only:
            return _StaticHTML(self.static_html(), f"{self.title or self.section} (view only)")
        return WithFallback(self.widget, self.static_html())

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        return self.view()._repr_mimebundle_(**kwargs)


class _StaticHTML:
    """HTML with no widget behind it (view mode)."""

    def __init__(self, html: str, text: str) -> None:
        self.html = html
        self.text = text

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        return {"text/html": self.html, "text/plain": self.text}


# --- CSV import -----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong (or worth knowing) about an imported file."""

    row: int  # as a spreadsheet numbers it: the header is row 1; 0 means the whole file
    column: str
    problem: str

    def __str__(self) -> str:
        where = "file" if self.row == 0 else f"row {self.row}"
        return (
            f"{where}, column '{self.column}': {self.problem}"
            if self.column
            else (f"{where}: {self.problem}")
        )


@dataclass
class ImportReport:
    """What a CSV import found and did."""

    source: str = ""
    encoding: str = ""
    rows: int = 0
    valid: int = 0
    added: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.rows == 0 and self.problems:
            return f"Nothing imported from {self.source or 'the file'}: {self.problems[0].problem}"
        bad_rows = len({p.row for p in self.problems if p.row > 0})
        text = f"{self.rows} row{'s' if self.rows != 1 else ''} read, {self.added} added."
        if self.problems and self.added == 0:
            text += (
                f" Nothing was imported: {bad_rows} row(s) have problems. Fix them in the "
                "file and import it again, or choose to import only the rows without problems."
            )
        elif self.problems:
            text += f" {bad_rows} row(s) with problems were left out."
        return text

    def html(self, limit: int = 50) -> str:
        colour = OK_COLOUR if self.ok else ERROR_COLOUR
        parts = [f"<div>{_coloured(self.summary(), colour)}</div>"]
        for title, items in (("Problems", self.problems), ("Notes", self.warnings)):
            if items:
                rows = [
                    ("file" if p.row == 0 else p.row, p.column, p.problem) for p in items[:limit]
                ]
                more = f"and {len(items) - limit} more" if len(items) > limit else ""
                parts.append(views.table(rows, ["Row", "Column", title], caption=more))
        return "".join(parts)


def _source_bytes(source: Any, max_bytes: int, report: ImportReport) -> bytes | None:
    """The file's bytes from a path, bytes, or a FileUpload value; None after a problem."""

    def too_big(size: int) -> ImportProblem:
        return ImportProblem(
            0,
            "",
            f"The file is {_size(size)}; the limit is {_size(max_bytes)}. Split it into "
            "smaller files, or raise max_import_bytes.",
        )

    if isinstance(source, Mapping) or (
        isinstance(source, list | tuple) and source and isinstance(source[0], Mapping)
    ):
        item = source if isinstance(source, Mapping) else source[0]
        report.source = str(item.get("name", "uploaded file"))
        source = item.get("content", b"")
    elif isinstance(source, list | tuple):
        report.problems.append(ImportProblem(0, "", "No file was chosen."))
        return None
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        report.source = report.source or "uploaded file"
        if len(data) > max_bytes:
            report.problems.append(too_big(len(data)))
            return None
        return data
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        report.source = path.name
        try:
            size = path.stat().st_size
            if size > max_bytes:
                report.problems.append(too_big(size))
                return None
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
            if len(data) > max_bytes:  # it grew since the size was checked
                report.problems.append(too_big(len(data)))
                return None
            return data
        except OSError as exc:
            report.problems.append(
                ImportProblem(0, "", f"The file {path} cannot be read ({exc.strerror}).")
            )
            return None
    raise FormSpecError(
        f"cannot import from a {type(source).__name__}: give a file path, bytes, or a "
        "FileUpload widget's value"
    )


def _excel_cell(value: Any) -> str:
    """A spreadsheet cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _excel_to_text(data: bytes, report: ImportReport) -> str | None:
    """The first sheet of an Excel workbook as CSV text, read with computed values."""
    import openpyxl

    try:
        # data_only: the values Excel last computed, never the formulas themselves.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure means "not a workbook we can read"
        report.problems.append(ImportProblem(
            0, "", "This is a zip file but not an Excel workbook that can be read. Save it "
            "from Excel as .xlsx or as 'CSV UTF-8 (comma delimited)' and import that file.",
        ))  # fmt: skip
        return None
    sheet = book.worksheets[0]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    width = 0
    for row in sheet.iter_rows(values_only=True):
        cells = [_excel_cell(v) for v in row]
        used = max((i + 1 for i, c in enumerate(cells) if c != ""), default=0)
        if used == 0:
            continue  # blank rows are not records
        width = width or used  # the header row sets the width
        # Empty cells at the end stay, so a row lines up with the header as in a CSV.
        writer.writerow(cells[: max(width, used)] + [""] * (width - len(cells)))
    book.close()
    if len(book.worksheets) > 1:
        report.warnings.append(
            ImportProblem(
                0, "", f"Read the first sheet, '{sheet.title}'; the other sheets were left out."
            )
        )
    report.encoding = "xlsx"
    return out.getvalue()


def _decode(data: bytes, encoding: str | None, report: ImportReport) -> str | None:
    if data.startswith(b"PK\x03\x04"):
        return _excel_to_text(data, report)
    if encoding:
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            report.problems.append(ImportProblem(0, "", f"Cannot read it as {encoding}: {exc}."))
            return None
        report.encoding = encoding
        return text.lstrip("\ufeff")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.encoding = "utf-16"
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data:
        report.problems.append(
            ImportProblem(0, "", "This is not a text file (it holds binary data). Save it as CSV.")
        )
        return None
    try:
        report.encoding = "utf-8"
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        report.problems.append(
            ImportProblem(
                line,
                "",
                "The file is not UTF-8 text and could not be read another way. Save it as "
                "'CSV UTF-8' and import it again.",
            )
        )
        return None
    report.encoding = "cp1252"
    report.warnings.append(
        ImportProblem(
            line,
            "",
            "The file is not UTF-8 (first odd character on this line), so it was read as "
            "Windows-1252, the encoding Excel uses on Windows. Check accented letters; "
            "saving as 'CSV UTF-8' avoids the guess.",
        )
    )
    return text


def parse_csv(
    fields: Sequence[Field],
    rules: Sequence[Rule],
    source: Any,
    *,
    max_bytes: int = DEFAULT_MAX_IMPORT_BYTES,
    max_rows: int = DEFAULT_MAX_IMPORT_ROWS,
    encoding: str | None = None,
) -> tuple[list[dict[str, Any]], ImportReport]:
    """Read records from a CSV file and check every row; returns (valid rows, report)."""
    report = ImportReport()
    data = _source_bytes(source, max_bytes, report)
    text = None if data is None else _decode(data, encoding, report)
    if text is None:
        return [], report
    if not text.strip():
        report.problems.append(ImportProblem(0, "", "The file is empty."))
        return [], report
    first_line = text.split("\n", 1)[0]
    # Excel writes ';' between values where the decimal mark is a comma.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        report.problems.append(ImportProblem(1, "", f"The header row cannot be read ({exc})."))
        return [], report

    aliases: dict[str, str] = {}
    owner: dict[str, Field] = {}
    for f in fields:
        for alias, column in f.column_aliases().items():
            aliases.setdefault(alias, column)
            owner[column] = f
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = cell.strip()
        column = aliases.get(_norm_header(name))
        if column is None:
            why = (
                "ignored: imported rows get new ids"
                if _norm_header(name) == "id"
                else "is not part of this table, so it was ignored"
            )
            if name:
                report.warnings.append(ImportProblem(1, name, f"This column {why}."))
            continue
        if column in positions:
            report.problems.append(
                ImportProblem(1, name, "This column appears twice; keep one of them.")
            )
        positions[column] = index
    for f in fields:
        present = [c for c in f.columns() if c in positions]
        if present:
            continue
        if f.required:
            report.problems.append(
                ImportProblem(
                    1, f.columns()[0], f"Missing column for '{f.title}', which is required."
                )
            )
        else:
            report.warnings.append(
                ImportProblem(1, f.columns()[0], "No such column: left empty in every row.")
            )
    if report.problems:
        return [], report

    def heading(f: Field) -> str:
        # Name a field's column as the file spells it, so people find it in the sheet.
        for column in f.columns():
            if column in positions:
                return header[positions[column]].strip()
        return f.columns()[0]

    valid: list[dict[str, Any]] = []
    row_number = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.problems.append(
                ImportProblem(
                    row_number + 1,
                    "",
                    f"This row cannot be read ({exc}); nothing after it was read either.",
                )
            )
            break
        row_number += 1
        if not any(cell.strip() for cell in row):
            continue  # blank lines, common at the end of exported files
        report.rows += 1
        if report.rows > max_rows:
            report.problems.append(
                ImportProblem(
                    row_number,
                    "",
                    f"The file has more than {max_rows} rows; split it, or raise max_import_rows.",
                )
            )
            break
        if len(row) != len(header):
            report.problems.append(
                ImportProblem(
                    row_number,
                    "",
                    f"This row has {len(row)} values but the header has {len(header)} "
                    "columns: look for a stray separator or a missing quote.",
                )
            )
            continue
        cells: dict[str, str] = {}
        for column, index in positions.items():
            cell = row[index]
            if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
                cell = cell[1:]  # the apostrophe our own exports add
            if _looks_like_formula(cell) and not isinstance(owner[column], Number):
                report.warnings.append(
                    ImportProblem(
                        row_number,
                        header[index].strip(),
                        f"Starts with '{cell[0]!s}': kept as plain text. CSV exports put an "
                        "apostrophe in front so spreadsheets do not run it as a formula.",
                    )
                )
            cells[column] = cell
        record: dict[str, Any] = {}
        row_problems = []
        for f in fields:
            try:
                value = f.from_cells(cells)
            except ValueError as exc:
                row_problems.append(ImportProblem(row_number, heading(f), str(exc)))
                continue
            message = f.validate(value)
            if message:
                row_problems.append(ImportProblem(row_number, heading(f), message))
            record[f.name] = value
        if not row_problems:
            by_name = {f.name: f for f in fields}
            for rule in rules:
                for name, message in rule.check(record, by_name).items():
                    row_problems.append(ImportProblem(row_number, heading(by_name[name]), message))
        if row_problems:
            report.problems.extend(row_problems)
        else:
            valid.append(record)
    report.valid = len(valid)
    return valid, report


# --- RecordTable ----------------------------------------------------------------------


def _new_id() -> str:
    return uuid.uuid4().hex[:12]


def _find(items: Any, record_id: str) -> dict | None:
    for item in items or []:
        if isinstance(item, dict) and item.get("id") == record_id:
            return item
    return None


class RecordTable:
    """Repeated records (stakeholders, respondents, action items) saved as a list section.

    Each record is a dict with a stable ``id``. Changes are saved at once, one record at a
    time; when someone else saved the table meanwhile, the change is re-applied on top of
    theirs unless they changed the same record (then it is a conflict to settle).
    """

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
        _check_spec(fields, rules, reserved=self.RESERVED)
        self.fields = tuple(fields)
        self.by_name = {f.name: f for f in self.fields}
        self.rules = tuple(rules)
        self.store = store
        self.section = section
        self.title = title
        self.intro = intro
        self.read_only = bool(read_only) or store.read_only
        public = [f for f in self.fields if not f.private]
        self.label_field = label_field or (public[0].name if public else None)
        if self.label_field is not None and self.label_field not in self.by_name:
            raise FormSpecError(f"label_field '{label_field}' is not one of the fields")
        self.max_import_bytes = max_import_bytes
        self.max_import_rows = max_import_rows
        self.export_path = Path(export_path) if export_path else None
        self.private_paths = sorted({p for f in self.fields for p in f.private_paths()})
        self.conflict: ConflictError | None = None
        self.record = self._fetch()
        self._pending: Callable[[list], list] | None = None
        self._confirm_delete = False
        self._refreshing = False
        if not self.read_only:
            self._build()

    # -- the plan --

    def _fetch(self) -> Record:
        record = self.store.get(self.section)
        if record.exists and not isinstance(record.value, list):
            raise FormSpecError(
                f"section '{self.section}' holds a {type(record.value).__name__}, but a "
                "RecordTable keeps a list: use another section name, or a Form for a dict"
            )
        return record

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
        if self.conflict is not None and not self.read_only:
            try:
                self.store.resolve_conflict(self.conflict.conflict_id, keep="saved")
            except PlanValueError:
                pass
        self.conflict = None
        self._pending = None
        self.record = self._fetch()
        if not self.read_only:
            self._refresh_table()
            _hidden(self.conflict_box, True)

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

    def _require_editable(self) -> None:
        if self.read_only:
            raise ReadOnlyError(
                f"the table '{self.section}' is in view mode: nothing can be changed. Open "
                "the plan with read_only=False to edit it"
            )

    # -- CSV --

    def import_csv(
        self,
        source: Any,
        import_valid_only: bool = False,
        encoding: str | None = None,
    ) -> ImportReport:
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
        for item in self.records():
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
        """The records as an escaped HTML table of the public fields."""
        shown = [f for f in self.fields if not f.private]
        items = self.records()
        if not items:
            return views.paragraph("No records yet.")
        rows = [
            [n, *(f.display(item.get(f.name)) for f in shown)] for n, item in enumerate(items, 1)
        ]
        return views.table(rows, ["#", *(f.title for f in shown)])

    def static_html(self) -> str:
        title = views.heading(self.title) if self.title else ""
        count = len(self.records())
        line = f"{count} record{'s' if count != 1 else ''}. {saved_line(self.record)}"
        return (
            f'<div class="wb-table">{title}{self.table_html()}'
            f'<div style="color:{MUTED_COLOUR}">{escape(line)}</div></div>'
        )

    def view(self) -> Any:
        if self.read_only:
            return _StaticHTML(self.static_html(), f"{self.title or self.section} (view only)")
        return WithFallback(self.widget, self.static_html())

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        return self.view()._repr_mimebundle_(**kwargs)

    # -- widgets --

    def _build(self) -> None:
        self.editor = FieldSet(self.fields, self.rules, self._edited, self.section)
        self.controls = self.editor.controls
        header = (views.heading(self.title) if self.title else "") + (
            views.paragraph(self.intro) if self.intro else ""
        )
        self.table_widget = widgets.HTML()
        self.picker = widgets.Dropdown(description="Record:", options=[("New record", "")])
        self.picker.observe(lambda _: self._picked(), names="value")
        self.save_button = _button("Save record", "primary", "save")
        self.save_button.on_click(lambda _: self.save_editor())
        self.new_button = _button("New record", icon="plus")
        self.new_button.on_click(lambda _: self._select(""))
        self.delete_button = _button("Delete record", "danger", "trash")
        self.delete_button.on_click(lambda _: self.delete_selected())
        self.message = widgets.HTML("")
        self.conflict_message = widgets.HTML("")
        self.reload_button = _button("Load the saved records", icon="refresh")
        self.reload_button.on_click(lambda _: self._reload_clicked())
        self.force_button = _button("Keep mine: save it over theirs", "warning")
        self.force_button.on_click(lambda _: self.force_pending())
        self.conflict_box = widgets.VBox(
            [self.conflict_message, widgets.HBox([self.reload_button, self.force_button])],
            layout=widgets.Layout(border=f"2px solid {ERROR_COLOUR}", padding="6px"),
        )
        _hidden(self.conflict_box, True)
        self.upload = widgets.FileUpload(accept=".csv,text/csv", multiple=False)
        self.only_valid = widgets.Checkbox(
            value=False, description="Import only the rows without problems", indent=False
        )
        self.import_button = _button("Import CSV", icon="upload")
        self.import_button.on_click(lambda _: self.import_upload())
        self.import_report = widgets.HTML("")
        import_row = [self.upload, self.only_valid, self.import_button]
        self.export_message = widgets.HTML("")
        if self.export_path is not None:
            self.export_button = _button("Export CSV (no private fields)", icon="download")
            self.export_button.on_click(lambda _: self.export_clicked())
            import_row.append(self.export_button)
        self.widget = widgets.VBox(
            [
                widgets.HTML(header),
                self.table_widget,
                self.picker,
                self.editor.box,
                widgets.HBox([self.save_button, self.new_button, self.delete_button]),
                self.message,
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
        problems = self.editor.load(values or {})
        self.editor.show(problems, include_missing=False)
        self._say("" if not record_id else f"Editing '{self._label(values or {})}'.", MUTED_COLOUR)

    def _edited(self) -> None:
        errors = self.editor.validate()
        self.editor.show(errors, include_missing=False)
        self._say("Unsaved changes to this record.", "#8a5300")

    def _say(self, text: str, colour: str) -> None:
        self.message.value = _coloured(text, colour) if text else ""

    @property
    def message_text(self) -> str:
        return _plain(self.message.value)

    def save_editor(self) -> bool:
        """Save what the editor holds, as a new record or over the one selected."""
        errors = self.editor.validate()
        self.editor.show(errors, include_missing=True)
        if errors:
            self._say("Not saved: fix the fields in red first.", ERROR_COLOUR)
            return False
        record_id = self.picker.value
        try:
            if record_id:
                self.update(record_id, self.editor.values())
            else:
                record_id = self.add(self.editor.values())
        except ConflictError as exc:
            self._show_conflict(exc, record_id)
            return False
        except WorkbookError as exc:
            self._say(f"Not saved: {exc}", ERROR_COLOUR)
            return False
        _hidden(self.conflict_box, True)
        self._refresh_table(keep=record_id)
        label = self._label(_find(self.record.value, record_id) or {})
        self._say(f"Saved '{label}'. {saved_line(self.record)}.", OK_COLOUR)
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
            self._say(f"Delete '{label}'? Click the button again to confirm.", "#8a5300")
            return False
        try:
            self.delete(record_id)
        except ConflictError as exc:
            self._show_conflict(exc, record_id)
            return False
        except WorkbookError as exc:
            self._say(f"Not deleted: {exc}", ERROR_COLOUR)
            return False
        _hidden(self.conflict_box, True)
        self._refresh_table(keep="")
        self._select("")
        self._say(f"Deleted. {saved_line(self.record)}.", OK_COLOUR)
        return True

    def _show_conflict(self, exc: ConflictError, record_id: str) -> None:
        who = exc.current.saved_by or "someone (no name set)"
        theirs = _find(exc.current.value, record_id)
        what = "deleted it" if theirs is None else "changed it"
        self.conflict_message.value = _coloured(
            f"Not saved: {who} {what} at {local_time(exc.current.saved_at)}, after you "
            f"opened it. Your version is still in the editor, and kept in the plan as "
            f"conflict #{exc.conflict_id}. Load the saved records, or keep yours.",
            ERROR_COLOUR,
        ) + (
            views.table(
                [
                    (f.title, f.display((theirs or {}).get(f.name)), f.display(v))
                    for f, v in ((self.by_name[n], v) for n, v in self.editor.values().items())
                    if not f.private
                ],
                ["Field", f"Saved by {who}", "Yours"],
            )
        )
        _hidden(self.conflict_box, False)
        self._say("Not saved: someone else changed this record first (see below).", ERROR_COLOUR)

    def _reload_clicked(self) -> None:
        selected = self.picker.value
        self.reload()
        self._refresh_table(keep=selected)
        self._picked()

    def force_pending(self) -> bool:
        """After a conflict: apply the refused change over the saved version."""
        if self._pending is None:
            return False
        try:
            conflict_id = self.conflict.conflict_id if self.conflict is not None else None
            self._commit(self._pending, conflict_id=conflict_id)
        except WorkbookError as exc:
            self._say(f"Not saved: {exc}", ERROR_COLOUR)
            return False
        _hidden(self.conflict_box, True)
        self._refresh_table()
        self._say(f"Saved. {saved_line(self.record)}.", OK_COLOUR)
        return True

    def import_upload(self) -> ImportReport:
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
            self.export_message.value = _coloured(f"Not exported: {exc}", ERROR_COLOUR)
            return
        self.export_message.value = _coloured(
            f"Exported to {self.export_path} (private fields left out).", OK_COLOUR
        )
