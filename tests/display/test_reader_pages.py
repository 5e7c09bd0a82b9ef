"""Readers' pages say which data they show, not how the person running them found it.

The header of every step names the data and its years. Which build of the files it is
(a date and a commit) and how the folder was chosen ("chosen with --data-dir when the
dashboards were started") help whoever runs the notebooks; on a dashboard, a batch
report, an HTML copy or the MAP they are server talk.
"""

from __future__ import annotations

import nbformat

from workbook.display.pages import EDITORS_CLASS, for_readers
from workbook.session import READ_ONLY_ENV, start

SERVER_TALK = ("--data-dir", "data_dir parameter", "commit", "chosen with")


def header(real_dir, tmp_path, monkeypatch, read_only: bool) -> str:
    if read_only:
        monkeypatch.setenv(READ_ONLY_ENV, "1")
    else:
        monkeypatch.delenv(READ_ONLY_ENV, raising=False)
    session = start(1, "06037", str(real_dir), output_dir=str(tmp_path), show=False)
    return session.header_html()


def test_whoever_runs_the_notebook_is_told_which_files_and_how_they_were_chosen(
    real, real_dir, tmp_path, monkeypatch
):
    page = header(real_dir, tmp_path, monkeypatch, read_only=False)
    assert f'class="{EDITORS_CLASS}"' in page
    assert real.release_text and real.release_text in page
    assert "chosen with the data_dir parameter (--data-dir)" in page
    assert "Urban Institute Mobility Metrics; data years " in page


def test_a_dashboard_names_the_data_and_its_years_only(real_dir, tmp_path, monkeypatch):
    page = header(real_dir, tmp_path, monkeypatch, read_only=True)
    assert "Data: Urban Institute Mobility Metrics; data years " in page
    assert not [words for words in SERVER_TALK if words in page]


def test_an_html_copy_leaves_the_note_for_editors_out(real_dir, tmp_path, monkeypatch):
    page = header(real_dir, tmp_path, monkeypatch, read_only=False)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "start(...)",
            outputs=[nbformat.v4.new_output("display_data", data={"text/html": page})],
        )
    ]
    copy = for_readers(nb).cells[0].outputs[0].data["text/html"]
    assert not [words for words in SERVER_TALK if words in copy]
    assert "Los Angeles County, California" in copy and "data years " in copy
    # Only the note goes: the notebook itself keeps it.
    assert copy == page.replace(page[page.index(" <span class") : page.index("</span>") + 7], "")
    assert EDITORS_CLASS in nb.cells[0].outputs[0].data["text/html"]
