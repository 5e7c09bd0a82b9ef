"""Tables of rows kept inside the plan file: the values of a coalition's local data sets.

A local data set can hold 100,000 rows, too many for a JSON section rewritten at every
save. Its description (name, measures, units) is a record of the section
``step5.local_data``; its rows live here, in the table ``local_values`` of the same
SQLite file, so the plan stays one file to copy (``workbook plan backup`` copies the
table with everything else, and the full JSON export carries it).

The shapes of a data set's sub-areas, when the coalition gives them for a map, are kept
in ``local_boundaries`` (simplified GeoJSON), so dashboards and copies draw the map too.

A data set's rows are written in one transaction: all of them or none. Rows whose data
set is not (or no longer) described in the plan are never shown; :func:`prune` removes
them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbook.plan.errors import PlanValueError

if TYPE_CHECKING:
    from workbook.plan.public import PublicPlan
    from workbook.plan.store import PlanStore

TABLE = "local_values"
COLUMNS = ["place", "year", "measure", "subgroup", "value", "moe", "suppressed"]
CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (dataset_id TEXT NOT NULL, place TEXT NOT NULL, "
    "year INTEGER, measure TEXT NOT NULL, subgroup TEXT NOT NULL DEFAULT '', value REAL, "
    "moe REAL, suppressed INTEGER NOT NULL DEFAULT 0)"
)
INDEX = f"CREATE INDEX IF NOT EXISTS {TABLE}_dataset ON {TABLE} (dataset_id, measure)"
# The sub-areas' shapes a data set is mapped with (simplified GeoJSON), one row per set.
BOUNDARIES = "local_boundaries"
CREATE_BOUNDARIES = (
    f"CREATE TABLE IF NOT EXISTS {BOUNDARIES} (dataset_id TEXT PRIMARY KEY, "
    "key_property TEXT NOT NULL, geojson TEXT NOT NULL)"
)


def _store(source: PlanStore | PublicPlan) -> PlanStore:
    """The store behind a PlanStore or a PublicPlan (local values hold no private part)."""
    return getattr(source, "_store", source)


def has_table(conn: sqlite3.Connection, name: str = TABLE) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def _rows(frame: pd.DataFrame, dataset_id: str) -> list[tuple]:
    """SQLite rows of a data set (missing values as NULL), built column by column."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise PlanValueError(f"local values need the columns {', '.join(missing)}")

    def nullable(series: pd.Series, kind: type) -> list:
        values = series.to_numpy(dtype=object)
        empty = pd.isna(values)
        return [None if e else kind(v) for v, e in zip(values, empty, strict=True)]

    columns = [
        [dataset_id] * len(frame),
        frame["place"].astype(str).tolist(),
        nullable(frame["year"].astype("Int64"), int),
        frame["measure"].astype(str).tolist(),
        frame["subgroup"].fillna("").astype(str).tolist(),
        nullable(frame["value"].astype("float64"), float),
        nullable(frame["moe"].astype("float64"), float),
        frame["suppressed"].astype(bool).astype(int).tolist(),
    ]
    return list(zip(*columns, strict=True))


def insert_rows(conn: sqlite3.Connection, dataset_id: str, rows: Iterable[tuple]) -> None:
    """Replace a data set's rows inside the caller's transaction."""
    conn.execute(CREATE)
    conn.execute(INDEX)
    conn.execute(f"DELETE FROM {TABLE} WHERE dataset_id = ?", (dataset_id,))
    conn.executemany(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def write_local_values(store: PlanStore, dataset_id: str, frame: pd.DataFrame) -> int:
    """Store ``frame`` as the rows of ``dataset_id`` (replacing any), in one transaction."""
    if not dataset_id:
        raise PlanValueError("a local data set needs an id to store its values under")
    store._require_writable(f"local values of {dataset_id}")
    rows = _rows(frame, dataset_id)
    with store._writing() as conn:
        insert_rows(conn, dataset_id, rows)
    return len(rows)


def delete_local_values(store: PlanStore, dataset_id: str) -> None:
    """Remove the rows and boundaries of ``dataset_id`` (its description stays in the
    plan's history)."""
    store._require_writable(f"local values of {dataset_id}")
    with store._writing() as conn:
        for name in (TABLE, BOUNDARIES):
            if has_table(conn, name):
                conn.execute(f"DELETE FROM {name} WHERE dataset_id = ?", (dataset_id,))


def write_boundaries(
    store: PlanStore, dataset_id: str, collection: dict[str, Any], key_property: str
) -> None:
    """Keep a data set's simplified shapes (a GeoJSON FeatureCollection), replacing any."""
    store._require_writable(f"boundaries of {dataset_id}")
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    with store._writing() as conn:
        conn.execute(CREATE_BOUNDARIES)
        conn.execute(
            f"INSERT OR REPLACE INTO {BOUNDARIES} VALUES (?, ?, ?)",
            (dataset_id, key_property, text),
        )


def boundaries(source: PlanStore | PublicPlan, dataset_id: str) -> dict[str, Any] | None:
    """A data set's shapes as a GeoJSON FeatureCollection, or None when none were given."""
    store = _store(source)
    with store._reading() as conn:
        if not has_table(conn, BOUNDARIES):
            return None
        row = conn.execute(
            f"SELECT geojson FROM {BOUNDARIES} WHERE dataset_id = ?", (dataset_id,)
        ).fetchone()
    return json.loads(row[0]) if row else None


def prune(store: PlanStore, keep: Iterable[str]) -> int:
    """Remove the rows of every data set not in ``keep``; returns how many went."""
    keep = list(keep)
    with store._writing() as conn:
        if not has_table(conn):
            return 0
        marks = ", ".join("?" for _ in keep) or "''"
        if has_table(conn, BOUNDARIES):
            conn.execute(f"DELETE FROM {BOUNDARIES} WHERE dataset_id NOT IN ({marks})", keep)
        cursor = conn.execute(f"DELETE FROM {TABLE} WHERE dataset_id NOT IN ({marks})", keep)
        return cursor.rowcount


def _frame(records: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=COLUMNS)
    return frame.astype(
        {
            "place": object,
            "year": "Int64",
            "measure": object,
            "subgroup": object,
            "value": "float64",
            "moe": "float64",
            "suppressed": "bool",
        }
    )


def local_values(source: PlanStore | PublicPlan, dataset_id: str) -> pd.DataFrame:
    """The rows of one local data set: place, year, measure, subgroup, value, moe,
    suppressed (empty when the plan holds none)."""
    store = _store(source)
    with store._reading() as conn:
        if not has_table(conn):
            return _frame([])
        records = conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM {TABLE} WHERE dataset_id = ? ORDER BY rowid",
            (dataset_id,),
        ).fetchall()
    return _frame(records)


def counts(source: PlanStore | PublicPlan) -> dict[str, int]:
    """Rows kept per data set id."""
    store = _store(source)
    with store._reading() as conn:
        if not has_table(conn):
            return {}
        return dict(conn.execute(f"SELECT dataset_id, COUNT(*) FROM {TABLE} GROUP BY dataset_id"))


# --- JSON export and import (used by workbook.plan.transfer) ---------------------------


def export_rows(conn: sqlite3.Connection) -> dict[str, Any]:
    """Every data set's rows as plain lists, and its boundaries, for the full JSON export
    ({} if none)."""
    out: dict[str, Any] = {"columns": COLUMNS, "datasets": {}}
    if has_table(conn):
        for dataset_id, *row in conn.execute(
            f"SELECT dataset_id, {', '.join(COLUMNS)} FROM {TABLE} ORDER BY dataset_id, rowid"
        ):
            row[-1] = bool(row[-1])
            out["datasets"].setdefault(dataset_id, []).append(row)
    if has_table(conn, BOUNDARIES):
        out["boundaries"] = {
            dataset_id: {"key_property": key, "geojson": json.loads(text)}
            for dataset_id, key, text in conn.execute(
                f"SELECT dataset_id, key_property, geojson FROM {BOUNDARIES} ORDER BY dataset_id"
            )
        }
    return out if out["datasets"] or out.get("boundaries") else {}


def import_rows(conn: sqlite3.Connection, exported: Any) -> None:
    """Put back rows written by :func:`export_rows`, inside the caller's transaction."""
    if not exported:
        return
    if exported.get("boundaries"):
        conn.execute(CREATE_BOUNDARIES)
        for dataset_id, entry in exported["boundaries"].items():
            text = json.dumps(entry["geojson"], separators=(",", ":"), ensure_ascii=False)
            conn.execute(
                f"INSERT INTO {BOUNDARIES} VALUES (?, ?, ?)",
                (str(dataset_id), str(entry["key_property"]), text),
            )
    if list(exported["columns"]) != COLUMNS:
        raise ValueError(f"local_values.columns is {exported['columns']!r}")
    for dataset_id, rows in exported["datasets"].items():
        insert_rows(
            conn,
            str(dataset_id),
            (
                (
                    str(dataset_id),
                    str(p),
                    None if y is None else int(y),
                    str(m),
                    str(s or ""),
                    None if v is None else float(v),
                    None if e is None else float(e),
                    int(bool(x)),
                )
                for p, y, m, s, v, e, x in rows
            ),
        )
