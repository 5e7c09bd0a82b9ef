"""Ctrl+C during `workbook run`: one line, no kernel left, exit 130, the partial copy marked."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import psutil

from tests.conftest import command_line, default_signals
from workbook.data.sources import PROJECT_ROOT, SAMPLE_DIR
from workbook.run.runner import INCOMPLETE_NOTE


def test_ctrl_c_stops_the_run_cleanly(tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "workbook", "run", "--data-dir", str(SAMPLE_DIR),
         "--steps", "2", "--output-dir", str(out)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "PYTHONUNBUFFERED": "1"},
        preexec_fn=default_signals,
    )  # fmt: skip
    notebook = out / "02_use_the_metrics.ipynb"
    kernels: list[psutil.Process] = []
    deadline = time.monotonic() + 120
    # Wait until the kernel is running the notebook, then press Ctrl+C.
    while not (notebook.exists() and kernels):
        assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
        kernels = [
            child
            for child in psutil.Process(process.pid).children(recursive=True)
            if "ipykernel" in command_line(child)
        ]
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.strip().count("\n") == 0, stderr  # one line
    assert "Ctrl+C" in stderr and "step 2" in stderr and "Traceback" not in stderr
    assert "Done." not in stdout
    gone, alive = psutil.wait_procs(kernels, timeout=10)
    assert alive == [], "the kernel outlived the run"
    saved = json.loads(notebook.read_text(encoding="utf-8"))
    assert saved["metadata"]["workbook"]["incomplete"] is True
    assert "".join(saved["cells"][0]["source"]) == INCOMPLETE_NOTE
    assert not notebook.with_suffix(".html").exists()  # no HTML copy of a partial run
