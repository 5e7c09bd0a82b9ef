"""Helpers shared by the plan tests."""

from __future__ import annotations

import hashlib
from pathlib import Path


def digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, to show a file was left exactly as it was."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
