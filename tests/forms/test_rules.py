"""Declarations: a form or table the kit cannot build is refused with the fix."""

from __future__ import annotations

import pytest

from workbook.forms import (
    Date,
    DateOrder,
    Form,
    FormSpecError,
    LongText,
    RecordTable,
    ShortText,
    SingleChoice,
)


def test_declarations_are_checked(store):
    with pytest.raises(FormSpecError, match="repeated: a"):
        Form([ShortText("a"), LongText("a")], store, "s")
    with pytest.raises(FormSpecError, match="field name 'Start Date'"):
        ShortText("Start Date")
    with pytest.raises(FormSpecError, match="unknown fields: finish"):
        Form([Date("start")], store, "s", rules=[DateOrder("start", "finish")])
    with pytest.raises(FormSpecError, match="distinct, non-empty value"):
        SingleChoice("x", options=["a", "a"])
    with pytest.raises(FormSpecError, match="used by the table itself"):
        RecordTable([ShortText("id")], store, "t")
    store.save("listy", [1, 2], 0)
    with pytest.raises(FormSpecError, match="holds a list, but a Form keeps a dict"):
        Form([ShortText("a")], store, "listy")
