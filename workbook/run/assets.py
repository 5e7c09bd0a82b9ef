"""The files every page of a batch shares, written once into ``<output>/assets/``.

Vega, the drawing script, the stylesheet and each kind's distribution histograms are the
same on every page: a page links to them instead of carrying its own copy, so a batch of
thousands stays small, works offline and can be moved. The data dictionary, which the
notebook writes beside each CSV, is written once beside the jurisdictions' folders.
"""

from __future__ import annotations

from pathlib import Path

from workbook.data.dataset import Dataset

ASSETS_DIR = "assets"
DICTIONARY_FILE = "data_dictionary.csv"


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds it (resumed batches keep their assets)."""
    try:
        if path.stat().st_size == len(text.encode("utf-8")) and path.read_text("utf-8") == text:
            return False
    except OSError:
        pass
    path.write_text(text, encoding="utf-8")
    return True


def write_assets(data: Dataset, output_dir: Path, mode: str, kinds: list[str]) -> list[Path]:
    """Files shared by every page, written once per batch folder (rewritten only if changed)."""
    from workbook.run import report

    folder = output_dir / ASSETS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    if mode == "fast":
        files = report.shared_assets(data, kinds)
    else:
        from workbook.display.html import vega_bundle

        files = {report.VEGA_FILE: vega_bundle()}
    files[report.STYLE_FILE] = (report.TEMPLATES / report.STYLE_FILE).read_text("utf-8")
    for name, text in files.items():
        write_if_changed(folder / name, text)
    if mode == "fast":  # the notebook writes it beside each CSV; here once for all
        from workbook.session import start_unattended
        from workbook.steps import use_the_metrics as step2

        session = start_unattended(report.STEP, data)
        dictionary = step2.data_dictionary(session).to_csv(index=False)
        write_if_changed(output_dir / DICTIONARY_FILE, dictionary)
    return [folder / name for name in files]
