"""Step 9, finalize and release the MAP: its documents, the release plan, the wording, the sign-off.

Plan sections: ``step9.format`` (which documents to make, for whom, in which file
formats, and the plain-language target), ``step9.release`` (who hears about the plan,
where, when, from whom, with which materials), ``step9.terms`` (the coalition's own
additions to the word list the messaging review checks) and ``step9.signoff`` (who
approved the final version and when; ``workbook map --final`` refuses without it).

The documents themselves are built by :mod:`workbook.map` (the MAP, and the brief and
fact sheet of :mod:`workbook.map.briefs`); this module reviews a built document's
wording. The review only suggests: nothing in the plan or the document is changed.

A spokesperson's organisation and role are public; their name stays private unless the
coalition records that they agreed to be named. Then, and only then, the name is also
kept as ``public_name``, which views and documents may show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import altair as alt
import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from workbook.analysis import plain_language as plain
from workbook.display import views
from workbook.display.charts import finish, nothing_yet
from workbook.display.document import (
    Block,
    BulletList,
    Callout,
    Document,
    Figure,
    Gap,
    Heading,
    Paragraph,
    Part,
    Table,
)
from workbook.display.html import escape
from workbook.display.live import Live, LiveViews, batch_mode
from workbook.display.theme import MUTED, OKABE_ITO
from workbook.forms import (
    EMPTY,
    Date,
    Field,
    Form,
    LongText,
    MultipleChoice,
    Number,
    Person,
    RecordTable,
    ShortText,
    SingleChoice,
    YesNo,
)
from workbook.forms.fields import norm_header
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore
from workbook.session import Session
from workbook.steps import registry, review

STEP = registry.step(9)
FORMAT_SECTION = STEP.section("format")
RELEASE_SECTION = STEP.section("release")
TERMS_SECTION = STEP.section("terms")
SIGNOFF_SECTION = STEP.section("signoff")

DOCUMENTS = (
    ("The full plan (the MAP)", "map"),
    ("A summary brief (2 to 4 pages)", "brief"),
    ("A one-page fact sheet", "fact_sheet"),
)
DOCUMENT_NAMES = {
    "map": "the full plan",
    "brief": "the summary brief",
    "fact_sheet": "the fact sheet",
}
FILE_FORMATS = (("Web page (HTML)", "html"), ("Word (DOCX)", "docx"), ("PDF", "pdf"))
DEFAULT_DOCUMENTS = ("map", "brief", "fact_sheet")
DEFAULT_FORMATS = ("html", "docx", "pdf")

CHANNELS = (
    ("Public launch event", "launch_event"),
    ("Community meeting", "community_meeting"),
    ("Council or board meeting", "council"),
    ("News media", "press"),
    ("Social media", "social_media"),
    ("Website", "website"),
    ("Newsletter or email list", "newsletter"),
    ("Partners' own networks", "partner_networks"),
    ("Another channel", "other"),
)
MATERIALS = (
    *DOCUMENTS,
    ("Slides", "slides"),
    ("Press release", "press_release"),
    ("Social media posts", "social_posts"),
    ("Translations", "translations"),
)
PLANNED, READY, DONE = "planned", "ready", "done"
STATUSES = (("Planned", PLANNED), ("Ready", READY), ("Done", DONE))
STATUS_LABELS = {v: k for k, v in STATUSES}
STATUS_COLOURS = {PLANNED: MUTED, READY: OKABE_ITO[1], DONE: OKABE_ITO[2]}

APPROVE, CHANGES = "approve", "changes_requested"
DECISIONS = (("Approve the final version", APPROVE), ("Changes requested", CHANGES))
TERM_KINDS = (
    ("Deficit-based: describes people by what they lack", "deficit"),
    ("Stigmatising: a label that hurts", "stigmatising"),
    ("People-first: put the person before the condition", "people-first"),
)


# --- a spokesperson: named in public only with their agreement ---------------------------


@dataclass(frozen=True)
class Spokesperson(Person):
    """Name (private) and organisation and role (public), and whether they agreed to be named.

    The agreement is part of the value (``named``); with it, the name is copied to
    ``public_name``, which is not private. Withdrawing the agreement removes the copy on
    the next save.
    """

    contact: bool = False

    missing_message: ClassVar[str] = "Please give the organisation and role (the name is optional)."

    def _private_part(self, part: str) -> bool:
        return part == "name"

    def private_paths(self) -> list[str]:
        return [f"{self.name}.name"]

    def clean(self, value: Any) -> Any:
        if isinstance(value, str):
            value = {"name": value}
        if not isinstance(value, Mapping):
            return None if self.is_empty(value) else value
        # A public copy has lost "name" but keeps "public_name" when the person agreed.
        name = str(value.get("name") or value.get("public_name") or "").strip()
        organisation = str(value.get("organisation") or "").strip()
        if not (name or organisation):
            return None
        named = value.get("named") is True and bool(name)
        whole: dict[str, Any] = {"name": name, "organisation": organisation, "named": named}
        if named:
            whole["public_name"] = name
        return whole

    coerce = clean

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return self.clean(
            {**{p: inputs[p].value for p in self.parts}, "named": inputs["named"].value}
        )

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        whole = self.clean(value)
        for part in self.parts:
            inputs[part].value = (whole or {}).get(part, "") if isinstance(whole, dict) else ""
        inputs["named"].value = bool(isinstance(whole, dict) and whole.get("named"))

    def display(self, value: Any, include_private: bool = False) -> str:
        whole = self.clean(value)
        if not isinstance(whole, dict):
            return EMPTY if whole is None else str(whole)
        name = whole["name"] if include_private else str(whole.get("public_name") or "")
        shown = [p for p in (name, whole["organisation"]) if p]
        if include_private and whole["name"] and not whole["named"]:
            shown.append("(not to be named in public)")
        return ", ".join(shown) or EMPTY

    def public_label(self, value: Any) -> str:
        """What documents print: the organisation and role, and the name if agreed."""
        return self.display(value, include_private=False)

    def _named_column(self) -> str:
        return f"{self.name}_named"

    def columns(self, include_private: bool = True) -> list[str]:
        return [*super().columns(include_private), self._named_column()]

    def column_aliases(self) -> dict[str, str]:
        aliases = super().column_aliases()
        aliases[norm_header(self._named_column())] = self._named_column()
        aliases[norm_header(f"{self.title} agreed to be named")] = self._named_column()
        return aliases

    def from_cells(self, cells: Mapping[str, str]) -> Any:
        agreed = str(cells.get(self._named_column(), "")).strip().lower() in ("yes", "true", "1")
        return self.clean({
            "name": cells.get(self._column("name"), ""),
            "organisation": cells.get(self._column("organisation"), ""),
            "named": agreed,
        })  # fmt: skip

    def to_cells(self, value: Any, include_private: bool = True) -> dict[str, str]:
        whole = self.clean(value) or {}
        cells = super().to_cells(value, include_private)
        if not include_private and isinstance(whole, dict) and whole.get("named"):
            cells[self._column("name")] = whole["name"]  # agreed: public
        cells[self._named_column()] = (
            "yes" if isinstance(whole, dict) and whole.get("named") else "no"
        )
        return cells

    def make_inputs(self) -> dict[str, widgets.Widget]:
        layout = widgets.Layout(width="auto", flex="1 1 10em")
        return {
            "name": widgets.Text(placeholder="Name (private unless they agree)", layout=layout),
            "organisation": widgets.Text(placeholder="Organisation and role", layout=layout),
            "named": widgets.Checkbox(description="Agreed to be named in public", indent=False),
        }


# --- form specs -----------------------------------------------------------------------


def format_fields() -> list[Field]:
    return [
        MultipleChoice(
            "documents", label="Documents to make", required=True, options=DOCUMENTS,
            help="Each is built from the same plan by the same engine: the brief and the "
            "fact sheet condense the full plan's parts.",
        ),
        MultipleChoice("formats", label="File formats", required=True, options=FILE_FORMATS),
        ShortText("audience_map", label="Who the full plan is for", max_length=300),
        ShortText("audience_brief", label="Who the summary brief is for", max_length=300),
        ShortText("audience_fact_sheet", label="Who the fact sheet is for", max_length=300),
        ShortText(
            "languages", label="Other languages", max_length=300,
            help="Languages the documents will be translated into, if any.",
        ),
        Number(
            "reading_grade", label="Plain-language target", minimum=3, maximum=16,
            unit="school grade",
            help="The school grade a reader needs; 8 suits most public documents. The "
            "messaging review compares each section with it.",
        ),
    ]  # fmt: skip


def release_fields() -> list[Field]:
    return [
        ShortText("audience", label="Audience", required=True, max_length=200),
        SingleChoice("channel", label="Channel", required=True, options=CHANNELS),
        ShortText("event", label="Event or occasion", max_length=300),
        Date("date", label="Date"),
        Spokesperson(
            "spokesperson", label="Spokesperson",
            help="Organisation and role are public; the name stays private unless the "
            "person agreed to be named.",
        ),
        MultipleChoice("materials", label="Materials", options=MATERIALS),
        SingleChoice("status", label="Status", required=True, options=STATUSES),
    ]  # fmt: skip


def term_fields() -> list[Field]:
    return [
        ShortText("term", label="Word or phrase", required=True, max_length=100),
        ShortText("suggestion", label="What to say instead", max_length=300),
        SingleChoice("kind", label="Kind", options=TERM_KINDS),
        ShortText("why", label="Why", max_length=300),
        YesNo(
            "keep", label="We keep this word",
            help="Yes: the coalition chose to use it (for example, a community's own name "
            "for itself); the review stops flagging it.",
        ),
    ]  # fmt: skip


def signoff_fields() -> list[Field]:
    return [
        ShortText(
            "approver", label="Approved by", required=True, max_length=200,
            help="The person or body that approved; printed in the plan.",
        ),
        ShortText("role", label="Role", required=True, max_length=200),
        Date("date", label="Date of the decision", required=True),
        SingleChoice("decision", label="Decision", required=True, options=DECISIONS),
        LongText("note", label="Note", max_length=2000, rows=3),
    ]  # fmt: skip


def format_form(store: PlanStore, read_only: bool | None = None) -> Form:
    return Form(
        format_fields(), store, FORMAT_SECTION, title="",  # the notebook's heading is above it
        intro="Which documents the coalition will publish, for whom, and in which formats.",
        read_only=read_only,
    )  # fmt: skip


def release_table(store: PlanStore, read_only: bool | None = None, export_path=None) -> RecordTable:
    return RecordTable(
        release_fields(), store, RELEASE_SECTION, title="Release plan",
        intro="One record per audience and occasion: where they will hear about the plan, "
        "when, from whom, with which materials, and how far the preparation has come.",
        read_only=read_only, label_field="audience", export_path=export_path,
    )  # fmt: skip


def terms_table(store: PlanStore, read_only: bool | None = None) -> RecordTable:
    return RecordTable(
        term_fields(), store, TERMS_SECTION, title="The coalition's own word list",
        intro="Words the messaging review should also flag, with what to say instead; or "
        "words on the workbook's list the coalition has chosen to keep.",
        read_only=read_only, label_field="term",
    )  # fmt: skip


def signoff_form(store: PlanStore, read_only: bool | None = None) -> Form:
    return Form(
        signoff_fields(), store, SIGNOFF_SECTION, title="Sign-off of the final version",
        intro="Who approved the final text and when. A final MAP is built only after an "
        "approval is recorded here.",
        read_only=read_only,
    )  # fmt: skip


# --- what the saved answers mean -------------------------------------------------------


def chosen_documents(values: Mapping[str, Any] | None) -> list[str]:
    """The documents to build, in a fixed order (all three when nothing is chosen)."""
    picked = (values or {}).get("documents") or []
    chosen = [d for _, d in DOCUMENTS if d in picked]
    return chosen or list(DEFAULT_DOCUMENTS)


def chosen_formats(values: Mapping[str, Any] | None) -> list[str]:
    """The file formats to write (all three when nothing is chosen)."""
    picked = (values or {}).get("formats") or []
    chosen = [f for _, f in FILE_FORMATS if f in picked]
    return chosen or list(DEFAULT_FORMATS)


def target_grade(values: Mapping[str, Any] | None) -> float:
    grade = (values or {}).get("reading_grade")
    return float(grade) if isinstance(grade, int | float) else plain.DEFAULT_TARGET_GRADE


def signoff_problem(plan: PublicPlan | PlanStore) -> str:
    """Why the plan may not be released as final yet ('' when the sign-off approves)."""
    if isinstance(plan, PlanStore):
        value = plan.get(SIGNOFF_SECTION).value
    else:
        value = plan.value(SIGNOFF_SECTION)
    where = f"Step 9 ({STEP.title}), in its sign-off form"
    if not value:
        return (
            "no sign-off is saved in the plan. Fix: record who approved the final version "
            f"and when in {where}"
        )
    if value.get("decision") != APPROVE:
        who = value.get("role") or value.get("approver") or "the approver"
        when = review.long_date(value["date"]) if value.get("date") else "at the last review"
        return (
            f"the last sign-off ({who}, {when}) asked for changes. Fix: make the changes, then "
            f"record the approval in {where}"
        )
    missing = [label for key, label in (("approver", "who approved"), ("date", "the date"))
               if not value.get(key)]  # fmt: skip
    if missing:
        return f"the sign-off does not say {' or '.join(missing)}. Fix: complete it in {where}"
    return ""


def terms_in_use(additions: Iterable[Mapping[str, Any]] | None) -> list[plain.Term]:
    """The workbook's word list with the coalition's own changes."""
    return plain.merge_terms(plain.default_terms(), additions or [])


# --- a built document as text, section by section ----------------------------------------


def _block_prose(block: Block) -> list[str]:
    """Running text a reader reads as sentences (paragraphs, lists, boxed notes)."""
    if isinstance(block, Paragraph):
        return [block.text]
    if isinstance(block, BulletList):
        return list(block.items)
    if isinstance(block, Callout):
        return [block.text]
    return []


def _block_words(block: Block) -> list[str]:
    """Every piece of text in a block, tables and captions included (for the word check)."""
    if isinstance(block, Table):
        cells = [c for row in block.rows for c in row]
        return [block.caption, *block.header, *cells, block.note]
    if isinstance(block, Figure):
        return [block.caption, block.alt]
    if isinstance(block, Heading):
        return [block.text]
    if isinstance(block, Callout):
        return [block.title, block.text]
    if isinstance(block, Gap):
        return []
    return _block_prose(block)


def _parts(doc: Document) -> list[tuple[str, str, Part]]:
    """(section label, part title, part) for the front, the five sections and the back."""
    out = [("Front matter", p.title, p) for p in doc.front]
    for section in doc.sections:
        out += [(f"{section.number}. {section.title}", p.title, p) for p in section.parts]
    out += [("Back matter", p.title, p) for p in doc.back]
    return out


def section_prose(doc: Document) -> list[tuple[str, str]]:
    """Each of the document's sections as running text (one line per paragraph or item)."""
    texts: dict[str, list[str]] = {}
    for label, _, part in _parts(doc):
        texts.setdefault(label, [])
        texts[label] += [t for b in part.blocks for t in _block_prose(b) if t.strip()]
    return [(label, "\n".join(lines)) for label, lines in texts.items()]


def part_words(doc: Document) -> list[tuple[str, str]]:
    """Each part's every text ("1. How we got here / Step 4: ..."), for the word check."""
    return [
        (
            f"{label} / {title}",
            "\n".join(t for b in part.blocks for t in _block_words(b) if t.strip()),
        )
        for label, title, part in _parts(doc)
    ]


@dataclass(frozen=True)
class MessagingReview:
    """The review of one built document: grades by section, words found, long sentences."""

    readability: pd.DataFrame
    findings: pd.DataFrame
    long_sentences: pd.DataFrame
    target: float


def review_document(doc: Document, terms: Iterable[plain.Term], target: float) -> MessagingReview:
    """Read ``doc`` section by section; suggestions only, nothing is changed."""
    prose = section_prose(doc)
    return MessagingReview(
        readability=plain.readability(prose, target),
        findings=plain.find_terms(part_words(doc), terms),
        long_sentences=plain.long_sentences(prose),
        target=target,
    )


def review_html(result: MessagingReview, limit: int = 40) -> str:
    """The review as escaped tables: grades, then each word found with its suggestion."""
    grades = result.readability
    rows = [
        (r.section, r.words, "-" if pd.isna(r.grade) else f"{r.grade:g}", r.verdict)
        for r in grades.itertuples()
    ]
    harder = int((grades["grade"] > result.target).sum())
    out = [
        views.heading("Reading grade by section"),
        views.paragraph(
            f"Target: grade {result.target:g}. {harder} of {len(grades)} sections read harder "
            "than that." if harder else f"Target: grade {result.target:g}. Every section "
            "with enough text to grade meets it."
        ),
        views.table(rows, ["Section", "Words", "Grade", "Verdict"]),
        views.heading("Words to reconsider"),
    ]  # fmt: skip
    found = result.findings
    if found.empty:
        out.append(views.paragraph("No word from the list was found."))
    else:
        out.append(views.paragraph(
            f"{len(found)} places use a word from the list. These are suggestions: nothing "
            "in the plan has been changed."
        ))  # fmt: skip
        shown = found.head(limit)
        out.append(views.table(
            [(r.section, r.sentence, r.found, r.suggestion, r.why) for r in shown.itertuples()],
            ["Section", "Sentence", "Found", "Suggestion", "Why"],
        ))  # fmt: skip
        if len(found) > limit:
            out.append(views.paragraph(f"... and {len(found) - limit} more."))
    long = result.long_sentences
    if not long.empty:
        out.append(views.heading("Long sentences"))
        out.append(views.paragraph(
            f"{len(long)} sentences have more than {plain.LONG_SENTENCE} words; splitting "
            "them is the quickest way to a lower grade."
        ))  # fmt: skip
        out.append(views.table(
            [(r.section, r.sentence, r.words) for r in long.head(limit // 2).itertuples()],
            ["Section", "Sentence", "Words"],
        ))  # fmt: skip
    return "".join(out)


# --- the release plan: summary and timeline ----------------------------------------------


def _listed(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def release_rows(records: Sequence[Mapping[str, Any]]) -> list[tuple[str, ...]]:
    """The release plan as public table rows (the spokesperson as the public sees them)."""
    channels = dict((v, k) for k, v in CHANNELS)
    materials = dict((v, k) for k, v in MATERIALS)
    person = Spokesperson("spokesperson")
    rows = []
    for r in sorted(records, key=lambda r: str(r.get("date") or "9999")):
        rows.append((
            str(r.get("audience") or ""), channels.get(r.get("channel"), ""),
            str(r.get("event") or ""),
            review.long_date(r["date"]) if r.get("date") else "(no date yet)",
            person.public_label(r.get("spokesperson")).replace(EMPTY, ""),
            ", ".join(materials[m] for m in _listed(r.get("materials")) if m in materials),
            STATUS_LABELS.get(r.get("status"), ""),
        ))  # fmt: skip
    return rows


RELEASE_HEADER = ("Audience", "Channel", "Event", "Date", "Spokesperson", "Materials", "Status")


def release_summary_html(records: Sequence[Mapping[str, Any]]) -> str:
    if not records:
        return views.paragraph("No release plan yet: add one record per audience and occasion.")
    counts = {v: sum(1 for r in records if r.get("status") == v) for _, v in STATUSES}
    undated = sum(1 for r in records if not r.get("date"))
    nobody = sum(1 for r in records if not r.get("spokesperson"))
    parts = [f"{len(records)} occasions: " + ", ".join(
        f"{counts[v]} {label.lower()}" for label, v in STATUSES)]  # fmt: skip
    if undated:
        parts.append(f"{undated} without a date yet")
    if nobody:
        parts.append(f"{nobody} without a spokesperson")
    return views.paragraph("; ".join(parts) + ".")


def release_timeline(records: Sequence[Mapping[str, Any]], synthetic: bool = False):
    """The dated occasions on a time line, one row per audience, coloured by status."""
    title = "The release, occasion by occasion"
    dated = [r for r in records if r.get("date")]
    if not dated:
        return nothing_yet(title, "No dated occasion in the release plan yet.", synthetic)
    channels = dict((v, k) for k, v in CHANNELS)
    frame = pd.DataFrame([
        {"date": str(r["date"]), "audience": str(r.get("audience") or ""),
         "channel": channels.get(r.get("channel"), ""), "event": str(r.get("event") or ""),
         "status": STATUS_LABELS.get(r.get("status"), "Planned")}
        for r in dated
    ])  # fmt: skip
    colours = alt.Scale(
        domain=[label for label, _ in STATUSES], range=[STATUS_COLOURS[v] for _, v in STATUSES]
    )
    chart = (
        alt.Chart(frame)
        .mark_point(filled=True, size=140)
        .encode(
            x=alt.X("date:T", title="Date", axis=alt.Axis(format="%d %b %Y")),
            y=alt.Y("audience:N", title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color("status:N", scale=colours, title="Status"),
            shape=alt.Shape("status:N", scale=alt.Scale(domain=colours.domain), title="Status"),
            tooltip=[alt.Tooltip("audience:N", title="Audience"),
                     alt.Tooltip("channel:N", title="Channel"),
                     alt.Tooltip("event:N", title="Event"),
                     alt.Tooltip("date:T", title="Date", format="%d %B %Y"),
                     alt.Tooltip("status:N", title="Status")],
        )
        .properties(width=480, height=max(60, 28 * frame["audience"].nunique()))
    )  # fmt: skip
    done = int((frame["status"] == "Done").sum())
    return finish(
        chart, title,
        f"{len(frame)} dated occasions from {review.long_date(frame['date'].min())} to "
        f"{review.long_date(frame['date'].max())}; {done} done.", synthetic,
    )  # fmt: skip


def terms_html(terms: Sequence[plain.Term]) -> str:
    rows = [
        (t.term, t.suggestion, plain.KINDS.get(t.kind, t.kind),
         "the coalition" if t.source == "coalition" else "the workbook")
        for t in sorted(terms, key=lambda t: t.term.lower())
    ]  # fmt: skip
    return views.paragraph(f"{len(rows)} words and phrases are checked.") + views.table(
        rows, ["Word or phrase", "Suggestion", "Kind", "From"]
    )


# --- the page's headline --------------------------------------------------------------

OCCASIONS_SHOWN = 4
FORMAT_WORDS = {"html": "web pages (HTML)", "docx": "Word (DOCX)", "pdf": "PDF"}


def _mid_sentence(text: str) -> str:
    """'County board' as 'county board' inside a sentence ('NGOs' and 'TV' stay)."""
    first = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if first[1:2].islower() else text


def _p(html: str, size: str = "") -> str:
    style = f"font-size:{size};margin:0.3em 0" if size else "margin:0.3em 0"
    return f'<p style="{style}">{html}</p>'


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _versions(plan: PublicPlan) -> list[dict[str, Any]]:
    recorded = [v for v in plan.value("map.versions") or [] if isinstance(v, dict)]
    return sorted(recorded, key=lambda v: (int(v.get("number") or 0), str(v.get("date") or "")))


def _release_state(plan: PublicPlan) -> str:
    """Released or not: which version, when (the MAP's record of its builds)."""
    recorded = _versions(plan)
    finals = [v for v in recorded if v.get("status") == "final"]
    if finals:
        last = finals[-1]
        return (f"the plan is <b>released</b>: version {escape(last.get('number'))}, final, "
                f"built on {escape(review.long_date(str(last.get('date') or '')))}.")  # fmt: skip
    if recorded:
        last = recorded[-1]
        built = "1 draft has" if len(recorded) == 1 else f"{len(recorded)} drafts have"
        when = escape(review.long_date(str(last.get("date") or "")))
        return (
            f"the plan is <b>not released yet</b>. {built} been built, the latest "
            f"version {escape(last.get('number'))} on {when}; none is final."
        )
    return "the plan is <b>not released yet</b>: no version of it has been built."


def _documents_line(values: Mapping[str, Any], released: bool) -> str:
    """Which documents, in which formats and languages (only once the coalition chose)."""
    if not values:
        return ""
    names = [DOCUMENT_NAMES[d] for d in chosen_documents(values)]
    formats = [FORMAT_WORDS[f] for f in chosen_formats(values)]
    verb = "Published" if released else "To be published"
    text = f"{verb} as {_and(names)}, in {_and(formats)}"
    if values.get("languages"):
        text += f"; also in {values['languages']}"
    return _p(escape(text + "."))


def _occasions_html(records: Sequence[Mapping[str, Any]]) -> str:
    """Where readers hear about it: the release plan's occasions, by date."""
    if not records:
        return _p("No occasion to present the plan is planned yet.")
    counts = [f"{sum(1 for r in records if r.get('status') == v)} {label.lower()}"
              for label, v in STATUSES if any(r.get("status") == v for r in records)]  # fmt: skip
    occasions = "occasion" if len(records) == 1 else "occasions"
    items = []
    for row in release_rows(records)[:OCCASIONS_SHOWN]:
        audience, channel, event, date, _, _, status = row
        what = event or channel
        items.append(f"<li>{escape(date)}: {escape(what)}, for {escape(_mid_sentence(audience))}"
                     f"{escape(f' ({status.lower()})' if status else '')}</li>")  # fmt: skip
    more = len(records) - OCCASIONS_SHOWN
    tail = f"<li>{more} more in the release plan below</li>" if more > 0 else ""
    return (_p(f"Where it is presented: <b>{len(records)}</b> {occasions} ({', '.join(counts)}):")
            + f'<ul style="margin:0.2em 0">{"".join(items)}{tail}</ul>')  # fmt: skip


def _signoff_line(plan: PublicPlan) -> str:
    """Who approved it and when, and whether the community saw the draft first."""
    value = plan.value(SIGNOFF_SECTION)
    if not value:
        text = "Sign-off: not recorded yet."
    else:
        when = review.long_date(value["date"]) if value.get("date") else "on a date not given"
        who = str(value.get("approver") or "someone not named")
        who += f" ({value['role']})" if value.get("role") else ""
        verb = ("approved the final version" if value.get("decision") == APPROVE
                else "asked for changes")  # fmt: skip
        text = f"Sign-off: on {when}, {who} {verb}."
    checks = plan.value(STEP.checklist_section) or {}
    if checks.get("community_preview"):
        text += " Community members saw the final draft before release."
    return _p(escape(text))


def headline_html(plan: PublicPlan, place_label: str) -> str:
    """The page's answer first: released or not, which version, where, and who signed off."""
    label = escape(place_label)
    values = plan.value(FORMAT_SECTION) or {}
    records = [r for r in plan.value(RELEASE_SECTION) or [] if isinstance(r, dict)]
    if not (values or records or plan.value(SIGNOFF_SECTION) or _versions(plan)):
        body = _p(f"<b>{label}</b>: nothing decided yet about releasing the plan: no "
                  "documents chosen, no release plan, no sign-off, no version built.",
                  "1.3em")  # fmt: skip
        return f'<div class="wb-headline">{body}</div>'
    parts = [
        _p(f"<b>{label}</b>: {_release_state(plan)}", "1.3em"),
        _documents_line(values, any(v.get("status") == "final" for v in _versions(plan))),
        _occasions_html(records),
        _signoff_line(plan),
    ]
    return '<div class="wb-headline">' + "".join(parts) + "</div>"


# --- the step's views -----------------------------------------------------------------


class FinalizeAndRelease(LiveViews):
    """The Step 9 views. The release summary, time line and word list redraw after a save."""

    def __init__(self, session: Session) -> None:
        self.session = session
        plan = session.plan
        self.format_form = format_form(plan)
        export = session.output_dir / "step9_release_plan.csv"
        self.release_table = release_table(plan, export_path=export)
        self.terms_table = terms_table(plan)
        super().__init__(session.read_only, (self.release_table, self.terms_table))

    def release_public(self) -> list[dict[str, Any]]:
        return self.release_table.records(public=True)

    def terms(self) -> list[plain.Term]:
        return terms_in_use(self.terms_table.records(public=True))

    def target(self) -> float:
        return target_grade(self.format_form.saved_values())

    # -- what the notebook shows --

    def headline_html(self) -> str:
        place = self.session.jurisdiction
        plan = PublicPlan(self.session.plan, registry.private_paths)
        return headline_html(plan, place.label if place is not None else "This place")

    def headline(self, documents: Any = None) -> Live:
        """The page's opening: released or not, where it can be read, who signed it off.

        ``documents`` (the page's document builder): an unattended run builds its drafts
        first, so the opening tells of the version this run built, as the page's end does.
        """
        if documents is not None and batch_mode() and not self.session.read_only:
            documents.build_once()
        return self._live(lambda: HTML(self.headline_html()))

    def format(self) -> Form:
        return self.format_form

    def release_plan(self) -> RecordTable:
        return self.release_table

    def release_summary(self) -> Live:
        return self._live(lambda: HTML(release_summary_html(self.release_public())))

    def timeline(self) -> Live:
        return self._live(lambda: release_timeline(self.release_public(), self.session.synthetic))

    def word_list(self) -> RecordTable:
        return self.terms_table

    def words_checked(self) -> Live:
        return self._live(lambda: HTML(terms_html(self.terms())))

    def messaging(self, document: Document | None) -> Live:
        """The wording review of ``document`` (the MAP as built now); it writes nothing."""

        def build():
            if document is None:
                return HTML(views.paragraph("There is no plan to review yet."))
            return HTML(review_html(review_document(document, self.terms(), self.target())))

        return self._live(build)

    def signoff(self) -> Form:
        return signoff_form(self.session.plan)


# --- the MAP's part ------------------------------------------------------------------


def _formats_paragraph(values: Mapping[str, Any]) -> list[Block]:
    if not values:
        return []
    audiences = {
        "map": "audience_map",
        "brief": "audience_brief",
        "fact_sheet": "audience_fact_sheet",
    }
    items = []
    for key in chosen_documents(values):
        who = str(values.get(audiences[key]) or "").strip()
        name = DOCUMENT_NAMES[key]
        items.append(f"{name[0].upper()}{name[1:]}" + (f", for {who}" if who else ""))
    labels = dict((v, k) for k, v in FILE_FORMATS)
    blocks: list[Block] = [
        Heading("Documents and audiences", 3),
        BulletList(tuple(items)),
        Paragraph(
            "Formats: "
            + ", ".join(labels[f] for f in chosen_formats(values))
            + "."
            + (f" Translations: {values['languages']}." if values.get("languages") else "")
        ),
    ]
    return blocks


def _signoff_blocks(plan: PublicPlan) -> list[Block]:
    value = plan.value(SIGNOFF_SECTION)
    if not value:
        return [Heading("Sign-off", 3), Paragraph("The final version has not been signed off yet.")]
    when = review.long_date(value["date"]) if value.get("date") else "(no date)"
    who = ", ".join(str(value.get(k) or "") for k in ("approver", "role") if value.get(k))
    verb = "approved the final version" if value.get("decision") == APPROVE else "asked for changes"
    blocks: list[Block] = [Heading("Sign-off", 3), Paragraph(f"On {when}, {who} {verb}.")]
    if value.get("note"):
        blocks.append(Paragraph(str(value["note"])))
    return blocks


def _released_versions(plan: PublicPlan) -> list[Block]:
    """The final versions released so far (every build is listed under the versions part)."""
    recorded = [v for v in plan.value("map.versions") or [] if isinstance(v, dict)]
    finals = [v for v in recorded if v.get("status") == "final"]
    if not finals:
        return [Paragraph(
            "No final version has been released yet; every build of the plan is listed "
            "under 'Versions of this plan'."
        )]  # fmt: skip
    items = tuple(
        f"Version {v.get('number')}, released on {review.long_date(str(v.get('date') or ''))}"
        for v in finals
    )
    return [Paragraph("Released versions:"), BulletList(items)]


def map_how_we_got_here(plan: PublicPlan, session: Session) -> list[Block]:
    """Step 9 in the MAP: the documents, the release plan, the sign-off, the versions."""
    record = review.when_and_checklist(plan, 9)
    if not record:
        return []
    releases = plan.value(RELEASE_SECTION) or []
    blocks: list[Block] = [
        Paragraph(
            "The coalition chose how to publish the plan and for whom, planned how each "
            "audience would hear about it, checked its wording, and signed off the final text.",
            lead=True,
        ),
        *_formats_paragraph(plan.value(FORMAT_SECTION) or {}),
        Heading("Release plan", 3),
    ]
    if releases:
        blocks.append(Table(
            "Who hears about the plan, where and when", RELEASE_HEADER,
            tuple(release_rows(releases)),
            note="Spokespeople are named only when they agreed to be; otherwise their "
            "organisation and role are given.", wide=True,
        ))  # fmt: skip
    else:
        blocks.append(Paragraph("The release plan is not written yet."))
    return [*blocks, *_signoff_blocks(plan), *_released_versions(plan), *record]
