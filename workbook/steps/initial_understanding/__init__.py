"""Step 5, build an initial understanding of local conditions.

The whole coalition reads Step 2's metrics together, pillar by pillar
(:mod:`.workshop`), weighs the predictors side by side (standing, racial and ethnic
gaps, data quality, trend, partners already at work), votes, and records its first
priorities (:mod:`.votes`); then it brings in local data (:mod:`.local`).

Plan sections: ``step5.review`` (the coalition's notes, pillar by pillar),
``step5.votes`` (votes received: typed dot counts, CSV imports, closed live ballots),
``step5.priorities`` (the chosen predictors, why, who decided, when, and the tie rule),
and the local data's ``step5.sources``, ``step5.local_data`` and ``step5.findings``.
Upstream sections are read by their contract names only: ``step2.peers``,
``step2.insights`` and ``step4.stakeholders``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from IPython.display import HTML

from workbook.analysis.compare import Comparison, compare, saved_peers
from workbook.analysis.disparities import gaps, group_values
from workbook.analysis.priorities import place_trends, priority_table, tie_order
from workbook.analysis.votes import tally
from workbook.display import views
from workbook.display.document import Block, Heading, Paragraph, Table
from workbook.display.live import Live, LiveViews, Stack
from workbook.display.values import gap_text, plain_dollars
from workbook.display.vote_charts import tally_chart
from workbook.plan.public import PublicPlan
from workbook.session import Session
from workbook.steps import registry, review
from workbook.steps.initial_understanding import headline
from workbook.steps.initial_understanding.votes import (
    DEFAULT_QUESTION,
    MAX_PRIORITIES,
    PRIORITIES_SECTION,
    TIE_RULE,
    VOTE_TEMPLATE,
    VOTES_SECTION,
    DecisionForm,
    LiveBallot,
    VoteEntry,
    csv_vote,
    decision_form,
    latest_vote,
    paper_vote,
    receive_ballot,
    receive_vote,
    record_decision,
    saved_votes,
)
from workbook.steps.initial_understanding.workshop import (
    REVIEW_SECTION,
    Workshop,
    save_pillar_notes,
    saved_notes,
)

STEP = registry.step(5)
PEERS_SECTION = "step2.peers"
INSIGHTS_SECTION = "step2.insights"
STAKEHOLDERS_SECTION = "step4.stakeholders"
SOURCES_SECTION = STEP.section("sources")
LOCAL_DATA_SECTION = STEP.section("local_data")
FINDINGS_SECTION = STEP.section("findings")

__all__ = [
    "DEFAULT_QUESTION", "MAX_PRIORITIES", "PRIORITIES_SECTION", "REVIEW_SECTION", "TIE_RULE",
    "VOTE_TEMPLATE", "VOTES_SECTION", "DecisionForm", "InitialUnderstanding", "csv_vote",
    "decision_form", "latest_vote", "map_findings", "map_how_we_got_here", "paper_vote",
    "priorities_for", "receive_ballot", "record_decision", "receive_vote",
    "save_pillar_notes", "saved_notes", "saved_votes",
]  # fmt: skip


# --- what the coalition weighs ------------------------------------------------------------


def comparison_for(session: Session, peers_value: Any) -> Comparison | None:
    """Step 2's comparison of the session's place, with the peers Step 2 saved."""
    place = session.jurisdiction
    if place is None:
        return None
    return compare(session.data, place, saved_peers(session.data, place, peers_value))


def priorities_for(
    session: Session, comparison: Comparison | None, stakeholders: Sequence[Mapping]
) -> pd.DataFrame:
    """The predictors with what a coalition weighs, for the session's place."""
    place = session.jurisdiction
    if comparison is None or place is None:
        return pd.DataFrame()
    return priority_table(
        session.framework, session.catalog, comparison.table,
        gaps(group_values(session.data, place)), place_trends(session.data, place),
        stakeholders,
    )  # fmt: skip


def _standing(row: Any, scope: str) -> str:
    better, worse = int(getattr(row, f"better_{scope}")), int(getattr(row, f"worse_{scope}"))
    if not (better or worse):
        return "-"
    return ", ".join(p for p in (f"{better} better" if better else "",
                                 f"{worse} worse" if worse else "") if p)  # fmt: skip


def gap_words(row: Any, session: Session) -> str:
    if not row.gap_variable:
        return "no gap measured"
    metric = session.catalog[row.gap_variable]
    worst = f"; {row.gap_worst_group} does worst" if row.gap_worst_group else ""
    return f"{metric.name}: {gap_text(metric, row.gap)} ({row.gap_year}){worst}"


def trend_words(row: Any) -> str:
    parts = [f"{n} {word}" for n, word in ((row.improving, "improving"),
             (row.worsening, "worsening"), (row.steady, "steady")) if n]  # fmt: skip
    return ", ".join(parts) or "no trend"


def quality_words(row: Any) -> str:
    if not row.with_value:
        return "no values"
    return f"{row.weak} of {row.with_value} Weak ({row.weak_share:.0%})"


PRIORITY_HEADER = ["Pillar", "Predictor", "Metrics", "vs peers", "vs state", "vs nation",
                   "Largest racial or ethnic gap", "Data quality", "Trend", "Partners"]  # fmt: skip


def priority_rows(table: pd.DataFrame, session: Session) -> list[tuple[str, ...]]:
    return [
        (r.pillar_name, r.predictor, str(r.metrics), _standing(r, "peers"),
         _standing(r, "state"), _standing(r, "nation"), gap_words(r, session),
         quality_words(r), trend_words(r), str(r.partners))
        for r in table.itertuples()
    ]  # fmt: skip


class InitialUnderstanding(LiveViews):
    """The Step 5 views: the workshop screens, the predictors side by side, the vote, the
    decision. The tally redraws after a vote is recorded."""

    def __init__(self, session: Session) -> None:
        self.session = session
        super().__init__(session.read_only)
        plan = session.plan
        self.store = plan
        self.comparison = comparison_for(session, plan.get(PEERS_SECTION, public=True).value)
        self._table: pd.DataFrame | None = None

    def _section(self, name: str) -> list[dict]:
        value = self.store.get(name, public=True).value
        return [r for r in value or [] if isinstance(r, dict)]

    def table(self) -> pd.DataFrame:
        """The predictors with what the coalition weighs (computed once per session)."""
        if self._table is None:
            stakeholders = self._section(STAKEHOLDERS_SECTION)
            self._table = priorities_for(self.session, self.comparison, stakeholders)
        return self._table

    def predictor_names(self) -> list[str]:
        return [q["name"] for p in self.session.framework.pillars for q in p["predictors"]]

    # -- what the notebook shows --

    def headline_html(self) -> str:
        """The answer first: the priorities chosen, by what vote, why, and the local data."""
        place = self.session.jurisdiction
        table = self.comparison.table if self.comparison is not None else None
        return headline.headline_html(
            place.label if place is not None else None,
            self.store.get(PRIORITIES_SECTION, public=True).value,
            saved_votes(self.store),
            self._section(SOURCES_SECTION),
            self._section(LOCAL_DATA_SECTION),
            self._section(FINDINGS_SECTION),
            headline.standings(table, self.session.catalog),
        )

    def headline(self) -> Live:
        """The page's opening, before any table (redrawn after a vote or decision)."""
        return self._live(lambda: HTML(plain_dollars(self.headline_html())))

    def workshop(self):
        """One pillar per screen, large type, with Step 2's insights and a notes box."""
        screens = Workshop(
            self.store, self.session.framework, self.session.catalog, self.comparison,
            self._section(INSIGHTS_SECTION), self.session.read_only,
        )  # fmt: skip
        return screens.widget()

    def weigh(self) -> HTML:
        """Every predictor with its standing, gaps, data quality, trend and partners."""
        table = self.table()
        if table.empty:
            return HTML(views.paragraph(
                "Choose a county or city (the jurisdiction parameter) to weigh its predictors."
            ))  # fmt: skip
        note = views.paragraph(
            "Standing counts the predictor's metrics judged better or worse than the peers' "
            "median, the state's median and the national median (Step 2's rules). The gap "
            "is the largest between racial and ethnic groups among its metrics in their "
            "latest year (Weak values left out). Data quality counts values rated Weak. The "
            "trend compares each metric's first and latest year. Partners are accepted "
            "members of the coalition (Step 4) working in the predictor's pillar."
        )
        return HTML(plain_dollars(note + views.table(priority_rows(table, self.session),
                                                     PRIORITY_HEADER)))  # fmt: skip

    def vote_entry(self):
        """Type in the dots off the wall chart, or import a CSV of counts (edit mode)."""
        if self.session.read_only:
            return HTML("")  # readers see the tally below, not the typing form
        return VoteEntry(self.store, self.predictor_names(), on_saved=self.refresh).widget()

    def live_ballot(self):
        """Open a dot ballot of the predictors on the room's phones; take its result in."""
        if self.session.read_only:
            return HTML("")  # readers see the tally below, not the ballot
        return LiveBallot(self.session, self.predictor_names(), on_saved=self.refresh).widget()

    def receive_vote(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Check and save a vote in the ``step5.votes`` shape (e.g. a closed live ballot)."""
        vote = receive_vote(self.store, record)
        self.refresh()
        return vote

    def tally_view(self) -> Stack:
        votes = saved_votes(self.store)
        vote = latest_vote(votes)
        title = "Points per predictor in the latest vote"
        if vote is None:  # a sentence, not an empty chart
            return Stack(HTML(views.paragraph("No vote recorded yet.")))
        order = tie_order(self.table()) if not self.table().empty else {}
        ranked = tally(vote["counts"], vote["options"], lambda o: order.get(o, (0, 0, o.lower())))
        chosen = (self.store.get(PRIORITIES_SECTION, public=True).value or {}).get("predictors")
        text = (
            views.paragraph(vote_sentence(vote))
            + views.paragraph(f"Tie rule: {TIE_RULE}")
            + views.table(
                [(r.rank, r.option, r.points, "tie" if r.tied else "")
                 for r in ranked.itertuples() if r.points],
                ["Rank", "Option", "Points", "Tied"],
            )
        )  # fmt: skip
        none = list(ranked.loc[ranked["points"] == 0, "option"])
        if none:
            text += views.paragraph(f"No points ({len(none)}): {', '.join(none)}.")
        if len(votes) > 1:
            text = views.paragraph(f"{len(votes)} votes recorded; the latest is shown.") + text
        return Stack(tally_chart(ranked, title, self.session.synthetic, chosen or ()), HTML(text))

    def tally(self) -> Live:
        """The latest vote's tally: a bar chart with ties marked, and the tie rule."""
        return self._live(self.tally_view)

    def decision(self) -> DecisionForm:
        return decision_form(self.store, self.session.framework)


def vote_sentence(vote: Mapping[str, Any]) -> str:
    """How a vote was taken, in a sentence."""
    how = {"paper": "dots counted off a paper wall chart", "csv": "counts imported from a file",
           "ballot": "a live ballot"}.get(vote.get("source"), "a vote")  # fmt: skip
    dots = vote.get("dots_per_person")
    rule = (f", {dots} dots each" if dots else "") + (
        ", several on one option allowed" if vote.get("stacking") else ""
    )
    when = review.long_date(str(vote.get("recorded_on") or ""))
    return (f"{when}: '{vote.get('question')}' {vote.get('voters')} people voted "
            f"({how}{rule}).")  # fmt: skip


# --- the MAP's parts ---------------------------------------------------------------------


def plan_priorities(plan: PublicPlan, session: Session) -> pd.DataFrame:
    """The predictors weighed as the plan's peers and partners stand (for the MAP)."""
    stakeholders = [r for r in plan.value(STAKEHOLDERS_SECTION) or [] if isinstance(r, dict)]
    comparison = comparison_for(session, plan.value(PEERS_SECTION))
    return priorities_for(session, comparison, stakeholders)


def _review_blocks(plan: PublicPlan, session: Session) -> list[Block]:
    value = plan.value(REVIEW_SECTION) or {}
    notes = saved_notes(value)
    if not notes:
        return []
    blocks: list[Block] = [
        Heading("Reading the metrics together", 3),
        Paragraph(
            f"On {review.long_date(str(value.get('reviewed_on') or ''))} the coalition "
            "reviewed the Mobility Metrics pillar by pillar, with the team's first "
            "impressions from Step 2 beside them. What it saw:"
        ),
    ]
    for pillar in session.framework.pillars:
        if notes.get(pillar["id"]):
            blocks += [Heading(pillar["name"], 4), Paragraph(notes[pillar["id"]])]
    return blocks


def _vote_blocks(plan: PublicPlan, session: Session) -> list[Block]:
    votes = [v for v in plan.value(VOTES_SECTION) or [] if isinstance(v, dict)]
    if not votes:
        return []
    blocks: list[Block] = [Heading("How the coalition voted", 3)]
    order: dict[str, tuple] | None = None
    for vote in votes:
        points = [p for p in (vote.get("counts") or {}).values() if p]
        if order is None and len(points) != len(set(points)):  # a tie: the rule orders it
            table = plan_priorities(plan, session)
            order = tie_order(table) if not table.empty else {}
        known = order or {}
        ranked = tally(vote.get("counts") or {}, vote.get("options") or [],
                       lambda o, known=known: known.get(o, (0, 0, o.lower())))  # fmt: skip
        rows = tuple((str(r.rank), r.option, str(r.points), "tied" if r.tied else "")
                     for r in ranked.itertuples() if r.points)  # fmt: skip
        blocks.append(Paragraph(vote_sentence(vote)))
        if rows:
            blocks.append(Table(
                "Points per option", ("Rank", "Option", "Points", "Tie"), rows,
                note="Options without points are left out. Tied options are ordered by the "
                f"tie rule: {TIE_RULE}",
            ))  # fmt: skip
    return blocks


def _decision_blocks(plan: PublicPlan) -> list[Block]:
    value = plan.value(PRIORITIES_SECTION) or {}
    chosen = value.get("predictors") or []
    if not chosen:
        return []
    when = review.long_date(str(value.get("decided_on") or ""))
    who = str(value.get("decided_by") or "who decided is not recorded")
    votes = {v.get("id"): v for v in plan.value(VOTES_SECTION) or [] if isinstance(v, dict)}
    based = votes.get(value.get("vote_id"))
    on_vote = (
        f", after the vote of {review.long_date(str(based.get('recorded_on')))}" if based else ""
    )
    blocks: list[Block] = [
        Heading("How the priorities were chosen", 3),
        Paragraph(
            f"The coalition chose {len(chosen)} first priority "
            f"{'predictor' if len(chosen) == 1 else 'predictors'} on {when} ({who})"
            f"{on_vote}: {', '.join(chosen)}."
        ),
    ]
    if value.get("tie_rule"):
        blocks.append(Paragraph(f"The rule for ties in the vote: {value['tie_rule']}"))
    return blocks


def map_how_we_got_here(plan: PublicPlan, session: Session) -> list[Block]:
    """Step 5 in the MAP's story: the review together, the votes, how priorities were set."""
    record = review.when_and_checklist(plan, 5)
    if not record:
        return []
    lead = Paragraph(
        "The full coalition read the Mobility Metrics together, weighed the predictors side "
        "by side, voted on where to look first, and looked for local data to fill the gaps.",
        lead=True,
    )
    return [lead, *_review_blocks(plan, session), *_vote_blocks(plan, session),
            *_decision_blocks(plan), *record]  # fmt: skip


def _priority_blocks(plan: PublicPlan, session: Session) -> list[Block]:
    value = plan.value(PRIORITIES_SECTION) or {}
    chosen = [p for p in value.get("predictors") or [] if isinstance(p, str)]
    if not chosen:
        return []
    blocks: list[Block] = [Heading("First priorities and why", 3)]
    table = plan_priorities(plan, session)
    if not table.empty:
        picked = table.set_index("predictor").loc[
            [p for p in chosen if p in set(table["predictor"])]
        ]
        rows = tuple(
            (name, r.pillar_name, _standing(r, "nation"), gap_words(r, session),
             quality_words(r), trend_words(r), str(r.partners))
            for name, r in zip(picked.index, picked.itertuples(), strict=True)
        )  # fmt: skip
        blocks.append(Table(
            f"The priority predictors in {session.jurisdiction.label}",
            ("Predictor", "Pillar", "Metrics vs the nation", "Largest racial or ethnic gap",
             "Data quality", "Trend", "Partners at work"),
            rows, wide=True,
            note="Metrics are compared with the national median by Step 2's rules; gaps leave "
            "Weak values out; partners are accepted coalition members in the pillar.",
        ))  # fmt: skip
    if value.get("rationale"):
        blocks += [Paragraph("Why the coalition chose them:"), Paragraph(str(value["rationale"]))]
    return blocks


def map_findings(plan: PublicPlan, session: Session) -> list[Block]:
    """Step 5 in the MAP's findings: the priority predictors and why, then the local data."""
    # Imported here: the local-data module may use this package's names at its import.
    from workbook.steps.initial_understanding.local import map_local_findings

    priorities = _priority_blocks(plan, session)
    local_blocks = map_local_findings(plan, session)
    if not (priorities or local_blocks):
        return []
    chosen = (plan.value(PRIORITIES_SECTION) or {}).get("predictors") or []
    lead = Paragraph(
        f"After reading the metrics together, the coalition chose {len(chosen)} predictors "
        "to look at first." if chosen else "The coalition brought in local data to look "
        "more closely at its place.",
        lead=True,
    )  # fmt: skip
    extra = [Heading("What the local data add", 3), *local_blocks] if local_blocks else []
    return [lead, *priorities, *extra]
