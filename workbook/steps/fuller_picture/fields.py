"""What Step 6's forms ask, table by table; the codebook refuses to lose excerpts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from workbook.analysis import qualitative as qual
from workbook.data.catalog import Framework
from workbook.forms import (
    Date,
    Field,
    LongText,
    MultipleChoice,
    Number,
    RecordTable,
    Rule,
    ShortText,
    SingleChoice,
)
from workbook.forms.structured import Entries, FollowUp, Links, Material, Redacted, TextList
from workbook.steps.fuller_picture.sections import (
    ACTIVITIES_SECTION,
    ACTIVITY_TYPES,
    ANCHORS,
    CONSENTS,
    EVIDENCE_KINDS,
    EXCERPTS_SECTION,
    IDENTIFIER_KINDS,
    NO_REGISTER,
    RELATIONS,
    STRENGTHS,
    TYPE_LABELS,
    predictor_names,
)


def group_fields(framework: Framework, stakeholders: Sequence[tuple[str, str]]) -> list[Field]:
    pillars = [(p["name"], p["id"]) for p in framework.pillars]
    return [
        ShortText("name", label="Working group", required=True, max_length=120),
        MultipleChoice("pillars", label="Focus: pillars", options=pillars),
        MultipleChoice("predictors", label="Focus: predictors", options=predictor_names(framework)),
        _some_of("members", "Members (from the stakeholder register)", stakeholders, NO_REGISTER),
        _one_of("lead", "Lead", stakeholders, NO_REGISTER),
        ShortText("rhythm", label="Meets", max_length=120, help="e.g. every second Tuesday"),
    ]


def activity_fields(groups: Sequence[tuple[str, str]]) -> list[Field]:
    return [
        SingleChoice("type", label="Type", required=True, options=ACTIVITY_TYPES),
        Date("date", label="Date"),
        ShortText("place", label="Place", max_length=200),
        _one_of("group_id", "Working group", groups, "Add working groups above first."),
        Number("reached", label="People reached", minimum=0, maximum=1_000_000, integer=True),
        LongText(
            "demographics",
            label="Who was reached (aggregate only)",
            max_length=1000,
            rows=2,
            help="Counts and groups only, e.g. '14 renters, 9 under 25': never names.",
        ),
        ShortText("supports", label="Accessibility supports", max_length=300),
        ShortText("compensation", label="Compensation offered", max_length=300),
        SingleChoice("consent", label="Consent obtained", required=True, options=CONSENTS),
        ShortText("language", label="Language", max_length=60),
        Material(
            "material",
            label="Notes or transcript",
            help="Typed notes, or a transcript imported with import_transcript. The text "
            "is private: it never leaves edit mode.",
        ),
    ]


def code_fields(framework: Framework, codes: Sequence[tuple[str, str]]) -> list[Field]:
    pillars = [(p["name"], p["id"]) for p in framework.pillars]
    return [
        ShortText("name", label="Code", required=True, max_length=120),
        LongText("description", label="Description", max_length=3000, rows=2),
        _one_of("parent", "Parent code", codes, "Save the parent code first."),
        MultipleChoice("pillars", label="Pillars", options=pillars),
        MultipleChoice("predictors", label="Predictors", options=predictor_names(framework)),
    ]


def excerpt_fields(
    sources: Sequence[tuple[str, str]], codes: Sequence[tuple[str, str]], redact
) -> list[Field]:
    return [
        _one_of("source", "Activity", sources, "Add an engagement activity first.", required=True),
        Number("start", label="Starts at character", minimum=0, integer=True),
        Number("end", label="Ends at character", minimum=0, integer=True),
        Redacted(
            "quote",
            label="Passage",
            required=True,
            redact=redact,
            help="Copied exactly from the activity's material. Outside edit mode only a "
            "copy with names, e-mails and phone numbers redacted is shown.",
        ),
        _some_of("codes", "Codes", codes, "Add codes to the codebook first."),
        Redacted("memo", label="Memo", redact=redact),
        SingleChoice(
            "anchor",
            label="Place in the source",
            options=ANCHORS,
            help="Set when the activity's material is edited: moved or lost passages need a look.",
        ),
    ]


def timeline_fields() -> list[Field]:
    return [
        Date("date", label="When", required=True),
        ShortText("what", label="What happened", required=True, max_length=300),
        ShortText("who", label="Who", max_length=200),
        LongText("effect", label="Effect on local conditions", max_length=2000, rows=2),
        ShortText("source", label="Source", max_length=300),
    ]


def relationship_fields() -> list[Field]:
    return [
        ShortText("from_org", label="Organisation", required=True, max_length=200),
        SingleChoice("kind", label="Relationship", required=True, options=RELATIONS),
        ShortText("to_org", label="Other organisation", required=True, max_length=200),
        ShortText("notes", label="Notes", max_length=500),
    ]


def narrative_fields() -> list[Field]:
    return [
        LongText("narrative", label="Narrative", required=True, max_length=2000, rows=2),
        ShortText("held_by", label="Who holds it", max_length=300),
        LongText("evidence", label="Evidence", max_length=2000, rows=2),
        LongText("counter", label="Counter-narrative", max_length=2000, rows=2),
    ]


def identifier_fields() -> list[Field]:
    return [
        ShortText(
            "text", label="Name or identifying words", required=True, max_length=200, private=True
        ),
        SingleChoice("kind", label="Kind", options=IDENTIFIER_KINDS),
    ]


def finding_fields(framework: Framework) -> list[Field]:
    return [
        LongText("statement", label="Finding", required=True, max_length=2000, rows=2),
        Links(
            "evidence",
            label="Evidence",
            kinds=EVIDENCE_KINDS,
            help="One per line: 'metric: <variable>', 'local: <dataset>/<measure>' or "
            "'excerpt: <excerpt id>'.",
        ),
        SingleChoice(
            "strength", label="Strength of the evidence", required=True, options=STRENGTHS
        ),
        TextList("groups", label="Groups it concerns", help="e.g. renters; young adults"),
        MultipleChoice("predictors", label="Predictors", options=predictor_names(framework)),
        FollowUp("follow_up", label="What community members said back"),
        Entries("revisions", label="Revisions"),
    ]


def sustain_fields() -> list[Field]:
    return [
        ShortText("activity", label="Activity", required=True, max_length=300),
        ShortText("rhythm", label="How often", max_length=120),
        ShortText("owner", label="Owner", max_length=200),
        Number("budget", label="Budget", minimum=0, unit="per year"),
        Date("start", label="Starts"),
    ]


class Codebook(RecordTable):
    """The codebook: a code still carried by excerpts cannot be deleted (merge it instead)."""

    def delete(self, record_id: str, force: bool = False) -> None:
        code = self.get(record_id)
        qual.check_deletable(code, self.store.get(EXCERPTS_SECTION).value or [])
        super().delete(record_id, force)


def source_text(store: Any, source_id: str) -> str | None:
    """The material of activity ``source_id`` as saved (None when there is no such activity)."""
    for record in store.get(ACTIVITIES_SECTION).value or []:
        if isinstance(record, Mapping) and record.get("id") == source_id:
            return str((record.get("material") or {}).get("text") or "")
    return None


@dataclass(frozen=True)
class InSource(Rule):
    """An excerpt's passage is found in its activity's material (unless flagged lost)."""

    text: Callable[[str], str | None] = field(compare=False)

    def field_names(self) -> tuple[str, ...]:
        return ("source", "quote")

    def check(self, values: Mapping[str, Any], fields: Mapping[str, Field]) -> dict[str, str]:
        quote, source = qual.text_of(values.get("quote")), values.get("source")
        if values.get("anchor") == qual.LOST or not quote or not source:
            return {}
        text = self.text(str(source))
        if text is None:
            return {"source": f"there is no activity '{source}': choose one of the activities"}
        if quote not in text:
            return {
                "quote": "This passage is not in the activity's notes or transcript: copy it "
                "exactly from there (or add it to the material first)."
            }
        return {}


class Excerpts(RecordTable):
    """Excerpts placed in their source on every save: the offsets follow the passage."""

    def _complete(self, values: Mapping[str, Any], base: Mapping[str, Any] | None = None) -> dict:
        merged = super()._complete(values, base)
        text = source_text(self.store, str(merged.get("source") or ""))
        if text and qual.text_of(merged.get("quote")) and merged.get("anchor") != qual.LOST:
            placed = qual.anchor(text, merged)
            if placed["anchor"] != qual.LOST:
                merged["start"], merged["end"] = placed["start"], placed["end"]
        return merged


def _one_of(
    name: str, label: str, options: Sequence[tuple[str, str]], missing: str, **extra: Any
) -> Field:
    """A choice among saved records; a text box (of ids) while there are none to choose."""
    if options:
        return SingleChoice(name, label=label, options=list(options), **extra)
    return ShortText(name, label=label, max_length=120, help=missing, **extra)


def _some_of(name: str, label: str, options: Sequence[tuple[str, str]], missing: str) -> Field:
    if options:
        return MultipleChoice(name, label=label, options=list(options))
    return TextList(name, label=label, help=missing)


def record_options(records: Sequence[Mapping[str, Any]], label: str) -> list[tuple[str, str]]:
    seen: dict[str, int] = {}
    options = []
    for r in records:
        if not isinstance(r, Mapping) or not r.get("id"):
            continue
        text = str(r.get(label) or r["id"])
        seen[text] = seen.get(text, 0) + 1
        options.append((text if seen[text] == 1 else f"{text} ({r['id']})", str(r["id"])))
    return options


def activity_label(record: Mapping[str, Any]) -> str:
    kind = TYPE_LABELS.get(str(record.get("type")), "Activity")
    return f"{kind} {record.get('date') or ''} {record.get('place') or ''}".strip()
