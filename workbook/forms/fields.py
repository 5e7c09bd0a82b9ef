"""Field specs: what a form asks, how each answer is checked, shown, typed and stored.

Each spec is a frozen dataclass that knows its value in four shapes: as the plan stores
it (JSON), as the widgets hold it, as a CSV cell, and as plain text for static views.
Its checks answer in plain words ("Must be at least 0."), so a notebook never writes
its own validation.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import ipywidgets as widgets

from workbook.display import views
from workbook.forms.errors import FormSpecError
from workbook.plan.privacy import consent_mark

EMPTY = "\u2014"  # shown for an unanswered field in static views
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
PHONE = re.compile(r"^\+?[0-9 ()./-]{3,30}( ?(x|ext\.?) ?[0-9]{1,6})?$")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


# --- small helpers --------------------------------------------------------------------


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


def norm_header(text: str) -> str:
    """A CSV header as compared on import: lower case, any run of spaces, _ or - as _."""
    return re.sub(r"[\s_\-]+", "_", text.strip().lower())


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
        return {norm_header(self.name): self.name, norm_header(self.title): self.name}

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
class _Choices(Field):
    """What both choice fields share: the options, as (label, value) pairs once built."""

    options: Sequence[str | tuple[str, str]] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "options", _options(self.options))

    @property
    def labels(self) -> dict[str, str]:
        return {value: label for label, value in self.options}


@dataclass(frozen=True)
class SingleChoice(_Choices):
    """One of a list of choices: text, or (label, value) pairs. ``radio`` shows buttons."""

    radio: bool = False

    missing_message: ClassVar[str] = "Please choose one."

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
class MultipleChoice(_Choices):
    """Any number of choices, as tick boxes; ``max_choices`` caps how many."""

    max_choices: int | None = None

    missing_message: ClassVar[str] = "Please tick at least one."

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


PERSONAL = ("name", "organisation")  # what names a person: their name, their role or unit


@dataclass(frozen=True)
class Person(Field):
    """A person or an organisation: name, organisation and (optionally) contact details.

    The email and phone are private by default (``contact_private``): they are saved in
    the plan but left out of views, dashboards and public exports.
    """

    contact: bool = True
    contact_private: bool = True
    max_length: int = 200
    # The name of a YesNo field of the same record: the person's name and their role or
    # unit (a job title) are personal data, shown in public only when it is Yes.
    named_with: str | None = None

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
        paths = []
        if self.contact and self.contact_private:
            paths += [f"{self.name}.email", f"{self.name}.phone"]
        if self.named_with:
            paths += [consent_mark(f"{self.name}.{p}", self.named_with) for p in PERSONAL]
        return paths

    def _column(self, part: str) -> str:
        return self.name if part == "name" else f"{self.name}_{part}"

    def columns(self, include_private: bool = True) -> list[str]:
        return [self._column(p) for p in self.parts if include_private or not self._private_part(p)]

    def column_aliases(self) -> dict[str, str]:
        aliases = {}
        for part in self.parts:
            column = self._column(part)
            aliases[norm_header(column)] = column
            spoken = self.title if part == "name" else f"{self.title} {part}"
            aliases[norm_header(spoken)] = column
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
                placeholder=hints[part] + self._privacy_hint(part),
                layout=widgets.Layout(width="auto", flex="1 1 10em"),
            )
            for part in self.parts
        }

    def _privacy_hint(self, part: str) -> str:
        if self._private_part(part):
            return " (private)"
        if self.named_with and part in PERSONAL:
            return " (public only if they agree)"
        return ""

    def arrange(self, inputs: Mapping[str, widgets.Widget]) -> widgets.Widget:
        return widgets.HBox(list(inputs.values()), layout=_wide(flex_flow="row wrap"))
