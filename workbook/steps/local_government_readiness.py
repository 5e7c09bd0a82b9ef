"""Step 3, is the local government ready? Ratings of the nine readiness conditions.

Several people (leaders and staff from several departments) each rate every readiness
condition on one four-level scale and say what the rating rests on. The ratings are
kept in the plan section ``step3.responses`` (typed in, or imported from a staff-survey
CSV: see ``data/templates/step3_readiness_survey.csv``); the actions that close the
gaps are kept in ``step3.actions``.

The rule
--------
The scale: 1 Missing, 2 Emerging, 3 Partly in place, 4 Strong (see :data:`LEVELS`).

For each condition, over everyone who rated it:

* **answered**: how many rated it; a condition with fewer than 2 ratings
  (:data:`MIN_ANSWERS`) has *too few answers* and is not judged;
* **median** of the ratings, and the **spread**: highest minus lowest rating (the range;
  with a handful of respondents an interquartile range says little);
* **weak**: the median is below 2.5 (:data:`WEAK_BELOW`): half or more of the ratings
  are Emerging or Missing;
* **contested**: the spread is 2 levels or more (:data:`CONTESTED_SPREAD`): people see
  the same condition very differently, e.g. Emerging and Strong.

The overall judgement is the first of these that applies:

1. **Not assessed yet**: no condition has 2 ratings.
2. **Not yet ready**: 3 or more conditions are weak (:data:`NOT_READY_WEAK`), or
   leadership commitment is weak (:data:`KEY_CONDITION`: the work cannot be led
   without it).
3. **Not fully assessed**: some condition has fewer than 2 ratings.
4. **Ready**: no condition is weak and at most 1 is contested
   (:data:`READY_MAX_CONTESTED`).
5. **Ready with gaps**: anything else (1 or 2 weak conditions, or 2 or more contested).

:func:`condition_stats` and :func:`judge` are pure functions of the ratings.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from workbook.data.catalog import Framework
from workbook.display import views
from workbook.display.charts import finish, nothing_yet, wrapped_labels
from workbook.display.document import Block, BulletList, Callout, Paragraph, Table
from workbook.display.html import escape
from workbook.display.live import Live, LiveViews
from workbook.display.theme import (
    ERROR,
    MUTED,
    OKABE_ITO,
    PANEL_BACKGROUND,
    PENDING,
    SUCCESS,
    TEXT_MUTED,
    TEXT_SOFT,
    WHITE,
)
from workbook.forms import (
    Date,
    Level,
    LongText,
    Person,
    Rating,
    RecordTable,
    ShortText,
    SingleChoice,
)
from workbook.forms.messages import coloured
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore
from workbook.session import Session
from workbook.steps import registry, review

STEP = registry.step(3)
RESPONSES_SECTION = STEP.section("responses")
ACTIONS_SECTION = STEP.section("actions")
TEMPLATE_NAME = "step3_readiness_survey.csv"

LEVELS = (
    Level(
        1,
        "Missing",
        "We see little or no sign of it. Nobody owns it; it would have to be built from "
        "the ground up.",
    ),
    Level(
        2,
        "Emerging",
        "A few people or one office show it, but it rests on individuals, has no time or "
        "money set aside, and could fade.",
    ),
    Level(
        3,
        "Partly in place",
        "It shows in several departments and in recent decisions; we can name the gaps "
        "that remain.",
    ),
    Level(
        4,
        "Strong",
        "It is established across the government, with staff and budget behind it, and "
        "we can point to recent examples.",
    ),
)
SCALE_MIN, SCALE_MAX = LEVELS[0].value, LEVELS[-1].value
MIN_ANSWERS = 2
WEAK_BELOW = 2.5
CONTESTED_SPREAD = 2
NOT_READY_WEAK = 3
READY_MAX_CONTESTED = 1
KEY_CONDITION = "leadership_commitment"
# The guide puts racial equity at the centre of the whole approach: a weak rating of this
# condition is named in the judgement whatever the overall outcome.
EQUITY_CONDITION = "racial_equity_understanding"

# Judgement of one condition, strongest first: a weak condition that is also contested
# is shown as weak (its wide range still shows in the chart and the table).
WEAK, CONTESTED, IN_PLACE, TOO_FEW = "weak", "contested", "in place", "too few answers"
CONDITION_JUDGEMENTS = (WEAK, CONTESTED, IN_PLACE, TOO_FEW)
CONDITION_COLOURS = {WEAK: OKABE_ITO[4], CONTESTED: OKABE_ITO[3], IN_PLACE: OKABE_ITO[0]}
CONDITION_COLOURS[TOO_FEW] = MUTED

SHORT_NAMES = {
    "leadership_commitment": "Leadership",
    "cross_sector_readiness": "Cross-sector",
    "organizational_capacity": "Capacity",
    "culture_for_change": "Culture",
    "staff_buy_in": "Staff buy-in",
    "racial_equity_understanding": "Racial equity",
    "data_skills": "Data skills",
    "engagement_resources": "Engagement",
    "ongoing_learning": "Learning",
}

ACTION_STATUSES = (
    ("Not started", "not_started"),
    ("Under way", "under_way"),
    ("Done", "done"),
    ("Dropped", "dropped"),
)
OVERALL = "overall"


# --- the rule -------------------------------------------------------------------------


def _ratings(records: Iterable[Mapping[str, Any]], condition: str) -> list[int]:
    """The valid ratings of one condition (anything off the scale is left out)."""
    found = []
    for record in records:
        value = record.get(condition)
        if isinstance(value, int) and not isinstance(value, bool):
            if SCALE_MIN <= value <= SCALE_MAX:
                found.append(value)
    return found


def condition_stats(
    records: Iterable[Mapping[str, Any]], conditions: Sequence[Mapping[str, str]]
) -> pd.DataFrame:
    """One row per condition: answered, median, lowest, highest, spread, weak, contested
    and the condition's judgement (see the module docstring for the rule)."""
    records = list(records)
    rows = []
    for condition in conditions:
        ratings = _ratings(records, condition["id"])
        enough = len(ratings) >= MIN_ANSWERS
        median = float(statistics.median(ratings)) if ratings else None
        spread = max(ratings) - min(ratings) if ratings else None
        weak = enough and median < WEAK_BELOW
        contested = enough and spread >= CONTESTED_SPREAD
        judgement = (
            TOO_FEW if not enough else WEAK if weak else CONTESTED if contested else IN_PLACE
        )
        rows.append(
            {
                "condition": condition["id"],
                "name": condition["name"],
                "answered": len(ratings),
                "median": median,
                "lowest": min(ratings) if ratings else None,
                "highest": max(ratings) if ratings else None,
                "spread": spread,
                "weak": weak,
                "contested": contested,
                "judgement": judgement,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "condition", "name", "answered", "median", "lowest", "highest", "spread",
            "weak", "contested", "judgement",
        ],
    )  # fmt: skip


@dataclass(frozen=True)
class Judgement:
    """The overall readiness judgement: which outcome, and the reasons behind it."""

    level: str
    title: str
    next_step: str
    reasons: list[str] = field(default_factory=list)


OUTCOMES = {
    "not_assessed": (
        "Not assessed yet",
        "Collect ratings from at least two people for every condition.",
    ),
    "not_ready": (
        "Not yet ready",
        "Close the gaps in the weak conditions before leading a coalition: list actions "
        "with owners and dates below, then assess again.",
    ),
    "incomplete": (
        "Not fully assessed",
        "Ask more people to rate the conditions that have fewer than two ratings.",
    ),
    "ready": (
        "Ready",
        "Go on to build the coalition (Step 4); keep the contested condition, if any, on "
        "the agenda.",
    ),
    "ready_with_gaps": (
        "Ready with gaps",
        "Go on to Step 4 while working on the weak and contested conditions: list "
        "actions with owners and dates below.",
    ),
}


EQUITY_WEAK = (
    "The shared wish to understand structural racism and racial equity is weak. The guide "
    "puts racial equity at the centre of mobility from poverty, as a result to reach and as "
    "a way of working: whatever else is in place, close this gap first, before the "
    "coalition sets its priorities."
)


ALL_IN_PLACE = "No condition is weak or contested."


def _names(frame: pd.DataFrame) -> str:
    return ", ".join(frame["name"])


def judge(stats: pd.DataFrame) -> Judgement:
    """The overall judgement from :func:`condition_stats` (first rule that applies)."""
    judged = stats[stats["answered"] >= MIN_ANSWERS]
    weak = stats[stats["weak"]]
    contested = stats[stats["contested"]]
    few = stats[stats["answered"] < MIN_ANSWERS]
    reasons = []
    if not weak.empty:
        reasons.append(f"Weak ({len(weak)}): {_names(weak)}.")
    if not contested.empty:
        reasons.append(f"Contested ({len(contested)}): {_names(contested)}.")
    if not few.empty and not judged.empty:
        reasons.append(f"Fewer than {MIN_ANSWERS} ratings ({len(few)}): {_names(few)}.")
    key_weak = bool(stats.loc[stats["condition"] == KEY_CONDITION, "weak"].any())
    if judged.empty:
        level = "not_assessed"
        reasons = [f"No condition has {MIN_ANSWERS} ratings yet."]
    elif len(weak) >= NOT_READY_WEAK or key_weak:
        level = "not_ready"
        if key_weak:
            reasons.insert(0, "Leadership commitment is weak: the work cannot be led without it.")
    elif not few.empty:
        level = "incomplete"
    elif weak.empty and len(contested) <= READY_MAX_CONTESTED:
        level = "ready"
        if contested.empty:
            reasons.append(ALL_IN_PLACE)
    else:
        level = "ready_with_gaps"
    equity = stats[(stats["condition"] == EQUITY_CONDITION) & stats["weak"]]
    if not equity.empty and level != "not_assessed":
        reasons.insert(0, EQUITY_WEAK)
    title, next_step = OUTCOMES[level]
    return Judgement(level, title, next_step, reasons)


def rule_lines() -> tuple[list[str], list[str]]:
    """The rule in words, built from the same constants :func:`judge` uses: what weak
    and contested mean, then the outcomes in the order they are tried."""
    low = LEVELS[1].label
    terms = [
        f"Each condition is judged on the ratings of everyone who rated it, once it has at "
        f"least {MIN_ANSWERS}.",
        f"Weak: the median rating is below {WEAK_BELOW:g}, so half or more of the ratings "
        f"are {low} or lower.",
        f"Contested: the highest and lowest ratings are {CONTESTED_SPREAD} or more levels apart.",
    ]
    outcomes = [
        f"Not assessed yet: no condition has {MIN_ANSWERS} ratings.",
        f"Not yet ready: {NOT_READY_WEAK} or more conditions are weak, or leadership "
        "commitment is weak.",
        f"Not fully assessed: some condition has fewer than {MIN_ANSWERS} ratings.",
        f"Ready: no condition is weak and at most {READY_MAX_CONTESTED} is contested.",
        "Ready with gaps: anything else.",
    ]
    return terms, outcomes


# --- form specs -----------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleRating(Rating):
    """A rating on the shared scale, shown once above the table instead of under every
    question: here one row of buttons, each level's description as its tooltip. From a
    CSV it reads '3', '3.0', '3. Partly in place' or the level's name."""

    def make_inputs(self) -> dict[str, widgets.Widget]:
        return {
            "value": widgets.ToggleButtons(
                options=[(f"{lv.value}. {lv.label}", lv.value) for lv in self.levels],
                tooltips=[lv.description for lv in self.levels],
                value=None,
                style={"button_width": "auto"},
            )
        }

    def arrange(self, inputs: Mapping[str, widgets.Widget]) -> widgets.Widget:
        return inputs["value"]

    def from_text(self, text: str) -> Any:
        cleaned = text.strip()
        number = re.match(r"^(\d+)(?:\.0+)?$", cleaned) or re.match(
            r"^(\d+)\s*[.):-]\s*[^\W\d_]", cleaned
        )
        if number and self.level(int(number.group(1))) is not None:
            return int(number.group(1))
        return super().from_text(text)


def conditions_of(framework: Framework) -> list[dict[str, str]]:
    return list(framework["readiness_conditions"])


def short_name(condition: Mapping[str, str]) -> str:
    return SHORT_NAMES.get(condition["id"], condition["name"])


def response_fields(framework: Framework) -> list:
    """Who answered, then a rating and its evidence for each condition."""
    fields: list = [
        ShortText(
            "respondent",
            label="Respondent",
            private=True,
            max_length=120,
            help="A name, or a code such as R3 for an anonymous survey. Kept private so "
            "that people can answer candidly.",
        ),
        ShortText(
            "role",
            label="Role or department",
            required=True,
            max_length=120,
            help="e.g. Deputy mayor, Housing department, Parks staff.",
        ),
    ]
    for condition in conditions_of(framework):
        fields.append(
            ScaleRating(
                condition["id"], label=condition["name"], help=condition["summary"], levels=LEVELS
            )
        )
        fields.append(
            LongText(
                f"evidence_{condition['id']}",
                label=f"Evidence: {condition['name']}",
                max_length=1000,
                rows=2,
                help="A concrete example behind the rating: a decision, a budget line, "
                "a meeting, something someone said.",
            )
        )
    return fields


class ResponsesTable(RecordTable):
    """The ``step3.responses`` table, listed compactly: one column per condition with the
    rating's number, and how many ratings came with evidence."""

    def __init__(
        self, store: PlanStore, framework: Framework, read_only: bool | None = None
    ) -> None:
        self.conditions = conditions_of(framework)
        super().__init__(
            response_fields(framework),
            store,
            RESPONSES_SECTION,
            title="Ratings",
            intro="One record per person. Rate each condition on the scale above and add "
            "the evidence behind the rating; leave a condition blank if you cannot judge "
            "it. A staff survey can be imported as a CSV file (data/templates/"
            f"{TEMPLATE_NAME} has the columns).",
            read_only=read_only,
            label_field="role",
        )

    # -- the editor: one row per condition, rating beside its evidence --

    def _build(self) -> None:
        super()._build()
        self._confirm_blank: tuple[str, ...] = ()
        self.unrated_note = widgets.HTML()
        controls = self.fieldset.controls
        who = widgets.HBox(
            [controls["respondent"].box, controls["role"].box],
            layout=widgets.Layout(flex_flow="row wrap", grid_gap="0 24px"),
        )
        rows = []
        for condition in self.conditions:
            rating = controls[condition["id"]]
            evidence = controls[f"evidence_{condition['id']}"]
            evidence.label.value = "<b>Evidence</b> (optional)"
            evidence.inputs["value"].layout = widgets.Layout(width="100%")
            rows.extend([rating.box, evidence.box])
        grid = widgets.GridBox(
            rows,
            layout=widgets.Layout(
                grid_template_columns="minmax(0, 3fr) minmax(0, 2fr)",
                grid_gap="0 24px",
                width="100%",
            ),
        )
        self.fieldset.box.children = (who, grid, self.unrated_note)
        self._show_unrated()

    def unrated(self) -> list[str]:
        """The conditions the record in the editor leaves without a rating, by name."""
        values = self.fieldset.values()
        return [short_name(c) for c in self.conditions if values.get(c["id"]) is None]

    def _show_unrated(self) -> None:
        blank = self.unrated()
        if not blank:
            self.unrated_note.value = ""
            return
        names = ", ".join(blank)
        self.unrated_note.value = coloured(
            f"Not rated yet ({len(blank)} of {len(self.conditions)}): {names}.", PENDING
        )

    def _edited(self) -> None:
        super()._edited()
        self._confirm_blank = ()
        self.save_button.description = "Save record"
        self._show_unrated()

    def _picked(self) -> None:
        super()._picked()
        if hasattr(self, "unrated_note"):
            self._confirm_blank = ()
            self.save_button.description = "Save record"
            self._show_unrated()

    def save_editor(self) -> bool:
        """Save the record; when conditions are left unrated, ask once before saving.

        Leaving a condition blank is allowed (a person may not be able to judge it), but
        it is easy to miss one on a long form, so the first Save names the blank ones and
        the second keeps them blank.
        """
        blank = tuple(self.unrated())
        if (
            blank
            and blank != self._confirm_blank
            and not self._refuse_invalid(self.fieldset.validate())
        ):
            self._confirm_blank = blank
            self.save_button.description = "Save with blanks"
            self._say(
                f"{len(blank)} condition{'s are' if len(blank) != 1 else ' is'} not rated: "
                f"{', '.join(blank)}. Rate {'them' if len(blank) != 1 else 'it'}, or press "
                "Save with blanks to leave blank what this person cannot judge.",
                PENDING,
            )
            return False
        saved = super().save_editor()
        if saved:
            self._confirm_blank = ()
            self.save_button.description = "Save record"
            self._show_unrated()
        return saved

    def table_html(self) -> str:
        items = self.records(public=True)
        if not items:
            return views.paragraph("No responses yet.")
        rows = []
        for n, item in enumerate(items, 1):
            ratings = [
                str(item[c["id"]]) if _ratings([item], c["id"]) else "\u2014"
                for c in self.conditions
            ]
            evidence = sum(1 for c in self.conditions if item.get(f"evidence_{c['id']}"))
            given = f"{evidence} of {len(self.conditions)}"
            rows.append([n, item.get("role") or "", *ratings, given])
        header = ["#", "Role or department", *(short_name(c) for c in self.conditions)]
        return views.table(rows, [*header, "Evidence given"])


def action_fields(framework: Framework, weak: Sequence[str] = ()) -> list:
    """Action items; the weak conditions come first in the list of conditions."""
    conditions = conditions_of(framework)
    ordered = [c for c in conditions if c["id"] in weak] + [
        c for c in conditions if c["id"] not in weak
    ]
    options = [(c["name"], c["id"]) for c in ordered] + [("Readiness overall", OVERALL)]
    return [
        SingleChoice(
            "condition",
            label="Condition",
            required=True,
            options=options,
            help="Weak conditions are listed first.",
        ),
        ShortText(
            "action", label="Action", required=True, max_length=280, help="What will be done."
        ),
        Person(
            "owner",
            label="Owner",
            required=True,
            contact=False,
            help="Who makes sure it happens: a name and a department or organisation.",
        ),
        Date("due", label="Due date", required=True),
        SingleChoice("status", label="Status", required=True, options=ACTION_STATUSES),
    ]


def actions_table(
    store: PlanStore,
    framework: Framework,
    weak: Sequence[str] = (),
    read_only: bool | None = None,
    export_path=None,
) -> RecordTable:
    return RecordTable(
        action_fields(framework, weak),
        store,
        ACTIONS_SECTION,
        title="Actions to close the gaps",
        intro="For every weak condition, at least one action with an owner and a due date.",
        read_only=read_only,
        label_field="action",
        export_path=export_path,
    )


def csv_template(framework: Framework) -> str:
    """The header row a staff-survey export needs (field names; labels work too)."""
    names = [f.name for f in response_fields(framework)]
    return ",".join(names) + "\n"


# --- charts ---------------------------------------------------------------------------


def rating_counts(records: Iterable[Mapping[str, Any]], conditions) -> pd.DataFrame:
    """How many people gave each rating to each condition (rows only where count > 0)."""
    records = list(records)
    rows = []
    for condition in conditions:
        ratings = _ratings(records, condition["id"])
        for level in LEVELS:
            count = ratings.count(level.value)
            if count:
                rows.append({"name": condition["name"], "rating": level.value, "count": count})
    return pd.DataFrame(rows, columns=["name", "rating", "count"])


def flags_text(row) -> str:
    """'4 rated, weak, contested': what the chart says beside a condition."""
    if row.answered == 0:
        return "not rated yet"
    flags = [f"{row.answered} rated"]
    flags += ["weak"] if row.weak else []
    flags += ["contested"] if row.contested else []
    flags += ["too few answers"] if row.judgement == TOO_FEW else []
    return ", ".join(flags)


def readiness_chart(
    stats: pd.DataFrame, counts: pd.DataFrame, synthetic: bool = False
) -> alt.TopLevelMixin:
    """Per condition: every rating (dot size = how many), the range, and the median
    coloured by the condition's judgement; weak and contested conditions stand out."""
    title = "Readiness by condition: median and spread of the ratings"
    if stats.empty or stats["answered"].sum() == 0:
        return nothing_yet(title, "No ratings yet: add responses above.", synthetic)
    order = list(stats["name"])
    frame = stats[["name", "answered", "median", "lowest", "highest", "judgement"]].copy()
    frame["flags"] = [flags_text(r) for r in stats.itertuples()]
    labels = {lv.value: f"{lv.value} {lv.label}" for lv in LEVELS}
    label_expr = " : ".join(f"datum.value == {v} ? '{t}'" for v, t in labels.items()) + " : ''"
    x_scale = alt.Scale(domain=[SCALE_MIN - 0.4, SCALE_MAX + 0.4], nice=False)
    x_axis = alt.Axis(
        values=[lv.value for lv in LEVELS], labelExpr=label_expr, title="Rating", grid=True
    )
    # Long condition names on two lines: the chart fits a projector with a side panel open.
    y = alt.Y(
        "name:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelLimit=0, labelExpr=wrapped_labels(order, 44)),
    )
    judgement_scale = alt.Scale(
        domain=list(CONDITION_JUDGEMENTS),
        range=[CONDITION_COLOURS[j] for j in CONDITION_JUDGEMENTS],
    )
    colour = alt.Color(
        "judgement:N",
        title="Judgement",
        scale=judgement_scale,
        legend=alt.Legend(symbolType="diamond", symbolOpacity=1),
    )
    most = int(counts["count"].max()) if not counts.empty else 1
    sizes = sorted({1, (most + 1) // 2, most})
    height = 40 * len(order)
    weak_zone = (
        alt.Chart(pd.DataFrame({"start": [SCALE_MIN - 0.4], "end": [WEAK_BELOW]}))
        .mark_rect(color=CONDITION_COLOURS[WEAK], opacity=0.07)
        .encode(x=alt.X("start:Q", scale=x_scale, axis=x_axis), x2="end:Q")
    )
    threshold = (
        alt.Chart(pd.DataFrame({"x": [WEAK_BELOW], "label": ["weak below"]}))
        .mark_rule(strokeDash=[4, 3], color=CONDITION_COLOURS[WEAK])
        .encode(x=alt.X("x:Q", scale=x_scale))
    )
    base = alt.Chart(frame).encode(y=y)
    spread = base.mark_rule(strokeWidth=9, opacity=0.3, strokeCap="round").encode(
        x=alt.X("lowest:Q", scale=x_scale),
        x2="highest:Q",
        color=colour,
    )
    dots = (
        alt.Chart(counts)
        .mark_circle(color=TEXT_MUTED, opacity=0.55)
        .encode(
            x=alt.X("rating:Q", scale=x_scale),
            y=y,
            size=alt.Size(
                "count:Q",
                title="People per rating",
                scale=alt.Scale(domain=[1, max(most, 2)], range=[40, 220]),
                legend=alt.Legend(values=sizes, format="d"),
            ),
            tooltip=[
                alt.Tooltip("name:N", title="Condition"),
                alt.Tooltip("rating:Q", title="Rating"),
                alt.Tooltip("count:Q", title="People"),
            ],
        )
    )
    medians = base.mark_point(shape="diamond", size=190, filled=True, opacity=1).encode(
        x=alt.X("median:Q", scale=x_scale),
        color=colour,
        stroke=alt.value(WHITE),
        tooltip=[
            alt.Tooltip("name:N", title="Condition"),
            alt.Tooltip("median:Q", title="Median", format=".1f"),
            alt.Tooltip("lowest:Q", title="Lowest"),
            alt.Tooltip("highest:Q", title="Highest"),
            alt.Tooltip("answered:Q", title="Rated by"),
            alt.Tooltip("judgement:N", title="Judgement"),
        ],
    )
    plot = (weak_zone + threshold + spread + dots + medians).properties(width=380, height=height)
    notes = (
        alt.Chart(frame)
        .mark_text(align="left", fontSize=12, color=TEXT_SOFT)
        .encode(y=alt.Y("name:N", sort=order, axis=None), x=alt.value(0), text="flags:N")
        .properties(width=150, height=height)
    )
    chart = alt.hconcat(plot, notes, spacing=4).resolve_scale(y="shared")
    weak_n, contested_n = int(stats["weak"].sum()), int(stats["contested"].sum())
    return finish(
        chart,
        title,
        f"For each of the {len(order)} readiness conditions, grey dots show the ratings given "
        f"(larger for more people), a bar spans the lowest to the highest rating and a diamond "
        f"marks the median, coloured by judgement. Weak conditions (median below "
        f"{WEAK_BELOW:g}, the shaded area): {weak_n}. Contested conditions (ratings "
        f"{CONTESTED_SPREAD} or more levels apart): {contested_n}.",
        synthetic,
    )


# --- the step's views -----------------------------------------------------------------


def _judgement_colour(level: str) -> str:
    return {
        "ready": OKABE_ITO[2],
        "ready_with_gaps": OKABE_ITO[1],
        "not_ready": OKABE_ITO[4],
    }.get(level, MUTED)


def judgement_html(result: Judgement) -> str:
    colour = _judgement_colour(result.level)
    reasons = "".join(f"<li>{escape(r)}</li>" for r in result.reasons)
    terms, outcomes = rule_lines()
    rule = (
        "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in terms) + "</ul>"
        "<p>Overall, the first of these that applies:</p><ol>"
        + "".join(f"<li>{escape(line)}</li>" for line in outcomes)
        + "</ol>"
    )
    return (
        f'<div class="wb-judgement" style="border-left:6px solid {colour};padding:6px 12px;'
        f'margin:6px 0;background:{PANEL_BACKGROUND}">'
        '<div style="font-size:1.25em;font-weight:600">'
        f"Overall: {escape(result.title)}</div><ul>{reasons}</ul>"
        f"<div><b>Next:</b> {escape(result.next_step)}</div></div>"
        f"<details open><summary>How the judgement is made</summary>{rule}</details>"
    )


def headline_html(
    stats: pd.DataFrame, people: int, actions: Sequence[Mapping[str, Any]], place: str | None
) -> str:
    """The answer first: is the local government ready to lead, why, and what is being done
    about the gaps. Conditions and roles only: nobody's rating is shown by name."""
    lead = f"<b>{escape(place)}</b>: " if place else ""
    ask = "is the local government ready to lead the work? "
    big = '<p style="font-size:1.3em;margin:0.2em 0">'
    result = judge(stats)
    rated = f"{people} {'person has' if people == 1 else 'people have'}"
    if result.level == "not_assessed":
        body = (
            f"{big}{lead}{ask}<b>Not assessed yet</b>.</p><p>{rated} rated the nine "
            f"conditions so far; a condition is judged once {MIN_ANSWERS} people have rated "
            "it.</p>"
        )
        return f'<div class="wb-headline">{body}</div>'
    in_place = stats[stats["judgement"] == IN_PLACE]
    body = f"{big}{lead}{ask}<b>{escape(result.title)}</b>, on the ratings {rated} given.</p>"
    if not in_place.empty:
        body += f"<p>In place ({len(in_place)} of {len(stats)}): {escape(_names(in_place))}.</p>"
    reasons = [r for r in result.reasons if r != ALL_IN_PLACE]  # the line above says it
    if reasons:
        body += '<ul style="margin:0.2em 0">'
        body += "".join(f"<li>{escape(r)}</li>" for r in reasons) + "</ul>"
    weak = stats[stats["weak"]]
    if not weak.empty:
        listed = [a for a in actions if a.get("condition") in set(weak["condition"])]
        done = sum(1 for a in listed if a.get("status") == "done")
        without = [n for c, n in zip(weak["condition"], weak["name"], strict=True)
                   if not any(a.get("condition") == c for a in listed)]  # fmt: skip
        if listed:
            words = f"{len(listed)} {'action' if len(listed) == 1 else 'actions'}, "
            words += f"{done} done" if done else "none done yet"
            words += f"; still without one: {', '.join(without)}" if without else ""
        else:
            words = f"no action yet for {', '.join(without)}"
        body += f"<p><b>Closing the gaps:</b> {escape(words)}.</p>"
    body += f"<p><b>Next:</b> {escape(result.next_step)}</p>"
    return f'<div class="wb-headline">{body}</div>'


def format_median(value: float | None) -> str:
    if value is None or pd.isna(value):
        return "\u2014"
    return f"{value:g}"


def stats_html(stats: pd.DataFrame) -> str:
    rows = []
    for r in stats.itertuples():
        span = "\u2014" if pd.isna(r.lowest) else f"{int(r.lowest)} to {int(r.highest)}"
        flags = [r.judgement] + (["contested"] if r.contested and r.judgement != CONTESTED else [])
        rows.append([r.name, r.answered, format_median(r.median), span, ", ".join(flags)])
    return views.table(
        rows,
        ["Condition", "Rated by", "Median", "Lowest to highest", "Judgement"],
        caption=f"Ratings on the scale {SCALE_MIN} ({LEVELS[0].label}) to {SCALE_MAX} "
        f"({LEVELS[-1].label}).",
    )


class ReadinessReview(LiveViews):
    """The Step 3 assessment: the responses, their summary, the judgement, the actions.

    The summary, chart, judgement and action check are live: they are drawn again when a
    response or an action is saved, deleted or imported.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.framework = session.framework
        self.conditions = conditions_of(session.framework)
        self.responses_table = ResponsesTable(session.plan, self.framework)
        weak = list(self.stats().query("weak")["condition"])
        export = session.output_dir / "step3_actions.csv"
        self.actions_table = actions_table(session.plan, self.framework, weak, export_path=export)
        super().__init__(session.read_only, (self.responses_table, self.actions_table))

    def stats(self) -> pd.DataFrame:
        return condition_stats(self.responses_table.records(public=True), self.conditions)

    # -- what the notebook shows --

    def headline_html(self) -> str:
        place = self.session.jurisdiction
        return headline_html(
            self.stats(),
            len(self.responses_table.records(public=True)),
            self.actions_table.records(public=True),
            place.label if place is not None else None,
        )

    def headline(self) -> Live:
        """The page's opening: the judgement in words, before the scale and the ratings."""
        return self._live(lambda: HTML(self.headline_html()))

    def scale(self) -> HTML:
        """The rating scale and the nine conditions, for everyone to read first."""
        levels = [(f"{lv.value}. {lv.label}", lv.description) for lv in LEVELS]
        conditions = [(c["name"], c["summary"]) for c in self.conditions]
        return HTML(
            views.heading("The rating scale", 4)
            + views.table(levels, ["Rating", "What it looks like"])
            + views.heading("The nine conditions", 4)
            + views.table(conditions, ["Condition", "What it means"])
        )

    def responses(self) -> ResponsesTable:
        return self.responses_table

    def summary(self) -> Live:
        return self._live(lambda: HTML(stats_html(self.stats())))

    def chart(self) -> Live:
        return self._live(self.chart_now)

    def chart_now(self) -> alt.TopLevelMixin:
        counts = rating_counts(self.responses_table.records(public=True), self.conditions)
        return readiness_chart(self.stats(), counts)  # typed answers: no synthetic subtitle

    def judgement(self) -> Live:
        return self._live(lambda: HTML(judgement_html(judge(self.stats()))))

    def evidence(self) -> Live:
        return self._live(lambda: HTML(self.evidence_html()))

    def evidence_html(self) -> str:
        """What the ratings rest on, condition by condition (roles, not names)."""
        items = self.responses_table.records(public=True)
        rating = {c["id"]: self.responses_table.by_name[c["id"]] for c in self.conditions}
        parts = []
        for condition in self.conditions:
            key = condition["id"]
            rows = [
                [rating[key].display(item.get(key)), item.get("role") or "",
                 item.get(f"evidence_{key}")]
                for item in items
                if item.get(f"evidence_{key}")
            ]  # fmt: skip
            if rows:
                parts.append(
                    views.heading(condition["name"], 4)
                    + views.table(rows, ["Rating", "Role or department", "Evidence"])
                )
        if not parts:
            return views.paragraph("No evidence recorded yet.")
        return "".join(parts)

    def actions(self) -> RecordTable:
        return self.actions_table

    def action_check(self) -> Live:
        return self._live(lambda: HTML(self.action_check_html()))

    def action_check_html(self) -> str:
        """Every weak condition with its actions; the ones with none are called out."""
        stats = self.stats()
        weak = stats[stats["weak"]]
        actions = self.actions_table.records(public=True)
        fields = self.actions_table.by_name
        if not (stats["answered"] >= MIN_ANSWERS).any():
            return views.paragraph(
                f"Nothing is assessed yet: no condition has {MIN_ANSWERS} ratings, so no "
                "condition can be called weak or in place."
            )
        if weak.empty:
            text = "No condition is weak"
            contested = stats[stats["contested"]]
            if not contested.empty:
                text += f"; talk the contested ones through: {_names(contested)}"
            return views.paragraph(text + ".")
        rows, missing = [], []
        for condition in weak.itertuples():
            chosen = [a for a in actions if a.get("condition") == condition.condition]
            if not chosen:
                missing.append(condition.name)
                rows.append([condition.name, "(no action yet)", "", "", ""])
            for a in chosen:
                rows.append([
                    condition.name, a.get("action") or "", fields["owner"].display(a.get("owner")),
                    fields["due"].display(a.get("due")), fields["status"].display(a.get("status")),
                ])  # fmt: skip
        note = (
            f"Still without an action: {', '.join(missing)}."
            if missing
            else "Every weak condition has at least one action."
        )
        colour = ERROR if missing else SUCCESS
        return (
            views.table(rows, ["Weak condition", "Action", "Owner", "Due", "Status"])
            + f'<p style="color:{colour}">{escape(note)}</p>'
        )


# --- the MAP's part -------------------------------------------------------------------


def owner_role(owner: object) -> str:
    """The owner of an action as a role or unit, never a person's name."""
    unit = owner.get("organisation") if isinstance(owner, Mapping) else None
    return str(unit).strip() if unit and str(unit).strip() else "(role not recorded)"


def map_how_we_got_here(plan: PublicPlan, session: Session) -> list[Block]:
    """Step 3 in the MAP: the readiness judgement by the written rule, and the actions."""
    record = review.when_and_checklist(plan, 3)
    if not record:
        return []
    responses = plan.value(RESPONSES_SECTION) or []
    conditions = conditions_of(session.framework)
    stats = condition_stats(responses, conditions)
    result = judge(stats)
    names = {c["id"]: c["name"] for c in conditions}
    names[OVERALL] = "Readiness overall"
    roles = sorted({str(r.get("role")).strip() for r in responses if r.get("role")})
    who = f" ({'; '.join(roles)})" if roles else ""
    blocks: list[Block] = [
        Paragraph(
            f"The local government rated its readiness on {len(conditions)} conditions; "
            f"{len(responses)} people took part{who}.",
            lead=True,
        ),
        Callout(f"Overall judgement: {result.title}", result.next_step, kind="key"),
    ]
    if result.reasons:
        blocks.append(BulletList(tuple(result.reasons)))
    blocks.append(
        Paragraph(
            f"The rule: a condition is weak when the median rating is below {WEAK_BELOW:g} on "
            f"the scale {SCALE_MIN} ({LEVELS[0].label}) to {SCALE_MAX} ({LEVELS[-1].label}), "
            f"and contested when ratings lie {CONTESTED_SPREAD} or more levels apart; "
            f"{NOT_READY_WEAK} weak conditions, or weak leadership commitment, mean not yet "
            f"ready; conditions need {MIN_ANSWERS} ratings to be judged."
        )
    )
    flagged = stats[stats["weak"] | stats["contested"]]
    if not flagged.empty:
        rows = tuple(
            (r.name, format_median(r.median), f"{int(r.lowest)} to {int(r.highest)}",
             WEAK if r.weak else CONTESTED)
            for r in flagged.itertuples()
        )  # fmt: skip
        blocks.append(
            Table(
                "Conditions that are weak or contested",
                ("Condition", "Median rating", "Lowest to highest", "Judgement"),
                rows,
            )
        )
    actions = plan.value(ACTIONS_SECTION) or []
    statuses = dict((value, label) for label, value in ACTION_STATUSES)
    if actions:
        rows = tuple(
            (names.get(a.get("condition"), str(a.get("condition") or "")),
             str(a.get("action") or ""), owner_role(a.get("owner")),
             review.long_date(a["due"]) if a.get("due") else "(no date)",
             statuses.get(a.get("status"), "(no status)"))
            for a in actions
        )  # fmt: skip
        blocks.append(
            Table(
                "Actions that close the readiness gaps",
                ("Condition", "Action", "Owner (role or unit)", "Due", "Status"),
                rows,
            )
        )
    uncovered = [r.name for r in stats[stats["weak"]].itertuples()
                 if not any(a.get("condition") == r.condition for a in actions)]  # fmt: skip
    if uncovered:
        blocks.append(Paragraph(f"Weak conditions without an action yet: {', '.join(uncovered)}."))
    return [*blocks, *record]
