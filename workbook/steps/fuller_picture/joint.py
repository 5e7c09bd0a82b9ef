"""Joint displays: each priority predictor's metrics, local data, themes and quotes together."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from workbook.analysis import qualitative as qual
from workbook.analysis.compare import compare
from workbook.display import views
from workbook.errors import WorkbookError
from workbook.session import Session
from workbook.steps.fuller_picture.sections import listed, predictor_names, priority_predictors

LOCAL_TABLES = "workbook.plan.tables"  # Step 5's tables of local values, once it exists


def local_reader() -> Any:
    """Step 5's ``local_values(store, dataset_id)``, or None in a tree without it."""
    try:
        module = importlib.import_module(LOCAL_TABLES)
    except ModuleNotFoundError as exc:
        if exc.name in (LOCAL_TABLES, "workbook.plan"):
            return None
        raise
    return getattr(module, "local_values", None)


def local_sentences(
    datasets: Sequence[Mapping[str, Any]], store: Any = None
) -> dict[str, list[str]]:
    """Per predictor, one line per local measure linked to it (Step 5's local data),
    with its latest value when the plan holds the rows and they cover one place."""
    values = local_reader() if store is not None else None
    lines: dict[str, list[str]] = {}
    for dataset in datasets:
        if not isinstance(dataset, Mapping):
            continue
        for measure in dataset.get("measures") or []:
            if not isinstance(measure, Mapping) or not measure.get("predictor"):
                continue
            text = f"{measure.get('name')} ({dataset.get('name')}"
            text += f", {measure['quality']})" if measure.get("quality") else ")"
            latest = _latest_value(values, store, dataset.get("id"), measure.get("id"))
            if latest:
                text += f": {latest}"
            lines.setdefault(str(measure["predictor"]), []).append(text)
    return lines


def _latest_value(values, store, dataset_id, measure_id) -> str:
    if values is None or not dataset_id:
        return ""
    try:
        frame = values(store, dataset_id)
        rows = frame[(frame["measure"] == measure_id) & frame["value"].notna()]
        if "subgroup" in rows:
            rows = rows[rows["subgroup"].isna() | (rows["subgroup"] == "")]
        if rows.empty:
            return ""
        if "place" in rows and rows["place"].nunique() > 1:
            years = rows["year"]
            return f"{rows['place'].nunique()} places, {years.min()}-{years.max()}"
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
        named = {p for c in codes for p in listed(c.get("predictors"))}
        named |= {p for f in findings for p in listed(f.get("predictors"))}
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
            (
                "Findings",
                " ".join(f if f.endswith((".", "!", "?")) else f"{f}." for f in r.findings)
                or "None yet.",
            ),  # fmt: skip
        ]
        parts.append(views.heading(r.predictor, 4) + views.table(rows, ["", ""]))
    return "".join(parts)
