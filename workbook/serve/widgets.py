"""The widgets front end dashboard pages load, kept apart from JupyterLab's.

A dashboard page is Voila's own front end, built on JupyterLab 4.2.5. Two browser-side
pieces it loads from the environment were built for later JupyterLabs and ask for them:
the widgets extension (jupyterlab_widgets 3.0.17, built for 4.6; JupyterLab needs it
for forms: Enter in a text area) and Voila 0.5.13's own widget manager (built for 4.5).
Both still work, but every dashboard printed some twenty "Unsatisfied version 4.2.5 ..."
warnings in the browser's console. The same pieces built for JupyterLab 4.2 (from
jupyterlab_widgets 3.0.13 and Voila 0.5.8; the widget manager's source is unchanged
between them) are installed in a folder of their own and given to Voila before the
environment's; JupyterLab never looks there, and nothing there is imported by Python.
The kernel's ipywidgets 8.1 speaks the same widget protocol to both builds.

``make setup`` (or ``make widgets``, which runs ``python -m workbook.serve.widgets``)
downloads the wheels named in requirements/voila-widgets.txt, hash-checked, and unpacks
only their browser-side files. Without them dashboards still work, with those warnings; ``workbook
serve`` says so when it starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Where each piece sits in the installed folder, and the package that proves it is there.
PIECES = {
    ("share", "jupyter", "labextensions"): "@jupyter-widgets/jupyterlab-manager",
    ("share", "jupyter", "voila", "labextensions"): "@voila-dashboards/widgets-manager8",
}
INSTALL_HINT = "make widgets"
REQUIREMENTS = "requirements/voila-widgets.txt"


def prefix(environment: str | Path | None = None) -> Path:
    """Where the dashboards' widgets front end is installed (pip's --prefix)."""
    return Path(environment or sys.prefix) / "share" / "workbook" / "voila-widgets"


def labextensions(environment: str | Path | None = None) -> list[Path]:
    """Voila's extra labextensions folders, or [] unless every piece is installed."""
    base = prefix(environment)
    folders = [base.joinpath(*parts) for parts in PIECES]
    installed = all(
        (folder / name / "package.json").is_file()
        for folder, name in zip(folders, PIECES.values(), strict=True)
    )
    return folders if installed else []


def install(environment: str | Path | None = None) -> Path:
    """Download the pinned wheels (hash-checked) and unpack their browser-side files.

    Only each wheel's ``share/`` data is unpacked, into ``prefix()``: pip never installs
    them, so the environment's own Voila and jupyterlab_widgets stay as they are.
    """
    import shutil
    import subprocess
    import tempfile
    import zipfile

    from workbook.data.sources import PROJECT_ROOT

    target = prefix(environment)
    with tempfile.TemporaryDirectory(prefix="workbook-widgets-") as folder:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--require-hashes", "--only-binary=:all:", "--dest", folder,
             "--requirement", str(PROJECT_ROOT / REQUIREMENTS)],
            check=True,
        )  # fmt: skip
        staged = Path(folder) / "staged"
        for wheel in sorted(Path(folder).glob("*.whl")):
            with zipfile.ZipFile(wheel) as archive:
                for member in archive.namelist():
                    _, _, inside = member.partition(".data/data/")
                    if ".data/data/share/" not in member or member.endswith("/"):
                        continue
                    path = staged / inside
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(archive.read(member))
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staged, target)
    if not labextensions(environment):
        raise RuntimeError(f"the widgets front end was unpacked to {target} but is incomplete")
    return target


if __name__ == "__main__":
    print(f"Dashboards' widgets front end installed in {install()}")
