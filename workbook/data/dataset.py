"""The Mobility Metrics as the notebooks see them: typed tables, a label, a jurisdiction index."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from workbook.data.catalog import Catalog, load_catalog
from workbook.data.importer import read_manifest
from workbook.data.jurisdictions import Jurisdiction, build_index, find
from workbook.data.schema import TABLES
from workbook.data.sources import DataSource, prepared_folder, release_dir, resolve
from workbook.errors import DataSourceError, ParameterError


class Dataset:
    """An imported Mobility Metrics dataset (real or synthetic), read lazily table by table."""

    def __init__(self, folder: Path, source: DataSource) -> None:
        manifest = read_manifest(folder)
        if manifest is None:
            raise DataSourceError(f"'{folder}' is not an imported Mobility Metrics folder")
        self.folder = Path(folder)
        self.source = source
        self.manifest = manifest
        self.catalog: Catalog = load_catalog()
        self._tables: dict[str, pd.DataFrame] = {}
        self._rows: dict[tuple, pd.DataFrame] = {}
        self._years: dict[str, dict[str, list[int]]] = {}

    @property
    def synthetic(self) -> bool:
        return bool(self.manifest["synthetic"])

    @property
    def label(self) -> str:
        """Dataset name, release and years, e.g. for a notebook header."""
        m = self.manifest
        release = f", {m['release']}" if m["release"] and not self.synthetic else ""
        return f"{m['dataset']}{release}; {self._years_text}"

    @property
    def reader_label(self) -> str:
        """Dataset name and years, for pages readers see: which build of the files (a
        date and a commit) is a note for whoever runs the notebooks, not a headline."""
        return f"{self.manifest['dataset']}; {self._years_text}"

    @property
    def release_text(self) -> str:
        """Which release or build of the files this is ('' for the sample)."""
        return "" if self.synthetic else str(self.manifest["release"] or "")

    @property
    def _years_text(self) -> str:
        years = self.manifest["years"]
        return f"data years {years[0]}-{years[-1]}" if years else "no years"

    def has(self, table: str) -> bool:
        return table in self.manifest["tables"]

    def table(self, name: str) -> pd.DataFrame:
        """One of the six tables (see ``workbook.schema.TABLES``); raises if not imported."""
        if name not in TABLES:
            raise KeyError(f"unknown table '{name}': use one of {', '.join(TABLES)}")
        if not self.has(name):
            raise DataSourceError(
                f"this dataset has no {name.replace('_', ' ')} table: import the matching "
                "official file to use it"
            )
        if name not in self._tables:
            self._tables[name] = pd.read_parquet(self.folder / f"{name}.parquet")
        return self._tables[name]

    def rows(
        self, name: str, keys: list[str] | tuple[str, ...] = (), states: tuple[str, ...] = ()
    ) -> pd.DataFrame:
        """A table's rows for some places (by key) and whole states, index 0..n-1.

        A page about one place needs its own history, its peers' and its state's, not
        every county's: read that way, Step 2's kernel holds a few thousand rows of the
        long tables instead of all of them (about 100 MB less for the county tables).
        Uses the whole table when this process has already loaded it.
        """
        if name not in TABLES:
            raise KeyError(f"unknown table '{name}': use one of {', '.join(TABLES)}")
        keys, states = tuple(sorted(set(keys))), tuple(sorted(set(states)))
        cached = self._rows.get((name, keys, states))
        if cached is not None:
            return cached
        kind = TABLES[name].kind
        wanted = sorted({key[:2] for key in keys} | set(states))
        if name in self._tables or not self.has(name):
            frame = self.table(name)
            frame = frame[frame["state"].isin(wanted)]
        else:
            frame = pd.read_parquet(
                self.folder / f"{name}.parquet", filters=[("state", "in", wanted)]
            )
            release_read_buffers()
        mask = (frame["state"] + frame[kind]).isin(keys) | frame["state"].isin(states)
        result = frame[mask].reset_index(drop=True)
        if len(self._rows) >= 16:  # a handful of pages' worth; forget the oldest
            self._rows.pop(next(iter(self._rows)))
        self._rows[(name, keys, states)] = result
        return result

    @property
    def loaded_tables(self) -> list[str]:
        """The tables this process holds in memory so far."""
        return sorted(self._tables)

    def columns(self, name: str, columns: list[str]) -> pd.DataFrame:
        """Some columns of a table, without loading the rest when it is not loaded yet."""
        if name in self._tables or not self.has(name):
            return self.table(name)[columns]
        frame = pd.read_parquet(self.folder / f"{name}.parquet", columns=columns)
        release_read_buffers()
        return frame

    @cached_property
    def index(self) -> pd.DataFrame:
        """Every county and city of the dataset (see ``jurisdictions.build_index``).

        Reads only the columns it needs, so a page that shows no trend (Steps 3 and 4)
        does not hold the longitudinal tables: with the real data such a kernel measured
        191 MB instead of about 265 MB (``bench/dashboards.py``).
        """
        longitudinal = {
            kind: self.columns(
                f"{kind}_longitudinal",
                ["year", "state", kind, f"{kind}_name", "state_name", "population"],
            )
            for kind in ("county", "place")
            if self.has(f"{kind}_longitudinal")
        }
        return build_index(longitudinal)

    def find(self, query: object, kind: str | None = None) -> Jurisdiction:
        """The jurisdiction named by ``query`` (FIPS key as text or int, or a name)."""
        return find(self.index, query, kind)

    def years(self, variable: str, kind: str) -> list[int]:
        """Years in which any geography of ``kind`` has a value of ``variable``."""
        if kind not in self._years:
            name = f"{kind}_longitudinal"
            # Worked out for every column at once; a table not loaded yet is read for
            # this and let go, so that pages listing years do not keep it in memory.
            frame = self._tables.get(name)
            if frame is None and not self.has(name):
                frame = self.table(name)  # says which file to import
            if frame is None:
                # Read as Arrow columns, never as a pandas frame of Python strings: the
                # kernel's memory then goes back down (about 50 MB for the county table).
                self._years[kind] = _years_with_values(
                    pq.read_table(self.folder / f"{name}.parquet")
                )
                release_read_buffers()
            else:
                present = frame.notna()
                present.index = frame["year"]
                by_year = present.groupby(level=0).any()
                self._years[kind] = {
                    column: [int(year) for year in by_year.index[by_year[column]]]
                    for column in by_year.columns
                }
        return self._years[kind].get(variable, [])

    @property
    def default_jurisdiction(self) -> str | None:
        """The sample's suggested jurisdiction key (None for real data)."""
        return self.manifest.get("default_jurisdiction") or None


def release_read_buffers() -> None:
    """Give back the memory Arrow used to read a file.

    Arrow's allocator keeps freed blocks for reuse; after reading a whole table to keep a
    few thousand rows, that is some 35 MB a dashboard kernel would hold for nothing.
    """
    pa.default_memory_pool().release_unused()


def _years_with_values(table: pa.Table) -> dict[str, list[int]]:
    """Per column of an Arrow table, the sorted years in which it has any value."""
    year = table.column("year")
    found = {}
    for column in table.column_names:
        values = table.column(column)
        valid = pc.is_valid(values)
        if pa.types.is_floating(values.type):  # NaN is missing too, as pandas reads it
            valid = pc.and_(valid, pc.invert(pc.is_nan(values)))
        present = pc.filter(year, valid)
        found[column] = sorted(int(y) for y in pc.unique(present).to_pylist() if y is not None)
    return found


_OPEN: dict[tuple[str, str], Dataset] = {}


def open_dataset(data_dir: str | os.PathLike | None = None) -> Dataset:
    """Open the dataset chosen by the documented order, importing CSV files on first use.

    Opened datasets are kept for the life of the process, so re-running a notebook cell
    does not read the files again.
    """
    source = resolve(data_dir)
    folder = prepared_folder(source)
    stamp = str((folder / "manifest.json").stat().st_mtime_ns)
    # The origin is part of the key: a dataset says where it came from (page headers,
    # what `workbook serve` hands its kernels), and the same folder can be reached as
    # the sample or as a folder someone chose.
    key = (str(folder.resolve()), stamp, source.origin)
    if key not in _OPEN:
        _OPEN[key] = Dataset(folder, source)
    return _OPEN[key]


def open_release(release: str) -> Dataset:
    """A release kept by ``workbook data import --release`` (see ``sources.list_releases``)."""
    folder = release_dir(release)
    if read_manifest(folder) is None:
        raise DataSourceError(
            f"no release '{folder.name}' is kept: import it with 'workbook data import "
            f"FOLDER --release {folder.name}' (workbook data describe lists the kept ones)"
        )
    return Dataset(folder, DataSource(folder, "release"))


def find_jurisdiction(data, jurisdiction: object):
    """The place a command is for: ``jurisdiction``, or the sample's county when empty."""
    if jurisdiction in (None, ""):
        jurisdiction = data.default_jurisdiction
    if jurisdiction in (None, ""):
        raise ParameterError(
            "jurisdiction",
            jurisdiction,
            f"{data.label} has no default place (only the synthetic sample has one)",
            "Choose the county or city: a FIPS key such as 06037 or a name such as "
            "'Cook County, Illinois' (workbook run --jurisdiction ...; in a notebook, the "
            "jurisdiction parameter). To try the workbook on the sample, add "
            "--data-dir data/sample",
        )
    return data.find(jurisdiction)
