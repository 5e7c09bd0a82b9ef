"""The ``.done`` marker that makes a jurisdiction's output finished, so a batch can resume.

A worker removes the marker before it writes a jurisdiction's files and writes it again
after them, naming the files, the mode and the dataset. The next run skips a folder only
when its marker matches (same mode, same dataset) and every file it names is there: an
interrupted or failed jurisdiction, or one made from other data, is made again.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from workbook.data.dataset import Dataset

DONE_MARKER = ".done"


def dataset_signature(data: Dataset) -> str:
    """Changes whenever the imported data does (its manifest records every source file)."""
    text = json.dumps(data.manifest, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _marker(folder: Path) -> Path:
    return folder / DONE_MARKER


def is_complete(folder: Path, mode: str, signature: str) -> bool:
    """True when ``folder`` holds a finished output of ``mode`` from the same dataset."""
    try:
        marker = json.loads(_marker(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if marker.get("mode") != mode or marker.get("dataset") != signature:
        return False
    return all((folder / name).is_file() for name in marker.get("files", []))


def clear_marker(folder: Path) -> None:
    """Mark ``folder`` unfinished: a re-run is unfinished until it ends."""
    _marker(folder).unlink(missing_ok=True)


def write_marker(folder: Path, key: str, mode: str, signature: str, files: list[str]) -> None:
    """Mark ``folder`` finished, once ``files`` (names inside it) are all written."""
    marker = {
        "key": key,
        "mode": mode,
        "dataset": signature,
        "files": files,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    _marker(folder).write_text(json.dumps(marker), encoding="utf-8")
