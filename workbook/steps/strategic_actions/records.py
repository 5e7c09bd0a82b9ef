"""Step 7's sections as data: what upstream steps offer, the vision, versions and approval.

Everything here reads and writes plain JSON through the plan store, with no widgets, so
the notebook's buttons, the example plan and the tests all go through the same functions.
Upstream sections are read only by the names and shapes agreed between the steps
(``step6.findings``, ``step5.local_data``, ``step4.stakeholders``, ``step8.measures``).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from workbook.analysis import theory_of_change as toc_model
from workbook.data.catalog import Catalog, Framework
from workbook.errors import WorkbookError
from workbook.forms import neutralise_cell
from workbook.plan.public import PublicPlan
from workbook.plan.store import ConflictError, PlanStore
from workbook.steps import registry

STEP = registry.step(7)
SELECTION_SECTION = STEP.section("selection")
VISION_SECTION = STEP.section("vision")
TOC_SECTION = STEP.section("toc")
LOGIC_SECTION = STEP.section("logic_model")
APPROVAL_SECTION = STEP.section("approval")

# Upstream and downstream sections, by the names the steps agreed on.
FINDINGS_SOURCE = "step6.findings"
LOCAL_DATA_SOURCE = "step5.local_data"
STAKEHOLDERS_SOURCE = "step4.stakeholders"
MEASURES_SOURCE = "step8.measures"

CONDITIONS = (
    ("Policies", "policies"),
    ("Practices", "practices"),
    ("Resource flows", "resource_flows"),
    ("Relationships and connections", "relationships"),
    ("Power dynamics", "power_dynamics"),
    ("Mental models", "mental_models"),
)
TERMS = (("Short-term", "short"), ("Medium-term", "medium"), ("Long-term", "long"))
LEVEL_CHOICES = tuple((toc_model.LEVEL_LABELS[v], v) for v in toc_model.LEVELS)
LOGIC_PARTS = ("inputs", "activities", "outputs", "outcomes")
KINDS = {"inputs": "input", "activities": "activity", "outputs": "output", "outcomes": "outcome"}
IN_REVIEW, APPROVED, SUPERSEDED = "in_review", "approved", "superseded"
STATUS_LABELS = {IN_REVIEW: "In review", APPROVED: "Approved", SUPERSEDED: "Superseded"}

Reader = PlanStore | PublicPlan


def read(plan: Reader, section: str) -> Any:
    """A section's value from an editable store or a public plan (None when unsaved)."""
    if isinstance(plan, PublicPlan):
        return plan.value(section)
    return plan.get(section).value


def _records(value: Any) -> list[dict[str, Any]]:
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def today() -> str:
    return dt.date.today().isoformat()


# --- what other steps offer -------------------------------------------------------------


def findings(plan: Reader) -> list[dict[str, Any]]:
    """Step 6's findings (id, statement, predictors, strength), as saved."""
    return [f for f in _records(read(plan, FINDINGS_SOURCE)) if f.get("id")]


def local_measures(plan: Reader) -> list[tuple[str, str]]:
    """Step 5's local measures as (label, "<dataset>/<measure>") pairs."""
    pairs = []
    for dataset in _records(read(plan, LOCAL_DATA_SOURCE)):
        for measure in _records(dataset.get("measures")):
            if dataset.get("id") and measure.get("id"):
                named = dataset.get("name") or dataset["id"]
                label = f"{named}: {measure.get('name') or measure['id']}"
                pairs.append((label, f"{dataset['id']}/{measure['id']}"))
    return pairs


def partners(plan: Reader) -> list[tuple[str, str]]:
    """Step 4's stakeholders as (organisation, id) pairs, those who accepted first."""
    records = _records(read(plan, STAKEHOLDERS_SOURCE))
    ordered = sorted(records, key=lambda r: r.get("status") != "accepted")
    return [
        (str(r.get("organisation") or r["id"])
         + ("" if r.get("status") == "accepted" else " (not a partner yet)"), str(r["id"]))
        for r in ordered
        if r.get("id")
    ]  # fmt: skip


def step8_measures(plan: Reader) -> list[dict[str, Any]]:
    return _records(read(plan, MEASURES_SOURCE))


def metric_choices(catalog: Catalog) -> list[tuple[str, str]]:
    return [(m.name, m.variable) for m in catalog if m.is_metric]


def predictor_choices(catalog: Catalog) -> list[tuple[str, str]]:
    names = dict.fromkeys(m.predictor for m in catalog if m.is_metric and m.predictor)
    return [(n, n) for n in names]


def pillar_choices(framework: Framework) -> list[tuple[str, str]]:
    return [(p["name"], p["id"]) for p in framework.pillars]


# --- saving a dict section, change by change ---------------------------------------------


def change(
    store: PlanStore, section: str, apply: Callable[[dict[str, Any]], dict[str, Any]]
) -> Any:
    """Save ``apply(section as saved now)``; a save someone made meanwhile is kept and the
    change applied on top of it (five tries)."""
    for _ in range(5):
        current = store.get(section)
        whole = copy.deepcopy(current.value) if isinstance(current.value, dict) else {}
        try:
            private = registry.private_paths(section)
            return store.save(section, apply(whole), current.version, private=private).value
        except ConflictError as exc:
            store.resolve_conflict(exc.conflict_id, keep="saved")
    raise WorkbookError(f"'{section}' kept changing while saving (five tries); try again")


# --- findings that go forward --------------------------------------------------------------


def save_selection(store: PlanStore, chosen: Mapping[str, str]) -> dict[str, Any]:
    """Save which of Step 6's findings go forward (finding id -> why), in Step 6's order."""
    known = [f["id"] for f in findings(store)]
    unknown = [i for i in chosen if i not in known]
    if unknown:
        raise WorkbookError(
            f"selection: {', '.join(unknown)} is not one of Step 6's findings. Fix: choose "
            "among the findings saved in Step 6 (reload the step if they changed)"
        )
    ordered = [i for i in known if i in chosen]
    value = {"findings": ordered, "reasons": {i: str(chosen[i] or "").strip() for i in ordered}}
    return change(store, SELECTION_SECTION, lambda whole: {**whole, **value})


def selected(plan: Reader) -> list[tuple[dict[str, Any], str]]:
    """(finding, reason) for each chosen finding that Step 6 still has."""
    value = read(plan, SELECTION_SECTION) or {}
    by_id = {f["id"]: f for f in findings(plan)}
    reasons = value.get("reasons") if isinstance(value.get("reasons"), dict) else {}
    return [
        (by_id[i], str(reasons.get(i) or "")) for i in _strings(value.get("findings")) if i in by_id
    ]


# --- the vision -----------------------------------------------------------------------------


def drafts(plan: Reader) -> list[dict[str, Any]]:
    return _records((read(plan, VISION_SECTION) or {}).get("drafts"))


def draft_label(n: int, draft: Mapping[str, Any], width: int = 70) -> str:
    text = " ".join(str(draft.get("text") or "").split())
    return f"Draft {n}: {text[:width]}{'...' if len(text) > width else ''}"


def adopt(
    store: PlanStore, draft_id: str, date: str | None = None, vote_id: str | None = None
) -> dict:
    """Adopt draft ``draft_id`` as the vision, on ``date`` (today when not given)."""
    found = next((d for d in drafts(store) if d.get("id") == draft_id), None)
    if found is None:
        raise WorkbookError(
            f"vision: there is no draft '{draft_id}'. Fix: choose one of the saved drafts"
        )
    day = date or today()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise WorkbookError(
            f"vision: the date {day!r} is not a date. Fix: write it as YYYY-MM-DD"
        ) from None
    adopted = {"text": str(found.get("text") or ""), "date": day, "draft_id": draft_id}

    def apply(whole: dict) -> dict:
        whole["adopted"] = adopted
        if vote_id is not None:
            whole["vote_id"] = vote_id
        return whole

    return change(store, VISION_SECTION, apply)


def winning_draft(plan: Reader, record: Mapping[str, Any]) -> dict[str, Any]:
    """The draft a vote chose: ``record`` is one vote in the shape of a ``step5.votes``
    entry (its ``counts`` keyed by option); an option names a draft by its id, its text or
    its label ("Draft 2: ..."). A tie or an unknown option is refused with the reason."""
    counts = record.get("counts") if isinstance(record.get("counts"), Mapping) else {}
    points = {str(k): v for k, v in counts.items() if isinstance(v, int | float)}
    if not points:
        raise WorkbookError("vote: the record has no counts. Fix: record the vote's counts first")
    best = max(points.values())
    top = [k for k, v in points.items() if v == best]
    if len(top) > 1:
        raise WorkbookError(
            f"vote: {' and '.join(repr(t) for t in top)} tie with {best:g} points each. Fix: "
            "settle the tie (a second round, or the coalition's tie rule), then adopt a draft"
        )
    winner = top[0].strip()
    listed = drafts(plan)
    for n, draft in enumerate(listed, 1):
        text = " ".join(str(draft.get("text") or "").split())
        names = {str(draft.get("id")), text, f"Draft {n}", draft_label(n, draft)}
        if winner in names or " ".join(winner.split()) == text:
            return draft
    raise WorkbookError(
        f"vote: the winning option {winner!r} is not one of the vision drafts. Fix: open the "
        "ballot with the drafts as its options (their ids or texts)"
    )


def receive_vote(store: PlanStore, record: Mapping[str, Any]) -> dict[str, Any]:
    """Adopt the draft a vote chose (a paper count or a closed live ballot, in the shape
    of a ``step5.votes`` entry); the vote's id and record are kept with the vision."""
    draft = winning_draft(store, record)
    day = str(record.get("recorded_on") or today())
    adopt(store, str(draft["id"]), day, vote_id=record.get("id"))
    keys = ("id", "question", "kind", "options", "source", "ballot_id", "voters", "counts",
            "recorded_on")  # fmt: skip
    kept = {k: record.get(k) for k in keys}
    return change(store, VISION_SECTION, lambda whole: {**whole, "vote": kept})


# --- the logic model and the theory of change, read together --------------------------------


def logic_elements(model: Mapping[str, Any] | None) -> dict[str, tuple[str, dict[str, Any]]]:
    """Element id -> (part, record) for every input, activity, output and outcome."""
    model = model if isinstance(model, Mapping) else {}
    return {
        str(r["id"]): (part, r)
        for part in LOGIC_PARTS
        for r in _records(model.get(part))
        if r.get("id")
    }


def outcomes_from_toc(store: PlanStore) -> int:
    """Copy the theory of change's outcomes the logic model does not have yet (same ids,
    so Step 8 can measure either); returns how many were added."""
    toc = read(store, TOC_SECTION) or {}
    term = {"long": "long", "medium": "medium", "short": "short", "precondition": "short"}
    added = 0

    def apply(whole: dict) -> dict:
        nonlocal added
        have = {r.get("id") for r in _records(whole.get("outcomes"))}
        new = [
            {"id": o["id"], "name": o.get("name"), "term": term.get(o.get("level"), "short"),
             "pillars": None, "predictors": None, "metrics": o.get("metrics"),
             "local_measures": o.get("local_measures")}
            for o in _records(toc.get("outcomes"))
            if o.get("id") and o["id"] not in have
        ]  # fmt: skip
        added = len(new)
        whole["outcomes"] = [*_records(whole.get("outcomes")), *new]
        return whole

    change(store, LOGIC_SECTION, apply)
    return added


LOGIC_HEADER = (
    "Component", "Name", "Term", "Population", "Partners", "Systems conditions", "Pillars",
    "Predictors", "Mobility Metrics", "Local measures",
)  # fmt: skip


def logic_rows(
    model: Mapping[str, Any] | None,
    catalog: Catalog,
    framework: Framework,
    partner_names: Mapping[str, str],
    local_names: Mapping[str, str],
) -> list[tuple[str, ...]]:
    """The logic model as rows, inputs first, outcomes by term (names, not ids)."""
    model = model if isinstance(model, Mapping) else {}
    conditions = {v: k for k, v in CONDITIONS}
    terms = {v: k for k, v in TERMS}
    pillars = {p["id"]: p["name"] for p in framework.pillars}
    order = {v: n for n, (_, v) in enumerate(TERMS)}

    def names(values: Any, labels: Mapping[str, str]) -> str:
        return "; ".join(labels.get(v, v) for v in _strings(values))

    metrics = {m.variable: m.name for m in catalog}
    rows = []
    labels = {"inputs": "Input", "activities": "Activity or strategy", "outputs": "Output",
              "outcomes": "Outcome"}  # fmt: skip
    for part in LOGIC_PARTS:
        records = _records(model.get(part))
        if part == "outcomes":
            records = sorted(records, key=lambda r: order.get(r.get("term"), 9))
        for r in records:
            rows.append((
                labels[part], str(r.get("name") or ""), terms.get(r.get("term"), ""),
                str(r.get("population") or ""), names(r.get("stakeholders"), partner_names),
                names(r.get("conditions"), conditions), names(r.get("pillars"), pillars),
                names(r.get("predictors"), {}), names(r.get("metrics"), metrics),
                names(r.get("local_measures"), local_names),
            ))  # fmt: skip
    return rows


def export_logic_model(rows: Sequence[Sequence[str]], folder: Path) -> tuple[Path, Path]:
    """Write the logic model as CSV (UTF-8 that Excel reads) and as an Excel workbook.

    Cells a spreadsheet would run as formulas start with an apostrophe in both files.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    safe = [[neutralise_cell(str(c)) for c in row] for row in rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(LOGIC_HEADER)
    writer.writerows(safe)
    csv_path = folder / "step7_logic_model.csv"
    csv_path.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
    book = Workbook()
    sheet = book.active
    sheet.title = "Logic model"
    sheet.append(list(LOGIC_HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in safe:
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJ", (20, 40, 12, 24, 30, 30, 24, 30, 30, 30), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    xlsx_path = folder / "step7_logic_model.xlsx"
    book.save(xlsx_path)
    return csv_path, xlsx_path


# --- versions: submit, comment, approve ------------------------------------------------------


def snapshot(plan: Reader) -> dict[str, Any]:
    """What a version holds: the vision, the theory of change and the logic model."""
    return {
        "vision": read(plan, VISION_SECTION) or {},
        "toc": read(plan, TOC_SECTION) or {},
        "logic_model": read(plan, LOGIC_SECTION) or {},
    }


def versions(plan: Reader) -> list[dict[str, Any]]:
    return _records((read(plan, APPROVAL_SECTION) or {}).get("versions"))


def latest_approved(plan: Reader) -> dict[str, Any] | None:
    """The approved version with the highest number (what the MAP and Step 8 use)."""
    approved = [v for v in versions(plan) if v.get("status") == APPROVED]
    return max(approved, key=lambda v: int(v.get("number") or 0)) if approved else None


def draft_changed(plan: Reader) -> bool:
    """Whether the drafts differ from the latest version submitted (or nothing was)."""
    listed = versions(plan)
    if not listed:
        return True
    last = max(listed, key=lambda v: int(v.get("number") or 0))
    return toc_model.fingerprint(snapshot(plan)) != last.get("hash")


def submit(store: PlanStore, date: str | None = None) -> dict[str, Any]:
    """Submit the drafts for review as a new version (a snapshot and its SHA-256).

    An earlier version still in review is superseded; a version with the same content
    is refused (it is already submitted)."""
    shot = snapshot(store)
    digest = toc_model.fingerprint(shot)
    if not (shot["toc"].get("outcomes") or shot["logic_model"]):
        raise WorkbookError(
            "approval: there is nothing to submit yet. Fix: write the theory of change and "
            "the logic model first"
        )
    made: dict[str, Any] = {}

    def apply(whole: dict) -> dict:
        listed = _records(whole.get("versions"))
        same = [v for v in listed if v.get("hash") == digest and v.get("status") != SUPERSEDED]
        if same:
            raise WorkbookError(
                f"approval: this content is already version {same[0].get('number')} "
                f"({STATUS_LABELS.get(same[0].get('status'), '')}). Fix: change the drafts "
                "first, or review that version"
            )
        for v in listed:
            if v.get("status") == IN_REVIEW:
                v["status"] = SUPERSEDED
        number = max((int(v.get("number") or 0) for v in listed), default=0) + 1
        made.update({
            "number": number, "hash": digest, "status": IN_REVIEW,
            "submitted_on": date or today(), "approved_on": None, "approved_by": None,
            "comments": [], "snapshot": shot,
        })  # fmt: skip
        whole["versions"] = [*listed, made]
        return whole

    change(store, APPROVAL_SECTION, apply)
    return made


def _version(whole: dict, number: int) -> dict[str, Any]:
    for v in _records(whole.get("versions")):
        if v.get("number") == number:
            return v
    raise WorkbookError(f"approval: there is no version {number}. Fix: submit the drafts first")


def comment(
    store: PlanStore, number: int, text: str, by: str = "", date: str | None = None
) -> None:
    """A reviewer's comment on version ``number`` (the reviewer's name stays private)."""
    if not str(text).strip():
        raise WorkbookError("comment: the comment is empty. Fix: write what the reviewer said")

    def apply(whole: dict) -> dict:
        version = _version(whole, number)
        version.setdefault("comments", []).append(
            {"text": str(text).strip(), "by": str(by).strip(), "date": date or today()}
        )
        return whole

    change(store, APPROVAL_SECTION, apply)


def approve(store: PlanStore, number: int, by: str, date: str | None = None) -> None:
    """Approve version ``number`` (it must be in review): it is locked as it is, and an
    earlier approved version is superseded. ``by`` is the person or body that approved."""
    if not str(by).strip():
        raise WorkbookError(
            "approval: say who approved (a person's role or a body). Fix: fill in 'Approved by'"
        )

    def apply(whole: dict) -> dict:
        version = _version(whole, number)
        if version.get("status") != IN_REVIEW:
            raise WorkbookError(
                f"approval: version {number} is {STATUS_LABELS.get(version.get('status'), '?')}"
                ", not in review. Fix: submit the drafts as a new version and approve that"
            )
        if toc_model.fingerprint(version.get("snapshot")) != version.get("hash"):
            raise WorkbookError(
                f"approval: version {number}'s snapshot no longer matches its hash; it was "
                "changed after it was submitted. Fix: submit the drafts again"
            )
        for v in _records(whole.get("versions")):
            if v.get("status") == APPROVED:
                v["status"] = SUPERSEDED
        version.update({"status": APPROVED, "approved_on": date or today(),
                        "approved_by": str(by).strip()})  # fmt: skip
        return whole

    change(store, APPROVAL_SECTION, apply)


def dangling_measures(plan: Reader, model: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Step 8's measures whose logic-model element is not in ``model``."""
    ids = set(logic_elements(model))
    return [
        m for m in step8_measures(plan)
        if isinstance(m.get("element"), Mapping) and m["element"].get("id") not in ids
    ]  # fmt: skip
