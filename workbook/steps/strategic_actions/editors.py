"""Step 7's editors: record tables for the vision drafts, the theory of change and the
logic model, and the small panels that choose findings, adopt a vision and approve.

Every table is the form kit's :class:`~workbook.forms.RecordTable` (labelled inputs, a
record picker and buttons, all usable with a keyboard and a screen reader) over one list
of a dict section (:class:`~workbook.forms.keyed.KeyedStore`). Deleting a record that
others refer to asks first, and removes the references with it, or is refused when a
Step 8 measure depends on it: nothing is left pointing at what was deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from workbook.analysis import theory_of_change as toc_model
from workbook.data.catalog import Catalog, Framework
from workbook.display import views
from workbook.display.theme import ERROR, PENDING, SUCCESS
from workbook.errors import WorkbookError
from workbook.forms import (
    Field,
    LongText,
    MultipleChoice,
    RecordError,
    RecordTable,
    Rule,
    ShortText,
    SingleChoice,
)
from workbook.forms.controls import button
from workbook.forms.keyed import KeyedStore, LiveChoice, LiveChoices
from workbook.forms.messages import coloured
from workbook.plan.store import PlanStore
from workbook.steps.strategic_actions import records as rec

# --- fields and rules ------------------------------------------------------------------


@dataclass(frozen=True)
class Comments(LongText):
    """Comments on a draft, one per line, kept as a list of texts."""

    def clean(self, value: Any) -> Any:
        if isinstance(value, str):
            value = [line.strip() for line in value.splitlines() if line.strip()]
        if isinstance(value, list | tuple):
            value = [str(v).strip() for v in value if str(v).strip()]
        return value or None

    coerce = clean

    def read(self, inputs: Mapping[str, widgets.Widget]) -> Any:
        return self.clean(inputs["value"].value)

    def write(self, inputs: Mapping[str, widgets.Widget], value: Any) -> None:
        inputs["value"].value = "\n".join(self.clean(value) or [])

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, list):
            return "Write one comment per line."
        return super().problem("\n".join(value))

    def display(self, value: Any, include_private: bool = False) -> str:
        return "\n".join(self.clean(value) or []) or super().display(None)

    def from_text(self, text: str) -> Any:
        return self.clean(text.replace(" | ", "\n"))

    def to_text(self, value: Any) -> str:
        return " | ".join(self.clean(value) or [])


@dataclass(frozen=True)
class DifferentEnds(Rule):
    """A link goes from one outcome to another."""

    def field_names(self) -> tuple[str, ...]:
        return ("from", "to")

    def check(self, values: Mapping[str, Any], fields: Mapping[str, Field]) -> dict[str, str]:
        if values.get("from") and values.get("from") == values.get("to"):
            return {"to": "A link joins two different outcomes: choose another outcome."}
        return {}


def _outcome_choices(store: PlanStore) -> Callable[[], list[tuple[str, str]]]:
    def source() -> list[tuple[str, str]]:
        graph = toc_model.Graph.of(rec.read(store, rec.TOC_SECTION))
        return [
            (str(o.get("name") or o["id"]), str(o["id"])) for o in graph.outcomes if o.get("id")
        ]

    return source


def _link_choices(store: PlanStore) -> Callable[[], list[tuple[str, str]]]:
    def source() -> list[tuple[str, str]]:
        graph = toc_model.Graph.of(rec.read(store, rec.TOC_SECTION))
        return [(graph.link_label(x), str(x["id"])) for x in graph.links if x.get("id")]

    return source


def _fixed(pairs: Sequence[tuple[str, str]]) -> Callable[[], list[tuple[str, str]]]:
    frozen = list(pairs)
    return lambda: frozen


# --- a table whose records others refer to --------------------------------------------------


class GuardedTable(RecordTable):
    """A record table that checks names are unique and asks before deleting a record
    other records refer to.

    ``uses(id)`` says what refers to a record; ``remove(whole, id)`` returns the whole
    section without it and without those references (saved in one change). Records a
    Step 8 measure depends on cannot be deleted here.
    """

    def __init__(
        self,
        *args: Any,
        uses: Callable[[str], toc_model.Uses] | None = None,
        remove: Callable[[dict, str], dict] | None = None,
        unique: str | None = None,
        after_change: Callable[[], None] | None = None,
        labeller: Callable[[Mapping[str, Any]], str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.labeller = labeller
        self.uses = uses
        self.remove = remove
        self.unique = unique
        self.after_change = after_change
        super().__init__(*args, **kwargs)

    def _label(self, item: Mapping[str, Any]) -> str:
        return self.labeller(item) if self.labeller is not None else super()._label(item)

    def _check_unique(self, values: Mapping[str, Any], own_id: str | None) -> None:
        if self.unique and isinstance(values.get(self.unique), str):
            problem = toc_model.unique_name_problem(self.records(), values[self.unique], own_id)
            if problem:
                raise RecordError(self.section, {self.unique: problem})

    def add(self, values: Mapping[str, Any]) -> str:
        self._check_unique(values, None)
        return super().add(values)

    def update(self, record_id: str, values: Mapping[str, Any], force: bool = False) -> None:
        self._check_unique(values, record_id)
        super().update(record_id, values, force)

    def _uses(self, record_id: str) -> toc_model.Uses:
        return self.uses(record_id) if self.uses else toc_model.Uses()

    def blocked(self, record_id: str) -> str:
        """Why ``record_id`` may not be deleted here ('' when it may)."""
        measures = self._uses(record_id).measures
        if not measures:
            return ""
        named = ", ".join(f"'{m.get('name') or m.get('id')}'" for m in measures)
        return (
            f"Not deleted: Step 8 measures it ({named}). Fix: change or remove "
            f"{'that measure' if len(measures) == 1 else 'those measures'} in Step 8 first."
        )

    def in_use(self, record_id: str) -> str:
        """What deleting ``record_id`` would also remove, in words ('' for nothing)."""
        uses = self._uses(record_id)
        parts = []
        if uses.links:
            parts.append(f"{len(uses.links)} link{'s' if len(uses.links) > 1 else ''} "
                         f"({'; '.join(uses.labels)})")  # fmt: skip
        if uses.interventions:
            names = ", ".join(f"'{i.get('name')}'" for i in uses.interventions)
            parts.append(f"the attachment of {names}")
        return " and ".join(parts)

    def delete(self, record_id: str, force: bool = False, with_uses: bool = False) -> None:
        """Delete a record; one others refer to only ``with_uses`` (it goes with them)."""
        self._require_editable()
        label = self._label(self.get(record_id))
        blocked = self.blocked(record_id)
        if blocked:
            raise RecordError(self.section, {"id": blocked})
        used = self.in_use(record_id)
        if not used:
            super().delete(record_id, force)
        elif not with_uses:
            raise RecordError(self.section, {"id": (
                f"'{label}' is used by {used}. Delete it together with them "
                "(with_uses=True), or keep it"
            )})  # fmt: skip
        else:
            assert isinstance(self.store, KeyedStore) and self.remove is not None
            remove = self.remove
            self.store.change(lambda whole: remove(whole, record_id))
            self.record = self._fetch()
        if self.after_change is not None:
            self.after_change()

    def delete_selected(self) -> bool:
        record_id = self.picker.value
        if not record_id:
            return False
        blocked = self.blocked(record_id)
        if blocked:
            self._say(blocked, ERROR)
            return False
        used = self.in_use(record_id)
        if not used:
            return super().delete_selected()
        label = self._label(self.get(record_id))
        if not self._confirm_delete:
            self._confirm_delete = True
            self.delete_button.description = "Delete it with what uses it"
            self._say(
                f"'{label}' is used by {used}. Click 'Delete it with what uses it' to delete "
                "them together, or choose another record to keep it.",
                PENDING,
            )
            return False
        if not self._try_save(lambda: self.delete(record_id, with_uses=True), failed="Not deleted"):
            return False
        self._show_saved("Deleted, with what used it.", keep="")
        return True


def _remove_logic(part: str) -> Callable[[dict, str], dict]:
    def remove(whole: dict, record_id: str) -> dict:
        whole[part] = [r for r in whole.get(part) or [] if r.get("id") != record_id]
        return whole

    return remove


# --- the tables --------------------------------------------------------------------------


def drafts_table(store: PlanStore, read_only: bool | None = None) -> RecordTable:
    return RecordTable(
        [
            LongText("text", label="Vision statement", required=True, max_length=2000, rows=3),
            Comments(
                "comments",
                label="Comments",
                max_length=5000,
                rows=3,
                help="One comment per line: what people said about this draft.",
            ),
        ],  # fmt: skip
        KeyedStore(store, rec.VISION_SECTION, "drafts"),
        rec.VISION_SECTION,
        title="Vision drafts",
        intro="Each draft of the vision statement, with the comments it drew.",
        read_only=read_only,
        label_field="text",
    )


def outcome_fields(store: PlanStore, catalog: Catalog) -> list[Field]:
    return [
        ShortText("name", label="Outcome", required=True, max_length=200,
                  help="A change in conditions, said as a state: 'Families can afford rent'."),
        SingleChoice("level", label="Level", required=True, options=rec.LEVEL_CHOICES),
        LiveChoices("metrics", label="Mobility Metrics", source=_fixed(rec.metric_choices(catalog)),
                    rows=6, help="Shift or Ctrl to pick several."),
        LiveChoices("local_measures", label="Local measures (Step 5)",
                    source=lambda: rec.local_measures(store), rows=4),
    ]  # fmt: skip


def toc_tables(
    store: PlanStore, catalog: Catalog, read_only: bool | None, after_change: Callable[[], None]
) -> tuple[GuardedTable, GuardedTable, RecordTable]:
    """The theory of change's three tables: outcomes, links, interventions."""
    section = rec.TOC_SECTION

    def outcome_uses(outcome_id: str) -> toc_model.Uses:
        return toc_model.uses_of_outcome(
            rec.read(store, section), outcome_id, rec.step8_measures(store)
        )

    def link_uses(link_id: str) -> toc_model.Uses:
        return toc_model.uses_of_link(rec.read(store, section), link_id)

    def link_label(link: Mapping[str, Any]) -> str:
        return toc_model.Graph.of(rec.read(store, section)).link_label(link)

    outcomes = GuardedTable(
        outcome_fields(store, catalog), KeyedStore(store, section, "outcomes"), section,
        title="Outcomes",
        intro="From the long-term change the community wants back to the earliest "
        "preconditions. Long-term outcomes should name the metric or local measure that "
        "will show progress.",
        read_only=read_only, label_field="name", uses=outcome_uses,
        remove=toc_model.delete_outcome, unique="name", after_change=after_change,
    )  # fmt: skip
    links = GuardedTable(
        [
            LiveChoice("from", label="From (the earlier outcome)", required=True,
                       source=_outcome_choices(store)),
            LiveChoice("to", label="Leads to", required=True, source=_outcome_choices(store)),
            LongText("rationale", label="Why it leads there", max_length=2000, rows=2),
            LongText("assumptions", label="Assumptions", max_length=2000, rows=2,
                     help="What must hold for this link to work, and is not in the plan's hands."),
        ],
        KeyedStore(store, section, "links"), section,
        title="Links",
        intro="Each link says that one outcome makes the next possible, why, and on which "
        "assumptions.",
        rules=[DifferentEnds()], read_only=read_only, label_field="from", uses=link_uses,
        remove=toc_model.delete_link, after_change=after_change, labeller=link_label,
    )  # fmt: skip
    interventions = RecordTable(
        [
            ShortText("name", label="Intervention", required=True, max_length=200),
            LiveChoices("links", label="Links it moves", source=_link_choices(store), rows=5,
                        help="The links this action is meant to make happen."),
        ],
        KeyedStore(store, section, "interventions"), section,
        title="Interventions",
        intro="What the coalition will do, attached to the links it is meant to move.",
        read_only=read_only, label_field="name",
    )  # fmt: skip
    return outcomes, links, interventions


def logic_tables(
    store: PlanStore, catalog: Catalog, framework: Framework, read_only: bool | None
) -> dict[str, GuardedTable]:
    """The logic model's four tables: inputs, activities, outputs, outcomes."""
    section = rec.LOGIC_SECTION
    partners = LiveChoices("stakeholders", label="Partners (Step 4)",
                           source=lambda: rec.partners(store), rows=5)  # fmt: skip
    fields: dict[str, list[Field]] = {
        "inputs": [ShortText("name", label="Input or resource", required=True), partners],
        "activities": [
            ShortText("name", label="Activity or strategy", required=True, max_length=300),
            ShortText("population", label="Population it serves", max_length=300),
            LiveChoices("stakeholders", label="Partners responsible (Step 4)",
                        source=lambda: rec.partners(store), rows=5),
            MultipleChoice("conditions", label="Conditions of systems change it aims at",
                           options=rec.CONDITIONS),
        ],
        "outputs": [ShortText("name", label="Output", required=True, max_length=300)],
        "outcomes": [
            ShortText("name", label="Outcome", required=True, max_length=300),
            SingleChoice("term", label="Term", required=True, options=rec.TERMS),
            MultipleChoice("pillars", label="Pillars", options=rec.pillar_choices(framework)),
            LiveChoices("predictors", label="Predictors",
                        source=_fixed(rec.predictor_choices(catalog)), rows=6),
            LiveChoices("metrics", label="Mobility Metrics",
                        source=_fixed(rec.metric_choices(catalog)), rows=6),
            LiveChoices("local_measures", label="Local measures (Step 5)",
                        source=lambda: rec.local_measures(store), rows=4),
        ],
    }  # fmt: skip
    titles = {
        "inputs": ("Inputs", "Resources the work relies on: money, staff, data, and the "
                   "partners who bring them."),
        "activities": ("Activities and strategies", "What the coalition will do; each names "
                       "the people it serves, the partners responsible and the conditions of "
                       "systems change it aims at."),
        "outputs": ("Outputs", "What the activities produce, counted."),
        "outcomes": ("Outcomes", "The changes expected in the short, medium and long term, "
                     "each tied to pillars, predictors and measures."),
    }  # fmt: skip

    def uses(record_id: str) -> toc_model.Uses:
        return toc_model.Uses(
            measures=toc_model.measures_using(record_id, rec.step8_measures(store))
        )

    return {
        part: GuardedTable(
            fields[part],
            KeyedStore(store, section, part),
            section,
            title=titles[part][0],
            intro=titles[part][1],
            read_only=read_only,
            label_field="name",
            uses=uses,
            remove=_remove_logic(part),
            unique="name" if part == "outcomes" else None,
        )  # fmt: skip
        for part in rec.LOGIC_PARTS
    }


# --- panels --------------------------------------------------------------------------------


def _message(widget: widgets.HTML, text: str, colour: str) -> None:
    widget.value = coloured(text, colour)


class SelectionPanel:
    """Tick the findings that go forward and say why: one tick box and one reason each."""

    def __init__(self, store: PlanStore) -> None:
        self.store = store
        saved = rec.read(store, rec.SELECTION_SECTION) or {}
        chosen = set(saved.get("findings") or [])
        reasons = saved.get("reasons") or {}
        self.rows: dict[str, tuple[widgets.Checkbox, widgets.Text]] = {}
        boxes = []
        for finding in rec.findings(store):
            fid = str(finding["id"])
            statement = str(finding.get("statement") or fid)
            tick = widgets.Checkbox(
                value=fid in chosen, description=statement, indent=False,
                layout=widgets.Layout(width="auto"),
            )  # fmt: skip
            reason = widgets.Text(value=str(reasons.get(fid) or ""), placeholder="Why it goes "
                                  "forward (or why not)", layout=widgets.Layout(width="100%",
                                  max_width="44em"))  # fmt: skip
            self.rows[fid] = (tick, reason)
            boxes.append(widgets.VBox([tick, reason], layout=widgets.Layout(margin="0 0 8px 0")))
        self.status = widgets.HTML("")
        self.save_button = button("Save the selection", "primary", "save")
        self.save_button.on_click(lambda _: self.save())
        if not self.rows:
            boxes = [widgets.HTML(views.paragraph(
                "Step 6 has no findings saved yet: write them there first, then come back."
            ))]  # fmt: skip
        self.widget = widgets.VBox([*boxes, widgets.HBox([self.save_button, self.status])])

    def save(self) -> bool:
        chosen = {fid: reason.value for fid, (tick, reason) in self.rows.items() if tick.value}
        try:
            rec.save_selection(self.store, chosen)
        except WorkbookError as exc:
            _message(self.status, f"Not saved: {exc}", ERROR)
            return False
        _message(self.status, f"Saved: {len(chosen)} findings go forward.", SUCCESS)
        return True


class AdoptPanel:
    """Choose the adopted draft and its date, or let a vote choose it."""

    def __init__(self, store: PlanStore, on_change: Callable[[], None]) -> None:
        self.store = store
        self.on_change = on_change
        self.choice = widgets.Dropdown(description="Draft:", options=self._options())
        self.date = widgets.DatePicker(description="Adopted on:")
        self.status = widgets.HTML("")
        adopt = button("Adopt this draft", "primary", "check")
        adopt.on_click(lambda _: self.adopt())
        self.widget = widgets.VBox([widgets.HBox([self.choice, self.date, adopt]), self.status])

    def _options(self) -> list[tuple[str, str]]:
        return [("(choose a draft)", "")] + [
            (rec.draft_label(n, d), str(d["id"])) for n, d in enumerate(rec.drafts(self.store), 1)
        ]

    def refresh(self) -> None:
        keep = self.choice.value
        self.choice.options = self._options()
        self.choice.value = keep if any(v == keep for _, v in self.choice.options) else ""

    def adopt(self) -> bool:
        if not self.choice.value:
            _message(self.status, "Not adopted: choose a draft first.", ERROR)
            return False
        day = self.date.value.isoformat() if self.date.value else None
        try:
            rec.adopt(self.store, self.choice.value, day)
        except WorkbookError as exc:
            _message(self.status, f"Not adopted: {exc}", ERROR)
            return False
        _message(self.status, "Adopted.", SUCCESS)
        self.on_change()
        return True


class ApprovalPanel:
    """Submit the drafts as a version, add reviewers' comments, approve a version."""

    def __init__(self, store: PlanStore, on_change: Callable[[], None]) -> None:
        self.store = store
        self.on_change = on_change
        submit = button("Submit the drafts for review", "primary", "paper-plane")
        submit.on_click(lambda _: self._run(lambda: rec.submit(self.store), "Submitted."))
        self.version = widgets.BoundedIntText(description="Version:", min=1, max=10_000, value=1)
        self.comment_text = widgets.Textarea(
            placeholder="A reviewer's comment", rows=2,
            layout=widgets.Layout(width="100%", max_width="44em"),
        )  # fmt: skip
        self.reviewer = widgets.Text(placeholder="Reviewer (private)")
        add = button("Add the comment", icon="comment")
        add.on_click(lambda _: self._run(lambda: rec.comment(
            self.store, self.version.value, self.comment_text.value, self.reviewer.value
        ), "Comment added."))  # fmt: skip
        self.approver = widgets.Text(placeholder="Approved by (a role or a body)")
        self.approved_on = widgets.DatePicker(description="On:")
        approve = button("Approve this version", "success", "check")
        approve.on_click(lambda _: self._run(lambda: rec.approve(
            self.store, self.version.value, self.approver.value,
            self.approved_on.value.isoformat() if self.approved_on.value else None,
        ), "Approved: this version is locked."))  # fmt: skip
        self.status = widgets.HTML("")
        self.widget = widgets.VBox([
            submit, self.version,
            widgets.HTML("<b>Reviewers' comments</b>"), self.comment_text,
            widgets.HBox([self.reviewer, add]),
            widgets.HTML("<b>Approval</b>"),
            widgets.HBox([self.approver, self.approved_on, approve]),
            self.status,
        ])  # fmt: skip
        self.refresh()

    def refresh(self) -> None:
        listed = rec.versions(self.store)
        if listed:
            self.version.value = max(int(v.get("number") or 1) for v in listed)

    def _run(self, action: Callable[[], object], done: str) -> bool:
        try:
            action()
        except WorkbookError as exc:
            _message(self.status, f"Not done: {exc}", ERROR)
            return False
        _message(self.status, done, SUCCESS)
        self.refresh()
        self.on_change()
        return True
