"""The forms of Step 10: actual values (with their checks), revised baselines, wins,
the calendar, engagement and funding."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workbook.analysis import scorecard as sc
from workbook.forms import (
    Date,
    Field,
    LongText,
    Number,
    Person,
    RecordTable,
    Rule,
    ShortText,
    SingleChoice,
)
from workbook.plan.store import PlanStore
from workbook.steps.sustain_momentum.records import (
    ACTUALS_SECTION,
    BASELINES_SECTION,
    CALENDAR_KINDS,
    CALENDAR_SECTION,
    DECISIONS,
    ENGAGEMENT_SECTION,
    FUNDING_SECTION,
    FUNDING_STATUSES,
    WINS_SECTION,
    measure_options,
)

# --- forms ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AfterBaseline(Rule):
    """An actual value may not be dated before its measure's baseline."""

    measures: tuple = ()

    def field_names(self) -> tuple[str, ...]:
        return ("measure_id", "date")

    def check(self, values: Mapping[str, Any], fields: Mapping[str, Field]) -> dict[str, str]:
        day = sc.parse_date(values.get("date"))
        measure = next((m for m in self.measures if m.get("id") == values.get("measure_id")), None)
        if day is None or measure is None:
            return {}
        first = sc.earliest_actual(measure)
        if first is None or day >= first:
            return {}
        return {"date": (
            f"{day.isoformat()} is before the baseline of '{measure.get('name')}' "
            f"({first.isoformat()}); record only values measured on or after the baseline, "
            "or correct the date."
        )}  # fmt: skip


def actual_fields(measures: Sequence[Mapping]) -> list[Field]:
    return [
        SingleChoice(
            "measure_id", label="Measure", required=True, options=measure_options(measures),
            help="One of the measures chosen in Step 8 (its name or id in a file).",
        ),
        Date("date", label="Date", required=True, help="When the value was measured."),
        Number("value", label="Value", required=True),
        ShortText("source", label="Source", max_length=300),
        LongText("note", label="Note", max_length=1000, rows=2),
        ShortText(
            "release", label="Data release", max_length=40,
            help="For values taken from the Mobility Metrics: which release.",
        ),
    ]  # fmt: skip


def actuals_table(store: PlanStore, measures: Sequence[Mapping], read_only=None) -> RecordTable:
    return RecordTable(
        actual_fields(measures), store, ACTUALS_SECTION, title="Actual values",
        intro="One record per measure and date. Import a CSV or Excel file with the columns "
        "measure, date, value, source and note; every row is checked first.",
        rules=(AfterBaseline(tuple(measures)),), read_only=read_only, label_field="measure_id",
    )  # fmt: skip


def baseline_fields(measures: Sequence[Mapping]) -> list[Field]:
    return [
        SingleChoice("measure_id", label="Measure", required=True,
                     options=measure_options(measures)),
        ShortText("release", label="Release", required=True, max_length=40),
        Number("old", label="Baseline as recorded"),
        Number("new", label="Value in the new release"),
        SingleChoice("decision", label="Decision", required=True, options=DECISIONS),
        Date("decided_on", label="Decided on", required=True),
    ]  # fmt: skip


def baselines_table(store: PlanStore, measures: Sequence[Mapping], read_only=None) -> RecordTable:
    return RecordTable(
        baseline_fields(measures), store, BASELINES_SECTION, title="Revised baselines",
        intro="When a new release revises a baseline, the coalition decides: accept the "
        "revised value, or keep the baseline it set. Either way the choice is recorded.",
        read_only=read_only, label_field="measure_id",
    )  # fmt: skip


def win_fields(measures: Sequence[Mapping]) -> list[Field]:
    linked: list[Field] = []
    if measures:
        linked.append(
            SingleChoice("measure_id", label="Measure", options=measure_options(measures))
        )
    return [
        ShortText("what", label="What was achieved", required=True, max_length=300),
        Date("date", label="When", required=True),
        *linked,
        ShortText("strategy", label="Strategy or action", max_length=300),
        LongText("evidence", label="Evidence", max_length=2000, rows=3),
        ShortText("thanks", label="Whom to thank", max_length=300,
                  help="Organisations or people to thank in public."),
    ]  # fmt: skip


def calendar_fields() -> list[Field]:
    return [
        ShortText("event", label="Event", required=True, max_length=200),
        SingleChoice("kind", label="Kind", required=True, options=CALENDAR_KINDS),
        Date("date", label="Date", required=True),
        ShortText("office", label="Office or body", max_length=200),
        LongText("ask", label="What we will ask for", max_length=1000, rows=2),
    ]  # fmt: skip


def engagement_fields(planned: Sequence[Mapping]) -> list[Field]:
    linked: list[Field] = []
    options = [(str(p.get("activity") or p["id"]), str(p["id"])) for p in planned if p.get("id")]
    if options:
        linked.append(SingleChoice("planned_id", label="Planned activity (Step 6)",
                                   options=options))  # fmt: skip
    return [
        ShortText("activity", label="What happened", required=True, max_length=300),
        Date("date", label="Date", required=True),
        *linked,
        Number("reached", label="People reached", minimum=0, integer=True),
        LongText("notes", label="Notes", max_length=1000, rows=2),
    ]


def funding_fields() -> list[Field]:
    return [
        ShortText("item", label="What the money is for", required=True, max_length=200),
        Date("date", label="Date", required=True),
        Number("needed", label="Amount needed", minimum=0, unit="dollars"),
        Number("secured", label="Amount secured", minimum=0, unit="dollars"),
        ShortText("funder", label="Funder", max_length=200),
        SingleChoice("status", label="Status", options=FUNDING_STATUSES),
        Person("contact", label="Contact at the funder", private=True,
               help="Private: kept in the plan file only."),
    ]  # fmt: skip


def wins_table(store: PlanStore, measures: Sequence[Mapping], read_only=None) -> RecordTable:
    return RecordTable(
        win_fields(measures), store, WINS_SECTION, title="Early wins",
        intro="Each success, however small, with its evidence and whom to thank.",
        read_only=read_only, label_field="what",
    )  # fmt: skip


def calendar_table(store: PlanStore, read_only=None) -> RecordTable:
    return RecordTable(
        calendar_fields(), store, CALENDAR_SECTION, title="Election and budget calendar",
        intro="Dates when leaders change or money is decided, and what the coalition will ask.",
        read_only=read_only, label_field="event",
    )  # fmt: skip


def engagement_table(store: PlanStore, planned: Sequence[Mapping], read_only=None) -> RecordTable:
    return RecordTable(
        engagement_fields(planned), store, ENGAGEMENT_SECTION, title="Engagement that happened",
        intro="One record per meeting, event or conversation; link it to what Step 6 planned.",
        read_only=read_only, label_field="activity",
    )  # fmt: skip


def funding_table(store: PlanStore, read_only=None) -> RecordTable:
    return RecordTable(
        funding_fields(), store, FUNDING_SECTION, title="Funding",
        intro="Money asked for and secured; the contact at the funder stays private.",
        read_only=read_only, label_field="item",
    )  # fmt: skip
