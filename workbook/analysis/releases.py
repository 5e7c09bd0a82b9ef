"""What changed between two releases of the Mobility Metrics.

Urban revises its files about once a year, and a release can rewrite history: back-filled
years, revised or suppressed values, new or renamed metrics, places that appear or go
(Connecticut's counties became planning regions). :func:`compare_releases` lines the two
releases up table by table and lists every difference as one tidy row:

============================  ============================================================
change                        meaning
============================  ============================================================
``year_added``                a year the new release has and the old one did not
``year_missing``              a year the old release had and the new one lacks
``place_added``               a county or city only the new release has
``place_removed``             a county or city only the old release had
``metric_added``              a column only the new release has (not a rename)
``metric_removed``            a column only the old release had (not a rename)
``metric_renamed``            a column that disappeared while one with the same values
                              appeared (or that a rename map names)
``value_revised``             a past value that changed beyond rounding (old and new)
``value_suppressed``          a past value the new release no longer gives
``value_filled``              a past value the old release did not give and the new does
``quality_changed``           a quality flag (Strong, Marginal, Weak) that changed
============================  ============================================================

"Beyond rounding": the two values differ by more than :data:`RELATIVE_TOLERANCE` of the
larger one (and by more than :data:`ABSOLUTE_TOLERANCE`), so a value re-rounded to fewer
decimals does not count. Everything is vectorised; nothing here draws or writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from workbook.data.schema import IDENTIFIER_COLUMNS, TABLES

RELATIVE_TOLERANCE = 5e-4  # half a unit in the fourth significant digit
ABSOLUTE_TOLERANCE = 1e-9
COMPARED_TABLES = (
    "county_longitudinal",
    "place_longitudinal",
    "county_race_ethnicity",
    "place_race_ethnicity",
)
CHANGES = (
    "year_added",
    "year_missing",
    "place_added",
    "place_removed",
    "metric_added",
    "metric_removed",
    "metric_renamed",
    "value_revised",
    "value_suppressed",
    "value_filled",
    "quality_changed",
)
CHANGE_LABELS = {
    "year_added": "New years",
    "year_missing": "Years no longer in the release",
    "place_added": "Places added",
    "place_removed": "Places removed",
    "metric_added": "Metrics added",
    "metric_removed": "Metrics removed",
    "metric_renamed": "Metrics renamed",
    "value_revised": "Past values revised",
    "value_suppressed": "Past values no longer given",
    "value_filled": "Past values given for the first time",
    "quality_changed": "Quality flags changed",
}
COLUMNS = ("change", "table", "geography", "year", "subgroup", "variable", "old", "new")
NOT_COMPARED = set(IDENTIFIER_COLUMNS) | {"state_name", "county_name", "place_name"}


def empty_changes() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    frame["year"] = frame["year"].astype("Int64")
    return frame


def _rows(change: str, table: str, **columns) -> pd.DataFrame:
    """A block of change rows; scalars are broadcast to the longest column given."""
    size = max((len(v) for v in columns.values() if not np.isscalar(v) and v is not None),
               default=1)  # fmt: skip
    data = {}
    for name in COLUMNS:
        if name == "change":
            data[name] = [change] * size
        elif name == "table":
            data[name] = [table] * size
        else:
            value = columns.get(name)
            data[name] = (
                list(value) if value is not None and not np.isscalar(value) else [value] * size
            )
    return pd.DataFrame(data, columns=list(COLUMNS), dtype=object)


def _geography(frame: pd.DataFrame, kind: str) -> pd.Series:
    return frame["state"].astype(str) + frame[kind].astype(str)


def _is_quality(column: str) -> bool:
    return column.endswith("_quality")


def _numeric(frame: pd.DataFrame, column: str) -> bool:
    return pd.api.types.is_numeric_dtype(frame[column])


def _same_values(a: pd.Series, b: pd.Series) -> bool:
    """Both columns hold the same values (within rounding) and the same gaps."""
    if a.isna().ne(b.isna()).any():
        return False
    if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
        x, y = a.to_numpy(float), b.to_numpy(float)
        present = ~np.isnan(x)
        return bool(present.any()) and not _beyond_rounding(x[present], y[present]).any()
    present = a.notna()
    return bool(present.any()) and bool((a[present].astype(str) == b[present].astype(str)).all())


def _beyond_rounding(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    scale = np.maximum(np.abs(old), np.abs(new))
    return np.abs(new - old) > np.maximum(RELATIVE_TOLERANCE * scale, ABSOLUTE_TOLERANCE)


def find_renames(
    old: pd.DataFrame,
    new: pd.DataFrame,
    keys: Sequence[str],
    removed: Iterable[str],
    added: Iterable[str],
    renames: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Old column -> new column: the given map, then columns whose values match exactly."""
    removed, added = list(removed), list(added)
    found = {o: n for o, n in (renames or {}).items() if o in removed and n in added}
    left = [c for c in removed if c not in found]
    free = [c for c in added if c not in found.values()]
    if not left or not free:
        return found
    aligned = old[[*keys, *left]].merge(new[[*keys, *free]], on=list(keys), how="inner")
    if aligned.empty:
        return found
    for column in left:
        for candidate in free:
            if _same_values(aligned[column], aligned[candidate]):
                found[column] = candidate
                free.remove(candidate)
                break
    return found


def compare_table(
    old: pd.DataFrame,
    new: pd.DataFrame,
    table: str,
    renames: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Every change between two versions of one longitudinal or subgroup table."""
    spec = TABLES[table]
    kind = spec.kind
    keys = list(spec.key_columns)
    blocks: list[pd.DataFrame] = []

    old_years, new_years = set(old["year"].unique()), set(new["year"].unique())
    for change, years in (("year_added", new_years - old_years),
                          ("year_missing", old_years - new_years)):  # fmt: skip
        if years:
            blocks.append(_rows(change, table, year=sorted(int(y) for y in years)))

    old_geo, new_geo = _geography(old, kind), _geography(new, kind)
    old_places, new_places = set(old_geo.unique()), set(new_geo.unique())
    for change, places in (("place_added", new_places - old_places),
                           ("place_removed", old_places - new_places)):  # fmt: skip
        if places:
            blocks.append(_rows(change, table, geography=sorted(places)))

    old_columns = [c for c in old.columns if c not in NOT_COMPARED and c not in keys]
    new_columns = [c for c in new.columns if c not in NOT_COMPARED and c not in keys]
    removed = [c for c in old_columns if c not in set(new_columns)]
    added = [c for c in new_columns if c not in set(old_columns)]
    renamed = find_renames(old, new, keys, removed, added, renames)
    if renamed:
        blocks.append(_rows("metric_renamed", table, variable=list(renamed),
                            old=list(renamed), new=list(renamed.values())))  # fmt: skip
    gone = [c for c in removed if c not in renamed]
    fresh = [c for c in added if c not in set(renamed.values())]
    if gone:
        blocks.append(_rows("metric_removed", table, variable=gone))
    if fresh:
        blocks.append(_rows("metric_added", table, variable=fresh))

    # Values: the rows both releases have, each old column against its new name.
    pairs = [(c, renamed.get(c, c)) for c in old_columns if c not in gone]
    new_names = {n: f"{n}\0new" for _, n in pairs}
    aligned = old[[*keys, *(o for o, _ in pairs)]].merge(
        new[[*keys, *new_names]].rename(columns=new_names), on=keys, how="inner"
    )
    if not aligned.empty:
        blocks.extend(_value_changes(aligned, table, kind, pairs, new_names, spec.shape))
    if not blocks:
        return empty_changes()
    return pd.concat(blocks, ignore_index=True)


def _value_changes(aligned, table, kind, pairs, new_names, shape) -> list[pd.DataFrame]:
    geography = _geography(aligned, kind).to_numpy()
    years = aligned["year"].to_numpy()
    subgroups = aligned["subgroup"].to_numpy() if shape == "subgroup" else None
    blocks = []

    def block(change, rows, variable, old_values, new_values):
        blocks.append(_rows(
            change, table, geography=geography[rows], year=years[rows],
            subgroup=None if subgroups is None else subgroups[rows], variable=variable,
            old=old_values, new=new_values,
        ))  # fmt: skip

    numeric = [(o, n) for o, n in pairs if not _is_quality(o)
               and _numeric(aligned, o) and _numeric(aligned, new_names[n])]  # fmt: skip
    if numeric:
        before = aligned[[o for o, _ in numeric]].to_numpy(float)
        after = aligned[[new_names[n] for _, n in numeric]].to_numpy(float)
        had, has = ~np.isnan(before), ~np.isnan(after)
        with np.errstate(invalid="ignore"):
            revised = had & has & _beyond_rounding(before, after)
        for change, mask in (("value_revised", revised), ("value_suppressed", had & ~has),
                             ("value_filled", ~had & has)):  # fmt: skip
            rows, cols = np.nonzero(mask)
            if len(rows):
                names = np.array([n for _, n in numeric], dtype=object)[cols]
                block(change, rows, names, before[rows, cols], after[rows, cols])
    for o, n in pairs:
        if (o, n) in numeric:
            continue
        before, after = aligned[o], aligned[new_names[n]]
        differs = (before.isna() != after.isna()) | (
            before.notna() & after.notna() & (before.astype(str) != after.astype(str))
        )
        rows = np.flatnonzero(differs.to_numpy())
        if len(rows):
            change = "quality_changed" if _is_quality(o) else "value_revised"
            block(change, rows, n, before.to_numpy()[rows], after.to_numpy()[rows])
    return blocks


def compare_releases(
    old: Mapping[str, pd.DataFrame],
    new: Mapping[str, pd.DataFrame],
    renames: Mapping[str, str] | None = None,
    tables: Sequence[str] = COMPARED_TABLES,
) -> pd.DataFrame:
    """Every change between two releases (``{table name: frame}`` each), tidy.

    Only tables both releases hold are compared; a table only one holds is reported as
    the metrics it adds or removes.
    """
    blocks = []
    for table in tables:
        if table in old and table in new:
            blocks.append(compare_table(old[table], new[table], table, renames))
    blocks = [b for b in blocks if not b.empty]
    if not blocks:
        return empty_changes()
    out = pd.concat(blocks, ignore_index=True)
    out["year"] = pd.to_numeric(out["year"], errors="coerce").astype("Int64")
    order = {c: i for i, c in enumerate(CHANGES)}
    out["_order"] = out["change"].map(order)
    out = out.sort_values(["_order", "table"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)


def counts(changes: pd.DataFrame) -> pd.DataFrame:
    """How many changes of each kind, table by table (a small table for the screen)."""
    if changes.empty:
        return pd.DataFrame(columns=["change", "what", "table", "count"])
    out = changes.groupby(["change", "table"], sort=False).size().rename("count").reset_index()
    out.insert(1, "what", out["change"].map(CHANGE_LABELS))
    return out


def _listing(values: Iterable, limit: int = 6) -> str:
    values = [str(v) for v in values]
    shown = ", ".join(values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def summary(changes: pd.DataFrame, old_label: str = "the old release",
            new_label: str = "the new release") -> list[str]:  # fmt: skip
    """The report in sentences, most important first."""
    if changes.empty:
        return [f"Nothing changed between {old_label} and {new_label}."]
    lines = []
    for change in CHANGES:
        part = changes[changes["change"] == change]
        if part.empty:
            continue
        label = CHANGE_LABELS[change]
        if change.startswith("year_"):
            lines.append(f"{label}: {_listing(sorted(set(part['year'].dropna().astype(int))))}.")
        elif change.startswith("place_"):
            lines.append(f"{label}: {len(set(part['geography']))} ({_listing(part['geography'])}).")
        elif change == "metric_renamed":
            pairs = sorted({f"{o} -> {n}" for o, n in zip(part["old"], part["new"], strict=True)})
            lines.append(f"{label}: {_listing(pairs)}.")
        elif change.startswith("metric_"):
            lines.append(f"{label}: {_listing(sorted(set(part['variable'])))}.")
        else:
            places = part["geography"].nunique()
            lines.append(
                f"{label}: {len(part):,} values in {places:,} places, "
                f"{part['variable'].nunique()} metrics."
            )
    return lines


def for_place(changes: pd.DataFrame, geography: str) -> pd.DataFrame:
    """The changes that concern one place (its values, and the changes of the whole file)."""
    whole = changes["geography"].isna()
    return changes[whole | (changes["geography"] == str(geography))].reset_index(drop=True)


def baselines_touched(
    changes: pd.DataFrame, measures: Sequence[Mapping], geography: str
) -> pd.DataFrame:
    """Measures whose baseline value the new release revised (or no longer gives).

    A measure is touched when its metric (or what the metric was renamed to) has a
    revised, suppressed or newly given value for ``geography`` in its baseline year: the
    whole population's value, or for a group's measure that group's (both groups' for a
    gap, ``"gap:<group a>|<group b>"``).
    """
    columns = ["measure_id", "measure", "metric", "year", "old", "new", "change"]
    renamed = changes[changes["change"] == "metric_renamed"]
    new_name = dict(zip(renamed["old"], renamed["new"], strict=True))
    values = changes[
        changes["change"].isin(["value_revised", "value_suppressed", "value_filled"])
        & (changes["geography"] == str(geography))
    ]
    rows = []
    for m in measures:
        metric, base = m.get("metric"), m.get("baseline") or {}
        if not metric or base.get("year") in (None, ""):
            continue
        subgroup = str(m.get("subgroup") or "")
        # A group's measure reads the race and ethnicity table; a gap reads both groups.
        groups = subgroup.removeprefix("gap:").split("|") if subgroup else []
        same_group = values["subgroup"].isin(groups) if groups else values["subgroup"].isna()
        hit = values[
            values["variable"].isin([metric, new_name.get(metric, metric)])
            & (values["year"] == int(base["year"]))
            & same_group
        ]
        for r in hit.itertuples():
            rows.append((m.get("id"), m.get("name"), metric, int(base["year"]), r.old, r.new,
                         r.change))  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def tables_of(dataset, tables: Sequence[str] = COMPARED_TABLES) -> dict[str, pd.DataFrame]:
    """The compared tables a dataset (:class:`workbook.data.dataset.Dataset`) holds."""
    return {name: dataset.table(name) for name in tables if dataset.has(name)}
