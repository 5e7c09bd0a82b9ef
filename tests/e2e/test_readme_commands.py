"""The README's first commands work in the order a user meets them, also after an import."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

from workbook.data.sources import PROJECT_ROOT, SAMPLE_DIR

README = PROJECT_ROOT / "README.md"


def _example_block() -> list[list[str]]:
    """The commands of the README block that loads the example plan."""
    text = README.read_text(encoding="utf-8")
    start = text.index("load the example plan")
    block = re.search(r"```sh\n(.*?)```", text[start:], re.S).group(1)
    return [shlex.split(line) for line in block.splitlines() if line.strip()]


def test_example_plan_commands_work_after_an_import_and_twice(tmp_path):
    # The commands name paths relative to the project folder: run them in a copy of its
    # layout (data/ linked), so that what they write stays in this test's folder.
    (tmp_path / "data").symlink_to(PROJECT_ROOT / "data")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "WORKBOOK_HOME": str(tmp_path / "h")}
    env.pop("WORKBOOK_DATA_DIR", None)

    def workbook(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "workbook", *args],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip

    # A user who followed "Real data" first: imported data is now the default.
    assert workbook("data", "import", str(SAMPLE_DIR)).returncode == 0
    commands = _example_block()
    assert [c[0] for c in commands] == [".venv/bin/workbook"] * 2
    assert [c[1:3] for c in commands] == [["plan", "import"], ["run", "--steps"]]
    for command in commands:
        result = workbook(*command[1:])
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "output" / "98031" / "04_build_the_coalition.html").exists()
    again = workbook(*commands[0][1:])  # the same import a second time
    assert again.returncode == 2 and "Traceback" not in again.stderr
    assert "exists" in again.stderr
