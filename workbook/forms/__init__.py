"""Declarative forms on ipywidgets: a step notebook says what it asks, the kit builds it.

A notebook lists field specs (:class:`ShortText`, :class:`Rating`, :class:`Person`...)
and hands them to a :class:`Form` (one set of answers, saved as a dict section of the
plan) or a :class:`RecordTable` (repeated records such as stakeholders or action items,
saved as a list section). The kit builds the widgets, checks the answers in plain words
before anything is saved, saves through :mod:`workbook.plan.store` with the version the
form was loaded from, and shows conflicts instead of overwriting someone else's work.

Every widget is displayed with a static, escaped HTML copy for exported pages, and in
view mode (``read_only=True``, or a plan opened read-only) only the static copy exists:
no inputs, and no private fields. Everything a user typed is escaped wherever it is
rendered as HTML.

Tests and scripts drive a form without a browser: ``form.set_value(name, value)``
(or ``.value`` on the widgets in ``form.controls``), ``form.validate()``,
``form.save()``, ``form.values()``.

Where things live (import from here; the modules are for reading and for tests):

- :mod:`~workbook.forms.fields`: field specs and the checks of a single answer
  (:class:`ShortText`, :class:`LongText`, :class:`Number`, :class:`Date`,
  :class:`SingleChoice`, :class:`MultipleChoice`, :class:`Rating` with :class:`Level`,
  :class:`YesNo`, :class:`Person`);
- :mod:`~workbook.forms.rules`: checks across fields (:class:`DateOrder`,
  :class:`AtLeastOne`), :func:`check_values`, and the check of a declaration;
- :mod:`~workbook.forms.errors`: :class:`FormSpecError` and :class:`RecordError`;
- :mod:`~workbook.forms.controls`: the widgets of a set of fields (:class:`Control`,
  :class:`FieldSet`);
- :mod:`~workbook.forms.base`: :class:`Editor`, what Form and RecordTable share (status
  line, view mode, conflict panel, save plumbing, static rendering);
- :mod:`~workbook.forms.form`: :class:`Form` and its drafts kept across a crash;
- :mod:`~workbook.forms.table`: :class:`RecordTable`, records saved one at a time, CSV
  export;
- :mod:`~workbook.forms.file_import`: CSV and Excel import with a
  :class:`RecordImportReport` by row and column;
- :mod:`~workbook.forms.cells`: spreadsheet cells that could run as formulas;
- :mod:`~workbook.forms.static`: the read-only HTML of answers and records;
- :mod:`~workbook.forms.messages`: 'Saved at 14:02 by Ana' and coloured message lines.
"""

from workbook.forms.base import Editor
from workbook.forms.cells import neutralise_cell
from workbook.forms.controls import Control, FieldSet
from workbook.forms.errors import FormSpecError, RecordError
from workbook.forms.fields import (
    EMPTY,
    Date,
    Field,
    Level,
    LongText,
    MultipleChoice,
    Number,
    Person,
    Rating,
    ShortText,
    SingleChoice,
    YesNo,
)
from workbook.forms.file_import import (
    DEFAULT_MAX_IMPORT_BYTES,
    DEFAULT_MAX_IMPORT_ROWS,
    ImportProblem,
    RecordImportReport,
    parse_csv,
)
from workbook.forms.form import Form
from workbook.forms.messages import local_time, saved_line
from workbook.forms.rules import AtLeastOne, DateOrder, Rule, check_values
from workbook.forms.table import RecordTable

__all__ = [
    "DEFAULT_MAX_IMPORT_BYTES",
    "DEFAULT_MAX_IMPORT_ROWS",
    "EMPTY",
    "AtLeastOne",
    "Control",
    "Date",
    "DateOrder",
    "Editor",
    "Field",
    "FieldSet",
    "Form",
    "FormSpecError",
    "ImportProblem",
    "Level",
    "LongText",
    "MultipleChoice",
    "Number",
    "Person",
    "Rating",
    "RecordError",
    "RecordImportReport",
    "RecordTable",
    "Rule",
    "ShortText",
    "SingleChoice",
    "YesNo",
    "check_values",
    "local_time",
    "neutralise_cell",
    "parse_csv",
    "saved_line",
]
