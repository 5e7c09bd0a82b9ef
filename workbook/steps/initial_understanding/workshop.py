"""Reading the metrics together: one pillar per screen, large enough for a projector.

Each screen shows the place's standing on every metric of one pillar against its peers,
its state and the nation (Step 2's comparison, with the peers Step 2 saved), the
team's preliminary insights from Step 2 beside the metrics they are about, and a box
for what the coalition saw. The notes are saved in ``step5.review``, one entry per
pillar, so two facilitators noting different pillars never overwrite each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import ipywidgets as widgets
import pandas as pd

from workbook.analysis.compare import Comparison
from workbook.data.catalog import Catalog, Framework
from workbook.display.html import escape
from workbook.display.live import WithFallback
from workbook.display.theme import (
    BORDER_GREY,
    ERROR,
    JUDGEMENT_COLOURS,
    PANEL_BACKGROUND,
    PILLAR_COLOURS,
    SUCCESS,
    TEXT,
    TEXT_MUTED,
)
from workbook.display.values import format_value, plain_dollars
from workbook.errors import WorkbookError
from workbook.forms import RecordError
from workbook.plan.store import ConflictError, PlanStore
from workbook.steps import registry

STEP = registry.step(5)
REVIEW_SECTION = STEP.section("review")
MAX_NOTES = 5000
SCOPES = (  # (judgement column, label, the median it was judged against)
    ("peers", "Peers", "peer_median"),
    ("state", "State", "state_median"),
    ("nation", "Nation", "national_median"),
)
VERDICT_WORDS = {"better": "better", "worse": "worse", "similar": "similar", "": "not judged"}
MISSING_WORDS = {
    "no_data_year": "no value for this place in that year",
    "suppressed": "withheld by Urban as unreliable",
    "unavailable": "not in the data for this place",
}
TAG_WORDS = {"strength": "Strength", "concern": "Concern", "question": "Question"}


# --- the notes, one entry per pillar ---------------------------------------------------


def saved_notes(value: Any) -> dict[str, str]:
    """Pillar id -> notes, from a saved ``step5.review`` value."""
    if not isinstance(value, Mapping):
        return {}
    return {
        str(entry["pillar"]): str(entry.get("notes") or "")
        for entry in value.get("pillars") or []
        if isinstance(entry, Mapping) and entry.get("pillar")
    }


def save_pillar_notes(
    store: PlanStore, framework: Framework, pillar: str, notes: str, today: str | None = None
) -> dict:
    """Save the coalition's notes on one pillar; the other pillars' notes are kept.

    When someone saved another pillar meanwhile, the notes go on top of theirs (one
    retry); a bad pillar or overlong notes raise a RecordError naming the field.
    """
    known = [p["id"] for p in framework.pillars]
    if pillar not in known:
        raise RecordError(REVIEW_SECTION, {"pillar": f"'{pillar}' is not a pillar: use one of "
                                           f"{', '.join(known)}."})  # fmt: skip
    text = str(notes or "").strip()
    if len(text) > MAX_NOTES:
        problem = f"At most {MAX_NOTES} characters: {len(text)} were typed. Shorten the notes."
        raise RecordError(REVIEW_SECTION, {"notes": problem})
    when = today or date.today().isoformat()
    for attempt in range(2):
        record = store.get(REVIEW_SECTION)
        current = record.value if isinstance(record.value, dict) else {}
        notes_by_pillar = saved_notes(current)
        notes_by_pillar[pillar] = text
        value = {
            **current,
            "pillars": [{"pillar": p, "notes": notes_by_pillar[p]} for p in known
                        if notes_by_pillar.get(p)],
            "reviewed_on": when,
        }  # fmt: skip
        try:
            store.save(REVIEW_SECTION, value, record.version)
            return value
        except ConflictError:
            if attempt:
                raise
    raise AssertionError("unreachable")


# --- one pillar's screen ----------------------------------------------------------------


def _chip(scope: str, verdict: str, median: str) -> str:
    colour = JUDGEMENT_COLOURS.get(verdict, JUDGEMENT_COLOURS[""])
    reference = (
        f' <span style="font-size:0.75em;color:{TEXT_MUTED}">(median {escape(median)})</span>'
        if median
        else ""
    )
    return (
        f'<span style="display:inline-block;border:3px solid {colour};border-radius:6px;'
        f'padding:1px 8px;margin:2px 6px 2px 0;color:{TEXT}">{escape(scope)}: '
        f'<b style="color:{colour}">{escape(VERDICT_WORDS.get(verdict, verdict))}</b>'
        f"{reference}</span>"
    )


def _insight_line(record: Mapping[str, Any]) -> str:
    tag = TAG_WORDS.get(str(record.get("tag") or ""), "Insight")
    return (
        f'<div style="margin:4px 0;padding-left:8px;border-left:3px solid {BORDER_GREY}">'
        f"<b>{escape(tag)}:</b> {escape(record.get('statement') or '')}</div>"
    )


def _metric_card(row: Mapping[str, Any], catalog: Catalog, insights: Sequence[Mapping]) -> str:
    metric = catalog[row["variable"]]
    if row["missing_reason"]:
        value = "no value"
        detail = MISSING_WORDS.get(row["missing_reason"], "not available")
    else:
        # Text ratios ('a:b') are compared as a / b, the number the medians are made of.
        value = format_value(row["value_number"], metric.format)
        quality = row["quality"] if isinstance(row["quality"], str) else "no quality flag"
        year = "" if pd.isna(row["year"]) else f"{int(row['year'])}, "
        unit = metric.unit if metric.numeric else f"ratio of {row['value']} (a / b)"
        detail = f"{unit}; {year}quality {quality}"
    chips = "".join(
        _chip(label, str(row[f"vs_{scope}"] or ""), format_value(row[median], metric.format))
        for scope, label, median in SCOPES
    )
    about = [r for r in insights if metric.variable in (r.get("metrics") or [])]
    return (
        f'<div style="border:1px solid {BORDER_GREY};border-radius:8px;padding:10px 14px;'
        f'margin:8px 0;background:{PANEL_BACKGROUND}">'
        f'<div style="font-size:0.75em;color:{TEXT_MUTED}">{escape(metric.predictor)}</div>'
        f"<div><b>{escape(metric.name)}</b></div>"
        f'<div><span style="font-size:2em;font-weight:700">{escape(value)}</span> '
        f'<span style="font-size:0.8em;color:{TEXT_MUTED}">{escape(detail)}</span></div>'
        f"<div>{chips}</div>{''.join(_insight_line(r) for r in about)}</div>"
    )


def pillar_summary(metrics: int, better: int, worse: int, similar: int) -> str:
    """'17 metrics; against the national median, 10 worse, 2 better.' in plain words."""
    count = "1 metric" if metrics == 1 else f"{metrics} metrics"
    judged = better + worse + similar
    if not metrics:
        return "No metric of this pillar is given for this place."
    if not judged:
        return (
            f"{count}; none can be compared with the national median here (values missing, "
            "rated Weak, or with no better direction)."
        )
    parts = ", ".join(
        f"{n} {word}"
        for n, word in ((worse, "worse"), (better, "better"), (similar, "similar"))
        if n
    )
    rest = metrics - judged
    other = f"; the other {rest} cannot be compared" if rest else ""
    return f"{count}; against the national median: {parts}{other}."


def pillar_screen_html(
    pillar: Mapping[str, Any],
    comparison: pd.DataFrame,
    catalog: Catalog,
    insights: Sequence[Mapping[str, Any]],
    notes: str = "",
) -> str:
    """One pillar in large type: every metric's standing, the insights, the notes."""
    rows = comparison[
        (comparison["pillar"] == pillar["id"]) & (comparison["missing_reason"] != "not_computed")
    ]
    cards = "".join(_metric_card(r, catalog, insights) for _, r in rows.iterrows())
    variables = set(rows["variable"])
    beside = [
        r for r in insights
        if pillar["id"] in (r.get("pillars") or [])
        and not variables & set(r.get("metrics") or [])
    ]  # fmt: skip
    judged = rows[rows["vs_nation"].isin(["better", "worse", "similar"])]
    better = int((judged["vs_nation"] == "better").sum())
    worse = int((judged["vs_nation"] == "worse").sum())
    summary = pillar_summary(len(rows), better, worse, len(judged) - better - worse)
    side = (
        "".join(_insight_line(r) for r in beside)
        if beside
        else f'<p style="color:{TEXT_MUTED}">No insight from Step 2 names this pillar as a '
        "whole; insights about single metrics are on their cards.</p>"
    )
    noted = f"<h3>What the coalition saw</h3><p>{escape(notes)}</p>" if notes else ""
    colour = PILLAR_COLOURS.get(pillar["id"], BORDER_GREY)
    return plain_dollars(
        f'<div class="wb-workshop" style="font-size:1.3em;line-height:1.4">'
        f'<h2 style="font-size:1.5em;border-left:12px solid {colour};padding-left:12px">'
        f"{escape(pillar['name'])}</h2><p>{escape(pillar.get('summary', ''))}</p>"
        f"<p><b>{escape(summary)}</b></p>"
        '<div style="display:flex;flex-wrap:wrap;gap:16px">'
        f'<div style="flex:3 1 520px">{cards}</div>'
        f'<div style="flex:1 1 260px"><h3>The team\'s first impressions (Step 2)</h3>{side}</div>'
        f"</div>{noted}</div>"
    )


class Workshop:
    """The pillar-by-pillar screens with a pillar chooser and, in edit mode, a notes box."""

    def __init__(
        self,
        store: PlanStore,
        framework: Framework,
        catalog: Catalog,
        comparison: Comparison | None,
        insights: Sequence[Mapping[str, Any]],
        read_only: bool,
    ) -> None:
        self.store = store
        self.framework = framework
        self.catalog = catalog
        self.comparison = comparison
        self.insights = list(insights)
        self.read_only = read_only
        self.pillars = {p["id"]: p for p in framework.pillars}

    def notes(self) -> dict[str, str]:
        return saved_notes(self.store.get(REVIEW_SECTION, public=True).value)

    def screen(self, pillar_id: str) -> str:
        if self.comparison is None:
            return "<p>Choose a county or city (the jurisdiction parameter) to see its metrics.</p>"
        return pillar_screen_html(
            self.pillars[pillar_id], self.comparison.table, self.catalog, self.insights,
            self.notes().get(pillar_id, ""),
        )  # fmt: skip

    def static_html(self) -> str:
        return "".join(self.screen(p) for p in self.pillars)

    def widget(self) -> WithFallback:
        names = [(p["name"], p["id"]) for p in self.framework.pillars]
        chooser = widgets.ToggleButtons(options=names, value=names[0][1], description="")
        chooser.style.button_width = "auto"
        following = widgets.Button(description="Next pillar", icon="arrow-right")
        screen = widgets.HTML(self.screen(chooser.value))
        # A viewer's page offers choosers only: the "next" button comes with editing.
        top = [chooser] if self.read_only else [chooser, following]
        parts: list[widgets.Widget] = [widgets.HBox(top), screen]
        box = widgets.Textarea(
            placeholder="What the coalition saw in this pillar: surprises, agreements, "
            "questions to follow up",
            layout=widgets.Layout(width="100%", height="8em"),
        )
        save = widgets.Button(description="Save the notes", button_style="primary")
        status = widgets.HTML()

        def show(_=None) -> None:
            screen.value = self.screen(chooser.value)
            box.value = self.notes().get(chooser.value, "")
            status.value = ""

        def advance(_) -> None:
            ids = [value for _, value in names]
            chooser.value = ids[(ids.index(chooser.value) + 1) % len(ids)]

        def keep(_) -> None:
            try:
                save_pillar_notes(self.store, self.framework, chooser.value, box.value)
            except WorkbookError as exc:  # shown, never lost: the text stays in the box
                status.value = f'<span style="color:{ERROR}">Not saved: {escape(exc)}</span>'
                return
            screen.value = self.screen(chooser.value)
            status.value = f'<span style="color:{SUCCESS}">Saved.</span>'

        chooser.observe(show, names="value")
        following.on_click(advance)
        if not self.read_only:
            save.on_click(keep)
            box.value = self.notes().get(chooser.value, "")
            parts += [widgets.HTML("<b>Notes on this pillar</b>"), box,
                      widgets.HBox([save, status])]  # fmt: skip
        return WithFallback(widgets.VBox(parts), self.static_html())
