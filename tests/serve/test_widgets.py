"""Dashboards load the widgets front end built for Voila's own JupyterLab.

The browser side (no "Unsatisfied version" warning on any dashboard) is checked in
tests/e2e/test_pages.py and tests/e2e/test_place_pages.py; here, what decides it: the
folders Voila is given, and which build of each piece Voila then picks.
"""

from __future__ import annotations

import json
from pathlib import Path

from traitlets.config import Config

from workbook.serve import widgets
from workbook.serve.server import SERVING_DIR

# Voila 0.5.13's page is built on JupyterLab 4.2.5.
VOILA_LAB = (4, 2, 5)


def write_piece(folder: Path, name: str, version: str) -> None:
    package = folder / name / "package.json"
    package.parent.mkdir(parents=True)
    package.write_text(json.dumps({"name": name, "version": version}))


def test_nothing_is_given_to_voila_until_every_piece_is_installed(tmp_path):
    assert widgets.labextensions(tmp_path) == []
    pieces = list(widgets.PIECES.items())
    write_piece(widgets.prefix(tmp_path).joinpath(*pieces[0][0]), pieces[0][1], "5.0.13")
    assert widgets.labextensions(tmp_path) == []  # half installed: Voila keeps its own
    write_piece(widgets.prefix(tmp_path).joinpath(*pieces[1][0]), pieces[1][1], "0.5.8")
    folders = widgets.labextensions(tmp_path)
    assert [f.is_dir() for f in folders] == [True, True]
    assert all(str(f).startswith(str(widgets.prefix(tmp_path))) for f in folders)


def test_the_serving_configuration_puts_the_builds_first():
    config = Config()
    source = (SERVING_DIR / "voila.py").read_text(encoding="utf-8")
    exec(compile(source, "voila.py", "exec"), {"get_config": lambda: config})  # noqa: S102
    given = config.VoilaConfiguration.extra_labextensions_path
    assert given == [str(p) for p in widgets.labextensions()]
    assert given, "the widgets front end is not installed: run `make widgets`"


def test_voila_picks_the_builds_made_for_its_jupyterlab():
    """Of each piece found twice (the environment's and ours), Voila keeps ours, and ours
    asks for no JupyterLab later than the one Voila's page ships."""
    from jupyterlab_server.config import get_federated_extensions
    from voila.utils import get_voila_labextensions_path

    found = get_federated_extensions(get_voila_labextensions_path(widgets.labextensions()))
    for name in widgets.PIECES.values():
        piece = found[name]
        assert Path(piece["ext_path"]).is_relative_to(widgets.prefix()), name
        entry = next((Path(piece["ext_path"]) / "static").glob("remoteEntry.*.js"))
        text = entry.read_text(encoding="utf-8")
        # webpack's share requirements, e.g. "@jupyterlab/rendermime",[1,4,2,4]
        wanted = [tuple(int(n) for n in m.split(",")[1:4])
                  for m in _requirements(text, "@jupyterlab/rendermime")]  # fmt: skip
        assert wanted and all(w <= VOILA_LAB for w in wanted), (name, wanted)


def _requirements(text: str, module: str) -> list[str]:
    import re

    return re.findall(rf'"{re.escape(module)}",(?:!\d,)?\[([\d,]+)\]', text)
