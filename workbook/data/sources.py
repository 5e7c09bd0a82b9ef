"""Where the data comes from, in a fixed order.

1. an explicit ``data_dir`` (notebook parameter or ``--data-dir``);
2. the ``WORKBOOK_DATA_DIR`` environment variable;
3. the folder that ``workbook data import`` filled;
4. the synthetic sample shipped in ``data/sample``.

Releases: ``workbook data import FOLDER --release 2026`` also keeps a copy of each
release under ``<home>/releases/<release>/``, side by side; a release is never
overwritten, so a later one can be compared with the one before (what changed).

A folder of official CSV files is imported on first use into a cache of Parquet files,
re-used until a source file changes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from workbook.data.importer import (
    ImportReport,
    _move_into_place,
    discover,
    import_folder,
    read_manifest,
    source_signature,
)
from workbook.errors import DataSourceError, ParameterError

ENV_DATA_DIR = "WORKBOOK_DATA_DIR"
ENV_HOME = "WORKBOOK_HOME"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"
# Set beside ENV_DATA_DIR by `workbook serve` when the folder came from its --data-dir.
ENV_DATA_GIVEN = "WORKBOOK_DATA_DIR_GIVEN"


@dataclass(frozen=True)
class DataSource:
    """A data folder and how it was chosen."""

    path: Path
    origin: str  # "parameter", "environment", "server", "imported", "release" or "sample"

    @property
    def explanation(self) -> str:
        return {
            "parameter": "chosen with the data_dir parameter (--data-dir)",
            "environment": f"from the {ENV_DATA_DIR} environment variable",
            "server": "chosen with --data-dir when the dashboards were started",
            "imported": "imported earlier with 'workbook data import'",
            "release": "a release kept with 'workbook data import --release'",
            "sample": "the bundled synthetic sample (no real data was given or imported)",
        }[self.origin]


def workbook_home() -> Path:
    """Folder for the workbook's own files: imported data and caches."""
    if os.environ.get(ENV_HOME):
        return Path(os.environ[ENV_HOME]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "mobility-workbook"


def imported_dir() -> Path:
    return workbook_home() / "imported"


def releases_dir() -> Path:
    """Where each imported release is kept, one folder per release label."""
    return workbook_home() / "releases"


RELEASE_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


def release_dir(release: str) -> Path:
    """The folder of release ``release``; the label must be a plain name such as 2026."""
    label = str(release or "").strip()
    if not RELEASE_LABEL.fullmatch(label):
        raise ParameterError(
            "release",
            release,
            "is not a usable release label",
            "Use letters, digits, dots, dashes or underscores, such as 2026 or 2026-rev1",
        )
    return releases_dir() / label


def list_releases() -> list[dict]:
    """The kept releases, oldest import first: each its manifest plus its ``folder``."""
    found = []
    root = releases_dir()
    if not root.is_dir():
        return found
    for folder in root.iterdir():
        manifest = read_manifest(folder) if folder.is_dir() else None
        if manifest is not None:
            found.append({**manifest, "release": folder.name, "folder": folder})
    return sorted(found, key=lambda m: (str(m.get("imported_at", "")), m["release"]))


def import_release(source: Path, release: str, make_current: bool = True) -> ImportReport:
    """Import ``source`` as release ``release`` beside the earlier ones, never over one.

    With ``make_current`` the release also becomes the imported data in use (as a plain
    ``workbook data import`` would), so notebooks pick it up.
    """
    dest = release_dir(release)
    earlier = read_manifest(dest)
    if earlier is not None:
        raise DataSourceError(
            f"release '{dest.name}' was imported already (on "
            f"{str(earlier.get('imported_at', ''))[:10]}, from "
            f"'{Path(str(earlier.get('source_folder', ''))).name}'); a release is never "
            "overwritten. Fix: give these files another label, e.g. "
            f"--release {dest.name}-rev1"
        )
    report = import_folder(source, dest, release=dest.name)
    if make_current:
        current = imported_dir()
        current.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{current.name}-", dir=current.parent))
        try:
            shutil.copytree(dest, work, dirs_exist_ok=True)
            _move_into_place(work, current)
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
    return report


def cache_dir_for(folder: Path) -> Path:
    digest = hashlib.sha1(str(Path(folder).resolve()).encode()).hexdigest()[:16]
    return workbook_home() / "cache" / digest


def resolve(data_dir: str | os.PathLike | None = None) -> DataSource:
    """Choose the data folder by the documented order."""
    if data_dir not in (None, ""):
        path = Path(str(data_dir)).expanduser()
        if not path.is_dir():
            raise ParameterError(
                "data_dir",
                str(data_dir),
                "is not an existing folder",
                "Give the folder holding the Mobility Metrics CSV files, or leave it empty "
                "to use imported data or the bundled sample",
            )
        return DataSource(path, "parameter")
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            raise DataSourceError(
                f"{ENV_DATA_DIR}='{env}' is not an existing folder: fix or unset the variable"
            )
        # `workbook serve --data-dir` hands its folder to the kernels through the variable.
        return DataSource(path, "server" if os.environ.get(ENV_DATA_GIVEN) else "environment")
    if read_manifest(imported_dir()) is not None:
        return DataSource(imported_dir(), "imported")
    if not SAMPLE_DIR.is_dir():
        raise DataSourceError(
            f"the bundled sample folder '{SAMPLE_DIR}' is missing: restore it from the "
            "repository, or give data_dir"
        )
    return DataSource(SAMPLE_DIR, "sample")


def prepared_folder(source: DataSource) -> Path:
    """A folder of imported Parquet tables for ``source``, importing it if needed."""
    if read_manifest(source.path) is not None:
        return source.path
    files = discover(source.path)
    cache = cache_dir_for(source.path)
    manifest = read_manifest(cache)
    if manifest is None or manifest.get("source_files") != source_signature(files):
        import_folder(source.path, cache)
    return cache
