"""Checks across fields (an end date after the start, at least one of two filled in), and
the check of a whole declaration before any widget is built."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workbook.forms.errors import FormSpecError
from workbook.forms.fields import Date, Field


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


def check_spec(
    fields: Sequence[Field], rules: Sequence[Rule], reserved: Iterable[str] = ()
) -> None:
    """Refuse a declaration the kit cannot build, naming the field and the fix."""
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
