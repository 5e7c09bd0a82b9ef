"""Step 1, learn the approach: the framework shown for a workshop."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from workbook.data.catalog import DIRECTION_WORDS, Metric
from workbook.display import views
from workbook.display.document import Block, BulletList, Paragraph
from workbook.display.live import WithFallback
from workbook.display.theme import OKABE_ITO, PILLAR_COLOURS
from workbook.plan.public import PublicPlan
from workbook.session import Session
from workbook.steps import registry, review

STEP = registry.step(1)
KIND_LABELS = {"county": "Counties", "place": "Cities"}


def dimensions(session: Session) -> HTML:
    """The three dimensions of mobility from poverty, as cards."""
    fw = session.framework
    items = [(d["name"], d["summary"]) for d in fw["dimensions"]]
    return HTML(views.cards(items) + views.paragraph(fw["dimensions_note"]))


def quality_mix(session: Session, metric: Metric, kind: str) -> str:
    """Share of Strong / Marginal / Weak flags among the values of the latest year."""
    table = f"{kind}_recent"
    if not metric.applies_to(kind) or not session.data.has(table):
        return ""
    frame = session.data.table(table)
    column = metric.quality_variable
    if column not in frame.columns or metric.variable not in frame.columns:
        return ""
    flags = frame.loc[frame[metric.variable].notna(), column].dropna()
    if flags.empty:
        return "no flags"
    shares = flags.value_counts(normalize=True)
    return ", ".join(
        f"{level} {shares.get(level, 0):.0%}" for level in ("Strong", "Marginal", "Weak")
    )


def metric_rows(session: Session, pillar_id: str) -> pd.DataFrame:
    """One row per metric variable of a pillar: what it is and what the data holds."""
    rows = []
    for metric in session.catalog.in_pillar(pillar_id):
        years = {
            kind: views.year_ranges(session.data.years(metric.variable, kind))
            if metric.applies_to(kind) and session.data.has(f"{kind}_longitudinal")
            else "not published"
            for kind in ("county", "place")
        }
        rows.append(
            {
                "Predictor": metric.predictor,
                "Metric": metric.name,
                "Unit": metric.unit,
                "Direction": DIRECTION_WORDS[metric.direction],
                "Years (counties)": years["county"],
                "Years (cities)": years["place"],
                "Quality, latest year (counties)": quality_mix(session, metric, "county"),
                "Bounds": {"ci": "95% confidence interval", "range": "range (not statistical)"}.get(
                    metric.bounds_kind, "none"
                ),
                "What it measures": metric.description,
                "Source": metric.source,
            }
        )
    return pd.DataFrame(rows)


def pillar_html(session: Session, pillar_id: str) -> str:
    """One pillar: its summary, its predictors, and a table of its metrics."""
    pillar = session.framework.pillar(pillar_id)
    colour = PILLAR_COLOURS[pillar_id]
    predictors = [(p["name"], p["summary"]) for p in pillar["predictors"]]
    rows = metric_rows(session, pillar_id)
    return (
        f'<div style="border-left:6px solid {colour};padding-left:10px;margin:8px 0">'
        + views.heading(pillar["name"])
        + views.paragraph(pillar["summary"])
        + views.cards(predictors, accent=colour)
        + views.table(
            rows.values.tolist(),
            list(rows.columns),
            caption=f"Metrics of this pillar in {session.data.reader_label}",
        )
        + "</div>"
    )


def pillar_explorer(session: Session) -> WithFallback:
    """Pick a pillar to see its predictors and metrics (all pillars in the static copy)."""
    pillars = session.framework.pillars
    picker = widgets.ToggleButtons(
        options=[(p["name"], p["id"]) for p in pillars],
        description="Pillar:",
        style={"button_width": "auto"},
    )
    shown = widgets.HTML(pillar_html(session, pillars[0]["id"]))

    def on_pick(change: dict) -> None:
        shown.value = pillar_html(session, change["new"])

    picker.observe(on_pick, names="value")
    static = "".join(pillar_html(session, p["id"]) for p in pillars)
    note = views.paragraph(session.framework["pillar_note"])
    return WithFallback(widgets.VBox([picker, shown, widgets.HTML(note)]), static + note)


def quality_guide(session: Session) -> HTML:
    """What Strong, Marginal and Weak mean, and why a value can be missing."""
    fw = session.framework
    rows = [(q["level"], q["meaning"], q["use"]) for q in fw["quality_levels"]]
    missing = [(k.replace("_", " ").capitalize(), v) for k, v in fw["missing_values"].items()]
    return HTML(
        views.table(rows, ["Quality flag", "What it means", "How to use it"])
        + views.heading("Why a value can be missing", 4)
        + views.table(missing, ["Reason", "What it means"])
    )


def metric_uses(session: Session) -> HTML:
    items = [(u["name"], u["summary"]) for u in session.framework["metric_uses"]]
    return HTML(views.cards(items, accent=OKABE_ITO[2]))


def equity_terms(session: Session) -> HTML:
    rows = [(t["term"], t["meaning"]) for t in session.framework["equity_terms"]]
    return HTML(views.table(rows, ["Term", "How the workbook uses it"]))


def principles(session: Session) -> HTML:
    rows = [(p["name"], p["summary"], p["in_practice"]) for p in session.framework["principles"]]
    return HTML(views.table(rows, ["Principle", "What it means", "In practice"]))


def actor_types(session: Session) -> HTML:
    fw = session.framework
    rows = [(a["name"], a["summary"], ", ".join(a["examples"])) for a in fw["actor_types"]]
    return HTML(
        views.table(rows, ["Actor type", "Who they are", "Examples"])
        + views.paragraph(fw["actor_types_note"])
    )


def map_sections(session: Session) -> HTML:
    fw = session.framework
    titles = {s["number"]: s["title"] for s in fw.steps}
    rows = [
        (
            f"{s['number']}. {s['title']}",
            s["summary"],
            "; ".join(f"{n}. {titles[n]}" for n in s["steps"]),
            s["why_these_steps"],
        )
        for s in fw["map_sections"]
    ]
    return HTML(views.table(rows, ["Section", "What it holds", "Fed by steps", "Why"]))


def steps_overview(session: Session) -> HTML:
    rows = [
        (s["number"], s["title"], s["summary"], "; ".join(s["decides"]))
        for s in session.framework.steps
    ]
    return HTML(views.table(rows, ["Step", "Title", "What happens", "What it settles"]))


# --- the MAP's part -------------------------------------------------------------------


def map_how_we_got_here(plan: PublicPlan, session: Session) -> list[Block]:
    """Step 1 in the MAP: when the team studied the framework, and what it went through."""
    record = review.when_and_checklist(plan, 1)
    if not record:
        return []
    fw = session.framework
    predictors = sum(len(p["predictors"]) for p in fw.pillars)
    metrics = sum(1 for m in session.catalog if m.is_metric)
    intro = Paragraph(
        "The coalition began by learning the approach it follows: "
        f"{len(fw['dimensions'])} dimensions of mobility from poverty, "
        f"{len(fw.pillars)} pillars of support with {predictors} predictors measured by "
        f"{metrics} metric variables, {len(fw['metric_uses'])} ways to use the metrics, "
        f"{len(fw['principles'])} planning principles and {len(fw['actor_types'])} types "
        "of partners.",
        lead=True,
    )
    answers = plan.value(STEP.checklist_section) or {}
    covered = [item["text"] for item in STEP.checklist if answers.get(item["id"]) is True]
    blocks: list[Block] = [intro, *record]
    if covered:
        blocks += [Paragraph("What the team went through together:"), BulletList(tuple(covered))]
    return blocks
