"""Where the data comes from, in the documented order, and the cache that makes it fast."""

import os
import shutil

import pytest

from tests.data.test_importer import write
from workbook.data.dataset import open_dataset
from workbook.data.importer import import_folder
from workbook.data.sources import ENV_DATA_DIR, SAMPLE_DIR, cache_dir_for, imported_dir, resolve
from workbook.errors import DataSourceError, ParameterError


@pytest.fixture
def isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("WORKBOOK_HOME", str(home))
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    return home


def make_download(folder):
    folder.mkdir(parents=True)
    write(folder / "county_longitudinal.csv")
    return folder


def test_order_parameter_environment_imported_sample(tmp_path, isolated_home, monkeypatch):
    assert resolve("").origin == "sample" and resolve(None).path == SAMPLE_DIR
    import_folder(make_download(tmp_path / "download"), imported_dir())
    assert resolve(None).origin == "imported"
    env_dir = make_download(tmp_path / "env")
    monkeypatch.setenv(ENV_DATA_DIR, str(env_dir))
    assert resolve(None).path == env_dir and resolve(None).origin == "environment"
    explicit = make_download(tmp_path / "explicit")
    assert resolve(str(explicit)).origin == "parameter"


def test_bad_locations_are_named(tmp_path, isolated_home, monkeypatch):
    with pytest.raises(ParameterError, match="parameter 'data_dir'"):
        resolve(str(tmp_path / "missing"))
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "missing"))
    with pytest.raises(DataSourceError, match=ENV_DATA_DIR):
        resolve(None)


def test_csv_folder_is_cached_and_refreshed_when_a_file_changes(tmp_path, isolated_home):
    download = make_download(tmp_path / "download")
    first = open_dataset(download)
    cache = cache_dir_for(download)
    assert first.folder == cache and (cache / "county_longitudinal.parquet").exists()
    assert open_dataset(download) is first  # same process: no second read
    stamp = (cache / "manifest.json").stat().st_mtime_ns
    open_dataset(download)
    assert (cache / "manifest.json").stat().st_mtime_ns == stamp  # cache re-used
    path = download / "county_longitudinal.csv"
    path.write_text(path.read_text().replace("0.72", "0.75"), encoding="utf-8")
    os.utime(path, ns=(stamp + 10**9, stamp + 10**9))
    refreshed = open_dataset(download)
    assert refreshed.table("county_longitudinal")["share_employed"].max() == 0.75


def test_imported_folder_is_used_directly(tmp_path, isolated_home):
    download = make_download(tmp_path / "download")
    import_folder(download, imported_dir())
    shutil.rmtree(download)  # the import does not depend on the download any more
    data = open_dataset()
    assert data.source.origin == "imported" and data.folder == imported_dir()
    assert len(data.table("county_longitudinal")) == 3


def test_kernels_are_told_only_what_the_user_chose(tmp_path, isolated_home, monkeypatch):
    """An imported folder is not passed on as if the user had given data_dir."""
    from workbook.data.sources import ENV_DATA_GIVEN
    from workbook.run.runner import plan_run
    from workbook.serve.server import serve_command

    shutil.copytree(SAMPLE_DIR, tmp_path / "download")
    import_folder(tmp_path / "download", imported_dir())
    monkeypatch.delenv(ENV_DATA_GIVEN, raising=False)
    run = plan_run("98031", steps="1", output_dir=str(tmp_path / "out"))
    assert run.parameters["data_dir"] == ""  # the kernel finds the import itself
    _, env = serve_command(jurisdiction="98031", port=1, site_dir=tmp_path / "site")
    assert ENV_DATA_DIR not in env and ENV_DATA_GIVEN not in env
    assert resolve(None).explanation.startswith("imported earlier")
    chosen = plan_run("98031", data_dir=str(SAMPLE_DIR), steps="1", output_dir=str(tmp_path))
    assert chosen.parameters["data_dir"] == str(SAMPLE_DIR.resolve())
    assert "data_dir parameter" in resolve(str(SAMPLE_DIR)).explanation
    _, env = serve_command(data_dir=SAMPLE_DIR, port=1, site_dir=tmp_path / "site2")
    monkeypatch.setenv(ENV_DATA_DIR, env[ENV_DATA_DIR])
    monkeypatch.setenv(ENV_DATA_GIVEN, env[ENV_DATA_GIVEN])
    assert "--data-dir when the dashboards were started" in resolve(None).explanation
    monkeypatch.delenv(ENV_DATA_GIVEN)
    assert "environment variable" in resolve(None).explanation


def test_a_dataset_says_how_it_was_chosen_each_time(isolated_home):
    """The same folder opened as a chosen folder and as the default keeps both origins."""
    chosen = open_dataset(SAMPLE_DIR)
    default = open_dataset(None)
    assert chosen.source.origin == "parameter" and default.source.origin == "sample"
    assert open_dataset(None) is default
