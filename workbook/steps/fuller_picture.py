"""Step 6, develop a fuller picture: working groups, what people said, systems, findings.

Plan sections: ``step6.groups`` (working groups, members from Step 4's register),
``step6.activities`` (engagement activities and their material), ``step6.codebook``,
``step6.excerpts`` (passages of the material, their codes and memos), ``step6.timeline``,
``step6.relationships`` and ``step6.narratives`` (systems and narratives),
``step6.identifiers`` (names the team wants redacted), ``step6.findings`` (statements
with evidence, the community's follow-up and every revision) and ``step6.sustain``
(the plan to keep people engaged).

Privacy: an activity's notes or transcript (``material.text``) never leave edit mode.
Quotes and memos are kept as typed (private) beside a copy with e-mails, phone numbers
and names redacted (the names of Step 4's register and team and the team's own list);
only that copy reaches dashboards, exports and the MAP, and a quote reaches the MAP only
when its activity's consent allows quoting.
"""

from __future__ import annotations

import csv
import importlib.util
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML

from workbook.analysis import qualitative as qual
from workbook.analysis.compare import compare
from workbook.data.catalog import Framework
from workbook.data.qdc import read_qdc, write_qdc
from workbook.data.transcripts import read_transcript
from workbook.display import qualitative_charts as charts
from workbook.display import views
from workbook.display.document import Block, BulletList, Callout, Heading, Paragraph, Table
from workbook.display.live import Live, LiveViews
from workbook.errors import WorkbookError
from workbook.forms import (
    Date,
    Field,
    LongText,
    MultipleChoice,
    Number,
    RecordError,
    RecordTable,
    ShortText,
    SingleChoice,
)
from workbook.forms.structured import Entries, FollowUp, Links, Material, Redacted, TextList
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore
from workbook.session import Session
from workbook.steps import registry, review

STEP = registry.step(6)
GROUPS_SECTION = STEP.section("groups")
ACTIVITIES_SECTION = STEP.section("activities")
CODEBOOK_SECTION = STEP.section("codebook")
EXCERPTS_SECTION = STEP.section("excerpts")
TIMELINE_SECTION = STEP.section("timeline")
RELATIONSHIPS_SECTION = STEP.section("relationships")
NARRATIVES_SECTION = STEP.section("narratives")
IDENTIFIERS_SECTION = STEP.section("identifiers")
FINDINGS_SECTION = STEP.section("findings")
SUSTAIN_SECTION = STEP.section("sustain")

# Upstream sections, read through the contracts' names and shapes only.
STAKEHOLDERS = "step4.stakeholders"
TEAM = "step4.team"
PRIORITIES = "step5.priorities"
LOCAL_DATA = "step5.local_data"
INSIGHTS = "step2.insights"

ACTIVITY_TYPES = (
    ("Interview", "interview"),
    ("Focus group", "focus_group"),
    ("Listening session", "listening_session"),
    ("Community meeting", "community_meeting"),
    ("Survey", "survey"),
    ("Data walk", "data_walk"),
    ("Story circle", "story_circle"),
    ("Other", "other"),
)
TYPE_LABELS = dict((v, k) for k, v in ACTIVITY_TYPES)
CONSENTS = (
    ("May be quoted, with attribution", qual.QUOTE_NAMED),
    ("May be quoted without names", qual.QUOTE_ANONYMOUS),
    ("No quotes: use for analysis only", qual.NO_QUOTES),
)
STRENGTHS = (
    ("Several sources agree", "several"),
    ("One source", "one"),
    ("Contested: sources disagree", "contested"),
)
STRENGTH_LABELS = dict((v, k) for k, v in STRENGTHS)
EVIDENCE_KINDS = ("metric", "local", "excerpt")
RELATIONS = (
    ("Funds", "funds"),
    ("Partners with", "partners_with"),
    ("Competes with", "competes_with"),
)
IDENTIFIER_KINDS = (
    ("A person's name", "name"),
    ("A place or group that identifies someone", "other"),
)
ANCHORS = (
    ("Where it was", qual.ANCHORED),
    ("Moved: found elsewhere", qual.MOVED),
    ("Lost: no longer in the text", qual.LOST),
)
NO_REGISTER = "Add stakeholders in Step 4 first (their record ids go here until then)."
WITHHELD = "(not quoted: the people of this activity did not agree to be quoted)"


def _listed(value: Any) -> list[str]:
    return qual.listed(value)


def predictor_names(framework: Framework) -> list[str]:
    return [p["name"] for pillar in framework.pillars for p in pillar["predictors"]]


def priority_predictors(value: Any, framework: Framework) -> list[str]:
    """Step 5's priority predictors (contract: step5.priorities.predictors); [] if not set."""
    known = set(predictor_names(framework))
    chosen = value.get("predictors") if isinstance(value, Mapping) else None
    return [p for p in _listed(chosen) if p in known]


# --- identifiers: what redaction looks for -------------------------------------------------


def identifier_names(store: PlanStore) -> list[str]:
    """Names to redact: Step 4's register and team contacts and the team's own list.

    Read from the full plan (the store can read private parts in every mode; only what
    is *shown* is redacted).
    """
    names: list[str] = []
    for record in store.get(STAKEHOLDERS).value or []:
        contact = record.get("contact") if isinstance(record, Mapping) else None
        if isinstance(contact, Mapping) and contact.get("name"):
            names.append(str(contact["name"]))
    for record in store.get(TEAM).value or []:
        person = record.get("person") if isinstance(record, Mapping) else None
        if isinstance(person, Mapping) and person.get("name"):
            names.append(str(person["name"]))
    for record in store.get(IDENTIFIERS_SECTION).value or []:
        if isinstance(record, Mapping) and record.get("text"):
            names.append(str(record["text"]))
    # A full name also identifies by its parts ("Maria Lopez" -> "Lopez").
    parts = [p for n in names for p in n.split() if len(p) >= 4 and p[0].isupper()]
    return list(dict.fromkeys([*names, *parts]))


# --- form specs ----------------------------------------------------------------------------


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


def _options(records: Sequence[Mapping[str, Any]], label: str) -> list[tuple[str, str]]:
    seen: dict[str, int] = {}
    options = []
    for r in records:
        if not isinstance(r, Mapping) or not r.get("id"):
            continue
        text = str(r.get(label) or r["id"])
        seen[text] = seen.get(text, 0) + 1
        options.append((text if seen[text] == 1 else f"{text} ({r['id']})", str(r["id"])))
    return options


def _activity_label(record: Mapping[str, Any]) -> str:
    kind = TYPE_LABELS.get(str(record.get("type")), "Activity")
    return f"{kind} {record.get('date') or ''} {record.get('place') or ''}".strip()


# --- the step ------------------------------------------------------------------------------


class FullerPicture(LiveViews):
    """Step 6's tables and views. Views redact identifiers outside edit mode."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.framework = session.framework
        self.store = session.plan
        self.names = identifier_names(self.store)
        self._build_tables()
        super().__init__(session.read_only, self.editors())

    def _build_tables(self) -> None:
        store, ro = self.store, self.session.read_only
        stakeholders = _options(store.get(STAKEHOLDERS).value or [], "organisation")
        groups = _options(store.get(GROUPS_SECTION).value or [], "name")
        sources = [
            (_activity_label(r), str(r["id"]))
            for r in store.get(ACTIVITIES_SECTION).value or []
            if isinstance(r, Mapping) and r.get("id")
        ]
        codes = _options(store.get(CODEBOOK_SECTION).value or [], "name")
        self.groups_table = RecordTable(
            group_fields(self.framework, stakeholders),
            store,
            GROUPS_SECTION,
            title="Working groups",
            read_only=ro,
            label_field="name",
        )
        self.activities_table = RecordTable(
            activity_fields(groups),
            store,
            ACTIVITIES_SECTION,
            title="Engagement activities",
            intro="Who was reached counts people, never names them.",
            read_only=ro,
            label_field="type",
        )
        self.codebook_table = Codebook(
            code_fields(self.framework, codes),
            store,
            CODEBOOK_SECTION,
            title="Codebook",
            read_only=ro,
            label_field="name",
        )
        self.excerpts_table = RecordTable(
            excerpt_fields(sources, codes, self.redact),
            store,
            EXCERPTS_SECTION,
            title="Excerpts",
            read_only=ro,
            label_field="source",
        )
        self.timeline_table = RecordTable(
            timeline_fields(),
            store,
            TIMELINE_SECTION,
            title="Timeline of policies and events",
            read_only=ro,
            label_field="what",
        )
        self.relationships_table = RecordTable(
            relationship_fields(),
            store,
            RELATIONSHIPS_SECTION,
            title="Relationships between organisations",
            read_only=ro,
            label_field="from_org",
        )
        self.narratives_table = RecordTable(
            narrative_fields(),
            store,
            NARRATIVES_SECTION,
            title="Prevailing narratives",
            read_only=ro,
            label_field="narrative",
        )
        self.identifiers_table = RecordTable(
            identifier_fields(),
            store,
            IDENTIFIERS_SECTION,
            title="Names to redact",
            read_only=ro,
            label_field="kind",
        )
        self.findings_table = RecordTable(
            finding_fields(self.framework),
            store,
            FINDINGS_SECTION,
            title="Findings",
            read_only=ro,
            label_field="statement",
        )
        self.sustain_table = RecordTable(
            sustain_fields(),
            store,
            SUSTAIN_SECTION,
            title="Keeping people engaged",
            read_only=ro,
            label_field="activity",
        )

    def editors(self) -> tuple[RecordTable, ...]:
        return (
            self.groups_table,
            self.activities_table,
            self.codebook_table,
            self.excerpts_table,
            self.timeline_table,
            self.relationships_table,
            self.narratives_table,
            self.identifiers_table,
            self.findings_table,
            self.sustain_table,
        )

    def reload(self) -> None:
        """Build the tables again (after codes or activities changed their choices)."""
        self.names = identifier_names(self.store)
        self._build_tables()

    def redact(self, text: str) -> str:
        return qual.redact(text, self.names)

    # -- records as views may show them --

    def _records(self, table: RecordTable) -> list[dict[str, Any]]:
        return table.records(public=self.read_only)

    def sources(self) -> dict[str, dict[str, Any]]:
        return {str(r["id"]): r for r in self.activities_table.records(public=True)}

    def excerpt_records(self) -> list[dict[str, Any]]:
        """Excerpts with their quotes redacted again against today's list of names."""
        rows = self.excerpts_table.records(public=True)
        for r in rows:
            for key in ("quote", "memo"):
                if isinstance(r.get(key), Mapping):
                    r[key] = {"shown": self.redact(qual.text_of(r[key], shown=True))}
        return rows

    def codes(self) -> list[dict[str, Any]]:
        return self.codebook_table.records(public=True)

    # -- working groups and activities --

    def groups(self) -> RecordTable:
        return self.groups_table

    def activities(self) -> RecordTable:
        return self.activities_table

    def import_transcript(self, activity_id: str, path: str | Path) -> int:
        """Read a transcript file into an activity's material; returns its length.

        Excerpts of the activity are re-anchored in the new text (see :meth:`edit_source`).
        """
        text = read_transcript(Path(path))
        return self.edit_source(activity_id, text, file_name=Path(path).name)

    def edit_source(self, activity_id: str, text: str, file_name: str | None = None) -> int:
        """Replace an activity's material and re-anchor its excerpts in the new text.

        Excerpts whose passage is still found keep it (moved ones get new offsets and the
        flag ``moved``); those no longer found are flagged ``lost`` for a person to look at.
        """
        record = self.activities_table.get(activity_id)
        material = dict(record.get("material") or {})
        material["text"] = text
        if file_name is not None:
            material["file_name"] = file_name
        self.activities_table.update(activity_id, {"material": material})
        for excerpt in self.excerpts_table.records():
            if excerpt.get("source") != activity_id:
                continue
            moved = qual.anchor(text, excerpt)
            if (moved.get("start"), moved.get("end"), moved.get("anchor")) != (
                excerpt.get("start"),
                excerpt.get("end"),
                excerpt.get("anchor"),
            ):
                self._save_anchor(moved)
        return len(text)

    def _save_anchor(self, excerpt: Mapping[str, Any]) -> None:
        self.excerpts_table.update(
            excerpt["id"],
            {"start": excerpt["start"], "end": excerpt["end"], "anchor": excerpt["anchor"]},
        )

    def moved_excerpts(self) -> pd.DataFrame:
        """Excerpts whose passage moved or was lost after their source was edited."""
        rows = [
            (r["id"], r.get("source"), r.get("anchor"))
            for r in self.excerpts_table.records()
            if r.get("anchor") in (qual.MOVED, qual.LOST)
        ]
        return pd.DataFrame(rows, columns=["excerpt", "source", "anchor"])

    # -- the codebook --

    def codebook(self) -> RecordTable:
        return self.codebook_table

    def rename_code(self, code_id: str, name: str) -> None:
        """A new name; excerpts refer to the code's id, so none is lost."""
        self.codebook_table.update(code_id, {"name": name})

    def merge_codes(self, keep: str, merged: str) -> None:
        """Fold ``merged`` into ``keep``: excerpts, sub-codes and description move."""
        book, excerpts = qual.merge_codes(
            self.codebook_table.records(), self.excerpts_table.records(), keep, merged
        )
        excerpt_version = self.excerpts_table.record.version
        self.store.save(
            EXCERPTS_SECTION, excerpts, excerpt_version, private=self.excerpts_table.private_paths
        )
        self.store.save(
            CODEBOOK_SECTION,
            book,
            self.codebook_table.record.version,
            private=self.codebook_table.private_paths,
        )
        self.reload()

    def delete_code(self, code_id: str) -> None:
        self.codebook_table.delete(code_id)

    def import_codebook(self, path: str | Path) -> int:
        """Add the codes of a REFI-QDA (.qdc) or CSV codebook; returns how many were added."""
        path = Path(path)
        if path.suffix.lower() == ".qdc":
            codes = read_qdc(path.read_bytes(), path.name)
        else:
            rows = list(csv.DictReader(io.StringIO(read_transcript(path, path.name))))
            if rows and "name" not in rows[0]:
                raise RecordError(
                    CODEBOOK_SECTION,
                    {
                        "name": f"'{path.name}' has no 'name' "
                        "column: one code per row with name, "
                        "description, parent"
                    },
                )
            names = {}
            codes = []
            for n, row in enumerate(rows):
                code_id = (row.get("id") or "").strip() or f"csv{n + 1}"
                names[(row.get("name") or "").strip()] = code_id
                codes.append(
                    {
                        "id": code_id,
                        "name": (row.get("name") or "").strip(),
                        "description": (row.get("description") or "").strip(),
                        "parent": (row.get("parent") or "").strip() or None,
                        "pillars": [],
                        "predictors": [],
                    }
                )
            for code in codes:  # a parent may be named rather than given by id
                if code["parent"] in names:
                    code["parent"] = names[code["parent"]]
        existing = {c["name"].lower() for c in self.codebook_table.records()}
        added = [c for c in codes if c["name"] and c["name"].lower() not in existing]
        ids = {c["id"] for c in self.codebook_table.records()} | {c["id"] for c in added}
        for code in added:
            if code.get("parent") not in ids:
                code["parent"] = None
        if added:
            self.store.save(
                CODEBOOK_SECTION,
                [*self.codebook_table.records(), *added],
                self.codebook_table.record.version,
                private=self.codebook_table.private_paths,
            )
            self.reload()
        return len(added)

    def export_codebook(self, path: str | Path) -> Path:
        """Write the codebook as .qdc (by the file's suffix) or CSV."""
        path = Path(path)
        codes = self.codebook_table.records(public=True)
        if path.suffix.lower() == ".qdc":
            path.write_text(write_qdc(codes), encoding="utf-8")
        else:
            frame = pd.DataFrame(
                [
                    {
                        "id": c["id"],
                        "name": c.get("name"),
                        "description": c.get("description") or "",
                        "parent": c.get("parent") or "",
                        "pillars": "; ".join(_listed(c.get("pillars"))),
                        "predictors": "; ".join(_listed(c.get("predictors"))),
                    }
                    for c in codes
                ],
                columns=["id", "name", "description", "parent", "pillars", "predictors"],
            )
            frame.to_csv(path, index=False)
        return path

    # -- excerpts --

    def excerpts(self) -> RecordTable:
        return self.excerpts_table

    def add_excerpt(
        self, source_id: str, quote: str, codes: Sequence[str] = (), memo: str = "", near: int = 0
    ) -> str:
        """Code a passage of an activity's material (found in its text by the quote)."""
        source = self.activities_table.get(source_id)
        text = str((source.get("material") or {}).get("text") or "")
        try:
            start, end = qual.passage(text, quote, near)
        except ValueError as exc:
            raise RecordError(EXCERPTS_SECTION, {"quote": str(exc)}) from None
        return self.excerpts_table.add(
            {
                "source": source_id,
                "start": start,
                "end": end,
                "quote": quote,
                "codes": list(codes),
                "memo": memo,
            }
        )

    def flagged_identifiers(self, text: str) -> HTML:
        """The identifiers found in ``text`` while coding, to redact or rephrase."""
        found = qual.find_identifiers(text, self.names)
        if not found:
            return HTML(views.paragraph("No e-mail, phone number or listed name found."))
        rows = [
            (i.kind, i.text if not self.read_only else qual.MARKS[i.kind], i.start) for i in found
        ]
        return HTML(
            views.table(
                rows, ["Kind", "Found", "At character"], "Identifiers: redacted outside edit mode"
            )
        )

    # -- analysis views --

    def frequency(self, by: str = "type") -> Live:
        def build():
            labels = (
                TYPE_LABELS
                if by == "type"
                else {
                    str(g["id"]): str(g.get("name")) for g in self.groups_table.records(public=True)
                }
            )
            table = qual.frequencies(
                self.excerpt_records(), self.codes(), self.sources().values(), by, labels
            )
            return charts.frequency_bars(
                table, "activity type" if by == "type" else "working group"
            )

        return self._live(build)

    def cooccurrence(self) -> Live:
        return self._live(
            lambda: charts.cooccurrence_heatmap(
                qual.cooccurrence_long(qual.cooccurrence(self.excerpt_records(), self.codes()))
            )
        )

    def code_excerpts(self, code_id: str) -> HTML:
        table = qual.code_excerpts(code_id, self.excerpt_records(), self.sources())
        sources = self.sources()
        rows = [
            (
                r.excerpt,
                TYPE_LABELS.get(r.type, r.type),
                self._quote(r.quote, sources.get(r.source)),
                r.memo,
            )
            for r in table.itertuples()
        ]
        return HTML(views.table(rows, ["Excerpt", "Activity", "Passage", "Memo"]))

    def _quote(self, quote: str, source: Mapping[str, Any] | None) -> str:
        if self.read_only and not qual.quotable(source):
            return WITHHELD
        return quote

    def memos(self) -> HTML:
        table = qual.memos(self.excerpt_records(), self.codes())
        return HTML(views.table(table.values.tolist(), ["Kind", "About", "Codes", "Memo"]))

    def export_memos(self, path: str | Path) -> Path:
        """All memos together, redacted, as CSV."""
        qual.memos(self.excerpt_records(), self.codes()).to_csv(path, index=False)
        return Path(path)

    def reach(self) -> HTML:
        table = qual.reach(self.activities_table.records(public=True), TYPE_LABELS)
        return HTML(
            views.table(table.values.tolist(), ["Activity type", "Activities", "People reached"])
        )

    # -- systems and narratives --

    def timeline(self) -> RecordTable:
        return self.timeline_table

    def timeline_chart(self) -> Live:
        return self._live(
            lambda: charts.timeline_chart(
                pd.DataFrame(
                    self.timeline_table.records(public=True),
                    columns=["date", "what", "who", "effect"],
                )
            )
        )

    def relationships(self) -> RecordTable:
        return self.relationships_table

    def network(self) -> Live:
        def build():
            rows = [
                (r.get("from_org"), r.get("to_org"), r.get("kind"))
                for r in self.relationships_table.records(public=True)
            ]
            return charts.network_chart(pd.DataFrame(rows, columns=["source", "target", "kind"]))

        return self._live(build)

    def narratives(self) -> RecordTable:
        return self.narratives_table

    def identifiers(self) -> RecordTable:
        return self.identifiers_table

    # -- findings --

    def findings(self) -> RecordTable:
        return self.findings_table

    def follow_up(
        self, finding_id: str, response: str, comments: str = "", people: int | None = None
    ) -> None:
        """Record what community members said back about a finding."""
        self.findings_table.update(
            finding_id,
            {"follow_up": {"response": response, "comments": comments, "people": people}},
        )

    def revise(self, finding_id: str, statement: str, reason: str, on: str | None = None) -> None:
        """Change a finding's statement, recording the change and its reason."""
        if not reason.strip():
            raise RecordError(FINDINGS_SECTION, {"revisions": "Give the reason for the revision."})
        from datetime import date

        record = self.findings_table.get(finding_id)
        revisions = [
            *(record.get("revisions") or []),
            {
                "date": on or date.today().isoformat(),
                "before": record.get("statement"),
                "after": statement,
                "reason": reason.strip(),
            },
        ]
        self.findings_table.update(finding_id, {"statement": statement, "revisions": revisions})

    def joint_displays(self) -> HTML:
        table = joint_table(
            self.session,
            self.store.get(PRIORITIES).value,
            self.store.get(LOCAL_DATA).value or [],
            self.store,
            self.excerpt_records(),
            self.codes(),
            self.sources(),
            self.findings_table.records(public=True),
        )
        return HTML(joint_html(table))

    def sustain(self) -> RecordTable:
        return self.sustain_table


# --- joint displays ------------------------------------------------------------------------


def local_sentences(
    datasets: Sequence[Mapping[str, Any]], store: Any = None
) -> dict[str, list[str]]:
    """Per predictor, one line per local measure linked to it (Step 5's local data)."""
    values = None
    if store is not None and importlib.util.find_spec("workbook.plan.tables") is not None:
        values = getattr(importlib.import_module("workbook.plan.tables"), "local_values", None)
    lines: dict[str, list[str]] = {}
    for dataset in datasets:
        if not isinstance(dataset, Mapping):
            continue
        for measure in dataset.get("measures") or []:
            predictor = measure.get("predictor")
            if not predictor:
                continue
            text = f"{measure.get('name')} ({dataset.get('name')}"
            text += f", {measure['quality']})" if measure.get("quality") else ")"
            latest = _latest_value(values, store, dataset.get("id"), measure.get("id"))
            if latest:
                text += f": {latest}"
            lines.setdefault(predictor, []).append(text)
    return lines


def _latest_value(values, store, dataset_id, measure_id) -> str:
    if values is None or not dataset_id:
        return ""
    try:
        frame = values(store, dataset_id)
        rows = frame[(frame["measure"] == measure_id) & frame["value"].notna()]
        rows = (
            rows[rows["subgroup"].isna() | (rows["subgroup"] == "")] if "subgroup" in rows else rows
        )
        if rows.empty:
            return ""
        last = rows.sort_values("year").iloc[-1]
        return f"{last['value']:g} in {last['year']}"
    except (WorkbookError, KeyError, ValueError, TypeError):
        return ""


def standing(session: Session) -> pd.DataFrame:
    """The place's metrics against its peers (empty without a place)."""
    if session.jurisdiction is None:
        return pd.DataFrame(columns=["predictor", "name", "vs_peers", "quality"])
    table = compare(session.data, session.jurisdiction).table
    table = table[table["value"].notna()] if "value" in table else table
    return table[["predictor", "name", "vs_peers", "quality"]]


def joint_table(
    session, priorities, datasets, store, excerpts, codes, sources, findings
) -> pd.DataFrame:
    predictors = priority_predictors(priorities, session.framework)
    if not predictors:  # no priorities yet: the predictors the codebook and findings name
        named = {p for c in codes for p in _listed(c.get("predictors"))}
        named |= {p for f in findings for p in _listed(f.get("predictors"))}
        predictors = [p for p in predictor_names(session.framework) if p in named]
    return qual.joint_display(
        predictors,
        standing(session),
        local_sentences(datasets, store),
        excerpts,
        codes,
        sources,
        findings,
    )


def joint_html(table: pd.DataFrame) -> str:
    if table.empty:
        return views.paragraph(
            "No priority predictors yet (Step 5), and no code or finding "
            "names a predictor: nothing to set side by side."
        )
    parts = []
    for r in table.itertuples():
        quotes = "; ".join(f"\u201c{q}\u201d" for q in r.quotes) or "No quote that may be shown."
        rows = [
            ("The metrics", r.metrics),
            ("Local data", r.local),
            ("Themes", r.themes),
            ("In their words", quotes),
            ("Findings", "; ".join(r.findings) or "None yet."),
        ]
        parts.append(views.heading(r.predictor, 4) + views.table(rows, ["", ""]))
    return "".join(parts)


# --- the MAP -------------------------------------------------------------------------------


def _public_sources(plan: PublicPlan) -> dict[str, dict]:
    return {str(r["id"]): r for r in plan.value(ACTIVITIES_SECTION) or [] if r.get("id")}


def map_how_we_got_here(plan: PublicPlan, session: Session) -> list[Block]:
    """Who was engaged, how and how many (counts only)."""
    record = review.when_and_checklist(plan, 6)
    if not record:
        return []
    activities = plan.value(ACTIVITIES_SECTION) or []
    groups = plan.value(GROUPS_SECTION) or []
    blocks: list[Block] = [
        Paragraph(
            "To see beyond the numbers, the coalition split into working groups and went out to "
            "listen: to partners, and above all to residents most affected.",
            lead=True,
        )
    ]
    if groups:
        blocks += [
            Heading("Working groups", 3),
            BulletList(
                tuple(
                    f"{g.get('name')}"
                    + (f": meets {g['rhythm']}" if g.get("rhythm") else "")
                    + f" ({len(_listed(g.get('members')))} member organisations)"
                    for g in groups
                )
            ),
        ]
    if activities:
        table = qual.reach(activities, TYPE_LABELS)
        total = int(table["reached"].sum())
        blocks += [
            Heading("Who we heard from", 3),
            Paragraph(f"{len(activities)} engagement activities reached about {total} people."),
            Table(
                "Engagement activities by type",
                ("Type", "Activities", "People reached"),
                tuple(
                    (str(r.type), str(r.activities), str(int(r.reached)))
                    for r in table.itertuples()
                ),
            ),
        ]
    return [*blocks, *record]


def map_findings(plan: PublicPlan, session: Session) -> list[Block]:
    """The findings, their evidence and strength, what people said back, permitted quotes."""
    findings = plan.value(FINDINGS_SECTION) or []
    if not findings:
        return []
    sources = _public_sources(plan)
    excerpts = {str(e["id"]): e for e in plan.value(EXCERPTS_SECTION) or [] if e.get("id")}
    blocks: list[Block] = [
        Paragraph(
            "What the metrics, local data and people's own accounts say together. Each finding "
            "names its evidence and how strong it is.",
            lead=True,
        )
    ]
    responses = {"agree": "agreed", "partly": "partly agreed", "disagree": "disagreed"}
    for n, finding in enumerate(findings, 1):
        blocks.append(Heading(f"Finding {n}: {finding.get('statement')}", 3))
        facts = [
            "Strength of the evidence: "
            f"{STRENGTH_LABELS.get(finding.get('strength'), 'not rated')}."
        ]
        if _listed(finding.get("groups")):
            facts.append(f"Concerns: {', '.join(_listed(finding['groups']))}.")
        evidence = [e for e in finding.get("evidence") or [] if isinstance(e, Mapping)]
        kinds = {k: sum(1 for e in evidence if e.get("kind") == k) for k in EVIDENCE_KINDS}
        facts.append(
            f"Evidence: {kinds['metric']} metric(s), {kinds['local']} local measure(s), "
            f"{kinds['excerpt']} excerpt(s)."
        )
        follow = finding.get("follow_up") or {}
        if follow.get("response"):
            people = (
                f"{follow['people']} community members"
                if follow.get("people")
                else "Community members"
            )
            facts.append(
                f"{people} {responses.get(follow['response'], follow['response'])}"
                + (f": {follow['comments']}" if follow.get("comments") else ".")
            )
        for revision in finding.get("revisions") or []:
            facts.append(
                f"Revised {review.long_date(revision.get('date', ''))}: {revision.get('reason')}"
            )
        blocks.append(BulletList(tuple(facts)))
        for e in evidence:
            if e.get("kind") != "excerpt":
                continue
            excerpt = excerpts.get(str(e.get("ref")))
            source = sources.get(str(excerpt.get("source"))) if excerpt else None
            quote = qual.text_of(excerpt.get("quote"), shown=True) if excerpt else ""
            if quote and qual.quotable(source):
                said = TYPE_LABELS.get(str(source.get("type")), "an activity").lower()
                blocks.append(Callout(f"Heard in a {said}", f"\u201c{quote}\u201d", kind="key"))
    table = joint_table(
        session,
        plan.value(PRIORITIES),
        plan.value(LOCAL_DATA) or [],
        None,
        list(excerpts.values()),
        plan.value(CODEBOOK_SECTION) or [],
        sources,
        findings,
    )
    if not table.empty:
        blocks.append(
            Table(
                "Each priority predictor: the metrics, local data and what people said",
                ("Predictor", "The metrics", "Local data", "Themes", "In their words"),
                tuple(
                    (
                        r.predictor,
                        r.metrics,
                        r.local,
                        r.themes,
                        " ".join(f"\u201c{q}\u201d" for q in r.quotes) or "-",
                    )
                    for r in table.itertuples()
                ),
                wide=True,
            )
        )
    return blocks


def map_sustainability(plan: PublicPlan, session: Session) -> list[Block]:
    """The plan to keep residents and partners engaged."""
    rows = plan.value(SUSTAIN_SECTION) or []
    if not rows:
        return []
    return [
        Paragraph(
            "Engagement does not end with the plan: these activities keep residents and "
            "partners involved.",
            lead=True,
        ),
        Table(
            "Planned engagement",
            ("Activity", "How often", "Owner", "Budget", "Starts"),
            tuple(
                (
                    str(r.get("activity") or ""),
                    str(r.get("rhythm") or ""),
                    str(r.get("owner") or ""),
                    f"{r['budget']:,.0f}" if isinstance(r.get("budget"), int | float) else "-",
                    review.long_date(r["start"]) if r.get("start") else "-",
                )
                for r in rows
            ),
        ),
    ]
