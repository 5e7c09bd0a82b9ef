"""environment.yml and pyproject.toml pin the same stack, and the code stays lint-clean."""

import re
import shutil
import subprocess
import sys
import tomllib

import yaml

from tests.conftest import ROOT


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
    pins = {}
    for requirement in requirements:
        name, version = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", requirement).groups()
        pins[name.lower()] = version
    return pins


# conda-forge names a few Python packages differently from PyPI.
CONDA_NAMES = {"python-graphviz": "graphviz"}


def conda_pins() -> dict[str, str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for item in environment["dependencies"]:
        if isinstance(item, str) and "=" in item:
            name, version = item.split("=", 1)
            pins[CONDA_NAMES.get(name.lower(), name.lower())] = version
    return pins


def test_every_dependency_is_pinned_identically_in_both_files():
    conda = conda_pins()
    conda.pop("python")
    assert pyproject_pins() == conda


def test_installed_versions_are_the_pinned_ones():
    from importlib.metadata import version

    for name, pinned in pyproject_pins().items():
        assert version(name) == pinned, name


def test_code_is_lint_clean():
    ruff = shutil.which("ruff", path=str(ROOT / ".venv" / "bin")) or shutil.which("ruff")
    result = subprocess.run(
        [ruff or sys.executable, "check", "workbook", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
