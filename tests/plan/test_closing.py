"""A plan file holds every save once the notebooks that saved are closed or gone, so a
copy of the .sqlite file alone is complete."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.plan.helpers import digest
from tests.plan.store_writer import PEERS
from workbook.plan.store import PlanStore

WRITER = Path(__file__).with_name("store_writer.py")


def copy_alone(plan: Path, folder: Path) -> Path:
    """Copy only the .sqlite file, as a person would with a file manager."""
    folder.mkdir()
    return Path(shutil.copy(plan, folder / plan.name))


def sections_in(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT name, value FROM sections"))


def test_a_kernel_that_exits_leaves_its_saves_in_the_plan_file(plan, tmp_path):
    done = subprocess.run(
        [sys.executable, str(WRITER), "exit", str(plan)], capture_output=True, text=True
    )
    assert done.returncode == 0 and "saved" in done.stdout, done.stderr
    copy = copy_alone(plan, tmp_path / "copy")
    with PlanStore.open(copy, read_only=True) as store:
        assert store.get("step2.peers").value == PEERS


def test_a_kernel_killed_before_its_exit_hooks_still_left_its_saves_in_the_file(plan, tmp_path):
    done = subprocess.run(
        [sys.executable, str(WRITER), "killed", str(plan)], capture_output=True, text=True
    )
    assert "saved" in done.stdout, done.stderr
    copy = copy_alone(plan, tmp_path / "copy")
    with PlanStore.open(copy, read_only=True) as store:
        assert store.get("step2.peers").value == PEERS


def test_closing_a_store_leaves_its_saves_in_the_file_while_others_keep_it_open(plan, tmp_path):
    reader = PlanStore.open(plan, read_only=False)  # another notebook, still open
    try:
        with PlanStore.open(plan, author="Ana") as store:
            store.save("step1.checklist", {"done": True}, 0)
        copy = copy_alone(plan, tmp_path / "copy")
        assert '{"done":true}' == sections_in(copy)["step1.checklist"]
    finally:
        reader.close()


def test_a_view_mode_store_never_writes_the_file(plan):
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), "hold", str(plan)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "holding"
        before = digest(plan)
        with PlanStore.open(plan, read_only=True) as view:
            assert view.get("busy").value == {"n": 49}
        assert digest(plan) == before  # no checkpoint from a view
    finally:
        proc.communicate("", timeout=30)
