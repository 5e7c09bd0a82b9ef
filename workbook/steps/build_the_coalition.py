"""Step 4, build the coalition: the management team, the stakeholders, the launch.

Plan sections: ``step4.team`` (roles and people), ``step4.stakeholders`` (the register
of partners, what was asked of them and their answer) and ``step4.launch`` (charter,
first meeting, cadence, how decisions are made).

Contact details are private: the email and phone of every person are saved in the plan
but never reach a view, a chart, a dashboard or a public export. Everything drawn here
is made from the public copy of the records (``records(public=True)``) and hands Altair
only the columns it draws.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
from IPython.display import HTML

from workbook.data.catalog import Framework
from workbook.display import views
from workbook.display.charts import finish, nothing_yet, wrapped_labels
from workbook.display.document import Block, BulletList, Heading, Paragraph, Table
from workbook.display.html import escape
from workbook.display.live import Live, LiveViews
from workbook.display.theme import (
    BLACK,
    COUNT_HIGH,
    COUNT_LOW,
    EMPTY_COUNT_CELL,
    EMPTY_COUNT_TEXT,
    GUIDE_LINE,
    MUTED,
    OKABE_ITO,
    TEXT,
    TEXT_FAINT,
    TEXT_STRONG,
    WHITE,
)
from workbook.forms import (
    Date,
    DateOrder,
    Field,
    Form,
    Level,
    LongText,
    MultipleChoice,
    Number,
    Person,
    Rating,
    RecordTable,
    Rule,
    ShortText,
    SingleChoice,
    YesNo,
)
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore
from workbook.session import Session
from workbook.steps import registry, review

STEP = registry.step(4)
TEAM_SECTION = STEP.section("team")
STAKEHOLDERS_SECTION = STEP.section("stakeholders")
LAUNCH_SECTION = STEP.section("launch")

ROLES = (
    ("Lead", "lead"),
    ("Data", "data"),
    ("Community engagement", "community_engagement"),
    ("Communications", "communications"),
    ("Project management", "project_management"),
    ("Other", "other"),
)
CORE_ROLES = tuple(value for _, value in ROLES if value != "other")

# Partners' staff are named in public only with their consent (see stakeholder_fields).
CONSENT_FIELD = "contact_named"

NOT_ASKED, ASKED, ACCEPTED, DECLINED = "not_asked", "asked", "accepted", "declined"
STATUSES = (
    ("Not yet asked", NOT_ASKED),
    ("Asked", ASKED),
    ("Accepted", ACCEPTED),
    ("Declined", DECLINED),
)
STATUS_LABELS = dict((v, k) for k, v in STATUSES)
STATUS_COLOURS = {
    NOT_ASKED: MUTED,
    ASKED: OKABE_ITO[1],
    ACCEPTED: OKABE_ITO[2],
    DECLINED: BLACK,
}

INFLUENCE = (
    Level(1, "Very little", "Rarely shapes decisions on these issues beyond its own work."),
    Level(2, "Some", "Has a voice in one field or neighbourhood; people listen when it speaks."),
    Level(3, "Moderate", "Is consulted on decisions in its field and can bring others along."),
    Level(4, "High", "Shapes budgets, policy or public opinion in several fields."),
    Level(5, "Very high", "Can make or break the work: it controls major money, votes or trust."),
)
INTEREST = (
    Level(1, "None yet", "Has shown no interest in upward mobility or in the coalition."),
    Level(2, "Slight", "Knows of the work and would read an update, but not come to meetings."),
    Level(3, "Moderate", "Cares about some of the issues and would take part if asked."),
    Level(4, "High", "Already works on these issues and wants a say in the plan."),
    Level(5, "Very high", "Is asking to join, or already pushing for a plan like this."),
)
MIDDLE = 3  # the grid's quadrants split at the middle of the 1-5 scales
QUADRANTS = (
    # (x, y, align, baseline, text): in the corners, so points rarely cover them
    (0.6, 5.4, "left", "top", "High influence, less interest: win them over"),
    (5.4, 5.4, "right", "top", "High influence and interest: core partners"),
    (0.6, 0.6, "left", "bottom", "Less influence and interest: keep informed"),
    (5.4, 0.6, "right", "bottom", "High interest, less influence: build their power"),
)

CADENCES = (
    ("Every week", "weekly"),
    ("Every two weeks", "biweekly"),
    ("Every month", "monthly"),
    ("Every two months", "bimonthly"),
    ("Every quarter", "quarterly"),
)
DECISIONS = (
    ("Consensus: everyone agrees", "consensus"),
    ("Consent: nobody objects strongly", "consent"),
    ("Majority vote", "majority"),
    ("The management team decides after hearing the partners", "management_team"),
    ("Another way (describe it below)", "other"),
)
NO_PILLAR = "Pillar not named"
ANY_PILLAR = "Any pillar"
ANY_ACTOR = "Any actor type"


# --- rules across fields --------------------------------------------------------------


@dataclass(frozen=True)
class DetailForOther(Rule):
    """Choosing 'other' in ``choice`` needs a few words in ``detail``."""

    choice: str
    detail: str

    def field_names(self) -> tuple[str, ...]:
        return (self.choice, self.detail)

    def check(self, values: Mapping[str, Any], fields: Mapping[str, Field]) -> dict[str, str]:
        if values.get(self.choice) == "other" and fields[self.detail].is_empty(
            values.get(self.detail)
        ):
            return {
                self.detail: f"'Other' is chosen: say what it is in {fields[self.detail].title}."
            }
        return {}


@dataclass(frozen=True)
class StatusDates(Rule):
    """The request's status and its dates tell the same story."""

    def field_names(self) -> tuple[str, ...]:
        return ("status", "date_asked", "date_answered")

    def check(self, values: Mapping[str, Any], fields: Mapping[str, Field]) -> dict[str, str]:
        status = values.get("status")
        errors = {}
        if status == NOT_ASKED and values.get("date_asked"):
            errors["date_asked"] = (
                "There is a date asked, but the status is 'Not yet asked': set the status to "
                "Asked, or clear the date."
            )
        if values.get("date_answered") and status not in (ACCEPTED, DECLINED, None):
            errors["date_answered"] = (
                f"There is a date answered, but the status is '{STATUS_LABELS[status]}': set "
                "it to Accepted or Declined, or clear the date."
            )
        return errors


# --- form specs -----------------------------------------------------------------------


def team_fields() -> list[Field]:
    return [
        SingleChoice("role", label="Role", required=True, options=ROLES),
        Person(
            "person",
            label="Person",
            required=True,
            help="Their name and organisation; the email and phone are private.",
        ),
        ShortText(
            "responsibilities",
            label="Responsibilities",
            max_length=280,
            help="What this person will do (needed when the role is Other).",
        ),
        Number(
            "hours",
            label="Time committed",
            minimum=0,
            maximum=60,
            unit="hours per week",
            help="Hours per week on the plan (a full-time person: about 40).",
        ),
    ]


def stakeholder_fields(framework: Framework) -> list[Field]:
    actor_types = [(a["name"], a["id"]) for a in framework["actor_types"]]
    pillars = [(p["name"], p["id"]) for p in framework.pillars]
    return [
        ShortText("organisation", label="Organisation", required=True, max_length=200),
        Person(
            "contact",
            label="Contact person",
            help="Name and role or unit; the email and phone are private. The name and role "
            "appear in dashboards, exports and the plan only if the person agreed to be named.",
            named_with=CONSENT_FIELD,
        ),
        YesNo(
            CONSENT_FIELD,
            label="Agreed to be named",
            help="Did the contact person agree that their name and role appear in public "
            "pages and in the plan? Until they do, only the organisation is shown.",
        ),
        MultipleChoice("actor_types", label="Actor types", required=True, options=actor_types),
        MultipleChoice("pillars", label="Policy areas (pillars)", options=pillars),
        Rating("influence", label="Influence", levels=INFLUENCE),
        Rating("interest", label="Interest", levels=INTEREST),
        YesNo(
            "champion",
            label="Champion",
            help="Will they speak up for the work and bring others in?",
        ),
        LongText("request", label="What we ask of them", max_length=1000, rows=2),
        SingleChoice("status", label="Request status", required=True, options=STATUSES),
        Date("date_asked", label="Date asked"),
        Date("date_answered", label="Date answered"),
    ]


def launch_fields() -> list[Field]:
    return [
        LongText(
            "charter",
            label="Charter",
            max_length=5000,
            rows=6,
            help="Why the coalition exists, who is in it, what members commit to.",
        ),
        Date("first_meeting", label="First meeting"),
        SingleChoice("cadence", label="Meeting cadence", options=CADENCES),
        SingleChoice("decisions", label="How decisions are made", options=DECISIONS),
        LongText(
            "decision_notes",
            label="Decision making in more detail",
            max_length=2000,
            help="Who has a vote, what needs everyone, how disagreements are settled.",
        ),
    ]


def team_table(store: PlanStore, read_only: bool | None = None) -> RecordTable:
    return RecordTable(
        team_fields(),
        store,
        TEAM_SECTION,
        title="Management team",
        intro="The people who run the process day to day, one record per role held.",
        rules=[DetailForOther("role", "responsibilities")],
        read_only=read_only,
        label_field="role",
    )


def stakeholder_table(
    store: PlanStore, framework: Framework, read_only: bool | None = None, export_path=None
) -> RecordTable:
    return RecordTable(
        stakeholder_fields(framework),
        store,
        STAKEHOLDERS_SECTION,
        title="Stakeholder register",
        intro="Every organisation or group the coalition wants at the table: who they are, "
        "how much they can shape the work and care about it, what was asked of them and "
        "their answer.",
        rules=[DateOrder("date_asked", "date_answered"), StatusDates()],
        read_only=read_only,
        label_field="organisation",
        export_path=export_path,
    )


def launch_form(store: PlanStore, read_only: bool | None = None) -> Form:
    return Form(
        launch_fields(),
        store,
        LAUNCH_SECTION,
        title="Coalition launch",
        intro="How the coalition starts and how it will work.",
        read_only=read_only,
    )


# --- tidy data from the public records --------------------------------------------------


def _listed(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def coverage(records: Iterable[Mapping[str, Any]], framework: Framework) -> pd.DataFrame:
    """Stakeholders (who have not declined) per actor type and pillar, zeros included.

    A stakeholder counts once in every cell of its actor types x pillars. The margins
    ``Any pillar`` and ``Any actor type`` count distinct stakeholders; a stakeholder
    without a pillar goes in the column ``Pillar not named`` (present only when needed).
    """
    actors = {a["id"]: a["name"] for a in framework["actor_types"]}
    pillars = {p["id"]: p["name"] for p in framework.pillars}
    cells: dict[tuple[str, str], int] = {}
    for record in records:
        if record.get("status") == DECLINED:
            continue
        kinds = [name for key, name in actors.items() if key in _listed(record.get("actor_types"))]
        areas = [name for key, name in pillars.items() if key in _listed(record.get("pillars"))]
        for row in [*kinds, ANY_ACTOR]:
            for column in [*(areas or [NO_PILLAR]), ANY_PILLAR]:
                cells[(row, column)] = cells.get((row, column), 0) + 1
    columns = list(pillars.values())
    if any(column == NO_PILLAR for _, column in cells):
        columns.append(NO_PILLAR)
    table = [
        {"actor_type": row, "pillar": column, "count": cells.get((row, column), 0)}
        for row in [*actors.values(), ANY_ACTOR]
        for column in [*columns, ANY_PILLAR]
    ]
    return pd.DataFrame(table, columns=["actor_type", "pillar", "count"])


def gaps(cover: pd.DataFrame) -> dict[str, list[str]]:
    """Actor types and pillars with nobody (from :func:`coverage`)."""
    actors = cover[(cover["pillar"] == ANY_PILLAR) & (cover["actor_type"] != ANY_ACTOR)]
    pillars = cover[
        (cover["actor_type"] == ANY_ACTOR) & ~cover["pillar"].isin([ANY_PILLAR, NO_PILLAR])
    ]
    return {
        "actor_types": list(actors.loc[actors["count"] == 0, "actor_type"]),
        "pillars": list(pillars.loc[pillars["count"] == 0, "pillar"]),
    }


FUNNEL_STAGES = ("Identified", "Asked", "Accepted", "Declined")


def funnel(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The requests as a funnel: identified -> asked -> accepted / declined.

    'Asked' counts everyone asked, answered or not; 'waiting' (in the ``note`` of the
    Asked stage) those still without an answer. A record without a status counts as not
    yet asked.
    """
    statuses = [r.get("status") or NOT_ASKED for r in records]
    waiting = statuses.count(ASKED)
    counts = {
        "Identified": len(statuses),
        "Asked": sum(1 for s in statuses if s in (ASKED, ACCEPTED, DECLINED)),
        "Accepted": statuses.count(ACCEPTED),
        "Declined": statuses.count(DECLINED),
    }
    notes = {
        "Identified": f"{statuses.count(NOT_ASKED)} not yet asked",
        "Asked": f"{waiting} waiting for an answer",
        "Accepted": "",
        "Declined": "",
    }
    return pd.DataFrame(
        [
            {"stage": stage, "order": n, "count": counts[stage], "note": notes[stage]}
            for n, stage in enumerate(FUNNEL_STAGES)
        ]
    )


def grid_points(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Stakeholders rated on both scales, spread a little when they share a square."""
    rated = [
        r
        for r in records
        if isinstance(r.get("influence"), int) and isinstance(r.get("interest"), int)
    ]
    rows = []
    groups: dict[tuple[int, int], list[Mapping[str, Any]]] = {}
    for record in rated:
        groups.setdefault((record["interest"], record["influence"]), []).append(record)
    for (interest, influence), members in groups.items():
        for n, record in enumerate(members):
            angle = 2 * math.pi * n / len(members)
            radius = 0 if len(members) == 1 else 0.22
            rows.append(
                {
                    "organisation": str(record.get("organisation") or ""),
                    "interest": interest,
                    "influence": influence,
                    "x": interest + radius * math.cos(angle),
                    "y": influence + radius * math.sin(angle),
                    "champion": "Champion" if record.get("champion") is True else "Not (yet)",
                    "status": STATUS_LABELS.get(record.get("status"), STATUS_LABELS[NOT_ASKED]),
                }
            )
    return pd.DataFrame(
        rows,
        columns=["organisation", "interest", "influence", "x", "y", "champion", "status"],
    )


# --- charts ---------------------------------------------------------------------------


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _status_scale() -> alt.Scale:
    return alt.Scale(
        domain=[label for label, _ in STATUSES],
        range=[STATUS_COLOURS[value] for _, value in STATUSES],
    )


def influence_grid(points: pd.DataFrame, unrated: int = 0, synthetic: bool = False):
    """Influence against interest, one point per stakeholder, champions as diamonds."""
    title = "Stakeholders by influence and interest"
    if points.empty:
        message = "No stakeholder is rated for both influence and interest yet."
        return nothing_yet(title, message, synthetic)
    scale = alt.Scale(domain=[0.5, 5.5], nice=False)
    axis = alt.Axis(values=[1, 2, 3, 4, 5], format="d", grid=False)
    middle = pd.DataFrame({"at": [MIDDLE + 0.5]})
    lines = alt.Chart(middle).mark_rule(color=GUIDE_LINE, strokeDash=[4, 3])
    split = lines.encode(x=alt.X("at:Q", scale=scale)) + lines.encode(y=alt.Y("at:Q", scale=scale))
    corners = pd.DataFrame(QUADRANTS, columns=["x", "y", "align", "baseline", "text"])
    labels = alt.layer(
        *[
            alt.Chart(corners.iloc[[n]][["x", "y", "text"]])
            .mark_text(align=row.align, baseline=row.baseline, color=TEXT_FAINT, fontSize=11, dx=0)
            .encode(x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), text="text:N")
            for n, row in enumerate(corners.itertuples())
        ]
    )
    frame = points[["organisation", "x", "y", "interest", "influence", "champion", "status"]]
    frame = frame.assign(label=[textwrap.fill(name, 20) for name in frame["organisation"]])
    base = alt.Chart(frame).encode(
        x=alt.X("x:Q", scale=scale, title="Interest: 1 none yet to 5 very high", axis=axis),
        y=alt.Y("y:Q", scale=scale, title="Influence: 1 very little to 5 very high", axis=axis),
    )
    marks = base.mark_point(filled=True, size=150, opacity=0.95).encode(
        color=alt.Color("status:N", title="Request", scale=_status_scale()),
        shape=alt.Shape(
            "champion:N",
            title="Champion",
            scale=alt.Scale(domain=["Champion", "Not (yet)"], range=["diamond", "circle"]),
            # Outlined in the legend: the shape says champion or not, the colour the
            # request, so "Not (yet)" never looks like a "Declined" point.
            legend=alt.Legend(symbolFillColor=WHITE, symbolStrokeColor=TEXT, symbolStrokeWidth=1.5),
        ),
        tooltip=[
            alt.Tooltip("organisation:N", title="Organisation"),
            alt.Tooltip("influence:Q", title="Influence"),
            alt.Tooltip("interest:Q", title="Interest"),
            alt.Tooltip("champion:N", title="Champion"),
            alt.Tooltip("status:N", title="Request"),
        ],
    )
    # Names centred under their point, on up to three lines of the space between two
    # columns, so a long name is wrapped, not cut.
    names = base.mark_text(
        align="center", baseline="top", dy=9, fontSize=11, color=TEXT, lineBreak="\n"
    ).encode(text="label:N")
    chart = (split + labels + marks + names).properties(width=700, height=440)
    champions = int((points["champion"] == "Champion").sum())
    note = (
        f" {_count(unrated, 'more stakeholder')} not rated on both scales yet." if unrated else ""
    )
    return finish(
        chart,
        title,
        f"{_count(len(points), 'stakeholder')} placed by interest (across) and influence "
        f"(up); champions ({champions}) are drawn as diamonds and colour shows the "
        f"request's status.{note}",
        synthetic,
    )


def coverage_chart(cover: pd.DataFrame, synthetic: bool = False):
    """Actor types x pillars; empty cells are shaded and say 'none'."""
    title = "Who covers what: actor types and policy areas"
    frame = cover[["actor_type", "pillar", "count"]].copy()
    frame["label"] = frame["count"].map(lambda n: "none" if n == 0 else str(n))
    frame["margin"] = (frame["actor_type"] == ANY_ACTOR) | (frame["pillar"] == ANY_PILLAR)
    rows = list(dict.fromkeys(frame["actor_type"]))
    columns = list(dict.fromkeys(frame["pillar"]))
    most = max(int(frame["count"].max()), 1)
    # Text that stays readable on every cell: orange on empty ones, white on dark ones.
    frame["tone"] = [
        "empty" if n == 0 else "dark" if n >= 0.6 * most and most > 1 else "light"
        for n in frame["count"]
    ]
    base = alt.Chart(frame).encode(
        x=alt.X(
            "pillar:N",
            sort=columns,
            title=None,
            axis=alt.Axis(labelAngle=0, labelLimit=150, labelExpr=_wrap_expr()),
        ),
        y=alt.Y(
            "actor_type:N",
            sort=rows,
            title=None,
            axis=alt.Axis(labelLimit=0, labelExpr=wrapped_labels(rows, 26)),
        ),
    )
    cells = base.mark_rect(stroke=WHITE, strokeWidth=2).encode(
        color=alt.condition(
            "datum.count == 0",
            alt.value(EMPTY_COUNT_CELL),
            alt.Color(
                "count:Q",
                title="Stakeholders",
                scale=alt.Scale(domain=[0, most], range=[COUNT_LOW, COUNT_HIGH]),
                legend=None,
            ),
        ),
        tooltip=[
            alt.Tooltip("actor_type:N", title="Actor type"),
            alt.Tooltip("pillar:N", title="Policy area"),
            alt.Tooltip("count:Q", title="Stakeholders"),
        ],
    )
    colour = alt.Color(
        "tone:N",
        scale=alt.Scale(
            domain=["empty", "light", "dark"], range=[EMPTY_COUNT_TEXT, TEXT_STRONG, WHITE]
        ),
        legend=None,
    )
    inner = base.transform_filter("!datum.margin").mark_text(fontSize=12)
    totals = base.transform_filter("datum.margin").mark_text(fontSize=12, fontWeight="bold")
    text = inner.encode(text="label:N", color=colour) + totals.encode(text="label:N", color=colour)
    # Narrow enough for a projector with a side panel open: the "Any pillar" column too.
    chart = (cells + text).properties(width=86 * len(columns), height=32 * len(rows))
    missing = gaps(cover)
    parts = []
    if missing["actor_types"]:
        parts.append(f"no one yet from: {', '.join(missing['actor_types'])}")
    if missing["pillars"]:
        parts.append(f"no one yet for: {', '.join(missing['pillars'])}")
    summary = "; ".join(parts) if parts else "every actor type and pillar has someone"
    return finish(
        chart,
        title,
        "A grid of the eight actor types against the five pillars, counting stakeholders "
        "who have not declined; the last row and column count each actor type and pillar "
        f"overall, and empty cells read 'none'. In short: {summary}.",
        synthetic,
    )


def _wrap_expr() -> str:
    """Axis labels on up to three lines, split at spaces (long pillar names)."""
    return "split(replace(datum.label, /(.{1,18})(\\s|$)/g, '$1\\n'), '\\n')"


def funnel_chart(stages: pd.DataFrame, synthetic: bool = False):
    """Identified -> asked -> accepted / declined, as bars."""
    title = "Requests to partners: from identified to accepted"
    if stages.empty or int(stages.loc[stages["stage"] == "Identified", "count"].sum()) == 0:
        return nothing_yet(title, "No stakeholders in the register yet.", synthetic)
    frame = stages[["stage", "count", "note"]].copy()
    frame["text"] = [
        f"{c}" + (f" ({n})" if n else "")
        for c, n in zip(frame["count"], frame["note"], strict=True)
    ]
    colours = alt.Scale(
        domain=list(FUNNEL_STAGES),
        range=[MUTED, STATUS_COLOURS[ASKED], STATUS_COLOURS[ACCEPTED], STATUS_COLOURS[DECLINED]],
    )
    base = alt.Chart(frame).encode(
        y=alt.Y("stage:N", sort=list(FUNNEL_STAGES), title=None),
        x=alt.X("count:Q", title="Stakeholders", axis=alt.Axis(tickMinStep=1, format="d")),
    )
    bars = base.mark_bar(height=26).encode(
        color=alt.Color("stage:N", scale=colours, legend=None),
        tooltip=[alt.Tooltip("stage:N", title="Stage"), alt.Tooltip("count:Q", title="Count")],
    )
    labels = base.mark_text(align="left", dx=5, fontSize=12).encode(text="text:N")
    chart = (bars + labels).properties(width=460, height=170)
    counts = dict(zip(frame["stage"], frame["count"], strict=True))
    return finish(
        chart,
        title,
        f"{_count(counts['Identified'], 'stakeholder')} identified, {counts['Asked']} asked, "
        f"{counts['Accepted']} accepted and {counts['Declined']} declined.",
        synthetic,
    )


# --- the step's views -----------------------------------------------------------------


def team_figures(records: Sequence[Mapping[str, Any]]) -> tuple[float, list[str]]:
    """The hours a week the team gives in all, and the core roles nobody holds yet."""
    labels = dict((v, k) for k, v in ROLES)
    hours = sum(r["hours"] for r in records if isinstance(r.get("hours"), int | float))
    held = {r.get("role") for r in records}
    return hours, [labels[role] for role in CORE_ROLES if role not in held]


def team_summary_html(records: Sequence[Mapping[str, Any]]) -> str:
    """Who holds each core role, the hours committed, and the roles still open."""
    person = Person("person")
    labels = dict((v, k) for k, v in ROLES)
    rows = []
    for role in [*CORE_ROLES, "other"]:
        holders = [r for r in records if r.get("role") == role]
        if holders or role != "other":
            names = "; ".join(person.display(r.get("person")) for r in holders)
            rows.append([labels[role], names or "(nobody yet)"])
    hours, missing = team_figures(records)
    note = f"Roles still open: {', '.join(missing)}." if missing else "Every core role has someone."
    return views.table(rows, ["Role", "Who"]) + views.paragraph(
        f"{len(records)} people, {hours:g} hours per week in all. {note}"
    )


def coverage_summary_html(cover: pd.DataFrame, framework: Framework) -> str:
    missing = gaps(cover)
    recommended = [a["name"] for a in framework["actor_types"]]
    parts = []
    if missing["actor_types"]:
        parts.append(
            f"Actor types with nobody yet ({len(missing['actor_types'])} of "
            f"{len(recommended)}): {', '.join(missing['actor_types'])}."
        )
    if missing["pillars"]:
        parts.append(f"Pillars with nobody yet: {', '.join(missing['pillars'])}.")
    if not parts:
        parts.append("Every actor type and every pillar has at least one stakeholder.")
    parts.append("Stakeholders who declined are not counted.")
    return "".join(views.paragraph(p) for p in parts)


def champions_html(records: Sequence[Mapping[str, Any]]) -> str:
    chosen = [r for r in records if r.get("champion") is True]
    if not chosen:
        return views.paragraph("No champion named yet.")
    rows = [[r.get("organisation") or "", STATUS_LABELS.get(r.get("status"), "")] for r in chosen]
    return views.table(rows, ["Champion", "Request"])


def headline_html(
    team: Sequence[Mapping[str, Any]],
    stakeholders: Sequence[Mapping[str, Any]],
    launch: Mapping[str, Any] | None,
    framework: Framework,
    place: str | None,
) -> str:
    """The answer first: who is at the table, who is missing, who runs the process and when
    the coalition starts. Counts of organisations and roles: nobody is named here."""
    lead = f"<b>{escape(place)}</b>: " if place else ""
    big = '<p style="font-size:1.3em;margin:0.2em 0">'
    ask = "who is at the table? "
    if not team and not stakeholders and not launch:
        body = (
            f"{big}{lead}{ask}Nobody yet: no management team, no partner organisation and "
            "no plan for the coalition's launch are recorded.</p>"
        )
        return f'<div class="wb-headline">{body}</div>'
    stages = funnel(stakeholders).set_index("stage")["count"]
    joined, listed = int(stages["Accepted"]), int(stages["Identified"])
    verb = "has" if joined == 1 else "have"
    body = f"{big}{lead}{ask}<b>{_count(joined, 'partner organisation')}</b> {verb} joined"
    body += f" the coalition, of {listed} asked or to be asked.</p>" if listed else ".</p>"
    others = {
        "waiting for an answer": stages["Asked"] - joined - stages["Declined"],
        "declined": stages["Declined"],
        "not asked yet": listed - stages["Asked"],
    }
    lines = []
    if any(others.values()):
        lines.append("Requests: " + ", ".join(f"{n} {w}" for w, n in others.items() if n) + ".")
    if stakeholders:
        missing = gaps(coverage(stakeholders, framework))
        if not missing["actor_types"] and not missing["pillars"]:
            lines.append("Every kind of partner the guide names, and every pillar, has someone.")
        if missing["actor_types"]:
            lines.append(f"Nobody yet from: {', '.join(missing['actor_types'])}.")
        if missing["pillars"]:
            lines.append(f"Nobody yet for: {', '.join(missing['pillars'])}.")
    if team:
        hours, open_roles = team_figures(team)
        line = f"Management team: {len(team)} {'person' if len(team) == 1 else 'people'}, "
        line += f"{hours:g} hours a week in all"
        line += f"; still open: {', '.join(open_roles)}." if open_roles else "; every role filled."
        lines.append(line)
    else:
        lines.append("No management team is named yet.")
    if launch:
        cadence = dict((v, k) for k, v in CADENCES).get(launch.get("cadence"), "")
        when = launch.get("first_meeting")
        start = f"First meeting on {review.long_date(when)}" if when else "No first meeting set"
        start += f"; then {cadence[0].lower() + cadence[1:]}" if cadence else ""
        lines.append(start + ".")
    body += "".join(f'<p style="margin:0.2em 0">{escape(line)}</p>' for line in lines)
    return f'<div class="wb-headline">{body}</div>'


class Coalition(LiveViews):
    """The Step 4 views. Charts and summaries are drawn again after every save."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.framework = session.framework
        self.team_table = team_table(session.plan)
        export = session.output_dir / "step4_stakeholders.csv"
        self.stakeholder_table = stakeholder_table(session.plan, self.framework, export_path=export)
        super().__init__(session.read_only, (self.team_table, self.stakeholder_table))

    def stakeholders_public(self) -> list[dict[str, Any]]:
        return self.stakeholder_table.records(public=True)

    # -- what the notebook shows --

    def headline_html(self) -> str:
        """The headline from the plan's public view (the same in edit and view mode)."""
        public = PublicPlan(self.session.plan, registry.private_paths)
        place = self.session.jurisdiction
        return headline_html(
            public.value(TEAM_SECTION) or [],
            public.value(STAKEHOLDERS_SECTION) or [],
            public.value(LAUNCH_SECTION),
            self.framework,
            place.label if place is not None else None,
        )

    def headline(self) -> Live:
        """The page's opening: the coalition in words, before the registers."""
        return self._live(lambda: HTML(self.headline_html()))

    def team(self) -> RecordTable:
        return self.team_table

    def team_summary(self) -> Live:
        return self._live(lambda: HTML(team_summary_html(self.team_table.records(public=True))))

    def stakeholders(self) -> RecordTable:
        return self.stakeholder_table

    def actor_types(self) -> HTML:
        rows = [(a["name"], a["summary"]) for a in self.framework["actor_types"]]
        return HTML(views.table(rows, ["Actor type", "Who they are"]))

    def influence_grid(self) -> Live:
        def build():
            records = self.stakeholders_public()
            points = grid_points(records)
            # Typed answers, not data: no synthetic-sample subtitle (the header says it).
            return influence_grid(points, len(records) - len(points))

        return self._live(build)

    def champions(self) -> Live:
        return self._live(lambda: HTML(champions_html(self.stakeholders_public())))

    def coverage_matrix(self) -> Live:
        return self._live(
            lambda: coverage_chart(coverage(self.stakeholders_public(), self.framework))
        )

    def coverage_summary(self) -> Live:
        return self._live(
            lambda: HTML(
                coverage_summary_html(
                    coverage(self.stakeholders_public(), self.framework), self.framework
                )
            )
        )

    def request_funnel(self) -> Live:
        return self._live(lambda: funnel_chart(funnel(self.stakeholders_public())))

    def launch(self) -> Form:
        return launch_form(self.session.plan)


# --- the MAP's parts ------------------------------------------------------------------


def members(plan: PublicPlan, framework: Framework) -> list[tuple[str, str]]:
    """Organisations that accepted, with their actor types (public fields only)."""
    actors = {a["id"]: a["name"] for a in framework["actor_types"]}
    records = plan.value(STAKEHOLDERS_SECTION) or []
    return [
        (str(r.get("organisation") or ""),
         ", ".join(actors[a] for a in _listed(r.get("actor_types")) if a in actors))
        for r in records
        if r.get("status") == ACCEPTED
    ]  # fmt: skip


def launch_summary(plan: PublicPlan) -> str:
    """One line on the coalition for a document's front page ('' before the launch)."""
    launch = plan.value(LAUNCH_SECTION)
    if not launch:
        return ""
    accepted = sum(1 for r in plan.value(STAKEHOLDERS_SECTION) or [] if r.get("status") == ACCEPTED)
    cadence = dict((v, k) for k, v in CADENCES).get(launch.get("cadence"), "")
    parts = [f"{_count(accepted, 'partner organisation')} that accepted the coalition's request"]
    if launch.get("first_meeting"):
        parts.append(f"first meeting {review.long_date(launch['first_meeting'])}")
    if cadence:
        parts.append(f"meets {cadence[0].lower() + cadence[1:]}")
    return "; ".join(parts)


def _by_actor_type(records: Sequence[Mapping[str, Any]], framework: Framework) -> Table:
    rows = []
    for actor in framework["actor_types"]:
        # Organisations only: the plan names no partner's staff, consent or not (the
        # public plan holds a contact only with consent; the MAP needs none).
        joined = [
            str(r.get("organisation") or "")
            for r in records
            if r.get("status") == ACCEPTED and actor["id"] in _listed(r.get("actor_types"))
        ]
        rows.append((actor["name"], "; ".join(joined) or "(nobody yet)"))
    return Table(
        "Organisations that joined, by actor type", ("Actor type", "Organisations"), tuple(rows)
    )


def _coverage_table(records: Sequence[Mapping[str, Any]], framework: Framework) -> list[Block]:
    cover = coverage(records, framework)
    columns = list(dict.fromkeys(cover["pillar"]))
    counts = {(r.actor_type, r.pillar): r.count for r in cover.itertuples()}
    rows = tuple(
        (actor, *(str(counts[(actor, c)]) for c in columns))
        for actor in dict.fromkeys(cover["actor_type"])
    )
    missing = gaps(cover)
    notes = []
    if missing["actor_types"]:
        notes.append(f"no one yet from: {', '.join(missing['actor_types'])}")
    if missing["pillars"]:
        notes.append(f"no one yet for: {', '.join(missing['pillars'])}")
    return [
        Table(
            "Coverage: stakeholders by actor type and pillar",
            ("Actor type", *columns),
            rows,
            note="Counts stakeholders who have not declined; one organisation counts in every "
            "actor type and pillar it covers. "
            + ("In short: " + "; ".join(notes) + "." if notes else "Every actor type and "
               "pillar has someone."),
            wide=True,
        )
    ]  # fmt: skip


def _requests(records: Sequence[Mapping[str, Any]]) -> list[Block]:
    stages = funnel(records).set_index("stage")["count"]
    waiting = sum(1 for r in records if r.get("status") == ASKED)
    rows = tuple(
        (str(r.get("organisation") or ""), str(r.get("request") or "(nothing asked yet)"),
         STATUS_LABELS.get(r.get("status") or NOT_ASKED, ""),
         review.long_date(r["date_asked"]) if r.get("date_asked") else "",
         review.long_date(r["date_answered"]) if r.get("date_answered") else "")
        for r in records
    )  # fmt: skip
    return [
        Paragraph(
            f"The register holds {_count(int(stages['Identified']), 'organisation')}: "
            f"{stages['Asked']} were asked to take part, {stages['Accepted']} accepted, "
            f"{stages['Declined']} declined and {waiting} had not answered yet."
        ),
        Table(
            "What was asked of each organisation",
            ("Organisation", "Request", "Status", "Asked", "Answered"),
            rows,
            wide=True,
        ),
    ]


def _launch(plan: PublicPlan) -> list[Block]:
    launch = plan.value(LAUNCH_SECTION)
    if not launch:
        return [Paragraph("The coalition has not been launched yet.")]
    decisions = dict((v, k) for k, v in DECISIONS)
    cadence = dict((v, k) for k, v in CADENCES)
    facts = []
    if launch.get("first_meeting"):
        facts.append(f"First meeting: {review.long_date(launch['first_meeting'])}.")
    if launch.get("cadence") in cadence:
        facts.append(f"Meetings: {cadence[launch['cadence']].lower()}.")
    if launch.get("decisions") in decisions:
        facts.append(f"Decisions: {decisions[launch['decisions']]}.")
    blocks: list[Block] = [Heading("The launch", 3)]
    if facts:
        blocks.append(BulletList(tuple(facts)))
    for key in ("charter", "decision_notes"):
        if launch.get(key):
            blocks.append(Paragraph(str(launch[key])))
    return blocks


def map_how_we_got_here(plan: PublicPlan, session: Session) -> list[Block]:
    """Step 4 in the MAP: who runs the work and who joined (organisations and roles only)."""
    record = review.when_and_checklist(plan, 4)
    if not record:
        return []
    framework = session.framework
    records = plan.value(STAKEHOLDERS_SECTION) or []
    team = plan.value(TEAM_SECTION) or []
    labels = dict((v, k) for k, v in ROLES)
    blocks: list[Block] = [
        Paragraph(
            "The coalition brings the local government together with partners from across "
            "sectors; this part names organisations and roles, not people.",
            lead=True,
        )
    ]
    if team:
        rows = tuple(
            (labels.get(r.get("role"), "Other"),
             str((r.get("person") or {}).get("organisation") or "(not recorded)"),
             str(r.get("responsibilities") or ""))
            for r in team
        )  # fmt: skip
        blocks += [
            Heading("Management team", 3),
            Table(
                "Roles on the management team", ("Role", "Organisation", "Responsibilities"), rows
            ),
        ]
    if records:
        blocks += [
            Heading("Who joined the coalition", 3),
            _by_actor_type(records, framework),
            *_coverage_table(records, framework),
            Heading("Requests to partners", 3),
            *_requests(records),
        ]
    return [*blocks, *_launch(plan), *record]
