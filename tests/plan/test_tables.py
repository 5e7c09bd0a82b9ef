"""Local data rows kept in the plan file: written whole, read back, copied and exported."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from workbook.cli import main as cli
from workbook.plan import tables
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore, ReadOnlyError, import_plan


def frame(n: int = 3, measure: str = "renters") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "place": [f"98031{i:06d}" for i in range(n)],
            "year": [2021] * (n - 1) + [None],
            "measure": measure,
            "subgroup": ["", "Black", ""][:n] + [""] * max(0, n - 3),
            "value": [0.25, None, 0.5] + [0.1] * max(0, n - 3),
            "moe": [0.02, None, None] + [None] * max(0, n - 3),
            "suppressed": [False, True, False] + [False] * max(0, n - 3),
        }
    )


def test_rows_go_in_and_come_back_with_keys_as_text(plan):
    with PlanStore.open(plan) as store:
        assert tables.local_values(store, "ds1").empty  # no table yet: empty, not an error
        assert tables.write_local_values(store, "ds1", frame()) == 3
        back = tables.local_values(store, "ds1")
    assert list(back.columns) == tables.COLUMNS
    assert back.loc[0, "place"] == "98031000000"
    assert back.loc[1, "suppressed"] and pd.isna(back.loc[1, "value"])  # suppressed, not 0
    assert pd.isna(back.loc[2, "year"]) and back.loc[0, "moe"] == 0.02


def test_a_data_set_is_written_whole_or_not_at_all(plan):
    with PlanStore.open(plan) as store:
        tables.write_local_values(store, "ds1", frame())
        broken = frame().astype({"value": object})
        broken.loc[2, "value"] = "not a number"
        with pytest.raises(ValueError):
            tables.write_local_values(store, "ds1", broken)
        assert len(tables.local_values(store, "ds1")) == 3  # the old rows, untouched

        def failing_rows(conn, dataset_id, rows):
            conn.execute(f"DELETE FROM {tables.TABLE} WHERE dataset_id = ?", (dataset_id,))
            raise RuntimeError("power cut")

        original = tables.insert_rows
        tables.insert_rows = failing_rows
        try:
            with pytest.raises(RuntimeError):
                tables.write_local_values(store, "ds1", frame(5))
        finally:
            tables.insert_rows = original
        assert len(tables.local_values(store, "ds1")) == 3  # rolled back


def test_a_view_mode_plan_reads_rows_but_cannot_write_them(plan):
    with PlanStore.open(plan) as store:
        tables.write_local_values(store, "ds1", frame())
    with PlanStore.open(plan, read_only=True) as view:
        assert len(tables.local_values(view, "ds1")) == 3
        assert len(tables.local_values(PublicPlan(view), "ds1")) == 3
        with pytest.raises(ReadOnlyError):
            tables.write_local_values(view, "ds1", frame())


def test_delete_and_prune(plan):
    with PlanStore.open(plan) as store:
        for name in ("a", "b", "c"):
            tables.write_local_values(store, name, frame())
        tables.write_boundaries(store, "c", {"type": "FeatureCollection", "features": []}, "id")
        tables.delete_local_values(store, "a")
        assert tables.prune(store, ["b"]) == 3
        assert tables.boundaries(store, "c") is None
        assert tables.counts(store) == {"b": 3}


def test_workbook_plan_backup_copies_the_rows(plan, tmp_path, capsys):
    with PlanStore.open(plan) as store:
        tables.write_local_values(store, "ds1", frame())
    copy = tmp_path / "copy.sqlite"
    assert cli(["plan", "backup", str(plan), str(copy)]) == 0
    with PlanStore.open(copy, read_only=True) as store:
        assert len(tables.local_values(store, "ds1")) == 3


def test_the_full_json_export_carries_the_rows_and_rebuilds_them(plan, tmp_path):
    with PlanStore.open(plan) as store:
        store.save("step5.local_data", [{"id": "ds1", "name": "Renters"}], 0)
        tables.write_local_values(store, "ds1", frame())
        shapes = {"type": "FeatureCollection", "features": []}
        tables.write_boundaries(store, "ds1", shapes, "GEOID")
        exported = store.export_plan(tmp_path / "plan.json")
        public = store.export_data(public=True)
        before = tables.local_values(store, "ds1")
    assert "local_values" not in public
    data = json.loads(exported.read_text())
    assert data["local_values"]["datasets"]["ds1"][0][:2] == ["98031000000", 2021]
    rebuilt = import_plan(exported, tmp_path / "rebuilt.sqlite")
    with PlanStore.open(rebuilt, read_only=True) as store:
        pd.testing.assert_frame_equal(tables.local_values(store, "ds1"), before)
        assert store.get("step5.local_data").value[0]["id"] == "ds1"
        assert tables.boundaries(store, "ds1") == shapes
