"""Read Urban's official Mobility Metrics files, check them, and keep a fast columnar copy.

``read_table`` reads and validates one CSV; ``import_folder`` does it for a whole
download, derives the "recent" tables when only longitudinal files were downloaded, and
writes Parquet files plus a ``manifest.json`` describing what it found. Loading that
folder later takes a fraction of a second instead of parsing CSV again.
"""

from __future__ import annotations

import csv as csv_module
import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbook.data.catalog import Catalog, load_catalog
from workbook.data.schema import (
    CODE_WIDTHS,
    IDENTIFIER_COLUMNS,
    KNOWN_EXTRA_COLUMNS,
    QUALITY_LEVELS,
    QUALITY_SCORES,
    TABLES,
    TableSpec,
    table_for_file,
)
from workbook.errors import DataFileError, DataSourceError, printable

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "mobility-workbook-data"
MANIFEST_VERSION = 1
SAMPLE_MARKER = "SAMPLE.json"
REDOWNLOAD = "download the file again from the Urban Institute Data Catalog"


@dataclass
class TableResult:
    """A validated table and what was noticed while reading it."""

    spec: TableSpec
    frame: pd.DataFrame
    source_file: str
    notes: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)


def _examples(values: pd.Series, limit: int = 3) -> str:
    shown = [repr(v) for v in pd.unique(values)[:limit]]
    return ", ".join(shown)


def _check_codes(frame: pd.DataFrame, file: str, column: str, notes: list[str]) -> None:
    width = CODE_WIDTHS[column]
    codes = frame[column]
    if codes.isna().any():
        rows = int(codes.isna().sum())
        raise DataFileError(
            file, f"{rows} rows have no {column} code", f"every row needs one; {REDOWNLOAD}", column
        )
    codes = codes.astype(str).str.strip()
    # A spreadsheet that saved codes as numbers drops the leading zeros ("1" for "01");
    # restoring them is unambiguous because every code has a fixed width.
    digits = codes.str.fullmatch(r"\d+")
    if not digits.all():
        bad = codes[~digits]
        raise DataFileError(
            file,
            f"{len(bad)} values are not numeric codes (e.g. {_examples(bad)})",
            f"{column} codes are {width} digits with leading zeros; {REDOWNLOAD}",
            column,
        )
    too_long = codes.str.len() > width
    if too_long.any():
        bad = codes[too_long]
        raise DataFileError(
            file,
            f"{len(bad)} codes are longer than {width} digits (e.g. {_examples(bad)})",
            f"{column} codes are exactly {width} digits; check that columns were not merged",
            column,
        )
    short = codes.str.len() < width
    if short.any():
        notes.append(
            f"{file}: restored leading zeros in {int(short.sum())} '{column}' codes "
            f"(saved as numbers by a spreadsheet?)"
        )
        codes = codes.str.zfill(width)
    frame[column] = codes


def _to_numbers(frame: pd.DataFrame, file: str, column: str, integer: bool = False) -> None:
    values = frame[column]
    if not pd.api.types.is_numeric_dtype(values):
        text = values.astype("string").str.strip()
        numbers = pd.to_numeric(text, errors="coerce")
        bad = text.notna() & (text != "") & numbers.isna()
        if bad.any():
            raise DataFileError(
                file,
                f"{int(bad.sum())} values are not numbers (e.g. {_examples(text[bad])})",
                f"missing values must be written NA or left empty; {REDOWNLOAD}",
                column,
            )
        values = numbers.astype("float64")
    if integer:
        whole = values.dropna()
        if not (whole == whole.round()).all():
            raise DataFileError(
                file,
                f"holds fractions (e.g. {_examples(whole[whole != whole.round()])})",
                "years are whole numbers such as 2023",
                column,
            )
    frame[column] = values


def _to_quality(frame: pd.DataFrame, file: str, column: str, notes: list[str]) -> None:
    values = frame[column]
    present = values.dropna()
    # Checks run on the few distinct values, not on every cell.
    distinct = {v: str(v).strip() for v in pd.unique(present)}
    mapping = {}
    scored = False
    for raw, text in distinct.items():
        if text in QUALITY_LEVELS:
            mapping[raw] = text
            continue
        score = text[:-2] if text.endswith(".0") else text
        if score in QUALITY_SCORES:
            mapping[raw] = QUALITY_SCORES[score]
            scored = True
    bad = [raw for raw in distinct if raw not in mapping]
    if bad:
        count = int(present.isin(bad).sum())
        shown = ", ".join(repr(v) for v in bad[:3])
        raise DataFileError(
            file,
            f"{count} quality flags are not Strong, Marginal or Weak (e.g. {shown})",
            "write each flag as Strong, Marginal, Weak (or 1, 2, 3), and NA where there is none",
            column,
        )
    if scored:
        notes.append(f"{file}: '{column}' used scores 1/2/3; read as Strong/Marginal/Weak")
    if scored or any(raw != text for raw, text in mapping.items()) or values.dtype != object:
        frame[column] = values.map(mapping).astype(object)
    frame[column] = frame[column].where(frame[column].notna(), None)


def _to_text_ratio(frame: pd.DataFrame, file: str, column: str) -> None:
    text = frame[column].astype("string").str.strip()
    ok = text.isna() | text.str.fullmatch(r"\d*\.?\d+:\d*\.?\d+")
    if not ok.all():
        raise DataFileError(
            file,
            f"{int((~ok).sum())} values are not of the form 'a:b' (e.g. {_examples(text[~ok])})",
            f"housing-wealth ratios are text such as '0.412:0.380'; {REDOWNLOAD}",
            column,
        )
    frame[column] = text.astype(object).where(text.notna(), None)


def validate_frame(
    frame: pd.DataFrame, spec: TableSpec, file: str, catalog: Catalog | None = None
) -> TableResult:
    """Check a freshly read table against the official schema and type its columns.

    Raises :class:`DataFileError` naming the file, the column and the fix.
    """
    catalog = catalog or load_catalog()
    notes: list[str] = []
    frame = frame.copy()
    frame.columns = [str(c).strip() for c in frame.columns]
    duplicated_columns = frame.columns[frame.columns.duplicated()]
    if len(duplicated_columns):
        column = duplicated_columns[0]
        raise DataFileError(file, "appears twice in the header", "keep one copy", column)
    for column in spec.required_columns:
        if column not in frame.columns:
            raise DataFileError(
                file,
                "required column is missing",
                f"a {spec.name.replace('_', ' ')} file has the columns "
                f"{', '.join(spec.required_columns)}; {REDOWNLOAD}",
                column,
            )
    for column in ("state", spec.code_column):
        _check_codes(frame, file, column, notes)
    if "year" in frame.columns:
        _to_numbers(frame, file, "year", integer=True)
        if frame["year"].isna().any():
            raise DataFileError(file, "some rows have no year", REDOWNLOAD, "year")
        frame["year"] = frame["year"].astype("int64")
    if "population" in frame.columns:
        _to_numbers(frame, file, "population")

    unknown: list[str] = []
    metric_columns = 0
    for column in frame.columns:
        if column in spec.required_columns or column in KNOWN_EXTRA_COLUMNS:
            continue
        role = catalog.role_of(column)
        if role is None:
            unknown.append(column)
            continue
        variable, kind = role
        metric = catalog[variable]
        if kind == "quality":
            _to_quality(frame, file, column, notes)
        elif kind == "value" and not metric.numeric:
            _to_text_ratio(frame, file, column)
            metric_columns += 1
        else:
            _to_numbers(frame, file, column, integer=(kind == "year"))
            metric_columns += kind == "value"
    if metric_columns == 0:
        raise DataFileError(
            file,
            "holds none of the Mobility Metrics columns (such as share_employed)",
            "check that this is a Mobility Metrics file; " + REDOWNLOAD,
        )
    if unknown:
        notes.append(f"{file}: {len(unknown)} columns not in the catalog, kept as they are")

    keys = list(spec.key_columns)
    duplicated = frame.duplicated(keys, keep=False)
    if duplicated.any():
        first = frame.loc[duplicated, keys].iloc[0].to_dict()
        shown = ", ".join(f"{k}={v}" for k, v in first.items())
        raise DataFileError(
            file,
            f"{int(duplicated.sum())} rows share their key with another row (first: {shown})",
            "each geography appears once per year (and group); remove the repeated rows",
            ", ".join(keys),
        )
    frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    return TableResult(spec, frame, file, notes, unknown)


def _read_csv_exact(path: Path, text_columns: list[str]) -> pd.DataFrame:
    """Read a CSV with exact decimal-to-double conversion and identifier columns as text.

    pandas' default parser may land on a neighbouring double (5,506 income cells of the
    county file differ); Arrow's parser converts exactly and is faster.
    """
    import pyarrow as pa
    from pyarrow import csv

    with open(path, encoding="utf-8", errors="replace") as handle:
        header = next(csv_module.reader([handle.readline()]), [])
    types = {c: pa.string() for c in text_columns if c in header}
    convert = csv.ConvertOptions(
        column_types=types, null_values=["NA", ""], strings_can_be_null=True
    )
    table = csv.read_csv(path, convert_options=convert)
    return table.to_pandas()


def read_table(path: Path, spec: TableSpec | None = None) -> TableResult:
    """Read and validate one official CSV file."""
    import pyarrow as pa

    path = Path(path)
    spec = spec or table_for_file(path.name)
    if spec is None:
        raise DataFileError(
            path.name,
            "is not one of the Mobility Metrics file names",
            "expected a name ending in " + ", ".join(s.default_file_name for s in TABLES.values()),
        )
    text_columns = [c for c in IDENTIFIER_COLUMNS if c != "year"]
    try:
        frame = _read_csv_exact(path, text_columns)
    except pa.ArrowInvalid as exc:
        problem = str(exc).strip().splitlines()[0]
        if "UTF8" in problem or "utf8" in problem.lower():
            raise DataFileError(path.name, "is not UTF-8 text", "save it as UTF-8 CSV") from exc
        raise DataFileError(path.name, f"cannot be read as CSV ({problem})", REDOWNLOAD) from exc
    if frame.shape[1] == 0 or frame.empty:
        raise DataFileError(path.name, "has no rows", REDOWNLOAD)
    return validate_frame(frame, spec, path.name)


def derive_recent(longitudinal: pd.DataFrame, spec: TableSpec, catalog: Catalog) -> pd.DataFrame:
    """Build a "recent" table from a longitudinal one, by Urban's documented rule.

    For each metric, take the latest year in which any geography has a value, and that
    year's value and companions; rows are the geographies of the latest year. A
    geography missing in that year stays missing: no fallback to older years.
    """
    last_year = int(longitudinal["year"].max())
    ids = ["state", spec.code_column, "state_name", spec.name_column, "population"]
    recent = longitudinal.loc[longitudinal["year"] == last_year, ids].reset_index(drop=True)
    key = ["state", spec.code_column]
    for metric in catalog.for_geography(spec.kind):
        if metric.variable not in longitudinal.columns:
            continue
        has_value = longitudinal[metric.variable].notna()
        if not has_value.any():
            continue
        year = int(longitudinal.loc[has_value, "year"].max())
        columns = [metric.variable, *metric.companions().values()]
        columns = [c for c in columns if c in longitudinal.columns]
        rows = longitudinal.loc[longitudinal["year"] == year, key + columns]
        recent = recent.merge(rows, on=key, how="left")
        recent[f"{metric.variable}_year"] = pd.Series(
            year, index=recent.index, dtype="float64"
        ).where(recent[metric.variable].notna())
    return recent


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def discover(folder: Path) -> dict[str, Path]:
    """The official files in ``folder``, by table name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataSourceError(f"data folder '{folder}' does not exist or is not a folder")
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("*.csv")):
        spec = table_for_file(path.name)
        if spec is None:
            continue
        if spec.name in found:
            raise DataSourceError(
                f"data folder '{folder}': both '{found[spec.name].name}' and '{path.name}' "
                f"look like the {spec.name.replace('_', ' ')} file; keep one of them"
            )
        found[spec.name] = path
    if not any(TABLES[name].shape == "longitudinal" for name in found):
        names = ", ".join(s.default_file_name for s in TABLES.values())
        raise DataSourceError(
            f"data folder '{folder}' has no county or city longitudinal file. Expected files "
            f"named like {names} (Urban numbers them, e.g. 11_mobility-metrics_county_"
            "longitudinal.csv); download them from the Urban Institute Data Catalog"
        )
    return found


def source_signature(files: dict[str, Path]) -> dict[str, dict[str, int | str]]:
    """Name, size and modification time of each source file: enough to see a change."""
    signature = {}
    for name, path in files.items():
        stat = path.stat()
        signature[name] = {"file": path.name, "bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    return signature


def _release_label(folder: Path, release: str | None) -> tuple[str, bool, str]:
    """(dataset label, synthetic?, release) from the user's words or the folder's metadata."""
    marker = folder / SAMPLE_MARKER
    if marker.exists():
        info = json.loads(marker.read_text(encoding="utf-8"))
        return info.get("dataset", "Synthetic sample"), True, release or info.get("release", "")
    if release is None:
        upstream = folder / "manifest.json"
        if upstream.exists():
            try:
                meta = json.loads(upstream.read_text(encoding="utf-8"))
                built = meta.get("built", "")
                commit = meta.get("source", {}).get("commit", "")[:7]
                release = f"built {built}" + (f" from commit {commit}" if commit else "")
            except (ValueError, AttributeError):
                release = None
    return "Urban Institute Mobility Metrics", False, release or ""


@dataclass
class ImportReport:
    """What an import found: tables, geographies, years, metrics, notes."""

    folder: Path
    manifest: dict

    def describe(self) -> str:
        m = self.manifest
        lines = [f"{m['dataset']}" + (f" ({m['release']})" if m["release"] else "")]
        if m["synthetic"]:
            lines.append("SYNTHETIC: fictional places and values, for learning and testing only")
        for name, info in m["tables"].items():
            years = info["years"]
            span = f", years {years[0]}-{years[-1]}" if years else ""
            derived = " (derived from the longitudinal file)" if info.get("derived") else ""
            lines.append(
                f"  {name}: {info['rows']:,} rows, {info['geographies']:,} geographies"
                f"{span}, {len(info['metrics'])} metrics{derived}"
            )
        for kind, count in m["geographies"].items():
            lines.append(f"  {kind}: {count:,} in the latest year")
        lines.append(f"  metrics present: {len(m['metrics'])}")
        lines.extend(f"  note: {note}" for note in m["notes"])
        lines.append(f"  stored in {self.folder}")
        # Notes, labels and file names quote what was imported: escape control characters.
        return printable("\n".join(lines))


def import_folder(source: Path, dest: Path, release: str | None = None) -> ImportReport:
    """Validate every official file in ``source`` and store typed Parquet copies in ``dest``.

    The new copy is built in a temporary folder next to ``dest`` and moved into place at
    the end, so an interrupted import never leaves a half-written dataset behind.
    """
    source = Path(source).resolve()
    dest = Path(dest)
    files = discover(source)
    catalog = load_catalog()
    label, synthetic, release = _release_label(source, release)
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        tables: dict[str, dict] = {}
        notes: list[str] = []
        frames: dict[str, pd.DataFrame] = {}
        for name, path in files.items():
            result = read_table(path, TABLES[name])
            frames[name] = result.frame
            notes.extend(printable(note) for note in result.notes)
        for kind in ("county", "place"):
            long_name, recent_name = f"{kind}_longitudinal", f"{kind}_recent"
            if long_name in frames and recent_name not in frames:
                frames[recent_name] = derive_recent(frames[long_name], TABLES[recent_name], catalog)
                notes.append(f"no {recent_name} file: derived it from {long_name}")
        for name, frame in frames.items():
            spec = TABLES[name]
            frame.to_parquet(work / f"{name}.parquet", index=False)
            present = [m.variable for m in catalog if m.is_metric and m.variable in frame.columns]
            years = sorted(int(y) for y in frame["year"].unique()) if "year" in frame else []
            tables[name] = {
                "rows": len(frame),
                "columns": frame.shape[1],
                "geographies": int(frame[["state", spec.code_column]].drop_duplicates().shape[0]),
                "years": years,
                "metrics": present,
                "derived": name not in files,
                "source_file": files[name].name if name in files else None,
            }
        geographies = {}
        for kind in ("county", "place"):
            frame = frames.get(f"{kind}_recent")
            if frame is not None:
                geographies[kind] = len(frame)
        all_years = sorted({y for t in tables.values() for y in t["years"]})
        manifest = {
            "format": MANIFEST_FORMAT,
            "format_version": MANIFEST_VERSION,
            "dataset": label,
            "release": release,
            "synthetic": synthetic,
            "years": [all_years[0], all_years[-1]] if all_years else [],
            "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "source_folder": str(source),
            "source_files": source_signature(files),
            "source_sha256": {name: _sha256(path) for name, path in files.items()},
            "tables": tables,
            "geographies": geographies,
            "metrics": sorted({v for t in tables.values() for v in t["metrics"]}),
            "notes": notes,
        }
        marker = source / SAMPLE_MARKER
        if marker.exists():
            sample = json.loads(marker.read_text(encoding="utf-8"))
            manifest["default_jurisdiction"] = sample.get("default_jurisdiction")
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        _move_into_place(work, dest)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return ImportReport(dest, manifest)


def _move_into_place(work: Path, dest: Path) -> None:
    """Replace ``dest`` with ``work``; if another process got there first, keep theirs."""
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}-old-{os.getpid()}")
        try:
            dest.rename(old)
        except OSError:
            old = None
    try:
        work.rename(dest)
    except OSError:
        if not (dest / MANIFEST).exists():
            raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_manifest(folder: Path) -> dict | None:
    """The import manifest of ``folder``, or None if it is not an imported dataset."""
    path = Path(folder) / MANIFEST
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        return None
    return manifest
